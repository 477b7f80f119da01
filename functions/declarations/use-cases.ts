/**
 * A platform's monthly fee declaration (D5) from pre-aggregated counters: one Query per fee-counter shard
 * partition (in parallel), the rate versions and the platform profile (both cached per container); never
 * a read of orders.
 */
import { computeDeclaration, resolveParameter, shanghaiMonth, type Declaration, type Industry } from '../../core/index.ts';
import { notFound, unprocessable } from '../_shared/problem.ts';
import { ledgerRepository } from '../_shared/repositories/ledger.ts';
import { parametersRepository } from '../_shared/repositories/parameters.ts';
import { platformsRepository } from '../_shared/repositories/platforms.ts';

export const monthlyDeclaration = async (platformId: string, month: string, now: Date): Promise<Declaration> => {
  const [platform, counters, rates] = await Promise.all([
    platformsRepository.cached(platformId),
    ledgerRepository.feeCounts(platformId, month),
    parametersRepository.cachedVersions('contributionRateFen'),
  ]);
  if (!platform) throw notFound();
  // Shards of the same (province, industry, date) add up to that day's count.
  const perDay = new Map<string, { province: string; industry: Industry; date: string; orders: number }>();
  for (const c of counters) {
    const key = `${c.province}|${c.industry}|${c.date}`;
    const current = perDay.get(key);
    if (current) current.orders += c.orders;
    else perDay.set(key, { province: c.province, industry: c.industry as Industry, date: c.date, orders: c.orders });
  }
  const result = computeDeclaration({
    platformId,
    month,
    counts: [...perDay.values()],
    resolveRate: (province, industry, date) => resolveParameter(rates, 'contributionRateFen', date, { platformId, province, industry }),
    provisional: month >= shanghaiMonth(now),
  });
  if (!result.ok) {
    throw unprocessable(
      'No contribution rate is configured for some (province, industry) of this month (D5); none is invented.',
      result.missingRates.map((m) => ({
        path: `rates.${m.province}.${m.industry}`,
        message: `No contributionRateFen in force for ${m.province} ${m.industry}.`,
      })),
    );
  }
  return result.declaration;
};
