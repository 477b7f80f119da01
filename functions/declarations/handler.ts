/**
 * Route group `declarations`: a platform's monthly declaration (D5) with its D19 status, the month's
 * reopening, closing and settlements (administrators), credit records and the employment report (D19).
 */
import { employmentReportCsv } from '../../core/index.ts';
import { requirePlatformVisible, requireRole } from '../_shared/auth.ts';
import { httpHandler, type RouteContext } from '../_shared/http.ts';
import { badRequest, fieldErrors, notFound } from '../_shared/problem.ts';
import { ClosingRequest, CreditRecordsQuery, EmploymentReportQuery, Month, ReopeningRequest, SettlementRequest } from './schemas.ts';
import { closeReopenedMonth, declarationView, employmentReport, listCreditRecords, recordSettlement, reopenMonth } from './use-cases.ts';

const monthOf = (ctx: RouteContext): string => {
  const month = Month.safeParse(ctx.path('month'));
  if (!month.success) throw badRequest([{ path: 'month', message: '须为 YYYY-MM 格式的月份。' }]);
  return month.data;
};

const render = ({
  declaration,
  status,
  provisional,
  projectionCaughtUp,
  closesOn,
  settledFen,
  dueFen,
  settlements,
}: Awaited<ReturnType<typeof declarationView>>) => ({
  platformId: declaration.platformId,
  month: declaration.month,
  status,
  closesOn,
  provisional,
  projectionCaughtUp,
  lines: declaration.lines.map(({ province, industry, orders, rateFen, amountFen, rateVersion }) => ({
    province,
    industry,
    orders,
    rateFen,
    amountFen,
    rateVersion,
  })),
  totalFen: declaration.totalFen,
  settledFen,
  dueFen,
  settlements: settlements.map(({ settlementId, amountFen, paidOn, recordedAt, recordedBy }) => ({ settlementId, amountFen, paidOn, recordedAt, recordedBy })),
});

/** An administrator's change of a month: role (403), then the month (400), then the body (400). */
const adminMonth = (ctx: RouteContext) => {
  const principal = ctx.principal();
  requireRole(principal, ['admin']);
  return { principal, platformId: ctx.path('platformId'), month: monthOf(ctx) };
};

export const handler = httpHandler({
  'GET /v1/platforms/{platformId}/declarations/{month}': async (ctx) => {
    const principal = ctx.principal();
    requireRole(principal, ['admin', 'platform']);
    const platformId = ctx.path('platformId');
    requirePlatformVisible(principal, platformId);
    return { status: 200, body: render(await declarationView(platformId, monthOf(ctx), new Date())) };
  },
  'POST /v1/platforms/{platformId}/declarations/{month}/reopening': async (ctx) => {
    const { principal, platformId, month } = adminMonth(ctx);
    const { reason } = ctx.body(ReopeningRequest);
    return { status: 200, body: render(await reopenMonth(principal.sub, platformId, month, reason, new Date())) };
  },
  'POST /v1/platforms/{platformId}/declarations/{month}/closing': async (ctx) => {
    const { principal, platformId, month } = adminMonth(ctx);
    // The body is optional: an empty one is `{}`.
    const event = ctx.event;
    const parsed = ClosingRequest.safeParse(event.body === undefined || event.body === null || event.body === '' ? {} : ctx.rawBody());
    if (!parsed.success) throw badRequest(fieldErrors(parsed.error.issues as never));
    return { status: 200, body: render(await closeReopenedMonth(principal.sub, platformId, month, parsed.data.reason, new Date())) };
  },
  'POST /v1/platforms/{platformId}/declarations/{month}/settlements': async (ctx) => {
    const { principal, platformId, month } = adminMonth(ctx);
    const body = ctx.body(SettlementRequest);
    return { status: 201, body: await recordSettlement(principal.sub, platformId, month, body, new Date()) };
  },
  'GET /v1/platforms/{platformId}/employment-reports/{month}': async (ctx) => {
    const principal = ctx.principal();
    requireRole(principal, ['platform', 'handler', 'reviewer', 'assessor', 'admin']);
    const platformId = ctx.path('platformId');
    if (principal.role === 'platform') requirePlatformVisible(principal, platformId);
    const month = monthOf(ctx);
    const query = EmploymentReportQuery.safeParse(ctx.query);
    if (!query.success) throw badRequest(fieldErrors(query.error.issues as never));
    const report = await employmentReport(platformId, month, new Date());
    const fileName = `employment-report-${platformId}-${month}`;
    if (query.data.format === 'csv') {
      return {
        status: 200,
        text: employmentReportCsv(report),
        headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${fileName}.csv"`, 'cache-control': 'no-store' },
      };
    }
    if (query.data.format === 'xlsx') {
      return {
        status: 200,
        // Loaded on the first workbook asked for, not at init (workbook.ts).
        binary: await (await import('./workbook.ts')).employmentReportWorkbook(report),
        headers: {
          'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          'content-disposition': `attachment; filename="${fileName}.xlsx"`,
          'cache-control': 'no-store',
        },
      };
    }
    return { status: 200, body: report };
  },
  'GET /v1/credit-records': async (ctx) => {
    const principal = ctx.principal();
    requireRole(principal, ['platform', 'handler', 'reviewer', 'assessor', 'admin']);
    const query = CreditRecordsQuery.safeParse(ctx.query);
    if (!query.success) throw badRequest(fieldErrors(query.error.issues as never));
    const { nextToken, ...filters } = query.data;
    if (principal.role === 'platform') {
      // A platform sees its own records only: another platform's id is not found.
      if (filters.platformId !== undefined && filters.platformId !== principal.platformId) throw notFound();
      filters.platformId = principal.platformId;
    }
    return { status: 200, body: await listCreditRecords(filters, nextToken) };
  },
});
