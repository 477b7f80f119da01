/** The rule-table-dependent treatment of industries (D1): the merge of FOOD_DELIVERY into INSTANT_DELIVERY. */
import type { Industry } from './industries.ts';
import { ruleTableOn } from './rule-tables.ts';

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
