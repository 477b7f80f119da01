/**
 * Lambda entry point of the Task states of the case workflow and the payment run (one function,
 * dispatching on `action`). Invoked by Step Functions with `lambda:invoke` (Payload = the event);
 * errors propagate with their `name`, which the ASL's Retry and Catch match.
 */
import { logger } from '../_shared/observability.ts';
import { initPii } from '../_shared/pii.ts';
import * as z from '../_shared/zod.ts';
import { runAction, type WorkflowEvent } from './actions.ts';

const Base = z.looseObject({ action: z.string().check(z.minLength(1)) });

export class InvalidWorkflowEvent extends Error {
  override readonly name = 'InvalidWorkflowEvent';
}

export const handler = async (event: unknown): Promise<Record<string, unknown>> => {
  const parsed = Base.safeParse(event);
  if (!parsed.success) throw new InvalidWorkflowEvent('Workflow event without an action');
  const e = parsed.data as unknown as WorkflowEvent;
  logger.appendKeys({ action: e.action, ...('caseId' in e ? { caseId: e.caseId } : {}), ...('runId' in e ? { runId: e.runId } : {}) });
  try {
    // The dependants' birth dates and names are stored encrypted: the keys before any case is read.
    await initPii();
    return await runAction(e);
  } finally {
    logger.resetKeys();
  }
};
