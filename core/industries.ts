/** Industries of the scheme (D1). */
import { ruleTableOn } from './rule-tables.ts';

export const INDUSTRIES = ['RIDE_HAILING', 'FOOD_DELIVERY', 'INSTANT_DELIVERY', 'FREIGHT'] as const;
export type Industry = (typeof INDUSTRIES)[number];

/** Chinese names of the industries (D1). */
export const INDUSTRY_NAMES: Readonly<Record<Industry, string>> = {
  RIDE_HAILING: '出行',
  FOOD_DELIVERY: '外卖',
  INSTANT_DELIVERY: '即时配送',
  FREIGHT: '同城货运',
};

/** True for one of {@link INDUSTRIES}. */
export function isIndustry(value: string): value is Industry {
  return (INDUSTRIES as readonly string[]).includes(value);
}

/**
 * The industry an order of `industry` taken on `date` is charged and reported as (D1): from the merge
 * in the rule table in force (2025-07-01), FOOD_DELIVERY is charged as INSTANT_DELIVERY.
 */
export function chargedIndustry(industry: Industry, date: string): Industry {
  return ruleTableOn(date).industries.chargedAs[industry] ?? industry;
}

/**
 * Whether a platform enrolled for `platformIndustries` may send an order of `orderIndustry` taken on
 * `date` (D1): its own industries, plus, from the merge, FOOD_DELIVERY orders from a platform enrolled
 * for INSTANT_DELIVERY only.
 */
export function industryAcceptedFor(orderIndustry: Industry, platformIndustries: readonly Industry[], date: string): boolean {
  if (platformIndustries.includes(orderIndustry)) return true;
  const alsoAccepts = ruleTableOn(date).industries.alsoAcceptedBy;
  return platformIndustries.some((enrolled) => (alsoAccepts[enrolled] ?? []).includes(orderIndustry));
}
