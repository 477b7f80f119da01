/**
 * The case lifecycle (contract: "Case statuses and which step accepts what"), as data plus pure
 * functions: which request each status accepts, and what applying a recorded human step does.
 * No AWS imports: the API use cases and the workflow tasks share it.
 */
import {
  acceptsStep,
  netRecalculation,
  monthlyItemsDue,
  sumFen,
  monthOfDate,
  addMonthsToMonth,
  CASE_STATUSES,
  type CaseStep,
  type PayableItem,
} from '../../core/index.ts';
import type { CaseRecord, CaseStatus, PaymentRecord, StoredCalculation, TimelineEvent, WorkflowStep } from '../_shared/repositories/cases.ts';

/** Every request that changes a case. */
export type CaseRequest =
  | 'confirmation'
  | 'expenses'
  | 'suspension'
  | 'assessment:initial'
  | 'assessment:reassessment'
  | 'assessment:review'
  | 'dependants'
  | 'approval'
  | 'resubmission'
  | 'assessment-extension';

/** The rules core's step for each request (its `STEPS_ACCEPTED` is the contract's table). */
export const CORE_STEP_OF: Readonly<Record<CaseRequest, CaseStep>> = {
  confirmation: 'confirmation',
  expenses: 'expenses',
  suspension: 'suspension',
  'assessment:initial': 'assessment',
  'assessment:reassessment': 'reassessment',
  'assessment:review': 'review',
  dependants: 'dependants',
  approval: 'approval',
  resubmission: 'resubmission',
  'assessment-extension': 'assessment-extension',
};

const REQUESTS = Object.keys(CORE_STEP_OF) as CaseRequest[];

/** The requests each status accepts, derived from the core's table: a request not listed → 409. */
export const ACCEPTS = Object.fromEntries(
  CASE_STATUSES.map((status) => [status, REQUESTS.filter((r) => acceptsStep(status, CORE_STEP_OF[r]))]),
) as unknown as Readonly<Record<CaseStatus, readonly CaseRequest[]>>;

/** The workflow step a request resumes (requests not listed are applied by the API alone). */
export const STEP_OF: Partial<Record<CaseRequest, WorkflowStep>> = {
  confirmation: 'confirmation',
  'assessment:initial': 'assessment',
  'assessment:reassessment': 'assessment',
  'assessment:review': 'assessment',
  dependants: 'dependants',
  approval: 'approval',
  resubmission: 'resubmission',
};

/** Why a request does not fit, or undefined when it does. */
export const conflictOf = (record: CaseRecord, request: CaseRequest): string | undefined => {
  if (record.pendingStep) return `The case workflow is still applying the ${record.pendingStep} step; retry in a moment.`;
  if (!acceptsStep(record.status, CORE_STEP_OF[request])) return `A case in status ${record.status} does not accept ${request.replace(':', ' of type ')}.`;
  return undefined;
};

/** A case moved to a status, with the index keys that follow (pure). */
export const withStatus = (record: CaseRecord, status: CaseStatus): CaseRecord => ({ ...record, status });

/** The next version of a case: `changes` applied, version + 1. */
export const bump = (record: CaseRecord, changes: Partial<CaseRecord>): CaseRecord => ({ ...record, ...changes, version: record.version + 1 });

/** Drops an optional field (exactOptional-friendly). */
export const without = <K extends keyof CaseRecord>(record: CaseRecord, ...keys: K[]): CaseRecord => {
  const copy: Record<string, unknown> = { ...record };
  for (const k of keys) delete copy[k as string];
  return copy as unknown as CaseRecord;
};

/** Everything already paid on a case, as payable items (for netting, D10). */
export const paidItems = (payments: readonly PaymentRecord[]): PayableItem[] =>
  payments.filter((p) => p.status !== 'FAILED').flatMap((p) => p.items.map(({ item, key, amountFen }) => ({ item, key, amountFen })));

/**
 * What approving `calc` pays (D10): the one-off differences against everything paid before (positive
 * pays, negative recovers) plus the arrears of monthly items for months before `currentMonth` not yet
 * paid. Current and later months are left to the monthly payment runs.
 */
export const approvalPayment = (
  caseId: string,
  calc: StoredCalculation,
  payments: readonly PaymentRecord[],
  currentMonth: string,
  now: string,
): PaymentRecord | undefined => {
  const paid = paidItems(payments);
  const items: (PayableItem & { month?: string })[] = netRecalculation(paid, calc);
  const firstMonth = calc.lines
    .filter((l) => l.monthly && l.fromMonth)
    .map((l) => l.fromMonth!)
    .sort()[0];
  if (firstMonth) {
    const paidKeys = new Map<string, number>();
    for (const p of paid) paidKeys.set(p.key, (paidKeys.get(p.key) ?? 0) + p.amountFen);
    for (let m = firstMonth; m < currentMonth; m = addMonthsToMonth(m, 1)) {
      for (const due of monthlyItemsDue({ lines: calc.lines }, m)) {
        const diff = due.amountFen - (paidKeys.get(due.key) ?? 0);
        if (diff !== 0) items.push({ item: due.item, key: due.key, amountFen: diff, month: m });
      }
    }
  }
  if (items.length === 0) return undefined;
  const key = `APPROVAL#${calc.calculationId}`;
  return {
    paymentId: `${caseId}:${key}`,
    caseId,
    key,
    amountFen: sumFen(items.map((i) => i.amountFen)),
    status: 'PAID',
    items,
    createdAt: now,
    calculationId: calc.calculationId,
  };
};

/** True when a paid case has nothing more to pay in `month` or later and no re-assessment may still come (CLOSED). */
export const closable = (record: CaseRecord, today: string, reassessmentDue: string | undefined): boolean => {
  if (record.status !== 'PAID' || !record.approved) return false;
  const month = monthOfDate(today);
  const running = record.approved.lines.some((l) => l.monthly && (l.untilMonth === undefined || l.untilMonth > month));
  return !running && (reassessmentDue === undefined || today > reassessmentDue);
};

export const event = (at: string, actor: string, action: string, extra: Omit<TimelineEvent, 'at' | 'actor' | 'action'> = {}): TimelineEvent => ({
  at,
  actor,
  action,
  ...extra,
});
