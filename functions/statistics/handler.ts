/**
 * Route group `statistics`: `GET /v1/statistics` (D20) — staff and admin for any platform (or all), a
 * platform for itself only; `format=csv` downloads the same figures (docs/reporting.md).
 */
import { statisticsCsv } from '../../core/index.ts';
import { requireRole } from '../_shared/auth.ts';
import { httpHandler } from '../_shared/http.ts';
import { badRequest, fieldErrors, forbidden } from '../_shared/problem.ts';
import { StatisticsQuery } from './schemas.ts';
import { statistics } from './use-cases.ts';

export const handler = httpHandler({
  'GET /v1/statistics': async (ctx) => {
    const principal = ctx.principal();
    requireRole(principal, ['platform', 'handler', 'reviewer', 'assessor', 'admin']);
    const parsed = StatisticsQuery.safeParse(ctx.query);
    if (!parsed.success) throw badRequest(fieldErrors(parsed.error.issues as never));
    const { format, ...query } = parsed.data;
    if (principal.role === 'platform') {
      // A platform sees its own figures only: without platformId it gets them, with another's it is refused.
      if (query.platformId !== undefined && query.platformId !== principal.platformId)
        throw forbidden('FORBIDDEN_ROLE', { detail: '平台只能查看本平台的统计。', detailEn: 'A platform may see its own statistics only.' });
      query.platformId = principal.platformId;
    }
    const result = await statistics(query);
    if (format === 'csv') {
      const scope = query.platformId ?? 'all';
      return {
        status: 200,
        text: statisticsCsv(result),
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="statistics-${scope}-${query.from}-${query.to}.csv"`,
          'cache-control': 'no-store',
        },
      };
    }
    return { status: 200, body: result };
  },
});
