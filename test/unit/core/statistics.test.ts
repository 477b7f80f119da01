import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CaseRecord,
  caseIncrements,
  chargedIndustry,
  computeStatistics,
  counterCorrections,
  countersFromRecords,
  firstPaymentIncrement,
  type InjuryReport,
  incrementDelta,
  injuriesPerMillion,
  medianAndP90,
  monthRange,
  nearestRank,
  paymentIncrements,
  type ReportFacts,
  reportIncrements,
  reportIndustry,
  type StatisticsCounter,
  statisticsCsv,
} from '../../../core/index.ts';

const hist = (values: number[]) => {
  const h = new Map<number, number>();
  for (const v of values) h.set(v, (h.get(v) ?? 0) + 1);
  return h;
};

/** The textbook nearest rank: the ⌈p·N⌉-th smallest value. */
const sortedRank = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.max(1, Math.ceil(p * values.length)) - 1];

describe('nearestRank (D20: median and p90 by nearest rank)', () => {
  it('takes the largest value at p = 1', () => {
    expect(nearestRank(hist([3, 1, 2]), 1)).toBe(3);
  });

  it('is null without data', () => {
    expect(nearestRank(new Map(), 0.5)).toBeNull();
    expect(medianAndP90(new Map([[3, 0]]))).toEqual({ median: null, p90: null });
  });

  it('takes the ⌈p·N⌉-th smallest value: 10 values → median the 5th, p90 the 9th', () => {
    expect(medianAndP90(hist([10, 1, 9, 2, 8, 3, 7, 4, 6, 5]))).toEqual({ median: 5, p90: 9 });
    expect(medianAndP90(hist([4]))).toEqual({ median: 4, p90: 4 });
    // 4 values: median rank 2, p90 rank ⌈3.6⌉ = 4.
    expect(medianAndP90(hist([0, 30, 2, 2]))).toEqual({ median: 2, p90: 30 });
  });

  it('equals the sorted list’s nearest rank for any multiset', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 200 }), fc.constantFrom(0.5, 0.9), (values, p) => {
        expect(nearestRank(hist(values), p)).toBe(sortedRank(values, p));
      }),
    );
  });
});

describe('injuriesPerMillion (D20)', () => {
  it('is null with no orders and rounds half up to 2 decimals', () => {
    expect(injuriesPerMillion(3, 0)).toBeNull();
    expect(injuriesPerMillion(0, 5)).toBe(0);
    expect(injuriesPerMillion(1, 3)).toBe(333333.33);
    expect(injuriesPerMillion(2, 3)).toBe(666666.67);
    expect(injuriesPerMillion(1, 8_000_000)).toBe(0.13); // 0.125 → 0.13
    expect(injuriesPerMillion(7, 1_000_000)).toBe(7);
  });
});

