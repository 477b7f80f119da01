/** Coverage at a moment (D4: 执行平台订单任务期间). */
import { latestRuleTable, ruleTableOn } from './rule-tables.ts';
import { addDays, parseInstant, shanghaiStartOfDay } from './time.ts';

export type CoverageReason = 'COVERED' | 'NO_ORDER_AT_TIME' | 'PLATFORM_NOT_ENROLLED' | 'UNKNOWN_WORKER';

export interface CoverageOrder {
  orderId: string;
  /** RFC 3339 with offset. */
  acceptedAt: string;
  finishedAt?: string;
}

export interface CoverageInput {
  at: Date;
  /** The platform registered this worker (D4: otherwise UNKNOWN_WORKER). */
  workerKnown: boolean;
  /** The platform is enrolled in that province on that date (D2). */
  platformEnrolled: boolean;
  orders: readonly CoverageOrder[];
  openOrderCoverHours: number;
  coverGraceMinutes: number;
}

export interface CoverageResult {
  covered: boolean;
  orderId?: string;
  reason: CoverageReason;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * The last covered instant (ms) of an order (D4): `finishedAt + grace` for a finished order, however long
 * after its acceptance that is; `acceptedAt + openOrderCoverHours` for an open one.
 */
function coverEnd(acceptedMs: number, finishedMs: number | undefined, input: CoverageInput): number {
  if (finishedMs === undefined) return acceptedMs + input.openOrderCoverHours * HOUR_MS;
  return finishedMs + input.coverGraceMinutes * MINUTE_MS;
}

/**
 * Whether the moment `at` is covered for (worker, platform) (D4). Reasons in order of precedence:
 * UNKNOWN_WORKER, PLATFORM_NOT_ENROLLED, then the orders: COVERED naming the earliest accepted covering
 * order (`acceptedAt ≤ t ≤ finishedAt + grace`; an unfinished order up to `acceptedAt +
 * openOrderCoverHours`), else NO_ORDER_AT_TIME. Orders with unreadable times are ignored.
 */
export function coverageAt(input: CoverageInput): CoverageResult {
  if (!input.workerKnown) return { covered: false, reason: 'UNKNOWN_WORKER' };
  if (!input.platformEnrolled) return { covered: false, reason: 'PLATFORM_NOT_ENROLLED' };
  const t = input.at.getTime();
  let best: { orderId: string; acceptedMs: number } | undefined;
  for (const order of input.orders) {
    const accepted = parseInstant(order.acceptedAt);
    const finished = order.finishedAt === undefined ? undefined : parseInstant(order.finishedAt);
    if (accepted === undefined || (order.finishedAt !== undefined && finished === undefined)) continue;
    const acceptedMs = accepted.getTime();
    if (acceptedMs > t || t > coverEnd(acceptedMs, finished?.getTime(), input)) continue;
    if (best === undefined || acceptedMs < best.acceptedMs || (acceptedMs === best.acceptedMs && order.orderId < best.orderId)) {
      best = { orderId: order.orderId, acceptedMs };
    }
  }
  return best === undefined ? { covered: false, reason: 'NO_ORDER_AT_TIME' } : { covered: true, orderId: best.orderId, reason: 'COVERED' };
}

/**
 * How many hours before `t` a coverage query looks for orders (D4), rounded up: the longer of
 * `openOrderCoverHours` (open orders) and the rule table's `coverage.queryLookbackHours` plus the grace
 * period (finished orders), widened to `longestOrderHours` when the store knows that a longer order of the
 * worker exists. The bound only limits the key query (orders of the worker accepted in `[t − lookback,
 * t]`); it never shortens an order's cover: an order the query returns covers up to its `finishedAt`.
 */
export function coverageLookbackHours(params: { openOrderCoverHours: number; coverGraceMinutes: number }, on?: string, longestOrderHours = 0): number {
  const spanHours = Math.max((on === undefined ? latestRuleTable() : ruleTableOn(on)).coverage.queryLookbackHours, longestOrderHours);
  const finishedMinutes = spanHours * 60 + params.coverGraceMinutes;
  return Math.max(params.openOrderCoverHours, Math.ceil(finishedMinutes / 60));
}

/**
 * The orders to snapshot as evidence for an injury on `date` (D11): every order whose span overlaps
 * that Asia/Shanghai calendar day, including one accepted before midnight and still running after it.
 * A finished order spans acceptedAt…finishedAt; an open one acceptedAt…acceptedAt + openOrderCoverHours.
 * Orders with unreadable times are left out. The input order is kept.
 */
export function ordersOverlappingDate<T extends CoverageOrder>(orders: readonly T[], date: string, openOrderCoverHours: number): T[] {
  const dayStart = shanghaiStartOfDay(date).getTime();
  const dayEnd = shanghaiStartOfDay(addDays(date, 1)).getTime();
  return orders.filter((order) => {
    const accepted = parseInstant(order.acceptedAt)?.getTime();
    if (accepted === undefined) return false;
    const end = order.finishedAt === undefined ? accepted + openOrderCoverHours * HOUR_MS : parseInstant(order.finishedAt)?.getTime();
    return end !== undefined && accepted < dayEnd && end >= dayStart;
  });
}
