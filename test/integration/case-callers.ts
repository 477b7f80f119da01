/**
 * The fifteen callers of the case-slice access matrices (cases, documents) and their expectation
 * builders: every caller gets `rest` unless listed; `none` (no token) is always 401. Finance (D15) works
 * for provinces like staff but is no case role: a case is unknown to it (404), a step not its role (403).
 */
export const OTHER_PROVINCE = '310000';

export const CALLERS = [
  'none',
  'admin',
  'handler',
  'reviewer',
  'assessor',
  'adminOther',
  'handlerOther',
  'reviewerOther',
  'assessorOther',
  'finance',
  'financeOther',
  'platformOwn',
  'platformOther',
  'workerOwn',
  'workerOther',
] as const;
export type Caller = (typeof CALLERS)[number];

export const matrix = (rest: number, overrides: Partial<Record<Caller, number>>): Record<Caller, number> =>
  Object.fromEntries(CALLERS.map((c) => [c, c === 'none' ? 401 : (overrides[c] ?? rest)])) as Record<Caller, number>;

/** Read by the case's worker, its platform and staff of its province (admin included); 404 for everyone else. */
export const readers = (status: number) =>
  matrix(404, { admin: status, handler: status, reviewer: status, assessor: status, platformOwn: status, workerOwn: status });
