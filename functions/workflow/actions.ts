/**
 * The Task states of statemachines/case-workflow.asl.json and payment-run.asl.json. One Lambda
 * (functions/workflow/handler.ts) dispatches on `action`; locally the same functions are bound to the
 * Task states by local/stepfunctions. Errors are thrown with a `name` the ASL matches: transient ones
 * (CaseVersionConflict, DynamoDB throttling) are retried, everything else goes to the failure path.
 */
import { monthOfDate, netMonth, shanghaiDate, reassessmentRequestDue } from '../../core/index.ts';
import { logger } from '../_shared/observability.ts';
import { calendarsRepository } from '../_shared/repositories/calendars.ts';
import {
  casesRepository,
  CaseVersionConflict,
  type CaseRecord,
  type CaseStatus,
  type PaymentRecord,
  type WorkflowStep,
} from '../_shared/repositories/cases.ts';
import { workflowPort } from '../_shared/repositories/workflow.ts';
import { calculateFor } from '../cases/benefits.ts';
import { approvalPayment, bump, closable, event, paidItems, without } from '../cases/model.ts';
import { CASE_WORKFLOW_NAME, signal } from '../cases/use-cases.ts';
import { config } from '../_shared/config.ts';
import { deadlinesOf, missedDeadlines } from '../cases/view.ts';

export class CaseNotFound extends Error {
  override readonly name = 'CaseNotFound';
}

export interface ErrorInfo {
  readonly Error?: string;
  readonly Cause?: string;
}

export type WorkflowEvent =
  | { action: 'awaitStep'; caseId: string; step: WorkflowStep; taskToken: string }
  | { action: 'applyStep'; caseId: string; step: WorkflowStep }
  | { action: 'markFailed'; caseId: string; error?: ErrorInfo }
  | { action: 'escalateTimeout'; caseId: string; error?: ErrorInfo }
  | { action: 'listEntitledPage'; runId: string; month: string; nextToken?: string | null }
  | { action: 'payCaseMonth'; runId: string; month: string; caseId: string }
  | { action: 'recordCasePaymentFailure'; runId: string; month: string; caseId: string; error?: ErrorInfo }
  | { action: 'finishRun'; runId: string }
  | { action: 'markRunFailed'; runId: string; error?: ErrorInfo };

export const PAYMENT_RUN_PAGE_SIZE = 25;

const load = async (caseId: string): Promise<CaseRecord> => {
  const record = await casesRepository.get(caseId);
  if (!record) throw new CaseNotFound(caseId);
  return record;
};

/** Registers the token the workflow now waits on; resumes at once if the step was recorded before the wait began. */
const awaitStep = async (caseId: string, step: WorkflowStep, token: string) => {
  await casesRepository.putTask(caseId, step, token, new Date().toISOString());
  const record = await load(caseId);
  if (record.pendingStep === step) await workflowPort.resume(token, { step });
  return { waiting: step };
};

/** Applies a recorded human step: the status change, benefits and payment it implies (contract table). */
const applyStep = async (caseId: string, step: WorkflowStep) => {
  const bundle = await casesRepository.bundle(caseId);
  if (!bundle) throw new CaseNotFound(caseId);
  const record = bundle.record;
  if (record.pendingStep !== step) return { status: record.status, applied: false };
  const now = new Date();
  const at = now.toISOString();
  const today = shanghaiDate(now);
  let status: CaseStatus;
  let changes: Partial<CaseRecord> = {};
  let payment: PaymentRecord | undefined;
  const calculate = async () => ({ benefits: await calculateFor(record, at) });
  switch (step) {
    case 'confirmation': {
      const c = record.confirmation!;
      if (c.outcome === 'NOT_CONFIRMED') status = 'NOT_CONFIRMED';
      else if (record.kind === 'death') status = 'AWAITING_DEPENDANTS';
      else if (c.assessmentRequired) {
        status = 'AWAITING_ASSESSMENT';
        changes = { assessmentEnteredOn: today };
      } else {
        status = 'AWAITING_APPROVAL';
        changes = await calculate();
      }
      break;
    }
    case 'assessment':
    case 'dependants':
    case 'resubmission':
      status = 'AWAITING_APPROVAL';
      changes = await calculate();
      break;
    case 'approval':
      if (record.approval?.decision === 'return') status = 'RETURNED';
      else {
        status = 'PAID';
        changes = { approved: record.benefits! };
        payment = approvalPayment(caseId, record.benefits!, bundle.payments, monthOfDate(today), at);
      }
      break;
  }
  const next = without(bump(record, { ...changes, status }), 'pendingStep');
  await casesRepository.transition(
    next,
    record.version,
    event(at, 'workflow', 'status.changed', {
      step,
      before: { status: record.status },
      after: {
        status,
        ...(changes.benefits ? { oneOffTotalFen: changes.benefits.oneOffTotalFen, monthlyTotalFen: changes.benefits.monthlyTotalFen } : {}),
        ...(payment ? { paymentId: payment.paymentId, paidFen: payment.amountFen } : {}),
      },
    }),
    { ...(payment ? { payment } : {}), clearTask: true },
  );
  return { status, applied: true };
};

