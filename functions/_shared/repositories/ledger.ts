/**
 * The ledger table: counters derived from orders, never the orders themselves (docs/data-model.md A10–A13).
 *
 *   DAYS#{workerId} / {date}#{platformId}#{province}                  enrolment day (D3), orders ADDed
 *   FEE#{platformId}#{month}#{shard} / {province}#{industry}#{date}   fee counter (D5), orders ADDed
 *   PDAYS#{platformId}#{month}#{shard} / {province}#{workerId}#{date}  the same enrolment day seen from the
 *                                                                     platform (D19's employment report); the
 *                                                                     shard is a hash of the worker, so one worker's
 *                                                                     days stay in one partition
 *
 *   RIDERDAY#{workerId} / {platformId}#{date}                         a rider-day (A14): one attribute
 *                                                                     `O#{orderId}` per order on that day
 *                                                                     (its interval, province, industry)
 *
 * This module owns the key formats and the fee-counter sharding, and the reads (shards merged, so callers
 * see one count per (province, industry, day)). The writes are the projection of the orders' change stream
 * (repositories/projection.ts), never the order's own write.
 */
import { createHash, randomInt } from 'node:crypto';
import { decodeRiderDayEntry, type Industry, type RiderDayOrder } from '../../../core/index.ts';
import { config } from '../config.ts';
import { batchGetAll, queryAll } from '../db.ts';

/** What a counter needs to know of an order. */
export interface CountedOrder {
  readonly platformId: string;
  readonly workerId: string;
  readonly province: string;
  /** The industry the fee is charged for (D5). */
  readonly chargedIndustry: Industry;
  /** Asia/Shanghai date of acceptance: the enrolment day and fee day. */
  readonly date: string;
}

export interface EnrolmentDay {
  readonly date: string;
  readonly platformId: string;
  readonly province: string;
  readonly orders: number;
}

/** Orders counted for the fee on one day of a month, all shards added up. */
export interface FeeCount {
  readonly province: string;
  readonly industry: Industry;
  readonly date: string;
  readonly orders: number;
}

/**
 * Fee counters of one platform-month are spread over this many partition keys (`FEE#…#{shard}`, shard
 * 000…FEE_COUNTER_SHARDS−1): each transaction adds to one shard, picked at random, and the declaration
 * reads every shard (docs/data-model.md, "Keys and hot partitions"). It is part of the storage format:
 * it may grow (a reader of more shards than were written finds them empty), never shrink while counters
 * written with more shards are still declared.
 */
export const FEE_COUNTER_SHARDS = 8;

/** The shard a transaction's fee increments go to. */
export const pickFeeShard = (): number => randomInt(FEE_COUNTER_SHARDS);

export const dayCounterKey = (o: Pick<CountedOrder, 'workerId' | 'date' | 'platformId' | 'province'>) => ({
  pk: `DAYS#${o.workerId}`,
  sk: `${o.date}#${o.platformId}#${o.province}`,
});

/** The platform-day shard of a worker: stable (a hash of the id), so a worker's days are in one partition. */
const workerShard = (workerId: string): number => createHash('sha256').update(workerId).digest().readUInt32BE(0) % FEE_COUNTER_SHARDS;

const platformDaysPartitionKey = (platformId: string, month: string, shard: number) => `PDAYS#${platformId}#${month}#${String(shard).padStart(3, '0')}`;

export const platformDayCounterKey = (o: Pick<CountedOrder, 'workerId' | 'date' | 'platformId' | 'province'>) => ({
  pk: platformDaysPartitionKey(o.platformId, o.date.slice(0, 7), workerShard(o.workerId)),
  sk: `${o.province}#${o.workerId}#${o.date}`,
});

export const feePartitionKey = (platformId: string, month: string, shard: number) => `FEE#${platformId}#${month}#${String(shard).padStart(3, '0')}`;

export const feeCounterKey = (o: Pick<CountedOrder, 'platformId' | 'date' | 'province' | 'chargedIndustry'>, shard: number) => ({
  pk: feePartitionKey(o.platformId, o.date.slice(0, 7), shard),
  sk: `${o.province}#${o.chargedIndustry}#${o.date}`,
});

