/**
 * The projection of the orders (issue 18): what one committed change of the orders table adds to the
 * counters (enrolment days D3, fee lines D5) and to the rider-day items coverage and the evidence snapshot
 * read (D4, D11). Pure: the stream consumer (functions/orders/projector.ts) turns these into writes.
 *
 * - A new order (`INSERT`) is counted once: one enrolment day (worker, platform, province, date) and one fee
 *   line (platform, province, charged industry, date), and its entry goes on every rider-day it spans.
 * - A `finishedAt` the order lacked (a `MODIFY` that changes it) only rewrites its rider-day entries: the
 *   finished order may now span more days. Nothing is counted.
 * - Anything else (the projection's own bookkeeping, a removal by expiry or archive) changes nothing:
 *   counters are never taken back.
 */
import { type Industry, isIndustry } from './industries.ts';
import { addDays, parseInstant, SHANGHAI_OFFSET_MINUTES, shanghaiDate } from './time.ts';

/** What the projection reads of an order item (the orders table's item, docs/data-model.md A8). */
export interface ProjectedOrder {
  readonly platformId: string;
  readonly orderId: string;
  readonly workerId: string;
  readonly province: string;
  readonly industry: Industry;
  /** The industry the fee is charged for (D5). */
  readonly chargedIndustry: Industry;
  readonly acceptedAt: string;
  readonly finishedAt?: string;
  /** Asia/Shanghai date of acceptedAt: the enrolment day and fee day. */
  readonly date: string;
  /**
   * The write batch the order came in (its transaction's `BATCH#` item, which tells whether the month is
   * counted): absent on orders a job feeds (a rebuild, a backfill), which then count without it.
   */
  readonly batch?: string;
}

export type OrderChange =
  /** A new order: counted once, entries on its rider-days. */
  | { readonly kind: 'count'; readonly order: ProjectedOrder }
  /** A finishedAt added: its rider-day entries rewritten, nothing counted. */
  | { readonly kind: 'span'; readonly order: ProjectedOrder };

const REQUIRED = ['platformId', 'orderId', 'workerId', 'province', 'industry', 'chargedIndustry', 'acceptedAt', 'date'] as const;

/** An item image as an order, or undefined when it is not one (another item type, a field missing). */
export function projectedOrder(image: Readonly<Record<string, unknown>> | undefined): ProjectedOrder | undefined {
  if (image === undefined || REQUIRED.some((field) => typeof image[field] !== 'string')) return undefined;
  const order: Record<string, unknown> = {};
  for (const field of REQUIRED) order[field] = image[field];
  for (const field of ['finishedAt', 'batch'] as const) if (typeof image[field] === 'string') order[field] = image[field];
  return order as unknown as ProjectedOrder;
}

/**
 * What a change of the orders table (its images before and after) means for the projection: `count` for a
 * new order, `span` for a finishedAt it gained, undefined for anything else.
 */
export function orderChange(
  before: Readonly<Record<string, unknown>> | undefined,
  after: Readonly<Record<string, unknown>> | undefined,
): OrderChange | undefined {
  const order = projectedOrder(after);
  if (order === undefined) return undefined;
  if (before === undefined) return { kind: 'count', order };
  return before.finishedAt === after?.finishedAt ? undefined : { kind: 'span', order };
}

/**
 * The Asia/Shanghai dates whose rider-day item carries the order: every date from its acceptance to its
 * finish (a finished order), the acceptance date alone (an open one). Coverage then reads the dates from
 * `t − max(openOrderCoverHours, grace)` to `t` (`coverageDates`), whatever the order's length.
 */
export function riderDates(order: Pick<ProjectedOrder, 'acceptedAt' | 'finishedAt'>): string[] {
  const first = shanghaiDate(order.acceptedAt);
  const finished = order.finishedAt === undefined ? undefined : parseInstant(order.finishedAt);
  const last = finished === undefined ? first : shanghaiDate(finished);
  const dates = [first];
  while (dates.at(-1)! < last) dates.push(addDays(dates.at(-1)!, 1));
  return dates;
}

/** An order's entry on a rider-day item: what coverage and the evidence snapshot need (D4, D11). */
export interface RiderDayOrder {
  readonly orderId: string;
  readonly province: string;
  readonly industry: Industry;
  readonly acceptedAt: string;
  readonly finishedAt?: string;
}

