/**
 * Lambda entry point of the Task states of the case workflow and the payment run (one function,
 * dispatching on `action`). Invoked by Step Functions with `lambda:invoke` (Payload = the event);
 * errors propagate with their `name`, which the ASL's Retry and Catch match.
 */
import { z } from 'zod';
import { logger } from '../_shared/observability.ts';
import { runAction, type WorkflowEvent } from './actions.ts';

const Base = z.object({ action: z.string().min(1) }).passthrough();

export class InvalidWorkflowEvent extends Error {
  override readonly name = 'InvalidWorkflowEvent';
}

export const handler = async (event: unknown): Promise<Record<string, unknown>> => {
  const parsed = Base.safeParse(event);
  if (!parsed.success) throw new InvalidWorkflowEvent('Workflow event without an action');
  const e = parsed.data as unknown as WorkflowEvent;
  logger.appendKeys({ action: e.action, ...('caseId' in e ? { caseId: e.caseId } : {}), ...('runId' in e ? { runId: e.runId } : {}) });
  try {
    return await runAction(e);
  } finally {
    logger.resetKeys();
  }
};
