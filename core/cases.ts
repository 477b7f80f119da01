/** Who may apply as whom (D6) and who may approve (D10). The statuses and steps: core/case-lifecycle.ts. */
import type { ApplicantType } from './rule-tables.ts';

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
