/**
 * Which status accepts which step and who records each step, as plain data (contract: "Case statuses and
 * which step accepts what"; D6–D10, D13, D14, D16, D17). The rules of the steps live in case-lifecycle.ts; this
 * table has no other dependency, so the web console imports it to offer exactly the forms the API accepts.
 */
import type { CaseStatus, CaseStep } from './case-record.ts';
import type { CallerRole } from './cases.ts';

/**
 * D13: documents are handed in, waived and withdrawn in every status; a refused (NOT_CONFIRMED) case takes no
 * new upload. D14: the payee is changed in every status but NOT_CONFIRMED.
 */
const DOCUMENTS = ['document-upload', 'document-waiver', 'document-withdrawal', 'payee', 'payee-confirmation'] as const satisfies readonly CaseStep[];
/** D16: life events and certifications from approval on (in AWAITING_APPROVAL only once a calculation was approved: a re-assessment). */
export const AFTER_APPROVAL = ['life-event', 'certification'] as const satisfies readonly CaseStep[];

/** D17, contract v2 clarifications: appeals are filed and their results recorded in every status. */
const APPEALS = ['appeal', 'appeal-result'] as const satisfies readonly CaseStep[];

/** What the case workflow does in a status: wait for the next person, or end (a re-assessment starts a new execution). */
export type WorkflowInStatus = 'waits' | 'ends';

/**
 * Which status accepts which step (anything else is refused: 409), and whether the workflow waits in it.
 * Extension of the contract's table: `assessment-extension` (D8 "+30") while AWAITING_ASSESSMENT;
 * `suspension` and `resumption` are the contract's suspension request (POST and DELETE).
 */
export const LIFECYCLE: Readonly<Record<CaseStatus, { readonly accepts: readonly CaseStep[]; readonly workflow: WorkflowInStatus }>> = {
  UNDER_REVIEW: { accepts: ['confirmation', 'expenses', 'suspension', 'resumption', ...DOCUMENTS, ...APPEALS], workflow: 'waits' },
  // Contract v2 "Statuses": documents in every status (evidence for an appeal of the refusal); no payee change.
  NOT_CONFIRMED: { accepts: ['document-upload', 'document-waiver', 'document-withdrawal', ...APPEALS], workflow: 'ends' },
  AWAITING_ASSESSMENT: { accepts: ['assessment', 'expenses', 'assessment-extension', ...DOCUMENTS, ...APPEALS], workflow: 'waits' },
  AWAITING_DEPENDANTS: { accepts: ['dependants', 'expenses', ...DOCUMENTS, ...APPEALS], workflow: 'waits' },
  AWAITING_APPROVAL: { accepts: ['approval', 'expenses', ...DOCUMENTS, ...AFTER_APPROVAL, ...APPEALS], workflow: 'waits' },
  RETURNED: { accepts: ['expenses', 'resubmission', ...DOCUMENTS, ...APPEALS], workflow: 'waits' },
  APPROVED: { accepts: ['reassessment', 'review', ...DOCUMENTS, ...AFTER_APPROVAL, ...APPEALS], workflow: 'ends' },
  PAID: { accepts: ['reassessment', 'review', ...DOCUMENTS, ...AFTER_APPROVAL, ...APPEALS], workflow: 'ends' },
  CLOSED: { accepts: ['review', ...DOCUMENTS, ...AFTER_APPROVAL, ...APPEALS], workflow: 'ends' },
};

/** Who records each step (checked before the case is even looked up: 403 before 404). */
export const STEP_ROLES: Readonly<Record<CaseStep, readonly CallerRole[]>> = {
  confirmation: ['handler'],
  expenses: ['handler'],
  suspension: ['handler'],
  resumption: ['handler'],
  assessment: ['assessor'],
  reassessment: ['assessor'],
  review: ['assessor'],
  'assessment-extension': ['assessor'],
  dependants: ['handler'],
  approval: ['reviewer'],
  resubmission: ['handler'],
  'document-upload': ['worker', 'platform', 'handler'],
  'document-waiver': ['handler'],
  'document-withdrawal': ['worker', 'platform', 'handler'],
  payee: ['handler'],
  'payee-confirmation': ['reviewer'],
  'life-event': ['handler'],
  certification: ['handler', 'worker'],
  appeal: ['handler', 'worker', 'platform'],
  'appeal-result': ['handler'],
};

/** Whether a case in `status` accepts `step`. */
export const acceptsStep = (status: CaseStatus, step: CaseStep): boolean => LIFECYCLE[status].accepts.includes(step);
