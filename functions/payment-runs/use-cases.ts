/**
 * Starting a month's payment run: the one use case behind POST /v1/payment-runs (handler.ts) and the
 * monthly schedule (scheduled.ts). It creates the run record (conditional put), then starts the
 * `paymentRun` state machine with the run id as execution name.
 *
 * - The API gives each POST a fresh random run id: every POST is a new run (re-running a month pays
 *   nothing twice, because each case-month payment is created once; docs/cases.md).
 * - The schedule passes a deterministic id per month (`scheduledRunId`): a retried or duplicated
 *   delivery finds the record and starts nothing. Only a record still RUNNING gets its start re-issued,
 *   with the same name and input: Step Functions answers that idempotently for a running execution and
 *   with ExecutionAlreadyExists for a finished one, so this only completes a start that an earlier
 *   delivery lost between the record and the execution.
 */
import { randomBytes } from 'node:crypto';
import { addMonthsToMonth, monthOfDate, type PaymentRun, shanghaiDate } from '../../core/index.ts';
import { config } from '../_shared/config.ts';
import { logger } from '../_shared/observability.ts';
import { problem } from '../_shared/problem.ts';
import { paymentRunsRepository, RunExists } from '../_shared/repositories/payment-runs.ts';
import { workflowPort } from '../_shared/repositories/workflow.ts';

/** The run id of a month's scheduled run: one per month, whatever the number of deliveries. */
export const scheduledRunId = (month: string): string => `run-${month}-scheduled`;

/** Who started a scheduled run (`startedBy` of its record; staff runs carry the admin's `sub`). */
export const SCHEDULE_ACTOR = 'schedule';

export interface StartPaymentRunInput {
  /** `YYYY-MM`: the current month (Asia/Shanghai) of `now`, or the next one. */
  readonly month: string;
  readonly startedBy: string;
  /** Deterministic id (the schedule); omitted: a fresh random id (every POST is a new run). */
  readonly runId?: string;
}

export interface StartPaymentRunResult {
  readonly run: PaymentRun;
  /** False when the run record existed already (a duplicate delivery of the schedule). */
  readonly created: boolean;
}

/** A run is for the current month (Asia/Shanghai) of `now` or the next one (422 otherwise). */
const checkRunMonth = (month: string, now: Date): void => {
  const current = monthOfDate(shanghaiDate(now));
  const next = addMonthsToMonth(current, 1);
  if (month !== current && month !== next) {
    throw problem('PAYMENT_RUN_MONTH_NOT_OPEN', {
      detail: `支付批次只能针对本月（${current}）或下月（${next}）。`,
      detailEn: `A payment run is for the current month (${current}) or the next one.`,
      errors: [{ path: 'month', message: `须为 ${current} 或 ${next}。` }],
    });
  }
};

export const startPaymentRun = async (input: StartPaymentRunInput, now: Date = new Date()): Promise<StartPaymentRunResult> => {
  const { month, startedBy } = input;
  checkRunMonth(month, now);
  const runId = input.runId ?? `run-${month}-${randomBytes(6).toString('hex')}`;
  let run: PaymentRun = { runId, month, status: 'RUNNING', payments: 0, totalFen: 0, startedAt: now.toISOString(), startedBy };
  let created = true;
  try {
    await paymentRunsRepository.create(run);
  } catch (error) {
    if (!(error instanceof RunExists)) throw error;
    const existing = await paymentRunsRepository.get(runId);
    if (!existing) throw error; // the condition failed on a record that is gone: nothing sensible to report
    if (existing.month !== month)
      throw problem('PAYMENT_RUN_MONTH_MISMATCH', {
        detail: `支付批次 ${runId} 已用于另一个月份。`,
        detailEn: `Run ${runId} exists for another month.`,
        errors: [{ path: 'month', message: `批次 ${runId} 对应的月份是 ${existing.month}。` }],
      });
    created = false;
    run = existing;
    if (existing.status !== 'RUNNING') {
      logger.info('Payment run exists already; nothing started', { runId, month, status: existing.status });
      return { run: existing, created };
    }
  }
  try {
    // The same name and input on every attempt: a second start of a running execution is a no-op.
    const input = { runId, month, nextToken: null };
    if (!(await workflowPort.start(config.stateMachines.paymentRun, runId, input))) {
      // ExecutionAlreadyExists for a run still RUNNING: its execution ended without finishing the record (its
      // last Tasks failed, e.g. with the database unavailable). A continuation pays what is still owed (each
      // case-month is paid once, and counted into the run only when created) and finishes the record.
      const continuation = `${runId}-continued-${now.getTime()}-${randomBytes(3).toString('hex')}`;
      await workflowPort.start(config.stateMachines.paymentRun, continuation, input);
      logger.warn('Payment run continued: its execution had ended with the run still RUNNING', { runId, month, execution: continuation });
    }
  } catch (error) {
    // A random id is never retried by anyone: its run failed. A deterministic id is retried by its caller
    // (Scheduler/Lambda retries, the local timer): the record stays RUNNING so the retry re-issues the start.
    if (input.runId === undefined) await paymentRunsRepository.finish(runId, 'FAILED', new Date().toISOString(), (error as Error).name);
    throw error;
  }
  logger.info(created ? 'Payment run started' : 'Payment run start re-issued', { runId, month });
  return { run, created };
};