export const riderDayOrder = (order: ProjectedOrder): RiderDayOrder => ({
  orderId: order.orderId,
  province: order.province,
  industry: order.industry,
  acceptedAt: order.acceptedAt,
  ...(order.finishedAt === undefined ? {} : { finishedAt: order.finishedAt }),
});

/** One-letter codes of the industries in a rider-day entry (fixed: stored entries are decoded with them). */
const INDUSTRY_CODES: Readonly<Record<Industry, string>> = { RIDE_HAILING: 'R', FOOD_DELIVERY: 'F', INSTANT_DELIVERY: 'I', FREIGHT: 'C' };
const INDUSTRY_OF_CODE = new Map(Object.entries(INDUSTRY_CODES).map(([industry, code]) => [code, industry as Industry]));

/** RFC 3339 in Asia/Shanghai, milliseconds only when there are some (`2025-08-04T08:00:00+08:00`). */
const shanghaiIso = (ms: number): string => {
  const shifted = new Date(ms + SHANGHAI_OFFSET_MINUTES * 60_000).toISOString();
  return `${shifted.slice(0, 19)}${ms % 1000 === 0 ? '' : shifted.slice(19, 23)}+08:00`;
};

/**
 * An order's entry on a rider-day item, compact because rider-days are kept 13 months (issue 18's cost):
 * `{acceptedAt, epoch ms base 36}.{finishedAt − acceptedAt in ms base 36, empty while open}.{province}.{industry
 * code}` — about 22 bytes where the map of ISO strings took about 85. The instants are kept to the
 * millisecond; their offset is not (they read back in Asia/Shanghai). An entry whose times do not parse
 * (never written by the projection, whose orders are validated) is kept as the map it was before.
 */
export function encodeRiderDayEntry(e: RiderDayOrder): string | { p: string; i: Industry; a: string; f?: string } {
  const accepted = parseInstant(e.acceptedAt);
  const finished = e.finishedAt === undefined ? undefined : parseInstant(e.finishedAt);
  if (accepted === undefined || (e.finishedAt !== undefined && (finished === undefined || finished < accepted))) {
    return { p: e.province, i: e.industry, a: e.acceptedAt, ...(e.finishedAt === undefined ? {} : { f: e.finishedAt }) };
  }
  const span = finished === undefined ? '' : (finished.getTime() - accepted.getTime()).toString(36);
  return `${accepted.getTime().toString(36)}.${span}.${e.province}.${INDUSTRY_CODES[e.industry]}`;
}

/** A stored rider-day entry as the order it names: the compact string, or the map of the first format. */
export function decodeRiderDayEntry(orderId: string, value: unknown): RiderDayOrder | undefined {
  if (typeof value === 'string') {
    const [accepted, span, province, code] = value.split('.');
    const industry = INDUSTRY_OF_CODE.get(code ?? '');
    const at = Number.parseInt(accepted!, 36);
    const length = span ? Number.parseInt(span, 36) : 0;
    if (industry === undefined || province === undefined || span === undefined || !Number.isFinite(at) || !Number.isFinite(length)) return undefined;
    return { orderId, province, industry, acceptedAt: shanghaiIso(at), ...(span === '' ? {} : { finishedAt: shanghaiIso(at + length) }) };
  }
  const map = value as { p?: unknown; i?: unknown; a?: unknown; f?: unknown } | null;
  if (typeof map?.p !== 'string' || typeof map.i !== 'string' || !isIndustry(map.i) || typeof map.a !== 'string') return undefined;
  return { orderId, province: map.p, industry: map.i, acceptedAt: map.a, ...(typeof map.f === 'string' ? { finishedAt: map.f } : {}) };
}

/**
 * The dates a coverage question at `at` reads rider-day items of (D4): an order covering `at` was accepted at
 * most max(openOrderCoverHours, grace) before it — an open order covers that long, a finished one is on
 * every date up to its finish and its grace reaches at most that far past it — so its entry is on one of
 * the dates from `at − that` to `at`.
 */
export function coverageDates(at: Date, params: { openOrderCoverHours: number; coverGraceMinutes: number }): string[] {
  const reachMs = Math.max(params.openOrderCoverHours * 3_600_000, params.coverGraceMinutes * 60_000);
  const first = shanghaiDate(new Date(at.getTime() - reachMs));
  const last = shanghaiDate(at);
  const dates = [first];
  while (dates.at(-1)! < last) dates.push(addDays(dates.at(-1)!, 1));
  return dates;
}
