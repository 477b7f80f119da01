/**
 * Statistics (D20; contract "Statistics (D20)" and the "Reports and statistics" clarification): what each
 * stored record contributes to the monthly counters, and the figures computed from those counters.
 * Pure: the adapters hand in the records (stream images) and the counters read back.
 *
 * Definitions (docs/reporting.md):
 * - reports: injury reports by the month of `occurredAt` (Asia/Shanghai);
 * - confirmed cases: cases whose confirmation is `CONFIRMED` or `DEEMED`, by injury month;
 * - days to decision: Asia/Shanghai calendar days from the report to the confirmation decision (refusals
 *   included), by the month of the decision; days to first payment: from the report to the first `PAID`
 *   bank result of the case, by the month of that result;
 * - overdue cases: cases with a missed statutory deadline (D7, D8) recorded, by the month of the earliest
 *   missed deadline;
 * - payments by benefit item: the items of `PAID` payments, by the month of the bank result;
 * - median and p90 by nearest rank over the days (null without data); injuries per million orders with 2
 *   decimals (null without orders).
 */
import type { CaseRecord, InjuryReport, PaymentRecord } from './case-record.ts';
import { chargedIndustry } from './industry-rules.ts';
import { isIndustry } from './industries.ts';
import { addMonthsToMonth, daysBetween, monthsBetween, shanghaiDate, shanghaiMonth } from './time.ts';

/** The contract's definitions (not policy parameters): median and 90th percentile, per million orders, 2 decimals. */
export const STATISTICS_DEFINITIONS = {
  median: 0.5,
  p90: 0.9,
  perOrders: 1_000_000,
  decimals: 2,
  /** Longest range one request may ask for (months, inclusive). */
  maxMonths: 36,
} as const;

/** Escalations that mean a statutory deadline was missed (core/case-deadlines.ts `missedDeadlines`). */
export const OVERDUE_ESCALATIONS: readonly string[] = ['CONFIRMATION_OVERDUE', 'ASSESSMENT_OVERDUE'];

/** Industry of a report whose orders do not tell it (no covering order, no snapshot). */
export const UNKNOWN_INDUSTRY = 'UNKNOWN';

/** The dimensions every counter is kept by. */
export interface StatisticsBucket {
  readonly month: string;
  readonly province: string;
  readonly industry: string;
  readonly platformId: string;
}

/** Counter fields: `reports`, `confirmed`, `overdue`, `dtd:{days}`, `dfp:{days}`, `pay:{benefit item}`. */
export type StatisticsField = 'reports' | 'confirmed' | 'overdue' | `dtd:${number}` | `dfp:${number}` | `pay:${string}`;

/** One increment of one counter (negative when a record stops counting there). */
export interface StatisticsIncrement {
  readonly bucket: StatisticsBucket;
  readonly field: StatisticsField;
  readonly n: number;
}

/** What a case's counters need from its report: the dimensions and when it was reported. */
export interface ReportFacts {
  readonly platformId: string;
  readonly province: string;
  readonly industry: string;
  readonly reportedAt: string;
}

/**
 * The industry an injury is counted under: the charged industry (D1/D5, as the order counters) of the order
 * that covers it, else of the order the report names, else of the first order of the day's snapshot.
 */
export function reportIndustry(report: Pick<InjuryReport, 'coverage' | 'orderId' | 'orders' | 'injuryDate'>): string {
  const order = report.orders.find((o) => o.orderId === report.coverage.orderId) ?? report.orders.find((o) => o.orderId === report.orderId) ?? report.orders[0];
  if (!order || !isIndustry(order.industry)) return UNKNOWN_INDUSTRY;
  return chargedIndustry(order.industry, report.injuryDate);
}

export const reportFacts = (report: InjuryReport): ReportFacts => ({
  platformId: report.platformId,
  province: report.province,
  industry: reportIndustry(report),
  reportedAt: report.reportedAt,
});

const bucketOf = (facts: Pick<ReportFacts, 'platformId' | 'province' | 'industry'>, month: string): StatisticsBucket => ({
  month,
  province: facts.province,
  industry: facts.industry,
  platformId: facts.platformId,
});

/** Calendar days (Asia/Shanghai) from one instant to a later one; never negative. */
export const businessDaysBetween = (from: string, to: string): number => Math.max(0, daysBetween(shanghaiDate(from), shanghaiDate(to)));