/** Marks the case's workflow visibly failed (or timed out) with an escalation; retried on a lost race. */
const markWorkflow = async (caseId: string, kind: 'WORKFLOW_FAILED' | 'WORKFLOW_TIMEOUT', error: ErrorInfo | undefined) => {
  for (let attempt = 0; ; attempt++) {
    const record = await load(caseId);
    const at = new Date().toISOString();
    const next = without(
      bump(record, {
        workflow: { ...record.workflow, status: 'FAILED', error: error?.Error ?? kind },
        escalations: [...record.escalations, { kind, recordedAt: at, detail: `${error?.Error ?? ''}: ${String(error?.Cause ?? '').slice(0, 500)}` }],
      }),
      'pendingStep',
    );
    try {
      await casesRepository.transition(
        next,
        record.version,
        event(at, 'workflow', kind === 'WORKFLOW_FAILED' ? 'workflow.failed' : 'workflow.timed_out', { after: { error: error?.Error } }),
        { clearTask: true },
      );
      logger.error('Case workflow failed', { caseId, kind, errorName: error?.Error });
      return { marked: kind };
    } catch (e) {
      if (!(e instanceof CaseVersionConflict) || attempt >= 5) throw e;
    }
  }
};

const payCaseMonth = async (runId: string, month: string, caseId: string) => {
  const bundle = await casesRepository.bundle(caseId);
  if (!bundle?.record.approved) return { paid: 0, amountFen: 0 };
  const calc = bundle.record.approved;
  const items = netMonth(paidItems(bundle.payments), { lines: calc.lines }, month);
  if (items.length === 0) return { paid: 0, amountFen: 0 };
  const key = `MONTHLY#${month}#${calc.calculationId}`;
  const amountFen = items.reduce((s, i) => s + i.amountFen, 0);
  const at = new Date().toISOString();
  const payment: PaymentRecord = {
    paymentId: `${caseId}:${key}`,
    caseId,
    key,
    amountFen,
    status: 'PAID',
    items: items.map((i) => ({ ...i, month })),
    createdAt: at,
    runId,
    calculationId: calc.calculationId,
  };
  const created = await casesRepository.addRunPayment(
    payment,
    runId,
    event(at, 'payment-run', 'payment.monthly', { runId, month, after: { paymentId: payment.paymentId, amountFen } }),
  );
  return created ? { paid: 1, amountFen } : { paid: 0, amountFen: 0 };
};

export const runAction = async (e: WorkflowEvent): Promise<Record<string, unknown>> => {
  switch (e.action) {
    case 'awaitStep':
      return awaitStep(e.caseId, e.step, e.taskToken);
    case 'applyStep':
      return applyStep(e.caseId, e.step);
    case 'markFailed':
      return markWorkflow(e.caseId, 'WORKFLOW_FAILED', e.error);
    case 'escalateTimeout':
      return markWorkflow(e.caseId, 'WORKFLOW_TIMEOUT', e.error);
    case 'listEntitledPage': {
      const page = await casesRepository.idsByStatus('PAID', e.nextToken ?? undefined, PAYMENT_RUN_PAGE_SIZE);
      return { caseIds: page.caseIds, nextToken: page.nextToken ?? null };
    }
    case 'payCaseMonth':
      return payCaseMonth(e.runId, e.month, e.caseId);
    case 'recordCasePaymentFailure':
      logger.error('Payment run: case not paid', { runId: e.runId, caseId: e.caseId, errorName: e.error?.Error });
      return { failed: e.caseId };
    case 'finishRun':
      await casesRepository.finishRun(e.runId, 'SUCCEEDED', new Date().toISOString());
      return { status: 'SUCCEEDED' };
    case 'markRunFailed':
      await casesRepository.finishRun(e.runId, 'FAILED', new Date().toISOString(), e.error?.Error ?? 'Failed');
      return { status: 'FAILED' };
  }
};

/**
 * How long a recorded step may stay unapplied with no execution waiting for it before the sweep takes its
 * execution for lost. Longer than any Apply Task with its retries, so a live execution between the signal
 * and the commit of its Apply is never doubled (a second execution would wait twice and time out falsely).
 */
export const LOST_STEP_AFTER_MS = 15 * 60_000;

const STATE_OF_STEP: Readonly<Record<WorkflowStep, string>> = {
  confirmation: 'Apply Confirmation',
  assessment: 'Apply Assessment',
  dependants: 'Apply Dependants',
  approval: 'Apply Approval',
  resubmission: 'Apply Resubmission',
};

/**
 * A recorded step that no execution took (its execution was lost: a Task failed after its retries and so did
 * Mark Failed, e.g. with the database unavailable; or the execution never reached its wait) and that has
 * waited LOST_STEP_AFTER_MS: the sweep records `workflow.restarted` (conditional on the version, so one
 * sweep wins) and starts a new execution at the step's Apply state, named after that version (at most once).
 */
