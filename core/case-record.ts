/**
 * The case aggregate and the records around it (contract: "Injury reports and cases"), as plain types.
 * The storage adapter (functions/_shared/repositories) persists them as they are; the lifecycle
 * (core/case-lifecycle.ts) is the only code that decides how a record changes.
 */
import type { BenefitCalculation, DependantInput, ExpenseItem, PayableItem } from './benefits.ts';
import type { CoverageResult } from './coverage.ts';
import type { AssessmentType } from './deadlines.ts';
import type { DocumentWaiver } from './document-types.ts';
import type { ApplicantType } from './rule-tables.ts';

export const CASE_STATUSES = [
  'UNDER_REVIEW',
  'NOT_CONFIRMED',
  'AWAITING_ASSESSMENT',
  'AWAITING_DEPENDANTS',
  'AWAITING_APPROVAL',
  'RETURNED',
  'APPROVED',
  'PAID',
  'CLOSED',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export interface OrderSnapshot {
  readonly orderId: string;
  readonly province: string;
  readonly industry: string;
  readonly acceptedAt: string;
  readonly finishedAt?: string;
}

export interface InjuryReport {
  readonly reportId: string;
  readonly platformId: string;
  readonly workerId?: string;
  readonly platformWorkerId?: string;
  readonly occurredAt: string;
  readonly injuryDate: string;
  readonly province: string;
  readonly place: string;
  readonly description: string;
  readonly orderId?: string;
  readonly coverage: CoverageResult;
  readonly orders: readonly OrderSnapshot[];
  readonly reportedBy: string;
  readonly reportedAt: string;
  readonly caseId?: string;
}

/** One entry of a case's timeline: who did what, with the values before and after. */
export interface TimelineEvent {
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly before?: Record<string, unknown>;
  readonly after?: Record<string, unknown>;
  readonly [extra: string]: unknown;
}

export interface Escalation {
  readonly kind: string;
  readonly recordedAt: string;
  readonly due?: string;
  readonly detail?: string;
}

export interface RecordedExpense extends ExpenseItem {
  readonly recordedBy: string;
  readonly recordedAt: string;
}

export interface Confirmation {
  readonly outcome: 'CONFIRMED' | 'DEEMED' | 'NOT_CONFIRMED';
  readonly basis: string;
  readonly reasons?: readonly string[];
  readonly assessmentRequired: boolean;
  readonly recordedBy: string;
  readonly recordedAt: string;
}

export interface Assessment {
  readonly type: AssessmentType;
  readonly grade: number | null;
  readonly nursing: 'FULL' | 'MAJOR' | 'PARTIAL' | null;
  readonly concludedOn: string;
  readonly recordedBy: string;
  readonly recordedAt: string;
}

export interface StoredCalculation extends BenefitCalculation {
  readonly calculationId: string;
  readonly calculatedAt: string;
}

export interface Suspension {
  readonly from: string;
  readonly to?: string;
  readonly reason: string;
}

export interface WorkflowState {
  readonly status: 'RUNNING' | 'FAILED' | 'NOT_STARTED';
  readonly executionName?: string;
  readonly error?: string;
}

export interface CaseRecord {
  readonly caseId: string;
  readonly reportId: string;
  readonly status: CaseStatus;
  readonly kind: 'injury' | 'death';
  readonly workerId?: string;
  readonly platformId: string;
  readonly province: string;
  readonly occurredAt: string;
  readonly injuryDate: string;
  readonly applicant: { readonly type: ApplicantType; readonly name?: string };
  /**
   * D14: the beneficiary's bank account, encrypted by the adapter before the record is built (the core never
   * sees the name or the account). Absent on a death case opened by a platform or union until a handler sets it.
   */
  readonly payee?: Payee;
  /** D14: a payee change on a case with payments, waiting for a reviewer who is not a maker to confirm it. */
  readonly pendingPayee?: PendingPayee;
  /** D16: the date of death of a death case (RFC 3339; N and the dependants' first month follow it). */
  readonly diedAt?: string;
  readonly late: boolean;
  readonly lateExplanation?: string;
  readonly coverage: CoverageResult;
  readonly openedAt: string;
  readonly openedOn: string;
  readonly openedBy: string;
  readonly suspensions: readonly Suspension[];
  readonly assessmentEnteredOn?: string;
  /** D8: the assessment conclusion deadline extended (+30 days), once, by an assessor. */
  readonly assessmentExtension?: { readonly on: string; readonly by: string; readonly reason: string };
  readonly confirmation?: Confirmation;
  readonly expenses: readonly RecordedExpense[];
  readonly inpatientDays: number;
  readonly assessments: readonly Assessment[];
  readonly dependants?: readonly DependantInput[];
  readonly benefits?: StoredCalculation;
  /** The calculation the last approval paid; monthly payment runs pay its monthly lines. */
  readonly approved?: StoredCalculation;
  readonly approval?: { readonly decision: 'approve' | 'return'; readonly comment?: string; readonly reviewer: string; readonly at: string };
  /** A human step recorded by the API and not yet applied by the workflow (other steps are refused meanwhile). */
  readonly pendingStep?: WorkflowStep;
  readonly escalations: readonly Escalation[];
  /** D13: documents are required for cases opened since documents exist (absent on older cases: none required). */
  readonly documentsRequired?: boolean;
  /** D13: required types a handler waived, with the reason (a paper original is held). */
  readonly documentWaivers?: readonly DocumentWaiver[];
  /** D14: everyone who changed the case (opened it, recorded a step that makes a maker): none of them may approve. */
  readonly makers?: readonly string[];
  /** D16: deaths and retirements recorded after approval. */
  readonly lifeEvents?: readonly LifeEvent[];
  /** D16: yearly certifications of the persons receiving a monthly item. */
  readonly certifications?: readonly Certification[];
  /** D17: appeals against its decisions, in the order filed. */
  readonly appeals?: readonly Appeal[];
  /** D17: the appeal whose result (OVERTURNED or VARIED) the workflow applies with the pending `appeal-result` step. */
  readonly pendingAppeal?: string;
  /** D17: the date an appeal overturned or varied the confirmation (the confirmation clock runs again from it). */
  readonly confirmationReopenedOn?: string;
  /** D16: the date of the approval that first granted each person (`worker` or a dependant's position) a monthly item. */
  readonly monthlyGrants?: Readonly<Record<string, string>>;
  readonly workflow: WorkflowState;
  readonly version: number;
}

/** Where a payment goes (D14): encrypted name and account, with what may be shown. */
export interface Payee {
  readonly nameEnc: string;
  readonly bankAccountEnc: string;
  readonly bankAccountLast4: string;
  readonly nameInitial: string;
  readonly bankName?: string;
  /** 12-digit CNAPS code of the payee's bank. */
  readonly bankCode?: string;
  /** A handler's change (D14): who, when, on which BANK_ACCOUNT_PROOF. Absent for the payee given at opening. */
  readonly changedBy?: string;
  readonly changedAt?: string;
  readonly documentId?: string;
}

export interface PendingPayee {
  readonly payee: Payee;
  readonly by: string;
  readonly at: string;
}

export const LIFE_EVENT_TYPES = ['WORKER_DIED', 'DEPENDANT_DIED', 'RETIRED'] as const;
export type LifeEventType = (typeof LIFE_EVENT_TYPES)[number];

export interface LifeEvent {
  readonly type: LifeEventType;
  /** The date of the death or of the retirement (Asia/Shanghai). */
  readonly on: string;
  /** DEPENDANT_DIED: the dependant's 1-based position (as in the `dependant_pension:<n>` lines). */
  readonly dependantIndex?: number;
  readonly by: string;
  readonly at: string;
}

export const APPEAL_KINDS = ['RECONSIDERATION', 'LITIGATION'] as const;
export type AppealKind = (typeof APPEAL_KINDS)[number];
export const APPEAL_AGAINST = ['CONFIRMATION', 'ASSESSMENT', 'BENEFITS'] as const;
export type AppealAgainst = (typeof APPEAL_AGAINST)[number];
export const APPEAL_RESULTS = ['UPHELD', 'OVERTURNED', 'VARIED'] as const;
export type AppealResult = (typeof APPEAL_RESULTS)[number];

/** D17: an appeal (行政复议 or 行政诉讼) against the latest decision of its kind, and its result once recorded. */
export interface Appeal {
  readonly appealId: string;
  readonly kind: AppealKind;
  readonly against: AppealAgainst;
  /** The date of the decision appealed (confirmation recorded, assessment concluded, approval). */
  readonly decisionOn: string;
  readonly filedOn: string;
  readonly due: { readonly date: string; readonly provisional: boolean };
  readonly late: boolean;
  readonly filedBy: string;
  readonly filedByRole: string;
  readonly recordedAt: string;
  readonly result?: AppealResult;
  readonly decidedOn?: string;
  readonly summary?: string;
  readonly resultBy?: string;
  readonly resultAt?: string;
}

/** A person receiving a monthly item: the worker, or a dependant by 1-based position. */
export type Person = 'worker' | number;

export interface Certification {
  readonly person: Person;
  readonly on: string;
  readonly by: string;
}

/**
 * D15: `INSTRUCTED` → `SENT` (in a bank batch) → `PAID` | `RETURNED`; `CANCELLED` when a life event ends what
 * it paid before it was sent. `PENDING` and `FAILED` are statuses of payments stored before v2 (kept).
 */
export const PAYMENT_STATUSES = ['INSTRUCTED', 'SENT', 'PAID', 'RETURNED', 'CANCELLED', 'PENDING', 'FAILED'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** What instructed a payment. */
export type PaymentKind = 'approval' | 'monthly' | 'life-event' | 'reinstruction';

export interface PaymentItem extends PayableItem {
  /** Monthly items: the month paid (the key ends in `@<month>`). */
  readonly month?: string;
}

export interface PaymentRecord {
  readonly paymentId: string;
  readonly caseId: string;
  /** The storage key: the payment id for v2 payments; `APPROVAL#…`/`MONTHLY#…` for older ones. */
  readonly key: string;
  /** Positive pays; negative recovers (never sent to the bank: offset against the case's next positive payments). */
  readonly amountFen: number;
  readonly status: PaymentStatus;
  readonly items: readonly PaymentItem[];
  readonly createdAt: string;
  readonly kind?: PaymentKind;
  readonly province?: string;
  /** The payee it was instructed to (a copy: a later change does not move it). */
  readonly payee?: Payee;
  readonly runId?: string;
  readonly calculationId?: string;
  readonly batchId?: string;
  readonly sentAt?: string;
  /** When the bank's result (or an offset) settled it. */
  readonly settledAt?: string;
  readonly returnReason?: string;
  /** A re-instruction: the RETURNED payment it replaces; on that one, `replacedBy`. */
  readonly replaces?: string;
  readonly replacedBy?: string;
  /** A positive payment: the recoveries offset against it when it was batched (its bank amount is the rest). */
  readonly offsets?: readonly { readonly paymentId: string; readonly fen: number }[];
  /** A recovery: how much of it has been offset so far. */
  readonly offsetFen?: number;
  readonly cancelledAt?: string;
}

export interface PaymentRun {
  readonly runId: string;
  readonly month: string;
  readonly status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  readonly payments: number;
  readonly totalFen: number;
  readonly startedAt: string;
  readonly startedBy: string;
  readonly finishedAt?: string;
  readonly error?: string;
}

/** The steps a person records (one vocabulary for the API, the lifecycle, the workflow and the timeline). */
export const CASE_STEPS = [
  'confirmation',
  'expenses',
  'suspension',
  'resumption',
  'assessment',
  'reassessment',
  'review',
  'assessment-extension',
  'dependants',
  'approval',
  'resubmission',
  'document-upload',
  'document-waiver',
  'document-withdrawal',
  'payee',
  'payee-confirmation',
  'life-event',
  'certification',
  'appeal',
  'appeal-result',
] as const;
export type CaseStep = (typeof CASE_STEPS)[number];

/** The steps the case workflow applies after they are recorded (`pendingStep`); the others take effect at once. */
export const WORKFLOW_STEPS = [
  'confirmation',
  'assessment',
  'reassessment',
  'review',
  'dependants',
  'approval',
  'resubmission',
  'appeal-result',
] as const satisfies readonly CaseStep[];
export type WorkflowStep = (typeof WORKFLOW_STEPS)[number];

/**
 * The cap on a case record's stored size. DynamoDB refuses an item over 400 KB; the case record is one
 * item, rewritten whole by every transition, so one over the limit could never be written again (the
 * workflow's transitions included). Steps that append to it (expenses, dependants, life events,
 * certifications, suspensions, waivers) are refused past this cap, which leaves room for what the
 * workflow adds afterwards (a benefit calculation, escalations) and for the index keys stored with it.
 * A storage limit of the platform, not a rule of the scheme: not a versioned parameter.
 */
export const MAX_CASE_RECORD_BYTES = 300_000;

/**
 * The size of a record as stored, over-estimated: the UTF-8 length of its JSON. DynamoDB counts attribute
 * names and values in UTF-8 (numbers and booleans in fewer bytes than their text, no quotes or commas),
 * so the JSON is never smaller than the item.
 */
export const caseRecordBytes = (record: CaseRecord): number => new TextEncoder().encode(JSON.stringify(record)).length;
