/**
 * The Task states of statemachines/case-workflow.asl.json and payment-run.asl.json, as thin adapters:
 * load, ask the lifecycle (core/case-lifecycle.ts), store. One Lambda (functions/workflow/handler.ts)
 * dispatches on `action`; locally the same functions are bound to the Task states by local/stepfunctions.
 * Errors are thrown with a `name` the ASL matches: transient ones (CaseVersionConflict, DynamoDB
 * throttling) are retried, everything else goes to the failure path.
 */
import { applyingNeedsBenefits, applyPendingStep, DomainError, monthlyPayment, workflowEnds, workflowFailed } from '../../core/index.ts';
import { loadBenefitInputs } from '../_shared/case-workflow.ts';
import { businessMetrics } from '../_shared/metrics.ts';
import { logger } from '../_shared/observability.ts';
import { caseTasksRepository } from '../_shared/repositories/case-tasks.ts';
import { CaseVersionConflict, casesRepository } from '../_shared/repositories/cases.ts';
import { paymentRunsRepository } from '../_shared/repositories/payment-runs.ts';
import { workflowPort } from '../_shared/repositories/workflow.ts';

class CaseNotFound extends Error {
  override readonly name = 'CaseNotFound';
}

interface ErrorInfo {
  readonly Error?: string;
  readonly Cause?: string;
}

export type WorkflowEvent =
  | { action: 'awaitStep'; caseId: string; taskToken: string }
  | { action: 'applyStep'; caseId: string }
  | { action: 'markFailed'; caseId: string; error?: ErrorInfo }
  | { action: 'escalateTimeout'; caseId: string; error?: ErrorInfo }
  | { action: 'listEntitledPage'; runId: string; month: string; nextToken?: string | null }
  | { action: 'payCaseMonth'; runId: string; month: string; caseId: string }
  | { action: 'recordCasePaymentFailure'; runId: string; month: string; caseId: string; error?: ErrorInfo }
  | { action: 'finishRun'; runId: string }
  | { action: 'markRunFailed'; runId: string; error?: ErrorInfo };

const PAYMENT_RUN_PAGE_SIZE = 25;

const load = async (caseId: string) => {
  const record = await casesRepository.get(caseId);
  if (!record) throw new CaseNotFound(caseId);
  return record;
};

/** Registers the token the workflow now waits on; resumes at once when a step was recorded before the wait began. */
const awaitStep = async (caseId: string, token: string) => {
  await caseTasksRepository.put(caseId, token, new Date().toISOString());
  const record = await load(caseId);
  if (record.pendingStep) await workflowPort.resume(token, { step: record.pendingStep });
  return { waiting: true };
};

/**
 * Applies the recorded step (the lifecycle decides the status, benefits and payment) and tells the
 * workflow whether it is done: `done` comes from the lifecycle's table (the workflow ends in that status).
 */
const applyStep = async (caseId: string) => {
  const bundle = await casesRepository.bundle(caseId);
  if (!bundle) throw new CaseNotFound(caseId);
  const { record, payments, paymentSeq } = bundle;
  const benefits = applyingNeedsBenefits(record) ? await loadBenefitInputs(record) : undefined;
  const outcome = applyPendingStep(record, { now: new Date(), ledger: { seq: paymentSeq, payments }, ...(benefits ? { benefits } : {}) });
  if (!outcome.ok) {
    if (outcome.refusal.code === 'NOTHING_PENDING') return { status: record.status, applied: false, done: workflowEnds(record.status) };
    throw new DomainError(outcome.refusal.cause ?? 'ValidationError', outcome.refusal.message);
  }
  await casesRepository.transition(outcome.record, record.version, outcome.event, {
    ...(outcome.ledger ? { payments: outcome.payments ?? [], ledger: outcome.ledger } : {}),
    clearTask: true,
  });
  if (outcome.ledger) businessMetrics.paymentChangesStored(outcome.payments ?? []);
  return { status: outcome.record.status, applied: true, done: workflowEnds(outcome.record.status) };
};

