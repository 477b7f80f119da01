/**
 * A platform's monthly fee declaration (D5) from pre-aggregated counters: one Query per fee-counter shard
 * partition (in parallel), the rate versions and the platform profile (both cached per container); never
 * a read of orders.
 */
import { computeDeclaration, resolveParameter, shanghaiMonth, type Declaration } from '../../core/index.ts';
import { notFound, problem } from '../_shared/problem.ts';
import { ledgerRepository } from '../_shared/repositories/ledger.ts';
import { parametersRepository } from '../_shared/repositories/parameters.ts';
import { platformsRepository } from '../_shared/repositories/platforms.ts';

export const monthlyDeclaration = async (platformId: string, month: string, now: Date): Promise<Declaration> => {
  const [platform, counts, rates] = await Promise.all([
    platformsRepository.cached(platformId),
    ledgerRepository.feeCounts(platformId, month),
    parametersRepository.cachedVersions('contributionRateFen'),
  ]);
  if (!platform) throw notFound();
  const result = computeDeclaration({
    platformId,
    month,
    counts,
    resolveRate: (province, industry, date) => resolveParameter(rates, 'contributionRateFen', date, { platformId, province, industry }),
    provisional: month >= shanghaiMonth(now),
  });
  if (!result.ok) {
    throw problem('MISSING_RATE', {
      errors: result.missingRates.map((m) => ({
        path: `rates.${m.province}.${m.industry}`,
        message: `${m.province} ${m.industry} 没有生效的缴费费率（contributionRateFen）：请管理员先配置该参数。`,
      })),
    });
  }
  return result.declaration;
};
