/**
 * How long an order item stays in the orders table (issue 18, decision 2; docs/scale.md "Hot retention
 * versus archive of order detail").
 *
 * An order is hot until its month closes (D19: 00:00 Asia/Shanghai after `closesOn`, day
 * `contributionDueDay` of the following month) plus `orderHotDaysAfterClose` days; then TTL deletes it,
 * the archiver writes it to S3, and coverage and the evidence snapshot keep reading its rider-day entries.
 * The order item is also the exactly-once key of the order's write (A8): a month whose orders have
 * expired can no longer be reopened (a re-sent order would be stored and counted again).
 */
import { type ParameterVersion, resolveParameter } from './parameters.ts';
import { closesOn, monthDueDay } from './settlement.ts';
import { addDays, isValidDate, shanghaiStartOfDay } from './time.ts';

/**
 * The national `orderHotDaysAfterClose` version in force on the month's `closesOn`; a month older than
 * the first version takes the first version's value (every month expires, like every month closes).
 */
function hotDaysAfterClose(versions: readonly ParameterVersion[], closeDate: string): number {
  const inForce = resolveParameter(versions, 'orderHotDaysAfterClose', closeDate, {});
  if (inForce) return inForce.value;
  const first = versions
    .filter((v) => v.name === 'orderHotDaysAfterClose' && Object.keys(v.scope).length === 0)
    .reduce<ParameterVersion | undefined>((a, v) => (a === undefined || v.effectiveFrom < a.effectiveFrom ? v : a), undefined);
  if (first === undefined) throw new RangeError('orderHotDaysAfterClose has no national version');
  return first.value;
}

/**
 * When the orders of a month expire (epoch seconds, the TTL attribute `expiresAt`): 00:00 Asia/Shanghai
 * after the month's `closesOn` (the close, D19) plus `orderHotDaysAfterClose` days. `versions` holds the
 * versions of `contributionDueDay` and `orderHotDaysAfterClose`.
 */
export function monthExpiresAt(versions: readonly ParameterVersion[], month: string): number {
  const closeDate = closesOn(month, monthDueDay(versions, month));
  const expiryDate = addDays(closeDate, 1 + hotDaysAfterClose(versions, closeDate));
  return shanghaiStartOfDay(expiryDate).getTime() / 1000;
}

/** An order's `expiresAt` (epoch seconds) from its Asia/Shanghai order date (the date of acceptedAt). */
export function orderExpiresAt(versions: readonly ParameterVersion[], date: string): number {
  if (!isValidDate(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  return monthExpiresAt(versions, date.slice(0, 7));
}

/**
 * Whether a month's orders have expired at `now` (its `monthExpiresAt` has passed): the month is closed for
 * good — no reopening (`MONTH_ARCHIVED`) and no new order, even in a month left REOPENED past it, since a
 * re-sent order could no longer be recognised as a duplicate.
 */
export function monthArchived(versions: readonly ParameterVersion[], month: string, now: Date): boolean {
  return now.getTime() >= monthExpiresAt(versions, month) * 1000;
}
