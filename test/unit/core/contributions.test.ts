import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  computeDeclaration,
  NATIONAL_DEFAULT_PARAMETERS,
  resolveParameter,
  type DailyOrderCount,
  type Industry,
  type ParameterVersion,
} from '../../../core/index.ts';

const resolveWith =
  (versions: readonly ParameterVersion[], platformId = 'p1') =>
  (province: string, industry: Industry, date: string) =>
    resolveParameter(versions, 'contributionRateFen', date, { province, industry, platformId });

const declare = (counts: DailyOrderCount[], versions: readonly ParameterVersion[] = NATIONAL_DEFAULT_PARAMETERS, month = '2025-08') =>
  computeDeclaration({ platformId: 'p1', month, counts, resolveRate: resolveWith(versions), provisional: false });

const totalOf = (r: ReturnType<typeof declare>) => (r.ok ? r.declaration.totalFen : Number.NaN);

describe('computeDeclaration (D5)', () => {
  it('TV-C1: 12,345,678 instant-delivery orders at 7 fen = 86,419,746 fen (D5)', () => {
    const r = declare([{ province: '500000', industry: 'INSTANT_DELIVERY', date: '2025-08-15', orders: 12_345_678 }]);
    expect(r).toEqual({
      ok: true,
      declaration: {
        platformId: 'p1',
        month: '2025-08',
        provisional: false,
        totalFen: 86_419_746,
        ruleTables: ['statutory-2025-07-01'],
        lines: [
          {
            province: '500000',
            industry: 'INSTANT_DELIVERY',
            orders: 12_345_678,
            rateFen: 7,
            amountFen: 86_419_746,
            rateVersion: 'contributionRateFen@industry=INSTANT_DELIVERY@2025-07-01',
          },
        ],
      },
    });
  });

  it('TV-C2: 8,765,432 ride-hailing orders at 1 fen = 8,765,432 fen (D5)', () => {
    expect(totalOf(declare([{ province: '110000', industry: 'RIDE_HAILING', date: '2025-08-01', orders: 8_765_432 }]))).toBe(8_765_432);
  });

  it('TV-C3: 1,234,567 freight orders at 18 fen = 22,222,206 fen (D5)', () => {
    expect(totalOf(declare([{ province: '110000', industry: 'FREIGHT', date: '2025-08-01', orders: 1_234_567 }]))).toBe(22_222_206);
  });

  it('TV-C4: a platform override of 25 fen, 3,000,001 orders = 75,000,025 fen (D5 float tier)', () => {
    const versions = [
      ...NATIONAL_DEFAULT_PARAMETERS,
      { name: 'contributionRateFen' as const, scope: { platformId: 'p1', province: '500000' }, effectiveFrom: '2025-07-01', value: 25 },
    ];
    const r = declare([{ province: '500000', industry: 'INSTANT_DELIVERY', date: '2025-08-01', orders: 3_000_001 }], versions);
    expect(totalOf(r)).toBe(75_000_025);
  });

  it('TV-C5: two provinces in one month give one line each (D5)', () => {
    const r = declare([
      { province: '130000', industry: 'INSTANT_DELIVERY', date: '2025-08-02', orders: 500_000 },
      { province: '110000', industry: 'INSTANT_DELIVERY', date: '2025-08-01', orders: 1_000_000 },
    ]);
    expect(r.ok && r.declaration.lines.map((l) => [l.province, l.amountFen])).toEqual([
      ['110000', 7_000_000],
      ['130000', 3_500_000],
    ]);
  });

  it('TV-C7: a first-time instant-delivery platform in Shandong pays the 7-fen national base (D5)', () => {
    expect(totalOf(declare([{ province: '370000', industry: 'INSTANT_DELIVERY', date: '2025-08-01', orders: 10 }]))).toBe(70);
  });

  it('splits a province/industry into two lines when the rate changes mid-month, sorted by rate start (D5)', () => {
    const versions = [
      ...NATIONAL_DEFAULT_PARAMETERS,
      { name: 'contributionRateFen' as const, scope: { industry: 'FREIGHT' as const }, effectiveFrom: '2025-08-16', value: 20 },
    ];
    const r = declare(
      [
        { province: '110000', industry: 'FREIGHT', date: '2025-08-20', orders: 5 },
        { province: '110000', industry: 'FREIGHT', date: '2025-08-01', orders: 10 },
        { province: '110000', industry: 'FREIGHT', date: '2025-08-02', orders: 1 },
        { province: '110000', industry: 'RIDE_HAILING', date: '2025-08-02', orders: 3 },
        { province: '110000', industry: 'FREIGHT', date: '2025-08-03', orders: 0 },
      ],
      versions,
    );
    expect(r.ok && r.declaration.lines.map((l) => [l.industry, l.orders, l.rateFen, l.amountFen])).toEqual([
      ['FREIGHT', 11, 18, 198],
      ['FREIGHT', 5, 20, 100],
      ['RIDE_HAILING', 3, 1, 3],
    ]);
    expect(totalOf(r)).toBe(301);
  });

  it('orders lines with the same rate start by version id (deterministic)', () => {
    const versions: ParameterVersion[] = [
      { name: 'contributionRateFen', scope: { industry: 'FREIGHT' }, effectiveFrom: '2025-08-01', value: 18 },
      { name: 'contributionRateFen', scope: { province: '110000' }, effectiveFrom: '2025-08-01', value: 20 },
    ];
    const r = computeDeclaration({
      platformId: 'p1',
      month: '2025-08',
      provisional: true,
      counts: [
        { province: '110000', industry: 'FREIGHT', date: '2025-08-01', orders: 1 },
        { province: '110000', industry: 'FREIGHT', date: '2025-08-02', orders: 1 },
      ],
      resolveRate: (_p, _i, date) => (date === '2025-08-01' ? versions[1] : versions[0]),
    });
    expect(r.ok && r.declaration.lines.map((l) => l.rateVersion)).toEqual([
      'contributionRateFen@industry=FREIGHT@2025-08-01',
      'contributionRateFen@province=110000@2025-08-01',
    ]);
    expect(r.ok && r.declaration.provisional).toBe(true);
  });

  it('names each (province, industry) without a configured rate instead of inventing one (D5, 422)', () => {
    const r = declare(
      [
        { province: '310000', industry: 'FREIGHT', date: '2025-06-02', orders: 1 },
        { province: '110000', industry: 'RIDE_HAILING', date: '2025-06-01', orders: 1 },
        { province: '110000', industry: 'FREIGHT', date: '2025-06-01', orders: 1 },
        { province: '110000', industry: 'FREIGHT', date: '2025-06-03', orders: 2 },
      ],
      NATIONAL_DEFAULT_PARAMETERS,
      '2025-06',
    );
    expect(r).toEqual({
      ok: false,
      missingRates: [
        { province: '110000', industry: 'FREIGHT' },
        { province: '110000', industry: 'RIDE_HAILING' },
        { province: '310000', industry: 'FREIGHT' },
      ],
    });
  });

  it('rejects broken input', () => {
    expect(() => declare([], NATIONAL_DEFAULT_PARAMETERS, '2025-13')).toThrow(RangeError);
    expect(() => declare([{ province: '110000', industry: 'FREIGHT', date: '2025-08-01', orders: -1 }])).toThrow(/orders/);
    expect(() => declare([{ province: '110000', industry: 'FREIGHT', date: '2025-08-01', orders: 0.5 }])).toThrow(/orders/);
    expect(() => declare([{ province: '110000', industry: 'FREIGHT', date: '2025-09-01', orders: 1 }])).toThrow(/outside/);
    expect(totalOf(declare([]))).toBe(0);
  });

  it('fees are additive: any split of the same orders into daily counts gives the same total (property, D5)', () => {
    const versions = [
      ...NATIONAL_DEFAULT_PARAMETERS,
      { name: 'contributionRateFen' as const, scope: { industry: 'FREIGHT' as const }, effectiveFrom: '2025-08-16', value: 20 },
    ];
    const industries = ['RIDE_HAILING', 'INSTANT_DELIVERY', 'FREIGHT'] as const;
    const orderArb = fc.record({
      province: fc.constantFrom('110000', '310000'),
      industry: fc.constantFrom(...industries),
      day: fc.integer({ min: 1, max: 31 }),
    });
    fc.assert(
      fc.property(fc.array(orderArb, { maxLength: 60 }), fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 10 }), (orders, chunkSizes) => {
        const date = (day: number) => `2025-08-${String(day).padStart(2, '0')}`;
        const singles = orders.map((o) => ({ province: o.province, industry: o.industry, date: date(o.day), orders: 1 }));
        // Re-group the same orders differently: consecutive chunks of equal keys merged.
        const grouped: DailyOrderCount[] = [];
        let i = 0;
        let c = 0;
        const sorted = [...singles].sort((a, b) => `${a.province}${a.industry}${a.date}`.localeCompare(`${b.province}${b.industry}${b.date}`));
        while (i < sorted.length) {
          const size = chunkSizes[c++ % chunkSizes.length]!;
          const head = sorted[i]!;
          let n = 0;
          while (
            n < size &&
            i < sorted.length &&
            sorted[i]!.province === head.province &&
            sorted[i]!.industry === head.industry &&
            sorted[i]!.date === head.date
          ) {
            n++;
            i++;
          }
          grouped.push({ ...head, orders: n });
        }
        const expected = singles.reduce(
          (sum, o) => sum + (o.industry === 'RIDE_HAILING' ? 1 : o.industry === 'INSTANT_DELIVERY' ? 7 : o.date >= '2025-08-16' ? 20 : 18),
          0,
        );
        expect(totalOf(declare(singles, versions))).toBe(expected);
        expect(totalOf(declare(grouped, versions))).toBe(expected);
      }),
    );
  });
});
