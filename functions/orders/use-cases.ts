/**
 * Batch order ingestion (contract: POST /v1/platforms/{platformId}/orders; D1, D2, D3, D5).
 *
 * Each valid new order is written once, by a conditional put in a transaction of puts only (repositories/orders.ts); its
 * enrolment day, fee line and rider-days follow from the orders table's change stream (the projection,
 * functions/orders/projector.ts), seconds later, exactly once. A re-sent order is a `duplicate`; re-sent
 * with the finishedAt it lacked it is `updated`; any other difference is `rejected`. Nothing is stored or
 * counted twice, whatever is re-sent, concurrently or later.
 */
import type * as z from '../_shared/zod.ts';
import {
  chargedIndustry,
  checkOrderTimes,
  industryAcceptedFor,
  isPlatformEnrolled,
  monthArchived,
  orderExpiresAt,
  resentOrderDifferences,
  shanghaiDate,
} from '../../core/index.ts';
import { businessMetrics } from '../_shared/metrics.ts';
import { closedMonths, expiryVersions } from '../_shared/months.ts';
import { fieldErrors, type ProblemFieldError } from '../_shared/problem.ts';
import type { Platform } from '../_shared/repositories/platforms.ts';
import { ordersRepository, type StoredOrder } from '../_shared/repositories/orders.ts';
import { workersRepository } from '../_shared/repositories/workers.ts';
import { OrderItem } from './schemas.ts';

type Item = z.infer<typeof OrderItem>;
type OrderStatus = 'accepted' | 'duplicate' | 'updated' | 'rejected';
type ItemError = ProblemFieldError & { code?: 'MONTH_CLOSED' };
interface OrderResult {
  index: number;
  orderId?: string;
  status: OrderStatus;
  errors?: ItemError[];
}
export interface IngestionSummary {
  accepted: number;
  duplicates: number;
  updated: number;
  rejected: number;
  results: OrderResult[];
}

/** Transactions (up to 100 conditional puts each) in flight per request (docs/benchmarks.md: the measured choice). */
const WRITE_CONCURRENCY = 6;

/** Rules that need the platform and the clock (the schema has checked the shapes): D1, D2, contract. */
const ruleErrors = (item: Item, index: number, platform: Platform, now: Date): ProblemFieldError[] => {
  const at = (field: string) => `orders.${index}.${field}`;
  const errors = checkOrderTimes(item, now).map((e) => ({ path: at(e.path), message: e.message }));
  const date = shanghaiDate(item.acceptedAt);
  if (!isPlatformEnrolled(platform.provinces, item.province, date)) {
    errors.push({ path: at('province'), message: `The platform is not enrolled in ${item.province} on ${date} (D2).` });
  }
  if (!industryAcceptedFor(item.industry, platform.industries, date)) {
    errors.push({ path: at('industry'), message: `The platform is not enrolled for ${item.industry} on ${date} (D1).` });
  }
  return errors;
};

/**
 * The item error of a new order of a CLOSED month (contract: `orders.N.acceptedAt`, code MONTH_CLOSED); a
 * month whose orders have expired to the archive (issue 18) is closed for good: it cannot be reopened.
 */
const monthClosedError = (index: number, month: string, archived = false): ItemError => ({
  path: `orders.${index}.acceptedAt`,
  code: 'MONTH_CLOSED',
  message: archived
    ? `${month} 的订单明细已过在线保留期并转入归档（D19），不再接收该月的订单，也不能重新开放补报。`
    : `${month} 的账单已关账（D19），不再接收该月的新订单；如需补报，请联系管理员重新开放该月。`,
});

/** A re-sent order that differs from the stored one: an error per differing field (D3). */
const differences = (stored: StoredOrder, item: Item, index: number): ProblemFieldError[] =>
  resentOrderDifferences(stored, item).map((field) => ({
    path: `orders.${index}.${field}`,
    message: '与已收到的同一 orderId 的订单内容不同（D3）：同一订单请原样重发，新订单请使用新的 orderId。',
  }));

