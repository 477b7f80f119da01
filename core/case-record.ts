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
  /** Encrypted by the adapter before the record is built: the core never sees the name or the account. */
  readonly payee: { readonly nameEnc: string; readonly bankAccountEnc: string; readonly bankAccountLast4: string; readonly nameInitial: string };
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
  readonly workflow: WorkflowState;
  readonly version: number;
}

export interface PaymentRecord {
  readonly paymentId: string;
  readonly caseId: string;
  readonly key: string;
  readonly amountFen: number;
  readonly status: 'PENDING' | 'PAID' | 'FAILED';
  readonly items: readonly (PayableItem & { month?: string })[];
  readonly createdAt: string;
  readonly runId?: string;
  readonly calculationId?: string;
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
] as const satisfies readonly CaseStep[];
export type WorkflowStep = (typeof WORKFLOW_STEPS)[number];
