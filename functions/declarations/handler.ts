/** Route group `declarations`: GET /v1/platforms/{platformId}/declarations/{month} (D5). */
import { requirePlatformVisible, requireRole } from '../_shared/auth.ts';
import { httpHandler } from '../_shared/http.ts';
import { badRequest } from '../_shared/problem.ts';
import { Month } from './schemas.ts';
import { monthlyDeclaration } from './use-cases.ts';

export const handler = httpHandler({
  'GET /v1/platforms/{platformId}/declarations/{month}': async (ctx) => {
    const principal = ctx.principal();
    requireRole(principal, ['admin', 'platform']);
    const platformId = ctx.path('platformId');
    requirePlatformVisible(principal, platformId);
    const month = Month.safeParse(ctx.path('month'));
    if (!month.success) throw badRequest([{ path: 'month', message: '须为 YYYY-MM 格式的月份。' }]);
    const { lines, totalFen, provisional } = await monthlyDeclaration(platformId, month.data, new Date());
    return {
      status: 200,
      body: {
        platformId,
        month: month.data,
        provisional,
        lines: lines.map(({ province, industry, orders, rateFen, amountFen, rateVersion }) => ({
          province,
          industry,
          orders,
          rateFen,
          amountFen,
          rateVersion,
        })),
        totalFen,
      },
    };
  },
});
