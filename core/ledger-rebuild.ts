/**
 * What a ledger rebuild or the rider-day backfill feeds the orders projection (issue 18, decision 2;
 * scripts/rebuild-ledger.ts): order images from the orders table and the order archive, each order once.
 *
 * - `span` (the deploy-time backfill of rider-days, `--rider-days-only`): every order's rider-day entries,
 *   nothing counted; idempotent (a finished order's entry never changes).
 * - `count` (the full rebuild of a month range into an empty ledger): each order counted once — enrolment
 *   days, fee lines and rider-days, as the live projection counted it.
 *
 * The same order may come several times (an archive object written again from a later record, an order
 * still in the table and already archived): one image per (platformId, orderId) is kept, the one with
 * `finishedAt` when any has it (an order only ever gains its finishedAt). Changes are in a fixed order
 * (platform, date, acceptance, order id): a rebuild run twice plans the same groups.
 */
import { type OrderChange, type ProjectedOrder, projectedOrder } from './order-projection.ts';
import { isValidMonth } from './time.ts';

/** An inclusive range of months (`YYYY-MM`). */
export interface MonthRange {
  readonly from: string;
  readonly to: string;
}

/** Only the fields the projection reads: no bookkeeping attribute of the stored item goes along. */
const orderOf = (image: Readonly<Record<string, unknown>>): ProjectedOrder | undefined => {
  const o = projectedOrder(image);
  if (o === undefined) return undefined;
  return {
    platformId: o.platformId,
    orderId: o.orderId,
    workerId: o.workerId,
    province: o.province,
    industry: o.industry,
    chargedIndustry: o.chargedIndustry,
    acceptedAt: o.acceptedAt,
    ...(o.finishedAt === undefined ? {} : { finishedAt: o.finishedAt }),
    date: o.date,
  };
};

/** Whether a month is inside the range (both ends included); throws on a malformed range. */
export function inMonthRange(month: string, range: MonthRange): boolean {
  if (!isValidMonth(range.from) || !isValidMonth(range.to) || range.from > range.to) {
    throw new RangeError(`not a month range: ${range.from}..${range.to}`);
  }
  return month >= range.from && month <= range.to;
}

/**
 * The changes a rebuild applies: the order images (anything else skipped), deduplicated by platform and
 * order, restricted to `range` when given (by the order's Asia/Shanghai month), in a fixed order.
 */
export function rebuildChanges(images: Iterable<Readonly<Record<string, unknown>>>, kind: OrderChange['kind'], range?: MonthRange): OrderChange[] {
  const orders = new Map<string, ProjectedOrder>();
  for (const image of images) {
    const order = orderOf(image);
    if (order === undefined || (range !== undefined && !inMonthRange(order.date.slice(0, 7), range))) continue;
    const key = `${order.platformId}#${order.orderId}`;
    const seen = orders.get(key);
    if (seen === undefined || (seen.finishedAt === undefined && order.finishedAt !== undefined)) orders.set(key, order);
  }
  const sortKey = (o: ProjectedOrder) => `${o.platformId}\u0000${o.date}\u0000${o.acceptedAt}\u0000${o.orderId}`;
  // Keys are distinct (one image per platform and order): no two compare equal.
  return [...orders.values()].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1)).map((order) => ({ kind, order }));
}
