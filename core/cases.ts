/** Who may apply as whom (D6). The statuses, steps and who may approve (D14): core/case-lifecycle.ts. */
import type { ApplicantType } from './rule-tables.ts';

export type CallerRole = 'platform' | 'worker' | 'handler' | 'reviewer' | 'assessor' | 'admin' | 'finance';

/** The applicant types a caller may use (D6): a platform as `platform`, a worker as `worker`, staff for a relative or union. */
export const APPLICANT_TYPES_BY_ROLE: Readonly<Record<CallerRole, readonly ApplicantType[]>> = {
  platform: ['platform'],
  worker: ['worker'],
  handler: ['relative', 'union'],
  reviewer: ['relative', 'union'],
  assessor: ['relative', 'union'],
  admin: ['relative', 'union'],
  finance: [],
};

/** Whether a caller with `role` may open a case as `applicant` (D6; otherwise 403). */
export function applicantTypeAllowed(role: CallerRole, applicant: ApplicantType): boolean {
  return APPLICANT_TYPES_BY_ROLE[role].includes(applicant);
}
