/** Route group `reports`: POST /v1/injury-reports. */
import { requireRole } from '../_shared/auth.ts';
import { httpHandler } from '../_shared/http.ts';
import { badRequest, fieldErrors } from '../_shared/problem.ts';
import { logger } from '../_shared/observability.ts';
import { InjuryReportRequest } from './schemas.ts';
import { checkNamedParties, fileReport } from './use-cases.ts';

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
});