describe('monthRange', () => {
  it('lists the months inclusive across a year end; empty when to is before from', () => {
    expect(monthRange('2026-11', '2027-02')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
    expect(monthRange('2026-11', '2026-11')).toEqual(['2026-11']);
    expect(monthRange('2026-11', '2026-10')).toEqual([]);
  });
});

const report = (over: Partial<InjuryReport> = {}): InjuryReport => ({
  reportId: 'R1',
  platformId: 'P1',
  occurredAt: '2026-10-31T23:30:00+08:00',
  injuryDate: '2026-10-31',
  province: '110000',
  place: '北京',
  description: '摔倒',
  coverage: { covered: true, orderId: 'o2', reason: 'COVERED' },
  orders: [
    { orderId: 'o1', province: '110000', industry: 'FOOD_DELIVERY', acceptedAt: '2026-10-31T08:00:00+08:00' },
    { orderId: 'o2', province: '110000', industry: 'RIDE_HAILING', acceptedAt: '2026-10-31T23:00:00+08:00' },
  ],
  reportedBy: 'p',
  reportedAt: '2026-11-01T01:00:00+08:00',
  ...over,
});

const facts: ReportFacts = { platformId: 'P1', province: '110000', industry: 'FOOD_DELIVERY', reportedAt: '2026-11-01T01:00:00+08:00' };

describe('what records count (D20)', () => {
  it('a report counts in the month of its injury (Asia/Shanghai), under the covering order’s industry', () => {
    expect(reportIndustry(report())).toBe('RIDE_HAILING');
    // Without a covering order, the first of the snapshot, under its charged industry (D1), as the order counters.
    expect(reportIndustry(report({ coverage: { covered: false, reason: 'NO_ORDER_AT_TIME' } }))).toBe(chargedIndustry('FOOD_DELIVERY', '2026-10-31'));
    expect(reportIndustry(report({ coverage: { covered: false, reason: 'NO_ORDER_AT_TIME' }, orders: [] }))).toBe('UNKNOWN');
    expect(reportIncrements(report())).toEqual([
      { bucket: { month: '2026-10', province: '110000', industry: 'RIDE_HAILING', platformId: 'P1' }, field: 'reports', n: 1 },
    ]);
  });

  const confirmedCase = (outcome: 'CONFIRMED' | 'DEEMED' | 'NOT_CONFIRMED', recordedAt = '2026-12-03T10:00:00Z') =>
    ({
      injuryDate: '2026-10-31',
      escalations: [],
      confirmation: { outcome, basis: 'x', assessmentRequired: false, recordedBy: 'h', recordedAt },
    }) as unknown as CaseRecord;

  it('a confirmation counts confirmed (CONFIRMED, DEEMED) by injury month and days to decision by decision month, refusals included', () => {
    const bucket = (month: string) => ({ month, province: '110000', industry: 'FOOD_DELIVERY', platformId: 'P1' });
    expect(caseIncrements(confirmedCase('DEEMED'), facts)).toEqual([
      { bucket: bucket('2026-10'), field: 'confirmed', n: 1 },
      { bucket: bucket('2026-12'), field: 'dtd:32', n: 1 },
    ]);
    expect(caseIncrements(confirmedCase('NOT_CONFIRMED'), facts).map((i) => i.field)).toEqual(['dtd:32']);
  });

  it('a case past a deadline counts once, in the month of its earliest missed deadline', () => {
    const c = {
      injuryDate: '2026-10-31',
      escalations: [
        { kind: 'ASSESSMENT_OVERDUE', due: '2027-03-02', recordedAt: '2027-03-03' },
        { kind: 'CONFIRMATION_OVERDUE', due: '2027-01-05', recordedAt: '2027-01-06' },
        { kind: 'WORKFLOW_FAILED', recordedAt: '2026-11-02' },
      ],
    } as unknown as CaseRecord;
    expect(caseIncrements(c, facts)).toEqual([
      { bucket: { month: '2027-01', province: '110000', industry: 'FOOD_DELIVERY', platformId: 'P1' }, field: 'overdue', n: 1 },
    ]);
  });

  it('a payment counts its items once PAID, in the month of the bank’s result; the first payment its days', () => {
    const items = [
      { item: 'medical', key: 'medical', amountFen: 1000 },
      { item: 'inpatient_meals', key: 'inpatient_meals', amountFen: 200 },
    ] as const;
    expect(paymentIncrements({ status: 'SENT', items }, facts)).toEqual([]);
    expect(paymentIncrements({ status: 'PAID', items, settledAt: '2026-11-30T17:00:00Z' }, facts).map((i) => [i.bucket.month, i.field, i.n])).toEqual([
      ['2026-12', 'pay:medical', 1000],
      ['2026-12', 'pay:inpatient_meals', 200],
    ]);
    expect(firstPaymentIncrement('2026-11-11T02:00:00Z', facts)).toMatchObject({ field: 'dfp:10', n: 1 });
  });

  it('a change counts its difference: an overturned confirmation moves out, nothing changed counts nothing', () => {
    const before = caseIncrements(confirmedCase('CONFIRMED'), facts);
    expect(incrementDelta(before, before)).toEqual([]);
    const refused = caseIncrements(confirmedCase('NOT_CONFIRMED', '2026-12-20T10:00:00Z'), facts);
    expect(incrementDelta(before, refused).map((i) => [i.bucket.month, i.field, i.n])).toEqual([
      ['2026-10', 'confirmed', -1],
      ['2026-12', 'dtd:32', -1],
      ['2026-12', 'dtd:49', 1],
    ]);
  });
});

describe('computeStatistics (D20)', () => {
  const b = (month: string, province: string, industry: string, platformId: string) => ({ month, province, industry, platformId });
  const counters: StatisticsCounter[] = [
    { bucket: b('2026-10', '110000', 'FOOD_DELIVERY', 'P1'), fields: { reports: 3, confirmed: 2, 'dtd:4': 1, 'dtd:10': 2, 'pay:medical': 500 } },
    { bucket: b('2026-10', '310000', 'RIDE_HAILING', 'P2'), fields: { reports: 1, confirmed: 1, overdue: 1, 'dfp:7': 1, 'pay:medical': 100 } },
    { bucket: b('2026-11', '110000', 'FOOD_DELIVERY', 'P1'), fields: { reports: 1 } },
  ];
  const orders = [
    { bucket: b('2026-10', '110000', 'FOOD_DELIVERY', 'P1'), orders: 1_000_000 },
    { bucket: b('2026-10', '310000', 'RIDE_HAILING', 'P2'), orders: 3 },
  ];

  it('adds up the matching counters per month; empty months have zeros and nulls', () => {
    const all = computeStatistics('2026-09', '2026-11', {}, counters, orders);
    expect(all.months.map((m) => m.month)).toEqual(['2026-09', '2026-10', '2026-11']);
    expect(all.months[0]).toEqual({
      month: '2026-09',
      orders: 0,
      reports: 0,
      confirmedCases: 0,
      injuriesPerMillionOrders: null,
      daysToDecision: { median: null, p90: null },
      daysToFirstPayment: { median: null, p90: null },
      overdueCases: 0,
      paymentsByItemFen: {},
    });
    expect(all.months[1]).toEqual({
      month: '2026-10',
      orders: 1_000_003,
      reports: 4,
      confirmedCases: 3,
      injuriesPerMillionOrders: 3,
      daysToDecision: { median: 10, p90: 10 },
      daysToFirstPayment: { median: 7, p90: 7 },
      overdueCases: 1,
      paymentsByItemFen: { medical: 600 },
    });
  });

  it('filters by province, industry and platform', () => {
    const p2 = computeStatistics('2026-10', '2026-10', { platformId: 'P2' }, counters, orders).months[0]!;
    expect(p2).toMatchObject({ orders: 3, reports: 1, confirmedCases: 1, injuriesPerMillionOrders: 333333.33, overdueCases: 1 });
    const bj = computeStatistics('2026-10', '2026-10', { province: '110000', industry: 'FOOD_DELIVERY' }, counters, orders).months[0]!;
    expect(bj).toMatchObject({ orders: 1_000_000, reports: 3, confirmedCases: 2, injuriesPerMillionOrders: 2, daysToDecision: { median: 10, p90: 10 } });
    expect(computeStatistics('2026-10', '2026-10', { industry: 'FREIGHT' }, counters, orders).months[0]!.reports).toBe(0);
  });

  it('lists the payments by item in item order, and quotes a CSV field that needs it', () => {
    const twoItems: StatisticsCounter[] = [
      { bucket: b('2026-10', '110000', 'FOOD_DELIVERY', 'P1'), fields: { 'pay:medical': 500, 'pay:disability_lump_sum': 900, 'pay:meal': 0 } },
      { bucket: b('2026-10', '110000', 'FOOD_DELIVERY', 'P1'), fields: { 'pay:funeral': 100, 'pay:odd,"item"': 7 } },
    ];
    const month = computeStatistics('2026-10', '2026-10', {}, twoItems, []).months[0]!;
    expect(Object.keys(month.paymentsByItemFen)).toEqual(['disability_lump_sum', 'funeral', 'medical', 'odd,"item"']);
    expect(statisticsCsv({ months: [month] })).toContain('2026-10,待遇支付金额（分）,"odd,""item""",7\r\n');
  });

  it('exports one CSV row per month and figure (BOM, CRLF, Chinese headers)', () => {
    const csv = statisticsCsv(computeStatistics('2026-10', '2026-10', { platformId: 'P2' }, counters, orders));
    expect(csv.startsWith('\uFEFF月份,指标,项目,数值\r\n')).toBe(true);
    expect(csv).toContain('2026-10,订单数,,3\r\n');
    expect(csv).toContain('2026-10,每百万单工伤数,,333333.33\r\n');
    expect(csv).toContain('2026-10,报告至认定决定天数中位数,,\r\n');
    expect(csv).toContain('2026-10,待遇支付金额（分）,medical,100\r\n');
  });
});

describe('countersFromRecords and counterCorrections (the backfill, D20)', () => {
  const r = report();
  const c = {
    caseId: 'C1',
    reportId: 'R1',
    injuryDate: '2026-10-31',
    escalations: [],
    confirmation: { outcome: 'CONFIRMED', basis: 'x', assessmentRequired: false, recordedBy: 'h', recordedAt: '2026-11-03T02:00:00Z' },
  } as unknown as CaseRecord;
  const paid = (settledAt: string, fen: number) => ({
    caseId: 'C1',
    status: 'PAID' as const,
    settledAt,
    items: [{ item: 'medical' as const, key: 'medical', amountFen: fen }],
  });

  it('counts every record from scratch; the first payment is the earliest PAID result', () => {
    const { totals, firstPayments } = countersFromRecords(
      [r],
      [c],
      [paid('2026-11-20T02:00:00Z', 300), paid('2026-11-10T02:00:00Z', 200), { ...paid('2026-11-05T02:00:00Z', 50), status: 'SENT' }],
    );
    expect(firstPayments.get('C1')?.paidAt).toBe('2026-11-10T02:00:00Z');
    expect(totals.map((t) => [t.bucket.month, t.field, t.n])).toEqual([
      ['2026-10', 'reports', 1],
      ['2026-10', 'confirmed', 1],
      ['2026-11', 'dtd:2', 1],
      ['2026-11', 'pay:medical', 500],
      ['2026-11', 'dfp:9', 1],
    ]);
  });

  it('leaves out a case whose report is unknown and a payment whose case is, and dates an escalation without due by its record', () => {
    const stray = { ...c, caseId: 'C9', reportId: 'R-unknown' } as unknown as CaseRecord;
    const overdue = { ...c, escalations: [{ kind: 'CONFIRMATION_OVERDUE', recordedAt: '2026-12-20' }] } as unknown as CaseRecord;
    const { totals, firstPayments } = countersFromRecords(
      [r],
      [stray, overdue],
      [{ ...paid('2026-11-10T02:00:00Z', 200), caseId: 'C9' }, paid('2026-11-10T02:00:00Z', 200), paid('2026-11-25T02:00:00Z', 50)],
    );
    // The later payment is no first payment.
    expect(firstPayments.get('C1')?.paidAt).toBe('2026-11-10T02:00:00Z');
    expect(totals.map((t) => [t.bucket.month, t.field, t.n])).toEqual([
      ['2026-10', 'reports', 1],
      ['2026-10', 'confirmed', 1],
      ['2026-11', 'dtd:2', 1],
      ['2026-12', 'overdue', 1],
      ['2026-11', 'pay:medical', 250],
      ['2026-11', 'dfp:9', 1],
    ]);
  });

  it('corrects only what differs from the stored counters', () => {
    const { totals } = countersFromRecords([r], [c], []);
    const bucket = (month: string) => ({ month, province: '110000', industry: 'RIDE_HAILING', platformId: 'P1' });
    expect(
      counterCorrections(totals, [
        { bucket: bucket('2026-10'), fields: { reports: 1, confirmed: 1 } },
        { bucket: bucket('2026-11'), fields: { 'dtd:2': 1 } },
      ]),
    ).toEqual([]);
    expect(counterCorrections(totals, [{ bucket: bucket('2026-10'), fields: { reports: 3 } }]).map((i) => [i.bucket.month, i.field, i.n])).toEqual([
      ['2026-10', 'reports', -2],
      ['2026-10', 'confirmed', 1],
      ['2026-11', 'dtd:2', 1],
    ]);
  });
});
