/**
 * The schedules: EventBridge Scheduler in AWS (lib/stacks/workflows.ts), timers in the local runtime
 * (local/stepfunctions/timers.ts). Times are local to China (the pilot's statutory calendar); a stage may
 * move them (lib/config/stage.ts starts from these).
 */
import type { WorkflowFunctionName } from './functions.ts';

/** EventBridge Scheduler time zone of every schedule. */
export const SCHEDULE_TIME_ZONE = 'Asia/Shanghai';

export interface ScheduleSpec {
  readonly description: string;
  /** The function the schedule invokes. */
  readonly target: WorkflowFunctionName;
  /** `daily` at hour:minute, or `monthly` on `day` (1–28, so every month has it) at hour:minute. */
  readonly at: { readonly day?: number; readonly hour: number; readonly minute: number };
  /** `hour`: every hour at `at.minute` instead (`at.hour` unused). */
  readonly every?: 'hour';
  /** The event passes the scheduled time (`{"scheduledTime": "<aws.scheduler.scheduled-time>"}`). */
  readonly passesScheduledTime: boolean;
}

export const SCHEDULES = {
  deadlineSweep: {
    description: 'Daily deadline sweep (statutory deadlines D7/D8, closing finished cases)',
    target: 'deadlineSweep',
    at: { hour: 1, minute: 0 },
    passesScheduledTime: false,
  },
  monthClose: {
    description: "Daily month close (D19): every platform's month whose closesOn has passed becomes CLOSED once (idempotent)",
    target: 'monthClose',
    at: { hour: 0, minute: 0 },
    passesScheduledTime: true,
  },
  paymentRun: {
    description: "Monthly payment run: starts the month's run (deterministic run id, idempotent per month)",
    target: 'paymentRunSchedule',
    at: { day: 1, hour: 2, minute: 0 },
    passesScheduledTime: true,
  },
  auditAnchor: {
    description: 'Hourly audit anchor: the head of every audit chain signed (KMS ECDSA P-256) into the object-locked bucket',
    target: 'auditAnchor',
    // Every hour at :17. The anchor's object key is the scheduled hour: a retried invocation writes the same key.
    at: { hour: 0, minute: 17 },
    every: 'hour',
    passesScheduledTime: true,
  },
} as const satisfies Record<string, ScheduleSpec>;
