/**
 * A worker's enrolment days (D3) and coverage at a moment (D4). Coverage reads the rider-day items of the
 * worker on the platform (the orders' projection: one BatchGetItem of one or two keys, `coverageDates`); the
 * platform profile and the parameters come from per-container caches (≤ 60 s old); the worker's partition
 * is read only when those days hold no order of that platform (then one more read, after the first).
 */
import { coverageAt, coverageDates, parseInstant, resolveParameter, shanghaiDate, type CoverageResult } from '../../core/index.ts';
import type { Principal } from '../_shared/auth.ts';
import { isStaff } from '../_shared/auth.ts';
import { notFound, problem } from '../_shared/problem.ts';
import { ledgerRepository, type EnrolmentDay } from '../_shared/repositories/ledger.ts';
import { parametersRepository } from '../_shared/repositories/parameters.ts';
import { platformsRepository } from '../_shared/repositories/platforms.ts';
import { workersRepository } from '../_shared/repositories/workers.ts';

/** A worker sees only themselves; a platform only workers it registered; staff everyone. Else 404. */
const canSee = (principal: Principal, workerId: string, platforms: ReadonlySet<string>): boolean =>
  isStaff(principal) ||
  (principal.role === 'worker' && principal.workerId === workerId) ||
  (principal.role === 'platform' && principal.platformId !== undefined && platforms.has(principal.platformId));

export const enrolmentDays = async (principal: Principal, workerId: string, from: string, to: string): Promise<EnrolmentDay[]> => {
  const [platforms, days] = await Promise.all([workersRepository.platformsOf(workerId), ledgerRepository.days(workerId, from, to)]);
  if (!platforms || !canSee(principal, workerId, platforms)) throw notFound();
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
    throw problem('COVERAGE_PARAMETERS_MISSING', {
      errors: [
        ...(open ? [] : [{ path: 'at', message: '该日期没有生效的 openOrderCoverHours 参数：请管理员先配置。' }]),
        ...(grace ? [] : [{ path: 'at', message: '该日期没有生效的 coverGraceMinutes 参数：请管理员先配置。' }]),
      ],
    });
  }
  const params = { openOrderCoverHours: open.value, coverGraceMinutes: grace.value };
  const [orders, platform] = await Promise.all([
    ledgerRepository.riderDayOrders(query.workerId, query.platformId, coverageDates(at, params)),
    platformsRepository.cached(query.platformId),
  ]);
  // An order under (worker, platform) was stored through that platform's link to the worker (A5, A8),
  // and links, memberships and workers are never deleted: the worker exists and is registered with the
  // platform — all that the visibility check and UNKNOWN_WORKER ask. Only without such an order is the
  // worker's partition read.
  const platforms = orders.length > 0 ? new Set([query.platformId]) : await workersRepository.platformsOf(query.workerId);
  if (!platforms || !canSee(principal, query.workerId, platforms)) throw notFound();
  const enrolled = (platform?.provinces ?? []).some((p) => (query.province === undefined || p.code === query.province) && p.joinedOn <= date);
  return coverageAt({
    at,
    workerKnown: platform !== undefined && platforms.has(query.platformId),
    platformEnrolled: enrolled,
    orders: query.province ? orders.filter((o) => o.province === query.province) : orders,
    ...params,
  });
};