/** A report counts once, in the month of its injury. */
export function reportIncrements(report: InjuryReport): StatisticsIncrement[] {
  return [{ bucket: bucketOf(reportFacts(report), report.injuryDate.slice(0, 7)), field: 'reports', n: 1 }];
}

/** The earliest missed statutory deadline of a case (its `due` date), if any. */
const earliestOverdue = (record: Pick<CaseRecord, 'escalations'>): string | undefined =>
  record.escalations
    .filter((e) => OVERDUE_ESCALATIONS.includes(e.kind))
    .map((e) => e.due ?? e.recordedAt)
    .sort()[0];

/** What a case's current state counts: its confirmation (confirmed, days to decision) and a missed deadline. */
export function caseIncrements(record: Pick<CaseRecord, 'injuryDate' | 'confirmation' | 'escalations'>, facts: ReportFacts): StatisticsIncrement[] {
  const out: StatisticsIncrement[] = [];
  const c = record.confirmation;
  if (c) {
    if (c.outcome === 'CONFIRMED' || c.outcome === 'DEEMED') out.push({ bucket: bucketOf(facts, record.injuryDate.slice(0, 7)), field: 'confirmed', n: 1 });
    out.push({ bucket: bucketOf(facts, shanghaiMonth(c.recordedAt)), field: `dtd:${businessDaysBetween(facts.reportedAt, c.recordedAt)}`, n: 1 });
  }
  const overdue = earliestOverdue(record);
  if (overdue) out.push({ bucket: bucketOf(facts, overdue.slice(0, 7)), field: 'overdue', n: 1 });
  return out;
}

/** A payment counts its items once the bank has paid it, in the month of the bank's result. */
export function paymentIncrements(payment: Pick<PaymentRecord, 'status' | 'items' | 'settledAt'>, facts: ReportFacts): StatisticsIncrement[] {
  if (payment.status !== 'PAID' || !payment.settledAt) return [];
  const bucket = bucketOf(facts, shanghaiMonth(payment.settledAt));
  return payment.items.map((i) => ({ bucket, field: `pay:${i.item}` as const, n: i.amountFen }));
}

/** The first payment of a case counts the days from the report to it, in the month of the bank's result. */
export function firstPaymentIncrement(paidAt: string, facts: ReportFacts): StatisticsIncrement {
  return { bucket: bucketOf(facts, shanghaiMonth(paidAt)), field: `dfp:${businessDaysBetween(facts.reportedAt, paidAt)}`, n: 1 };
}

export const bucketKey = (b: StatisticsBucket): string => `${b.month}#${b.province}#${b.industry}#${b.platformId}`;

/**
 * `after − before`, per (bucket, field), without zeros: what a record's change adds to the counters. Applied to
 * a stream record's old and new images, it makes every change count exactly its difference.
 */
export function incrementDelta(before: readonly StatisticsIncrement[], after: readonly StatisticsIncrement[]): StatisticsIncrement[] {
  const sums = new Map<string, StatisticsIncrement>();
  const add = (i: StatisticsIncrement, sign: number) => {
    const key = `${bucketKey(i.bucket)}|${i.field}`;
    const current = sums.get(key);
    sums.set(key, { bucket: i.bucket, field: i.field, n: (current?.n ?? 0) + sign * i.n });
  };
  for (const i of before) add(i, -1);
  for (const i of after) add(i, 1);
  return [...sums.values()].filter((i) => i.n !== 0);
}

/** The months from `from` to `to` inclusive (YYYY-MM). */
export function monthRange(from: string, to: string): string[] {
  const n = monthsBetween(from, to);
  return Array.from({ length: Math.max(0, n + 1) }, (_, k) => addMonthsToMonth(from, k));
}

/**
 * Nearest-rank percentile of a distribution given as a histogram (value → count): the smallest value whose
 * cumulative count reaches ⌈p × N⌉. Null for an empty distribution.
 */
export function nearestRank(histogram: ReadonlyMap<number, number>, p: number): number | null {
  const values = [...histogram.entries()].filter(([, n]) => n > 0).sort(([a], [b]) => a - b);
  const total = values.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return null;
  // 1 ≤ rank ≤ total: some value's cumulative count always reaches it.
  const rank = Math.min(total, Math.max(1, Math.ceil(p * total)));
  let seen = 0;
  return values.find(([, n]) => (seen += n) >= rank)![0];
}

