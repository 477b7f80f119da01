/** The dashboards' pure parts (D20): range totals with the API's rounding, payments by item, the lists of the URL. */
import { describe, expect, it } from 'vitest';
import { defaultRange, figure, isMonth, paymentsByItem, platformList, type Statistics, totalsOf } from './dashboards.ts';

const month = (m: string, orders: number, confirmedCases: number, paymentsByItemFen: Record<string, number> = {}) => ({
  month: m,
  orders,
  reports: 0,
  confirmedCases,
  injuriesPerMillionOrders: null,
  daysToDecision: { median: null, p90: null },
  daysToFirstPayment: { median: null, p90: null },
  overdueCases: 0,
  paymentsByItemFen,
});

describe('dashboards', () => {
  it('totals a range from its months, the rate from the totals (not an average of monthly rates)', () => {
    const stats: Statistics = { months: [month('2026-11', 1_000_000, 1), month('2026-12', 2_000_000, 5)] };
    expect(totalsOf('110000', stats)).toEqual({ key: '110000', orders: 3_000_000, confirmedCases: 6, injuriesPerMillionOrders: 2 });
    expect(totalsOf('x', { months: [month('2026-11', 0, 0)] }).injuriesPerMillionOrders).toBeNull();
  });

  it('adds payments by item over the months, largest first', () => {
    const stats: Statistics = { months: [month('2026-11', 0, 0, { medical: 100, nursing: 700 }), month('2026-12', 0, 0, { medical: 900 })] };
    expect(paymentsByItem(stats)).toEqual([
      { item: 'medical', fen: 1000 },
      { item: 'nursing', fen: 700 },
    ]);
  });

  it('reads lists and months, shows no data as a dash, and defaults to the last twelve months (Asia/Shanghai)', () => {
    expect(platformList(' plt_a, plt_b，plt_a  plt_c ')).toEqual(['plt_a', 'plt_b', 'plt_c']);
    expect(platformList(null)).toEqual([]);
    expect([isMonth('2026-12'), isMonth('2026-13'), isMonth(undefined)]).toEqual([true, false, false]);
    expect([figure(null), figure(0), figure(2.5)]).toEqual(['—', '0', '2.5']);
    // 2026-12-31 17:00 UTC is already January 1 in Shanghai.
    expect(defaultRange(new Date('2026-12-31T17:00:00Z'))).toEqual({ from: '2026-02', to: '2027-01' });
  });
});
