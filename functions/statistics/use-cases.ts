/**
 * Statistics (D20): the monthly counters the stream keeps (functions/statistics/counter.ts) and the orders of
 * the fee counters, added up for a query. Reads counters only: one Query per month, plus 8 per platform and
 * month for the orders (docs/reporting.md); never a scan.
 */
import { computeStatistics, monthRange, type OrderCount } from '../../core/index.ts';
import { mapLimit } from '../_shared/db.ts';
import { ledgerRepository } from '../_shared/repositories/ledger.ts';
import { platformsRepository } from '../_shared/repositories/platforms.ts';
import { statisticsRepository } from '../_shared/repositories/statistics.ts';
import type { StatisticsQuery } from './schemas.ts';

/** Platform-months read at once for the orders (each is 8 parallel Queries). */
const ORDER_READS_IN_FLIGHT = 4;

const ordersOf = async (platformIds: readonly string[], months: readonly string[]): Promise<OrderCount[]> => {
  const pairs = platformIds.flatMap((platformId) => months.map((month) => ({ platformId, month })));
  const counts = await mapLimit(pairs, ORDER_READS_IN_FLIGHT, async ({ platformId, month }) =>
    (await ledgerRepository.feeCounts(platformId, month)).map((c) => ({
      bucket: { month, province: c.province, industry: c.industry, platformId },
      orders: c.orders,
    })),
  );
  return counts.flat();
};

export const statistics = async (query: Omit<StatisticsQuery, 'format'>) => {
  const months = monthRange(query.from, query.to);
  const platformIds = query.platformId === undefined ? await platformsRepository.ids() : [query.platformId];
  const [counters, orders] = await Promise.all([statisticsRepository.counters(months, query.province), ordersOf(platformIds, months)]);
  return computeStatistics(query.from, query.to, { province: query.province, industry: query.industry, platformId: query.platformId }, counters, orders);
};
