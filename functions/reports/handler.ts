/** Route group `reports`: POST /v1/injury-reports. */
import { requireRole } from '../_shared/auth.ts';
import { httpHandler } from '../_shared/http.ts';
import { logger } from '../_shared/observability.ts';
import { InjuryReportRequest } from './schemas.ts';
import { fileReport } from './use-cases.ts';

export const handler = httpHandler({
  'POST /v1/injury-reports': async (ctx) => {
    const principal = ctx.principal();
    requireRole(principal, ['platform', 'worker']);
    const result = await fileReport(principal, ctx.body(InjuryReportRequest), new Date());
    logger.info('Injury report filed', { reportId: result.reportId, covered: result.coverage.covered, reason: result.coverage.reason });
    return { status: 201, body: result };
  },
});
