/**
 * A worker's enrolment days (D3) and coverage at a moment (D4). Coverage is answered by key look-ups
 * only, issued in parallel: the worker's partition (profile + platforms), the platform profile and one
 * Query of the byWorker index over the look-back window; parameters come from a per-container cache.
 */
import { coverageAt, coverageLookbackHours, parseInstant, resolveParameter, shanghaiDate, type CoverageResult } from '../../core/index.ts';
import type { Principal } from '../_shared/auth.ts';
import { isStaff } from '../_shared/auth.ts';
import { notFound, unprocessable } from '../_shared/problem.ts';
import { ledgerRepository, type EnrolmentDay } from '../_shared/repositories/ledger.ts';
import { ordersRepository } from '../_shared/repositories/orders.ts';
import { parametersRepository } from '../_shared/repositories/parameters.ts';
import { platformsRepository } from '../_shared/repositories/platforms.ts';
import { workersRepository } from '../_shared/repositories/workers.ts';

const HOUR_MS = 3_600_000;

/** A worker sees only themselves; a platform only workers it registered; staff everyone. Else 404. */
const canSee = (principal: Principal, workerId: string, platforms: ReadonlySet<string>): boolean =>
  isStaff(principal) ||
  (principal.role === 'worker' && principal.workerId === workerId) ||
  (principal.role === 'platform' && principal.platformId !== undefined && platforms.has(principal.platformId));

export const enrolmentDays = async (principal: Principal, workerId: string, from: string, to: string): Promise<EnrolmentDay[]> => {
  const [worker, days] = await Promise.all([workersRepository.withMemberships(workerId), ledgerRepository.days(workerId, from, to)]);
  if (!worker || !canSee(principal, workerId, worker.platforms)) throw notFound();
  return principal.role === 'platform' ? days.filter((d) => d.platformId === principal.platformId) : days;
};

export const coverage = async (
  principal: Principal,
  query: { workerId: string; at: string; platformId: string; province?: string },
): Promise<CoverageResult> => {
  if (principal.role === 'platform' && principal.platformId !== query.platformId) throw notFound();
  const at = parseInstant(query.at)!;
  const date = shanghaiDate(at);
  const context = { platformId: query.platformId, ...(query.province ? { province: query.province } : {}) };
  const [openVersions, graceVersions] = await Promise.all([
    parametersRepository.cachedVersions('openOrderCoverHours'),
    parametersRepository.cachedVersions('coverGraceMinutes'),
  ]);
  const open = resolveParameter(openVersions, 'openOrderCoverHours', date, context);
  const grace = resolveParameter(graceVersions, 'coverGraceMinutes', date, context);
  if (!open || !grace) {
    throw unprocessable('The coverage window parameters are not configured for this date.', [
      ...(open ? [] : [{ path: 'at', message: 'No openOrderCoverHours in force.' }]),
      ...(grace ? [] : [{ path: 'at', message: 'No coverGraceMinutes in force.' }]),
    ]);
  }
  const params = { openOrderCoverHours: open.value, coverGraceMinutes: grace.value };
  const lookback = coverageLookbackHours(params, date);
  const [worker, platform, orders] = await Promise.all([
    workersRepository.withMemberships(query.workerId),
    platformsRepository.get(query.platformId),
    ordersRepository.acceptedBetween(query.workerId, query.platformId, new Date(at.getTime() - lookback * HOUR_MS), at),
  ]);
  if (!worker || !canSee(principal, query.workerId, worker.platforms)) throw notFound();
  const enrolled = (platform?.provinces ?? []).some((p) => (query.province === undefined || p.code === query.province) && p.joinedOn <= date);
  return coverageAt({
    at,
    workerKnown: platform !== undefined && worker.platforms.has(query.platformId),
    platformEnrolled: enrolled,
    orders: query.province ? orders.filter((o) => o.province === query.province) : orders,
    ...params,
  });
};
