/**
 * The standard workload of issue 6: orders from W workers over D days, ~N orders per worker-day,
 * as the API receives them (request items), and the same orders as the orders repository stores them.
 */
import { chargedIndustry, shanghaiDate, type Industry } from '../../core/index.ts';
import { orderKey, type StoredOrder } from '../../functions/_shared/repositories/orders.ts';

export interface OrderRequestItem {
  orderId: string;
  platformWorkerId: string;
  industry: Industry;
  province: string;
  acceptedAt: string;
  finishedAt?: string;
}

export interface WorkloadOptions {
  readonly workers: number;
  /** Shanghai dates, `YYYY-MM-DD`. */
  readonly days: readonly string[];
  readonly ordersPerWorkerDay: number;
  /** Distinguishes runs: order ids are `{tag}-{worker}-{day}-{k}`. */
  readonly tag: string;
  readonly provinces: readonly string[];
  readonly industry?: Industry;
}

import { platformWorkerId } from './stack.ts';

/**
 * Orders in worker order (each worker's days together, as a platform exporting per rider would send
 * them). Accepted between 08:00 and 22:00 Shanghai time, 30 minutes each, every one finished.
 */
export const standardOrders = (o: WorkloadOptions): OrderRequestItem[] => {
  const out: OrderRequestItem[] = [];
  const spanMinutes = 14 * 60;
  for (let w = 0; w < o.workers; w++) {
    const province = o.provinces[w % o.provinces.length]!;
    for (let d = 0; d < o.days.length; d++) {
      for (let k = 0; k < o.ordersPerWorkerDay; k++) {
        const minute = Math.floor(((k + ((w * 7) % 11) / 11) * spanMinutes) / o.ordersPerWorkerDay);
        const accepted = new Date(`${o.days[d]}T08:00:00+08:00`).getTime() + minute * 60_000;
        out.push({
          orderId: `${o.tag}-${w}-${d}-${k}`,
          platformWorkerId: platformWorkerId(w),
          industry: o.industry ?? 'INSTANT_DELIVERY',
          province,
          acceptedAt: toShanghai(accepted),
          finishedAt: toShanghai(accepted + 30 * 60_000),
        });
      }
    }
  }
  return out;
};

/** The same orders in the order they happened (a platform streaming its orders as they come). */
export const chronological = (orders: readonly OrderRequestItem[]): OrderRequestItem[] =>
  [...orders].sort((a, b) => Date.parse(a.acceptedAt) - Date.parse(b.acceptedAt) || a.orderId.localeCompare(b.orderId));

/** RFC 3339 with the +08:00 offset, as Chinese platforms send it. */
const toShanghai = (ms: number): string => `${new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;

export const storedOrder = (platformId: string, workerId: string, item: OrderRequestItem): StoredOrder => {
  const date = shanghaiDate(item.acceptedAt);
  return {
    platformId,
    orderId: item.orderId,
    platformWorkerId: item.platformWorkerId,
    workerId,
    industry: item.industry,
    chargedIndustry: chargedIndustry(item.industry, date),
    province: item.province,
    acceptedAt: item.acceptedAt,
    ...(item.finishedAt ? { finishedAt: item.finishedAt } : {}),
    date,
  };
};

/**
 * The item the orders repository puts for an order (repositories/orders.ts `toItem`, which is not
 * exported): key from the repository's `orderKey`, the order's fields, `receivedAt` and the write batch
 * (a uuid: the raw arm writes a fixed one, so its items are the same size). test/unit/bench checks it
 * against what `writeNew` sends.
 */
export const orderTableItem = (o: StoredOrder, receivedAt: string, batch = '00000000-0000-4000-8000-000000000000') => ({
  ...orderKey(o.platformId, o.orderId),
  ...o,
  receivedAt,
  batch,
});