export const ingestOrders = async (platform: Platform, rawItems: readonly unknown[], now: Date): Promise<IngestionSummary> => {
  const results: OrderResult[] = new Array(rawItems.length);
  const rejectItem = (index: number, orderId: string | undefined, errors: ItemError[]) => {
    results[index] = { index, ...(orderId ? { orderId } : {}), status: 'rejected', errors };
  };

  // 1. Shape and rules, item by item.
  const valid: { index: number; item: Item }[] = [];
  for (const [index, raw] of rawItems.entries()) {
    const parsed = OrderItem.safeParse(raw);
    const orderId = typeof (raw as Item | null)?.orderId === 'string' ? (raw as Item).orderId : undefined;
    if (!parsed.success) {
      rejectItem(index, orderId, fieldErrors(parsed.error.issues as never, ['orders', index]));
      continue;
    }
    const errors = ruleErrors(parsed.data, index, platform, now);
    if (errors.length > 0) {
      rejectItem(index, orderId, errors);
      continue;
    }
    valid.push({ index, item: parsed.data });
  }

  // 2. Workers, by platformWorkerId.
  const links = await workersRepository.links(
    platform.platformId,
    valid.map((v) => v.item.platformWorkerId),
  );
  const candidates: { index: number; item: Item; order: StoredOrder }[] = [];
  // Issue 18: each new order expires from the table after its month's close plus orderHotDaysAfterClose
  // (one value per month: computed once per month of the batch, not per order).
  const versions = valid.length > 0 ? await expiryVersions() : [];
  const expiries = new Map<string, number>();
  const expiresAt = (date: string) => {
    const month = date.slice(0, 7);
    if (!expiries.has(month)) expiries.set(month, orderExpiresAt(versions, date));
    return expiries.get(month)!;
  };
  for (const { index, item } of valid) {
    const link = links.get(item.platformWorkerId);
    if (!link) {
      rejectItem(index, item.orderId, [{ path: `orders.${index}.platformWorkerId`, message: '本平台没有登记此 platformWorkerId 的劳动者：请先登记劳动者。' }]);
      continue;
    }
    const date = shanghaiDate(item.acceptedAt);
    candidates.push({
      index,
      item,
      order: {
        platformId: platform.platformId,
        orderId: item.orderId,
        platformWorkerId: item.platformWorkerId,
        workerId: link.workerId,
        industry: item.industry,
        chargedIndustry: chargedIndustry(item.industry, date),
        province: item.province,
        acceptedAt: item.acceptedAt,
        ...(item.finishedAt ? { finishedAt: item.finishedAt } : {}),
        date,
        expiresAt: expiresAt(date),
      },
    });
  }

  // 3. Write. The first occurrence of an orderId in the batch is written; later occurrences are then
  //    classified against what is stored, exactly as if they had been sent in a later request.
  const first = new Map<string, (typeof candidates)[number]>();
  const repeats: (typeof candidates)[number][] = [];
  for (const c of candidates) {
    if (first.has(c.order.orderId)) repeats.push(c);
    else first.set(c.order.orderId, c);
  }

  // D19: a new order of a CLOSED month is rejected (MONTH_CLOSED); one already stored stays a duplicate or
  //      an update. Only months past their closesOn are looked up.
  const months = [...new Set(candidates.map((c) => c.order.date.slice(0, 7)))];
  const closed = await closedMonths(platform.platformId, months, now);
  // Issue 18: a month whose orders have expired takes no new order even if it was left REOPENED: its stored
  // orders are being deleted to the archive, so a re-sent one would no longer be recognised as a duplicate.
  const archived = new Set(months.filter((month) => monthArchived(versions, month, now)));
  for (const month of archived) closed.add(month);
  const inClosedMonth = (c: (typeof candidates)[number]) => closed.has(c.order.date.slice(0, 7));
  const firstClosed = [...first.values()].filter(inClosedMonth);
  if (firstClosed.length > 0) {
    const stored = await ordersRepository.get(
      platform.platformId,
      firstClosed.map((c) => c.order.orderId),
    );
    const refused = new Set<string>();
    for (const c of firstClosed) {
      if (stored.has(c.order.orderId)) continue;
      refused.add(c.order.orderId);
      first.delete(c.order.orderId);
      rejectItem(c.index, c.order.orderId, [monthClosedError(c.index, c.order.date.slice(0, 7), archived.has(c.order.date.slice(0, 7)))]);
    }
    for (const r of repeats.filter((r) => refused.has(r.order.orderId))) {
      rejectItem(
        r.index,
        r.order.orderId,
        inClosedMonth(r)
          ? [monthClosedError(r.index, r.order.date.slice(0, 7), archived.has(r.order.date.slice(0, 7)))]
          : [{ path: `orders.${r.index}.orderId`, message: '同一批次中此 orderId 的首次出现已被拒绝：请修正后重新发送。' }],
      );
    }
    repeats.splice(0, repeats.length, ...repeats.filter((r) => !refused.has(r.order.orderId)));
  }

  const outcome = await ordersRepository.writeNew(
    [...first.values()].map((c) => c.order),
    now.toISOString(),
    WRITE_CONCURRENCY,
  );
  for (const o of outcome.written) results[first.get(o.orderId)!.index] = { index: first.get(o.orderId)!.index, orderId: o.orderId, status: 'accepted' };
  const existing = new Map(outcome.existing);

  // 4. Orders that were already there (earlier requests, concurrent requests, or earlier in this batch).
  const seen = [...first.values()].filter((c) => existing.has(c.order.orderId));
  if (repeats.length > 0) {
    for (const [id, o] of await ordersRepository.get(platform.platformId, [...new Set(repeats.map((r) => r.order.orderId))])) existing.set(id, o);
  }
  for (const { index, item } of [...seen, ...repeats].sort((a, b) => a.index - b.index)) {
    let stored = existing.get(item.orderId)!;
    const diff = differences(stored, item, index);
    if (diff.length > 0) {
      rejectItem(index, item.orderId, diff);
    } else if (stored.finishedAt === undefined && item.finishedAt !== undefined) {
      if (await ordersRepository.addFinishedAt(stored, item.finishedAt)) {
        existing.set(item.orderId, (stored = { ...stored, finishedAt: item.finishedAt }));
        results[index] = { index, orderId: item.orderId, status: 'updated' };
      } else {
        stored = (await ordersRepository.get(platform.platformId, [item.orderId])).get(item.orderId)!;
        existing.set(item.orderId, stored);
        const again = differences(stored, item, index);
        if (again.length > 0) rejectItem(index, item.orderId, again);
        else results[index] = { index, orderId: item.orderId, status: 'duplicate' };
      }
    } else {
      results[index] = { index, orderId: item.orderId, status: 'duplicate' };
    }
  }

  const count = (s: OrderStatus) => results.filter((r) => r.status === s).length;
  const summary = { accepted: count('accepted'), duplicates: count('duplicate'), updated: count('updated'), rejected: count('rejected'), results };
  businessMetrics.ordersAccepted(summary.accepted);
  return summary;
};
