/**
 * Who may see a case (contract "Visibility"): its worker, its platform, staff of its province. Shared by
 * the route groups that serve a case's parts (cases, documents); anyone else gets 404, never 403.
 */
import type { CaseRecord, InjuryReport } from '../../core/index.ts';
import { isStaff, type Principal } from './auth.ts';
import { notFound } from './problem.ts';
import { type CaseBundle, casesRepository } from './repositories/cases.ts';

const canRead = (p: Principal, r: Pick<CaseRecord, 'workerId' | 'platformId' | 'province'>): boolean =>
  (isStaff(p) && p.provinces.includes(r.province)) ||
  (p.role === 'worker' && p.workerId !== undefined && p.workerId === r.workerId) ||
  (p.role === 'platform' && p.platformId === r.platformId);

export const canReadReport = (p: Principal, r: InjuryReport): boolean =>
  canRead(p, { platformId: r.platformId, province: r.province, ...(r.workerId ? { workerId: r.workerId } : {}) });

/** The case with its timeline, payments and documents, if `p` may see it (else 404). */
export const loadVisibleCase = async (p: Principal, caseId: string): Promise<CaseBundle> => {
  const bundle = await casesRepository.bundle(caseId);
  if (!bundle || !canRead(p, bundle.record)) throw notFound();
  return bundle;
};