export const riderDayKey = (workerId: string, platformId: string, date: string) => ({ pk: `RIDERDAY#${workerId}`, sk: `${platformId}#${date}` });

/** The attribute of a rider-day item that holds one order's entry. */
export const RIDER_ORDER_PREFIX = 'O#';

export const ledgerRepository = {
  /**
   * The orders of a worker on a platform on the given dates (coverage D4, evidence D11): one BatchGetItem of
   * their rider-day items (one key per date, usually one or two), each order once. Eventually consistent
   * like any projection: it lags the orders by the stream consumer's delay (seconds).
   */
  async riderDayOrders(workerId: string, platformId: string, dates: readonly string[]): Promise<RiderDayOrder[]> {
    const items = await batchGetAll(
      config.tables.ledger,
      dates.map((d) => riderDayKey(workerId, platformId, d)),
    );
    const orders = new Map<string, RiderDayOrder>();
    for (const item of items) {
      for (const [name, value] of Object.entries(item)) {
        if (!name.startsWith(RIDER_ORDER_PREFIX)) continue;
        const entry = decodeRiderDayEntry(name.slice(RIDER_ORDER_PREFIX.length), value);
        // A finished entry wins over an open one of the same order (a day written before the finish was known).
        if (entry === undefined || orders.get(entry.orderId)?.finishedAt !== undefined) continue;
        orders.set(entry.orderId, entry);
      }
    }
    return [...orders.values()];
  },

  /** Enrolment days of a worker from `from` to `to` (dates, inclusive), every platform and province (A13). */
  async days(workerId: string, from: string, to: string): Promise<EnrolmentDay[]> {
    const items = await queryAll({
      TableName: config.tables.ledger,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': `DAYS#${workerId}`, ':from': from, ':to': `${to}#\uffff` },
    });
    return items.map((i) => ({ date: i.date as string, platformId: i.platformId as string, province: i.province as string, orders: i.orders as number }));
  },

  /** A platform's enrolment days of a month (D19 employment report): one Query per shard partition, in parallel. */
  async platformDays(platformId: string, month: string): Promise<{ workerId: string; date: string; province: string }[]> {
    const perShard = await Promise.all(
      Array.from({ length: FEE_COUNTER_SHARDS }, (_, shard) =>
        queryAll({
          TableName: config.tables.ledger,
          KeyConditionExpression: 'pk = :pk',
          ProjectionExpression: 'workerId, province, #d',
          ExpressionAttributeNames: { '#d': 'date' },
          ExpressionAttributeValues: { ':pk': platformDaysPartitionKey(platformId, month, shard) },
        }),
      ),
    );
    return perShard.flat().map((i) => ({ workerId: i.workerId as string, date: i.date as string, province: i.province as string }));
  },

  /**
   * Fee counts of a platform's month (D5, A12): one Query per shard partition, all in parallel, the
   * shards of each (province, industry, date) added up — one count per day line.
   */
  async feeCounts(platformId: string, month: string): Promise<FeeCount[]> {
    const perShard = await Promise.all(
      Array.from({ length: FEE_COUNTER_SHARDS }, (_, shard) =>
        queryAll({
          TableName: config.tables.ledger,
          KeyConditionExpression: 'pk = :pk',
          ProjectionExpression: '#p, #i, #d, #n',
          ExpressionAttributeNames: { '#p': 'province', '#i': 'industry', '#d': 'date', '#n': 'orders' },
          ExpressionAttributeValues: { ':pk': feePartitionKey(platformId, month, shard) },
        }),
      ),
    );
    const perDay = new Map<string, { province: string; industry: Industry; date: string; orders: number }>();
    for (const i of perShard.flat()) {
      const key = `${i.province}|${i.industry}|${i.date}`;
      const current = perDay.get(key);
      if (current) current.orders += i.orders as number;
      else perDay.set(key, { province: i.province as string, industry: i.industry as Industry, date: i.date as string, orders: i.orders as number });
    }
    return [...perDay.values()];
  },
};