/** Median and p90 (nearest rank) of a histogram of days. */
export const medianAndP90 = (histogram: ReadonlyMap<number, number>): { median: number | null; p90: number | null } => ({
  median: nearestRank(histogram, STATISTICS_DEFINITIONS.median),
  p90: nearestRank(histogram, STATISTICS_DEFINITIONS.p90),
});

/** Confirmed injuries per million orders, rounded half up to 2 decimals (exact in integers); null without orders. */
export function injuriesPerMillion(confirmed: number, orders: number): number | null {
  if (orders <= 0) return null;
  const scale = 10 ** STATISTICS_DEFINITIONS.decimals;
  const hundredths = Math.floor((2 * confirmed * STATISTICS_DEFINITIONS.perOrders * scale + orders) / (2 * orders));
  return hundredths / scale;
}

/** One counter item as read back: its bucket and its fields. */
export interface StatisticsCounter {
  readonly bucket: StatisticsBucket;
  readonly fields: Readonly<Record<string, number>>;
}

/** Orders of one (month, province, industry, platform), from the fee counters. */
export interface OrderCount {
  readonly bucket: StatisticsBucket;
  readonly orders: number;
}

export interface StatisticsFilter {
  readonly province?: string | undefined;
  readonly industry?: string | undefined;
  readonly platformId?: string | undefined;
}

export interface MonthStatistics {
  readonly month: string;
  readonly orders: number;
  readonly reports: number;
  readonly confirmedCases: number;
  readonly injuriesPerMillionOrders: number | null;
  readonly daysToDecision: { median: number | null; p90: number | null };
  readonly daysToFirstPayment: { median: number | null; p90: number | null };
  readonly overdueCases: number;
  readonly paymentsByItemFen: Record<string, number>;
}

const matches = (b: StatisticsBucket, f: StatisticsFilter): boolean =>
  (f.province === undefined || b.province === f.province) &&
  (f.industry === undefined || b.industry === f.industry) &&
  (f.platformId === undefined || b.platformId === f.platformId);

/** The figures of each month of [from, to] over the counters that match the filter. */
export function computeStatistics(
  from: string,
  to: string,
  filter: StatisticsFilter,
  counters: readonly StatisticsCounter[],
  orders: readonly OrderCount[],
): { months: MonthStatistics[] } {
  return {
    months: monthRange(from, to).map((month) => {
      const mine = counters.filter((c) => c.bucket.month === month && matches(c.bucket, filter));
      const orderCount = orders.filter((o) => o.bucket.month === month && matches(o.bucket, filter)).reduce((s, o) => s + o.orders, 0);
      const sum = (field: string) => mine.reduce((s, c) => s + (c.fields[field] ?? 0), 0);
      const histogram = (prefix: string) => {
        const h = new Map<number, number>();
        for (const c of mine) {
          for (const [field, n] of Object.entries(c.fields)) {
            if (!field.startsWith(prefix)) continue;
            const days = Number(field.slice(prefix.length));
            h.set(days, (h.get(days) ?? 0) + n);
          }
        }
        return h;
      };
      const payments: Record<string, number> = {};
      for (const c of mine) {
        for (const [field, n] of Object.entries(c.fields)) {
          if (field.startsWith('pay:')) payments[field.slice(4)] = (payments[field.slice(4)] ?? 0) + n;
        }
      }
      const confirmedCases = sum('confirmed');
      return {
        month,
        orders: orderCount,
        reports: sum('reports'),
        confirmedCases,
        injuriesPerMillionOrders: injuriesPerMillion(confirmedCases, orderCount),
        daysToDecision: medianAndP90(histogram('dtd:')),
        daysToFirstPayment: medianAndP90(histogram('dfp:')),
        overdueCases: sum('overdue'),
        paymentsByItemFen: Object.fromEntries(
          Object.entries(payments)
            .filter(([, fen]) => fen !== 0)
            .sort(([a], [b]) => a.localeCompare(b, 'en')),
        ),
      };
    }),
  };
}

/** The export's columns (Chinese headers): one row per month and figure. */
export const STATISTICS_HEADERS = ['月份', '指标', '项目', '数值'] as const;

export const STATISTICS_FIGURES = {
  orders: '订单数',
  reports: '伤害报告数',
  confirmedCases: '认定（视同）工伤案件数',
  injuriesPerMillionOrders: '每百万单工伤数',
  daysToDecisionMedian: '报告至认定决定天数中位数',
  daysToDecisionP90: '报告至认定决定天数第90百分位',
  daysToFirstPaymentMedian: '报告至首次支付天数中位数',
  daysToFirstPaymentP90: '报告至首次支付天数第90百分位',
  overdueCases: '超过法定时限案件数',
  paymentsByItemFen: '待遇支付金额（分）',
} as const;