const restartLostStep = async (record: CaseRecord, now: Date): Promise<boolean> => {
  const step = record.pendingStep!;
  const recordedAt = await casesRepository.transitionAt(record.caseId, record.version);
  if (recordedAt !== undefined && now.getTime() - Date.parse(recordedAt) < LOST_STEP_AFTER_MS) return false;
  const executionName = `${CASE_WORKFLOW_NAME(record.caseId)}-r${record.version + 1}`;
  const at = now.toISOString();
  try {
    await casesRepository.transition(
      bump(record, { workflow: { status: 'RUNNING', executionName } }),
      record.version,
      event(at, 'deadline-sweep', 'workflow.restarted', {
        step,
        before: { workflow: record.workflow.executionName ?? null },
        after: { workflow: executionName, resumeAt: STATE_OF_STEP[step] },
      }),
    );
  } catch (error) {
    if (error instanceof CaseVersionConflict) return false; // changed meanwhile (applied, or another sweep): the next sweep sees it
    throw error;
  }
  try {
    await workflowPort.start(config.stateMachines.caseWorkflow, executionName, { caseId: record.caseId, resumeAt: STATE_OF_STEP[step] });
  } catch (error) {
    // Recorded as restarted but not started: the step stays pending and the sweep after LOST_STEP_AFTER_MS tries again.
    logger.error('Sweep could not restart a case workflow', { caseId: record.caseId, step, errorName: (error as Error).name });
    return false;
  }
  logger.warn('Case workflow restarted at a recorded step no execution took', { caseId: record.caseId, step, executionName });
  return true;
};

/**
 * The deadline sweep (EventBridge Scheduler in AWS, a timer locally): records an escalation for every
 * missed statutory deadline (D7 confirmation, D8 assessment) once, and closes paid cases with nothing
 * more to pay once the re-assessment window has passed.
 */
export const sweepDeadlines = async (
  now: Date = new Date(),
): Promise<{ escalated: number; closed: number; resignalled: number; started: number; restarted: number }> => {
  const today = shanghaiDate(now);
  const calendar = await calendarsRepository.calendar();
  let escalated = 0;
  let closed = 0;
  let resignalled = 0;
  let started = 0;
  let restarted = 0;
  for (const status of ['UNDER_REVIEW', 'AWAITING_ASSESSMENT', 'AWAITING_DEPENDANTS', 'AWAITING_APPROVAL', 'RETURNED', 'PAID', 'CLOSED'] as const) {
    let token: string | undefined;
    do {
      const page = await casesRepository.idsByStatus(status, token, 100);
      token = page.nextToken;
      for (const caseId of page.caseIds) {
        const record = await casesRepository.get(caseId);
        if (!record || record.status !== status) continue;
        // A step recorded but never signalled (SendTaskSuccess failed): signal again; a second signal is harmless.
        if (record.pendingStep) {
          resignalled++;
          if (!(await signal(record, record.pendingStep)) && (await restartLostStep(record, now))) restarted++;
          continue;
        }
        // A case whose workflow could not be started: start it now (deterministic name: at most once).
        if (record.workflow.status === 'NOT_STARTED' && record.status === 'UNDER_REVIEW') {
          try {
            await workflowPort.start(config.stateMachines.caseWorkflow, CASE_WORKFLOW_NAME(caseId), { caseId });
            const at = now.toISOString();
            await casesRepository.transition(
              bump(record, { workflow: { status: 'RUNNING', executionName: CASE_WORKFLOW_NAME(caseId) } }),
              record.version,
              event(at, 'deadline-sweep', 'workflow.started', { before: { workflow: 'NOT_STARTED' }, after: { workflow: 'RUNNING' } }),
            );
            started++;
          } catch (error) {
            logger.error('Sweep could not start a case workflow', { caseId, errorName: (error as Error).name });
          }
          continue;
        }
        const deadlines = deadlinesOf(record, calendar, today);
        const known = new Set(record.escalations.map((x) => x.kind));
        const missed = missedDeadlines(record, deadlines, today).filter((m) => !known.has(m.kind));
        const last = record.assessments.at(-1);
        const close = closable(record, today, last ? reassessmentRequestDue(last.concludedOn, calendar).date : undefined);
        if (missed.length === 0 && !close) continue;
        const at = now.toISOString();
        const next = bump(record, {
          escalations: [...record.escalations, ...missed.map((m) => ({ ...m, recordedAt: at }))],
          ...(close ? { status: 'CLOSED' as const } : {}),
        });
        try {
          await casesRepository.transition(
            next,
            record.version,
            close
              ? event(at, 'deadline-sweep', 'case.closed', { before: { status: 'PAID' }, after: { status: 'CLOSED' } })
              : event(at, 'deadline-sweep', 'deadline.missed', { after: { escalations: missed.map((m) => m.kind) } }),
          );
          escalated += missed.length;
          if (close) closed++;
        } catch (error) {
          if (!(error instanceof CaseVersionConflict)) throw error; // changed meanwhile: the next sweep sees it
        }
      }
    } while (token);
  }
  return { escalated, closed, resignalled, started, restarted };
};