/** Marks the case's workflow visibly failed (or timed out) with an escalation; retried on a lost race. */
const markWorkflow = async (caseId: string, kind: 'WORKFLOW_FAILED' | 'WORKFLOW_TIMEOUT', error: ErrorInfo | undefined) => {
  for (let attempt = 0; ; attempt++) {
    const record = await load(caseId);
    const failed = workflowFailed(record, kind, error, new Date());
    try {
      await casesRepository.transition(failed.record, record.version, failed.event, { clearTask: true });
      logger.error('Case workflow failed', { caseId, kind, errorName: error?.Error });
      return { marked: kind };
    } catch (e) {
      if (!(e instanceof CaseVersionConflict) || attempt >= 5) throw e;
    }
  }
};

/** Attempts of one case's month before the Task fails (and the ASL's own Retry takes over). */
const LEDGER_ATTEMPTS = 5;

/**
 * Instructs what one case is owed through the run's month (D15: exactly once per case and month whatever
 * the calculation), counted into the run. Stored only if no other instruction (an approval, a life event,
 * another run) came in between: else read again and compute again, which then owes only the rest.
 */
const payCaseMonth = async (runId: string, month: string, caseId: string) => {
  for (let attempt = 0; attempt < LEDGER_ATTEMPTS; attempt++) {
    const bundle = await casesRepository.bundle(caseId);
    if (!bundle) return { paid: 0, amountFen: 0 };
    const now = new Date();
    const payment = monthlyPayment(bundle.record, { seq: bundle.paymentSeq, payments: bundle.payments }, month, runId, now);
    if (!payment) return { paid: 0, amountFen: 0 };
    const event = {
      at: now.toISOString(),
      actor: 'payment-run',
      action: 'payment.instructed',
      runId,
      month,
      after: { paymentId: payment.paymentId, amountFen: payment.amountFen },
    };
    if (await casesRepository.addRunPayment(payment, bundle.paymentSeq, runId, event)) {
      businessMetrics.paymentChangesStored([{ next: payment }]);
      return { paid: 1, amountFen: payment.amountFen };
    }
  }
  throw new CaseVersionConflict(`case ${caseId}: its ledger kept moving during the run`);
};

/** The statuses of cases that may have an approved calculation (D15: runs pay them whatever their status). */
const ENTITLED_STATUSES = ['APPROVED', 'PAID', 'AWAITING_APPROVAL', 'RETURNED'] as const;

/** One page of case ids to pay, over the entitled statuses in turn; the token carries which status and where. */
const listEntitledPage = async (nextToken: string | null | undefined) => {
  const at = nextToken ? (JSON.parse(Buffer.from(nextToken, 'base64url').toString('utf8')) as { s: number; t?: string }) : { s: 0 };
  const page = await casesRepository.idsByStatus(ENTITLED_STATUSES[at.s]!, at.t, PAYMENT_RUN_PAGE_SIZE);
  const next = page.nextToken ? { s: at.s, t: page.nextToken } : at.s + 1 < ENTITLED_STATUSES.length ? { s: at.s + 1 } : undefined;
  return { caseIds: page.caseIds, nextToken: next ? Buffer.from(JSON.stringify(next)).toString('base64url') : null };
};

export const runAction = async (e: WorkflowEvent): Promise<Record<string, unknown>> => {
  switch (e.action) {
    case 'awaitStep':
      return awaitStep(e.caseId, e.taskToken);
    case 'applyStep':
      return applyStep(e.caseId);
    case 'markFailed':
      return markWorkflow(e.caseId, 'WORKFLOW_FAILED', e.error);
    case 'escalateTimeout':
      return markWorkflow(e.caseId, 'WORKFLOW_TIMEOUT', e.error);
    case 'listEntitledPage':
      return listEntitledPage(e.nextToken);
    case 'payCaseMonth':
      return payCaseMonth(e.runId, e.month, e.caseId);
    case 'recordCasePaymentFailure':
      logger.error('Payment run: case not paid', { runId: e.runId, caseId: e.caseId, errorName: e.error?.Error });
      return { failed: e.caseId };
    case 'finishRun':
      await paymentRunsRepository.finish(e.runId, 'SUCCEEDED', new Date().toISOString());
      return { status: 'SUCCEEDED' };
    case 'markRunFailed':
      await paymentRunsRepository.finish(e.runId, 'FAILED', new Date().toISOString(), e.error?.Error ?? 'Failed');
      return { status: 'FAILED' };
  }
};
