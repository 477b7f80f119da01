/**
 * Injury reports: the coverage verdict at the moment of the injury (D4) and a snapshot of every order of
 * the worker on the platform that overlaps the injury's calendar date (D11), kept as evidence.
 */
import { randomBytes } from 'node:crypto';
import type * as z from '../_shared/zod.ts';
import {
  applicationDeadline,
  type ApplicantType,
  coverageAt,
  coverageLookbackHours,
  isPlatformEnrolled,
  ordersOverlappingDate,
  parseInstant,
  resolveParameter,
  shanghaiDate,
  shanghaiStartOfDay,
  type CoverageResult,
  type InjuryReport,
  type OrderSnapshot,
} from '../../core/index.ts';
import { requireRole, type Principal } from '../_shared/auth.ts';
import { businessMetrics } from '../_shared/metrics.ts';
import { badRequest, notFound, problem } from '../_shared/problem.ts';
import { calendarsRepository } from '../_shared/repositories/calendars.ts';
import { type ReportSummary, reportsRepository } from '../_shared/repositories/reports.ts';
import { ordersRepository } from '../_shared/repositories/orders.ts';
import { parametersRepository } from '../_shared/repositories/parameters.ts';
import { platformsRepository } from '../_shared/repositories/platforms.ts';
import { workersRepository } from '../_shared/repositories/workers.ts';
import { type InjuryReportRequest, REPORTS_PAGE } from './schemas.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Visibility from the names in the body alone (404): a platform reports only for itself, a worker only for
 * themself. Also run on a body that fails validation, for whatever it names as a string, so that 404 answers
 * before 400 (contract precedence).
 */
export const checkNamedParties = (p: Principal, named: { readonly platformId?: unknown; readonly workerId?: unknown }): void => {
  if (p.role === 'platform' && typeof named.platformId === 'string' && p.platformId !== named.platformId) throw notFound();
  // A worker reports for themself, named by workerId or by the platform's id for them (checked in fileReport).
  if (p.role === 'worker' && typeof named.workerId === 'string' && named.workerId !== p.workerId) throw notFound();
};

export const fileReport = async (p: Principal, body: z.infer<typeof InjuryReportRequest>, now: Date) => {
  requireRole(p, ['platform', 'worker']);
  checkNamedParties(p, body);

  const at = parseInstant(body.occurredAt)!;
  const date = shanghaiDate(at);
  const context = { platformId: body.platformId, province: body.province };
  const [openVersions, graceVersions, platform] = await Promise.all([
    parametersRepository.cachedVersions('openOrderCoverHours'),
    parametersRepository.cachedVersions('coverGraceMinutes'),
    platformsRepository.get(body.platformId),
  ]);
  if (!platform) throw notFound();
  const open = resolveParameter(openVersions, 'openOrderCoverHours', date, context);
  const grace = resolveParameter(graceVersions, 'coverGraceMinutes', date, context);
  if (!open || !grace)
    throw problem('COVERAGE_PARAMETERS_MISSING', { errors: [{ path: 'occurredAt', message: '该时间没有生效的保障时段参数：请管理员先配置。' }] });
  const params = { openOrderCoverHours: open.value, coverGraceMinutes: grace.value };

  // Who is the worker? By workerId (must be registered with this platform) or by the platform's own id.
  let workerId: string | undefined;
  if (body.platformWorkerId !== undefined) {
    workerId = (await workersRepository.links(body.platformId, [body.platformWorkerId])).get(body.platformWorkerId)?.workerId;
    // The worker's token names the person: the platform's id must link to that same worker (else 404).
    if (p.role === 'worker' && (workerId === undefined || workerId !== p.workerId)) throw notFound();
  } else {
    const worker = await workersRepository.withMemberships(body.workerId!);
    if (worker?.platforms.has(body.platformId)) workerId = body.workerId;
    else if (p.role === 'worker') throw notFound();
  }

  const dayStart = shanghaiStartOfDay(date);
  const dayEnd = new Date(dayStart.getTime() + DAY_MS - 1);
  const lookback = coverageLookbackHours(params, date);
  const orders = workerId ? await ordersRepository.acceptedBetween(workerId, body.platformId, new Date(dayStart.getTime() - lookback * HOUR_MS), dayEnd) : [];
  // D18 (contract v2 "Provinces"): coverage looks at the worker's orders on this platform in every province
  // where the platform was enrolled that day, not only the province the report is filed from; the case then
  // belongs to the covering order's province (core/case-lifecycle.ts).
  const enrolledOrders = orders.filter((o) => isPlatformEnrolled(platform.provinces, o.province, date));
  const enrolled = enrolledOrders.length > 0 || isPlatformEnrolled(platform.provinces, body.province, date);
  const coverage: CoverageResult = coverageAt({
    at,
    workerKnown: workerId !== undefined,
    platformEnrolled: enrolled,
    orders: enrolledOrders,
    ...params,
  });
  // D11: every order overlapping the injury's calendar date (accepted before midnight counts).
  const snapshot: OrderSnapshot[] = ordersOverlappingDate(orders, date, params.openOrderCoverHours).map((o) => ({
    orderId: o.orderId,
    province: o.province,
    industry: o.industry,
    acceptedAt: o.acceptedAt,
    ...(o.finishedAt ? { finishedAt: o.finishedAt } : {}),
  }));

  const report: InjuryReport = {
    reportId: `R${randomBytes(8).toString('hex')}`,
    platformId: body.platformId,
    ...(workerId ? { workerId } : {}),
    ...(body.platformWorkerId ? { platformWorkerId: body.platformWorkerId } : {}),
    occurredAt: body.occurredAt,
    injuryDate: date,
    province: body.province,
    place: body.place,
    description: body.description,
    ...(body.orderId ? { orderId: body.orderId } : {}),
    coverage,
    orders: snapshot,
    reportedBy: p.sub,
    reportedAt: now.toISOString(),
  };
  await reportsRepository.put(report);
  businessMetrics.injuryReportFiled();
  return { reportId: report.reportId, coverage, orders: snapshot.length };
};

