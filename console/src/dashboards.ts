/**
 * The dashboards' pure parts (统计看板, D20): the figures of GET /v1/statistics arranged for the charts and the
 * tables beside them. Rates over a range are computed from its totals with the API's own rounding
 * (core/statistics.ts), never averaged from monthly rates.
 */
import { injuriesPerMillion } from '../../core/statistics.ts';
import type { Schemas } from './api/client.ts';

export type Statistics = Schemas['Statistics'];
export type MonthFigures = Statistics['months'][number];

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The default range: the twelve months up to the current one (Asia/Shanghai). */
export function defaultRange(now: Date = new Date()): { from: string; to: string } {
  const to = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(now).slice(0, 7);
  return { from: addMonths(to, -11), to };
}

function addMonths(month: string, n: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export const isMonth = (value: string | undefined | null): value is string => !!value && MONTH.test(value);

/** One row of a breakdown (an industry, a province, a platform): its totals over the range. */
export interface BreakdownRow {
  readonly key: string;
  readonly orders: number;
  readonly confirmedCases: number;
  readonly injuriesPerMillionOrders: number | null;
}

/** The range's totals of one query's answer. */
export function totalsOf(key: string, stats: Statistics): BreakdownRow {
  const orders = stats.months.reduce((s, m) => s + m.orders, 0);
  const confirmedCases = stats.months.reduce((s, m) => s + m.confirmedCases, 0);
  return { key, orders, confirmedCases, injuriesPerMillionOrders: injuriesPerMillion(confirmedCases, orders) };
}

/** Payments by benefit item over the range (fen), largest first. */
export function paymentsByItem(stats: Statistics): { item: string; fen: number }[] {
  const sums = new Map<string, number>();
  for (const m of stats.months) for (const [item, fen] of Object.entries(m.paymentsByItemFen)) sums.set(item, (sums.get(item) ?? 0) + fen);
  return [...sums.entries()].map(([item, fen]) => ({ item, fen })).sort((a, b) => b.fen - a.fen || (a.item < b.item ? -1 : 1));
}

/** "—" for a figure without data (null), else the number as the API gives it. */
export const figure = (value: number | null | undefined): string => (value === null || value === undefined ? '—' : String(value));

/** Platform ids from a comma- or space-separated list (the 对比平台 field and the `platforms` URL parameter). */
export const platformList = (text: string | null | undefined): string[] => [
  ...new Set(
    (text ?? '')
      .split(/[\s,，]+/)
      .map((s) => s.trim())
      .filter(Boolean),
  ),
];