/** The statistics as rows under STATISTICS_HEADERS (empty value = no data). */
export function statisticsRows(result: { months: readonly MonthStatistics[] }): (string | number)[][] {
  const f = STATISTICS_FIGURES;
  const v = (x: number | null) => (x === null ? '' : x);
  const rows: (string | number)[][] = [];
  for (const m of result.months) {
    rows.push(
      [m.month, f.orders, '', m.orders],
      [m.month, f.reports, '', m.reports],
      [m.month, f.confirmedCases, '', m.confirmedCases],
      [m.month, f.injuriesPerMillionOrders, '', v(m.injuriesPerMillionOrders)],
      [m.month, f.daysToDecisionMedian, '', v(m.daysToDecision.median)],
      [m.month, f.daysToDecisionP90, '', v(m.daysToDecision.p90)],
      [m.month, f.daysToFirstPaymentMedian, '', v(m.daysToFirstPayment.median)],
      [m.month, f.daysToFirstPaymentP90, '', v(m.daysToFirstPayment.p90)],
      [m.month, f.overdueCases, '', m.overdueCases],
    );
    for (const [item, fen] of Object.entries(m.paymentsByItemFen)) rows.push([m.month, f.paymentsByItemFen, item, fen]);
  }
  return rows;
}

const csvField = (value: string | number): string => {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** RFC 4180 CSV (CRLF) with a UTF-8 byte-order mark, as the employment report's export. */
export function statisticsCsv(result: { months: readonly MonthStatistics[] }): string {
  const lines = [STATISTICS_HEADERS as readonly (string | number)[], ...statisticsRows(result)].map((r) => r.map(csvField).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** One counter field's total as it should be, for reconciliation. */
export interface CounterTotal {
  readonly bucket: StatisticsBucket;
  readonly field: string;
  readonly n: number;
}

/**
 * The counters the stored records call for, from scratch (the backfill and the drift check of
 * scripts/reconcile-statistics.ts): every report, every case's current state, every PAID payment, and each
 * case's first PAID result. `factsOf` gives a case's report facts (by report id).
 */
export function countersFromRecords(
  reports: readonly InjuryReport[],
  cases: readonly Pick<CaseRecord, 'caseId' | 'reportId' | 'injuryDate' | 'confirmation' | 'escalations'>[],
  payments: readonly Pick<PaymentRecord, 'caseId' | 'status' | 'items' | 'settledAt'>[],
): { totals: CounterTotal[]; firstPayments: Map<string, { paidAt: string; increment: StatisticsIncrement }> } {
  const facts = new Map(reports.map((r) => [r.reportId, reportFacts(r)]));
  const caseFacts = new Map<string, ReportFacts>();
  const increments: StatisticsIncrement[] = reports.flatMap(reportIncrements);
  for (const c of cases) {
    const f = facts.get(c.reportId);
    if (!f) continue;
    caseFacts.set(c.caseId, f);
    increments.push(...caseIncrements(c, f));
  }
  const firstPayments = new Map<string, { paidAt: string; increment: StatisticsIncrement }>();
  for (const p of payments) {
    const f = caseFacts.get(p.caseId);
    if (!f) continue;
    increments.push(...paymentIncrements(p, f));
    if (p.status !== 'PAID' || !p.settledAt) continue;
    const first = firstPayments.get(p.caseId);
    if (!first || p.settledAt < first.paidAt) firstPayments.set(p.caseId, { paidAt: p.settledAt, increment: firstPaymentIncrement(p.settledAt, f) });
  }
  increments.push(...[...firstPayments.values()].map((fp) => fp.increment));
  return { totals: incrementDelta([], increments), firstPayments };
}

/** What to ADD to the stored counters so that they equal `expected` (empty when they already do). */
export function counterCorrections(expected: readonly CounterTotal[], stored: readonly StatisticsCounter[]): StatisticsIncrement[] {
  const have: StatisticsIncrement[] = stored.flatMap((c) =>
    Object.entries(c.fields).map(([field, n]) => ({ bucket: c.bucket, field: field as StatisticsField, n })),
  );
  return incrementDelta(have, expected as readonly StatisticsIncrement[]);
}