/**
 * A page of reports as a list shows them (docs/cases.md, "Report lists"): each with the case opened on it
 * (status and lateness as they stand now) and the application deadline of whoever reads the list (D6).
 */
const withCases = async (page: { items: ReportSummary[]; nextToken?: string }, reader: ApplicantType) => {
  const [cases, calendar] = await Promise.all([
    reportsRepository.caseSummaries(page.items.flatMap((r) => (r.caseId ? [r.caseId] : []))),
    calendarsRepository.calendar(),
  ]);
  return {
    items: page.items.map((r) => {
      const found = r.caseId ? cases.get(r.caseId) : undefined;
      return {
        reportId: r.reportId,
        platformId: r.platformId,
        ...(r.workerId ? { workerId: r.workerId } : {}),
        ...(r.platformWorkerId ? { platformWorkerId: r.platformWorkerId } : {}),
        occurredAt: r.occurredAt,
        injuryDate: r.injuryDate,
        province: r.province,
        place: r.place,
        ...(r.orderId ? { orderId: r.orderId } : {}),
        coverage: r.coverage,
        reportedAt: r.reportedAt,
        applicationDue: applicationDeadline(r.injuryDate, reader, calendar),
        ...(r.caseId ? { caseId: r.caseId } : {}),
        ...(found ? { case: found } : {}),
      };
    }),
    ...(page.nextToken ? { nextToken: page.nextToken } : {}),
  };
};

const FORGED_TOKEN = [{ path: 'nextToken', message: '不是本接口为同一查询签发的分页令牌：请使用上一页返回的 nextToken。' }];

/** Runs a page read, turning a token this list did not issue into the caller's 400. */
const page = async <T>(read: () => Promise<T>): Promise<T> => {
  try {
    return await read();
  } catch (error) {
    if (error instanceof RangeError) throw badRequest(FORGED_TOKEN);
    throw error;
  }
};

/**
 * A platform's injury reports of a month (injury date), newest first, with their cases (A25). The platform
 * reads its own list; an administrator names a platform that must exist (404 otherwise).
 */
export const listPlatformReports = async (p: Principal, platformId: string, query: { month: string; nextToken?: string; limit?: number }) => {
  if (p.role === 'admin' && !(await platformsRepository.get(platformId))) throw notFound();
  return withCases(await page(() => reportsRepository.pageOfPlatformMonth(platformId, query.month, query.nextToken, query.limit ?? REPORTS_PAGE)), 'platform');
};

/**
 * A worker's injury reports, newest first, with their cases (A33). The worker reads their own list; an
 * administrator names a worker who must exist (404 otherwise, as for coverage).
 */
export const listWorkerReports = async (p: Principal, workerId: string, query: { nextToken?: string; limit?: number }) => {
  if (p.role === 'admin' && !(await workersRepository.platformsOf(workerId))) throw notFound();
  return withCases(await page(() => reportsRepository.pageOfWorker(workerId, query.nextToken, query.limit ?? REPORTS_PAGE)), 'worker');
};
