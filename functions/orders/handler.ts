/** Route group `orders`: POST /v1/platforms/{platformId}/orders (batches of 1–1000). */
import { requirePlatformVisible, requireRole } from '../_shared/auth.ts';
import { httpHandler } from '../_shared/http.ts';
import { logger } from '../_shared/observability.ts';
import { notFound } from '../_shared/problem.ts';
import { platformsRepository } from '../_shared/repositories/platforms.ts';
import { OrdersEnvelope } from './schemas.ts';
import { ingestOrders } from './use-cases.ts';

export const handler = httpHandler({
  'POST /v1/platforms/{platformId}/orders': async (ctx) => {
    const principal = ctx.principal();
    requireRole(principal, ['platform']);
    const platformId = ctx.path('platformId');
    requirePlatformVisible(principal, platformId);
    const { orders } = ctx.body(OrdersEnvelope);
    const platform = await platformsRepository.get(platformId);
    if (!platform) throw notFound();
    const summary = await ingestOrders(platform, orders, new Date());
    logger.info('Orders ingested', {
      platformId,
      received: orders.length,
      accepted: summary.accepted,
      duplicates: summary.duplicates,
      updated: summary.updated,
      rejected: summary.rejected,
    });
    return { status: 200, body: summary };
  },
});
