/** Case statuses, which step each accepts (contract: case statuses) and who may apply as whom (D6). */
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

export const CASE_STEPS = [
  'confirmation',
  'expenses',
  'assessment',
  'reassessment',
  'review',
  'dependants',
  'approval',
  'resubmission',
  'suspension',
  'assessment-extension',
] as const;
export type CaseStep = (typeof CASE_STEPS)[number];

/**
 * The steps each status accepts (contract table; anything else → 409). Extension of the table:
 * `assessment-extension` (D8 "+30 extension" of the assessment conclusion) while AWAITING_ASSESSMENT.
 */
export const STEPS_ACCEPTED: Readonly<Record<CaseStatus, readonly CaseStep[]>> = {
  UNDER_REVIEW: ['confirmation', 'expenses', 'suspension'],
  NOT_CONFIRMED: [],
  AWAITING_ASSESSMENT: ['assessment', 'expenses', 'assessment-extension'],
  AWAITING_DEPENDANTS: ['dependants', 'expenses'],
  AWAITING_APPROVAL: ['approval', 'expenses'],
  RETURNED: ['expenses', 'resubmission'],
  PAID: ['reassessment', 'review'],
  CLOSED: ['review'],
};

/** Whether a case in `status` accepts `step` (contract: a request that does not fit the status → 409). */
export function acceptsStep(status: CaseStatus, step: CaseStep): boolean {
  return STEPS_ACCEPTED[status].includes(step);
}

export type CallerRole = 'platform' | 'worker' | 'handler' | 'reviewer' | 'assessor' | 'admin';

/** The applicant types a caller may use (D6): a platform as `platform`, a worker as `worker`, staff for a relative or union. */
export const APPLICANT_TYPES_BY_ROLE: Readonly<Record<CallerRole, readonly ApplicantType[]>> = {
  platform: ['platform'],
  worker: ['worker'],
  handler: ['relative', 'union'],
  reviewer: ['relative', 'union'],
  assessor: ['relative', 'union'],
  admin: ['relative', 'union'],
};

/** Whether a caller with `role` may open a case as `applicant` (D6; otherwise 403). */
export function applicantTypeAllowed(role: CallerRole, applicant: ApplicantType): boolean {
  return APPLICANT_TYPES_BY_ROLE[role].includes(applicant);
}

/** Who recorded what the approval would check (D10): the confirmation's handler and each expense item's. */
export interface RecordedMakers {
  confirmationRecordedBy?: string | undefined;
  expensesRecordedBy: readonly string[];
}

/**
 * Maker-checker (D10): a benefit calculation is approved by a reviewer who is neither the handler who
 * recorded the confirmation nor one who recorded expenses. Compared by the token's `sub`.
 */
export function approvalAllowed(makers: RecordedMakers, approver: string): boolean {
  return makers.confirmationRecordedBy !== approver && !makers.expensesRecordedBy.includes(approver);
}
