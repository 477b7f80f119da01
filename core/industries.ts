/** Industries of the scheme (D1); how they are charged and accepted over time: industry-rules.ts. */

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
