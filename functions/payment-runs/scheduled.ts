/**
 * Lambda entry point of the monthly payment run (EventBridge Scheduler in AWS, `cron(0 2 1 * ? *)`
 * Asia/Shanghai; a timer in the local runtime). Starts the run of the Shanghai month of the scheduled time
 * under a deterministic run id, so a retried or duplicated delivery starts nothing and pays nothing twice
 * (use-cases.ts `startPaymentRun`).
 *
 * Event: `{ "scheduledTime": "<aws.scheduler.scheduled-time>" }` (the schedule's target input), so a
 * delivery retried hours later still runs the month it was scheduled for; without it, the clock.
 */
import { monthOfDate, shanghaiDate } from '../../core/index.ts';
import { logger } from '../_shared/observability.ts';
import * as z from '../_shared/zod.ts';
import { SCHEDULE_ACTOR, scheduledRunId, startPaymentRun } from './use-cases.ts';

const ScheduledEvent = z.nullish(z.looseObject({ scheduledTime: z.optional(z.iso.datetime({ offset: true })) }));

export interface ScheduledRunResult {
  readonly runId: string;
  readonly month: string;
  readonly status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  /** False: the month's scheduled run existed already (nothing was started). */
  readonly created: boolean;
}

export const handler = async (event?: unknown): Promise<ScheduledRunResult> => {
  const parsed = ScheduledEvent.safeParse(event);
  if (!parsed.success) {
    // Only the schedule invokes this function: a malformed event is a configuration error, not a reason to guess.
    throw new Error(`Invalid scheduled event: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
  }
  const now = parsed.data?.scheduledTime ? new Date(parsed.data.scheduledTime) : new Date();
  const month = monthOfDate(shanghaiDate(now));
  const { run, created } = await startPaymentRun({ month, startedBy: SCHEDULE_ACTOR, runId: scheduledRunId(month) }, now);
  const result: ScheduledRunResult = { runId: run.runId, month, status: run.status, created };
  logger.info('Scheduled payment run', { ...result });
  return result;
};
