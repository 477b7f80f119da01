/**
 * Timers standing in for the EventBridge Scheduler schedules of manifest/schedules.ts: the daily deadline
 * sweep, the month close (D19; idempotent, so every tick runs it), and the monthly payment run (at start-up and on every tick, once the Shanghai date is on or after
 * the configured day, the same scheduled handler starts the month's run if it does not exist yet, or
 * re-issues the start of a run left RUNNING without an execution in this process, e.g. after a restart).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { shanghaiDate } from '../../core/index.ts';
import { SCHEDULES } from '../../manifest/schedules.ts';
import { REPO_ROOT, runAs } from '../lambda.ts';
import type { Runner } from './runner.ts';

/** Default day of month of the local payment-run timer: the manifest's schedule. */
const LOCAL_PAYMENT_RUN_DAY: number = SCHEDULES.paymentRun.at.day;

/** What the scheduled payment-run handler returns (functions/payment-runs/scheduled.ts). */
interface ScheduledPaymentRun {
  readonly runId: string;
  readonly month: string;
  readonly status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  readonly created: boolean;
}

/** What the scheduled month close returns (functions/declarations/scheduled.ts). */
interface MonthCloseResult {
  readonly months: string[];
  readonly closed: number;
  readonly already: number;
  readonly failed: number;
}

/** The months of a one-off month-close backfill (functions/declarations/scheduled.ts). */
interface Backfill {
  readonly from: string;
  readonly to?: string;
}

type SweepCounts = { escalated: number; closed: number; resignalled: number; started: number; restarted: number };

/** Imports a module of functions/ at run time (after the app has set the handlers' env). */
const importFunctionsModule = <T>(path: string): Promise<T> => import(pathToFileURL(join(REPO_ROOT, path)).href) as Promise<T>;

export interface TimerOptions {
  /** Period of both timers; 0 disables them, also the payment-run check at start-up. */
  readonly periodMs: number;
  /** Day of month (Asia/Shanghai) from which the timer starts the month's scheduled payment run. */
  readonly paymentRunDay?: number;
  readonly log: (message: string, data?: Record<string, unknown>) => void;
}

export type Schedules = ReturnType<typeof localSchedules>;

export function localSchedules(runner: Runner, options: TimerOptions) {
  const { log, periodMs } = options;
  const paymentRunDay = options.paymentRunDay ?? LOCAL_PAYMENT_RUN_DAY;
  if (!Number.isInteger(paymentRunDay) || paymentRunDay < 1 || paymentRunDay > 28) throw new RangeError(`paymentRunDay must be 1–28, got ${paymentRunDay}`);
  let sweepTimer: NodeJS.Timeout | undefined;
  let paymentRunTimer: NodeJS.Timeout | undefined;

  const sweepNow = async (asOf = new Date()): Promise<SweepCounts> => {
    const { sweepDeadlines } = await importFunctionsModule<typeof import('../../functions/workflow/deadline-sweep.ts')>('functions/workflow/deadline-sweep.ts');
    return runAs(SCHEDULES.deadlineSweep.target, () => sweepDeadlines(asOf));
  };

  const runScheduledPaymentRun = async (asOf = new Date()): Promise<ScheduledPaymentRun> => {
    const handler = await runner.lambda(SCHEDULES.paymentRun.target);
    return (await handler({ scheduledTime: asOf.toISOString() })) as unknown as ScheduledPaymentRun;
  };

  /**
   * The daily month close (D19) as EventBridge Scheduler would invoke it: idempotent, so every tick may run
   * it. With `backfill`, the operator's one-off invocation closing older months (docs/settlement.md).
   */
  const monthCloseNow = async (asOf = new Date(), backfill?: Backfill): Promise<MonthCloseResult> => {
    const handler = await runner.lambda(SCHEDULES.monthClose.target);
    return (await handler({ scheduledTime: asOf.toISOString(), ...(backfill ? { backfill } : {}) })) as unknown as MonthCloseResult;
  };

  /** The audit anchor as the hourly schedule would invoke it (needs the local S3: its anchor bucket). */
  const auditAnchorNow = async (asOf = new Date()): Promise<unknown> => {
    const handler = await runner.lambda(SCHEDULES.auditAnchor.target);
    return handler({ scheduledTime: asOf.toISOString() });
  };

  const paymentRunTick = async (asOf = new Date()): Promise<ScheduledPaymentRun | undefined> => {
    const today = shanghaiDate(asOf);
    if (Number(today.slice(8, 10)) < paymentRunDay) return undefined;
    const [{ paymentRunsRepository }, { scheduledRunId }] = await Promise.all([
      importFunctionsModule<typeof import('../../functions/_shared/repositories/payment-runs.ts')>('functions/_shared/repositories/payment-runs.ts'),
      importFunctionsModule<typeof import('../../functions/payment-runs/use-cases.ts')>('functions/payment-runs/use-cases.ts'),
    ]);
    const runId = scheduledRunId(today.slice(0, 7));
    const run = await paymentRunsRepository.get(runId);
    if (run && (run.status !== 'RUNNING' || runner.describe(runner.executionArn('paymentRun', runId))?.status === 'RUNNING')) return undefined;
    const result = await runScheduledPaymentRun(asOf);
    log('scheduled payment run', { runId: result.runId, created: result.created });
    return result;
  };

  const tick = () => {
    if (runner.stopped) return;
    paymentRunTick().catch((error: Error) => log('scheduled payment run failed', { error: error.name, message: error.message }));
    monthCloseNow().catch((error: Error) => log('month close failed', { error: error.name, message: error.message }));
    // Anchors only where the local S3 runs (it holds the anchor bucket); each tick re-anchors the current hour.
    if (process.env.AUDIT_ANCHOR_BUCKET) auditAnchorNow().catch((error: Error) => log('audit anchor failed', { error: error.name, message: error.message }));
  };

  return {
    sweepNow,
    monthCloseNow,
    auditAnchorNow,
    runScheduledPaymentRun,
    paymentRunTick,
    /** Starts both timers; the first payment-run check runs once `firstCheckAfter` settles (the rebuild). */
    start(firstCheckAfter: Promise<unknown>) {
      if (periodMs <= 0) return;
      void firstCheckAfter.then(tick);
      sweepTimer = setInterval(() => {
        sweepNow().catch((error: Error) => log('deadline sweep failed', { error: error.message }));
      }, periodMs);
      sweepTimer.unref();
      paymentRunTimer = setInterval(tick, periodMs);
      paymentRunTimer.unref();
    },
    stop() {
      if (sweepTimer) clearInterval(sweepTimer);
      if (paymentRunTimer) clearInterval(paymentRunTimer);
    },
  };
}
