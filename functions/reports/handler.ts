/** Route group `reports`: filing an injury report, and the lists of a platform's and of a worker's reports. */
import { requirePlatformVisible, requireRole } from '../_shared/auth.ts';
import { httpHandler } from '../_shared/http.ts';
import { badRequest, fieldErrors, notFound } from '../_shared/problem.ts';
import { logger } from '../_shared/observability.ts';
import { InjuryReportRequest, PlatformReportsQuery, WorkerReportsQuery } from './schemas.ts';
import { checkNamedParties, fileReport, listPlatformReports, listWorkerReports } from './use-cases.ts';

export const handler = httpHandler({
  'POST /v1/injury-reports': async (ctx) => {
    const principal = ctx.principal();
    requireRole(principal, ['platform', 'worker']);
    const parsed = InjuryReportRequest.safeParse(ctx.rawBody());
    if (!parsed.success) {
      // 404 before 400: another platform or worker named in an invalid body is still not visible.
      const raw = ctx.rawBody();
      if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) checkNamedParties(principal, raw);
      throw badRequest(fieldErrors(parsed.error.issues as never));
    }
    const result = await fileReport(principal, parsed.data, new Date());
    logger.info('Injury report filed', { reportId: result.reportId, covered: result.coverage.covered, reason: result.coverage.reason });
    return { status: 201, body: result };
  },

  'GET /v1/platforms/{platformId}/injury-reports': async (ctx) => {
    const principal = ctx.principal();
    requireRole(principal, ['platform', 'admin']);
    const platformId = ctx.path('platformId');
    requirePlatformVisible(principal, platformId);
    const query = PlatformReportsQuery.safeParse(ctx.query);
    if (!query.success) throw badRequest(fieldErrors(query.error.issues as never));
    return { status: 200, body: await listPlatformReports(principal, platformId, query.data) };
  },

  'GET /v1/workers/{workerId}/injury-reports': async (ctx) => {
    const principal = ctx.principal();
    requireRole(principal, ['worker', 'admin']);
    const workerId = ctx.path('workerId');
    // A worker sees only their own reports; anyone else's are not found (contract, "Visibility").
    if (principal.role === 'worker' && principal.workerId !== workerId) throw notFound();
    const query = WorkerReportsQuery.safeParse(ctx.query);
    if (!query.success) throw badRequest(fieldErrors(query.error.issues as never));
    return { status: 200, body: await listWorkerReports(principal, workerId, query.data) };
  },
});
