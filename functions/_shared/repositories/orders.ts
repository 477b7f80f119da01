/**
 * Orders (docs/data-model.md A8, A9, A14).
 *
 *   orders table   pk = {platformId}#{orderId}                      one item per order: exactly-once
 *                  GSI byWorker: wk = {workerId}#{platformId}, at = {acceptedAt UTC}#{orderId}   coverage
 *                  pk = {platformId}#{orderId}#+{k}                 continuation items of an order longer
 *                  than CONTINUATION_STEP_HOURS: at = {acceptedAt + k × step UTC}#{orderId}#+{k}, never counted
 *
 * A new order and the counter increments it causes (the ledger's enrolment days and fee counters,
 * ledger.ts) are written in ONE transaction, with the order put conditional on its absence: an order
 * either lands with its counts or not at all, so a re-sent or concurrent batch never counts twice and a
 * half-written batch converges when re-sent. `planChunks` cuts a batch into such transactions.
 */
import { PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Industry } from '../../../core/index.ts';
import { config } from '../config.ts';
import { backoff, batchGetAll, cancellationReasons, conditionFailed, ddb, mapLimit, queryAll } from '../db.ts';
import { counterIncrements, dayCounterKey, feeCounterKey, pickFeeShard } from './ledger.ts';

export interface StoredOrder {
  readonly platformId: string;
  readonly orderId: string;
  readonly platformWorkerId: string;
  readonly workerId: string;
  readonly industry: Industry;
  readonly chargedIndustry: Industry;
  readonly province: string;
  readonly acceptedAt: string;
  readonly finishedAt?: string;
  /** Asia/Shanghai date of acceptedAt: the enrolment day and fee day (D3, D5). */
  readonly date: string;
}

/** What the byWorker index projects: enough to answer coverage (D4). */
export interface CoverageOrder {
  readonly orderId: string;
  readonly province: string;
  readonly industry: Industry;
  readonly acceptedAt: string;
  readonly finishedAt?: string;
}

/** DynamoDB's limit of actions in one TransactWriteItems call. */
const MAX_TRANSACTION_ACTIONS = 100;

export const orderKey = (platformId: string, orderId: string) => ({ pk: `${platformId}#${orderId}` });
const toItem = (o: StoredOrder, receivedAt: string) => ({
  ...orderKey(o.platformId, o.orderId),
  ...o,
  wk: `${o.workerId}#${o.platformId}`,
  at: `${new Date(o.acceptedAt).toISOString()}#${o.orderId}`,
  receivedAt,
});

/**
 * Continuation items (D4, docs/data-model.md A14). The coverage query finds orders of (worker, platform)
 * whose index key `at` lies in [t − look-back, t], and the look-back is at least the rule table's
 * `queryLookbackHours` (24 h) plus the grace period. A finished order that ran longer than that would not be
 * found for the late part of its span, so such an order also gets small items under the same `wk`, one
 * every CONTINUATION_STEP_HOURS after its acceptance (k = 1 … ⌈span ÷ step⌉ − 1): every instant of the order
 * (and of its grace period) then lies within step + grace after the `at` of one of its items. They carry what
 * coverage reads (the index projection) and `continuationOf`, have no `date`/`chargedIndustry`, are never
 * counted, and are written with the same content under the same keys whatever is re-sent: idempotent.
 *
 * The step is part of the storage format: it must stay ≤ every rule table's `coverage.queryLookbackHours`
 * (a unit test checks), or items already written would be too far apart for the query.
 */
export const CONTINUATION_STEP_HOURS = 24;
const CONTINUATION_STEP_MS = CONTINUATION_STEP_HOURS * 3_600_000;

/**
 * Continuation items written in the same transaction as their order (its Put or its finishedAt update):
 * an order with its three counter updates (enrolment day per worker and per platform, fee) and this many
 * items fills one transaction. An order longer than (this + 1) steps (about 97 days) has its further items written right after the transaction, and again
 * whenever the order is re-sent, so that a failure in between converges like any half-written batch.
 */
export const MAX_CONTINUATIONS_IN_TRANSACTION = MAX_TRANSACTION_ACTIONS - 4;

/** Number of continuation items of an order: 0 for an open order or one no longer than the step. */
export const continuationCount = (o: { acceptedAt: string; finishedAt?: string }): number => {
  if (o.finishedAt === undefined) return 0;
  const span = new Date(o.finishedAt).getTime() - new Date(o.acceptedAt).getTime();
  return span > CONTINUATION_STEP_MS ? Math.ceil(span / CONTINUATION_STEP_MS) - 1 : 0;
};

/** Actions an order adds to its transaction: its Put and the continuation items written with it. */
export const orderActions = (o: { acceptedAt: string; finishedAt?: string }): number => 1 + Math.min(continuationCount(o), MAX_CONTINUATIONS_IN_TRANSACTION);

export type ContinuationSource = Pick<StoredOrder, 'platformId' | 'orderId' | 'workerId' | 'province' | 'industry' | 'acceptedAt' | 'finishedAt'>;

/** All continuation items of an order, k = 1 … continuationCount (deterministic: same order, same items). */
export const continuationItems = (o: ContinuationSource): Record<string, unknown>[] => {
  const accepted = new Date(o.acceptedAt).getTime();
  return Array.from({ length: continuationCount(o) }, (_, i) => {
    const k = i + 1;
    return {
      pk: `${o.platformId}#${o.orderId}#+${k}`,
      wk: `${o.workerId}#${o.platformId}`,
      at: `${new Date(accepted + k * CONTINUATION_STEP_MS).toISOString()}#${o.orderId}#+${k}`,
      continuationOf: o.orderId,
      orderId: o.orderId,
      province: o.province,
      industry: o.industry,
      acceptedAt: o.acceptedAt,
      finishedAt: o.finishedAt,
    };
  });
};

const continuationPuts = (items: readonly Record<string, unknown>[]) => items.map((Item) => ({ Put: { TableName: config.tables.orders, Item } }));

const fromItem = (item: Record<string, unknown>): StoredOrder => ({
  platformId: item.platformId as string,
  orderId: item.orderId as string,
  platformWorkerId: item.platformWorkerId as string,
  workerId: item.workerId as string,
  industry: item.industry as Industry,
  chargedIndustry: item.chargedIndustry as Industry,
  province: item.province as string,
  acceptedAt: item.acceptedAt as string,
  ...(item.finishedAt ? { finishedAt: item.finishedAt as string } : {}),
  date: item.date as string,
});

/** A group of new orders written atomically with their counter increments. */
export interface OrderChunk {
  readonly orders: readonly StoredOrder[];
  readonly shard: number;
}

/** The outcome of writing a chunk: orders that already existed come back with their stored content. */
export interface ChunkOutcome {
  readonly written: readonly StoredOrder[];
  readonly existing: ReadonlyMap<string, StoredOrder>;
}

/**
 * Groups new orders into transactions of at most 100 actions (orders, the continuation items written with
 * them — none for an order of ≤ 24 h — and distinct counters). Sorting by worker and day first keeps each
 * enrolment-day counter in as few transactions as possible, which is what holds write amplification near
 * one item write per order. Each chunk adds to one fee-counter shard (`pickShard`, random by default).
 */
export const planChunks = (orders: readonly StoredOrder[], pickShard: () => number = pickFeeShard): OrderChunk[] => {
  const sorted = [...orders].sort((a, b) =>
    a.workerId === b.workerId
      ? a.date === b.date
        ? a.province.localeCompare(b.province)
        : a.date.localeCompare(b.date)
      : a.workerId.localeCompare(b.workerId),
  );
  const chunks: OrderChunk[] = [];
  let current: StoredOrder[] = [];
  let orderCount = 0; // the Puts of `current` and the continuation items written with them
  const days = new Set<string>();
  const fees = new Set<string>(); // within one chunk every fee line is in the same shard
  for (const order of sorted) {
    const dayKey = dayCounterKey(order);
    const day = `${dayKey.pk}|${dayKey.sk}`;
    const fee = feeCounterKey(order, 0).sk;
    // Each enrolment day is counted twice: per worker (DAYS#) and per platform-month (PDAYS#, D19).
    const actions = orderCount + orderActions(order) + 2 * (days.size + (days.has(day) ? 0 : 1)) + fees.size + (fees.has(fee) ? 0 : 1);
    if (current.length > 0 && actions > MAX_TRANSACTION_ACTIONS) {
      chunks.push({ orders: current, shard: pickShard() });
      current = [];
      orderCount = 0;
      days.clear();
      fees.clear();
    }
    current.push(order);
    orderCount += orderActions(order);
    days.add(day);
    fees.add(fee);
  }
  if (current.length > 0) chunks.push({ orders: current, shard: pickShard() });
  return chunks;
};

const MAX_CONFLICT_RETRIES = 8;
/** Back-off between attempts of a transaction that met a conflict (another transaction held a counter). */
const CONFLICT_BACKOFF = { baseMs: 10, capMs: 500 };

export const ordersRepository = {
  /** Stored orders by id (strongly consistent: used to classify re-sent orders). */
  async get(platformId: string, orderIds: readonly string[]): Promise<Map<string, StoredOrder>> {
    const items = await batchGetAll(
      config.tables.orders,
      orderIds.map((id) => orderKey(platformId, id)),
      { consistent: true },
    );
    return new Map(items.map((i) => [i.orderId as string, fromItem(i)]));
  },

  /**
   * Writes new orders of one platform with their counter increments: `planChunks`, then up to
   * `concurrency` transactions at a time (`writeChunk`). Orders that exist already come back in `existing`.
   */
  async writeNew(orders: readonly StoredOrder[], receivedAt: string, concurrency: number): Promise<ChunkOutcome> {
    const outcomes = await mapLimit(planChunks(orders), concurrency, (chunk) => this.writeChunk(chunk, receivedAt));
    return {
      written: outcomes.flatMap((o) => o.written),
      existing: new Map(outcomes.flatMap((o) => [...o.existing])),
    };
  },

  /**
   * Writes new orders and their counter increments in one transaction. Orders that exist already (a
   * concurrent or earlier send) are dropped from the chunk and returned in `existing`; the rest is
   * retried, so each order is written — and counted — at most once.
   */
  async writeChunk(chunk: OrderChunk, receivedAt: string): Promise<ChunkOutcome> {
    let orders = [...chunk.orders];
    const existing = new Map<string, StoredOrder>();
    for (let attempt = 0; orders.length > 0; attempt++) {
      const items = [
        ...orders.map((o) => ({
          Put: {
            TableName: config.tables.orders,
            Item: toItem(o, receivedAt),
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
          },
        })),
        ...counterIncrements(orders, chunk.shard),
        // After the orders, so that cancellation reason i is still order i's. Unconditional: only a
        // transaction whose order Put succeeds writes them, and their content follows from the order.
        ...continuationPuts(orders.flatMap((o) => continuationItems(o).slice(0, MAX_CONTINUATIONS_IN_TRANSACTION))),
      ];
      try {
        await ddb.send(new TransactWriteCommand({ TransactItems: items }));
        await this.putContinuationTails(orders);
        return { written: orders, existing };
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons || attempt >= MAX_CONFLICT_RETRIES) throw error;
        const failed = orders.filter((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed');
        if (failed.length > 0) {
          const reread: StoredOrder[] = [];
          for (const o of failed) {
            const old = reasons[orders.indexOf(o)]?.Item;
            if (old) existing.set(o.orderId, fromItem(unmarshall(old as never)));
            else reread.push(o);
          }
          if (reread.length > 0) {
            for (const [id, o] of await this.get(
              chunk.orders[0]!.platformId,
              reread.map((o) => o.orderId),
            ))
              existing.set(id, o);
          }
          orders = orders.filter((o) => !failed.includes(o));
        } else {
          // TransactionConflict (another transaction held a counter) or throttling: back off and retry.
          await backoff(attempt, CONFLICT_BACKOFF);
        }
      }
    }
    return { written: orders, existing };
  },

  /**
   * Adds the finishedAt an order lacked (no counter changes). False if it was set meanwhile. An order that
   * thereby runs longer than the step gets its continuation items in the same transaction as the update.
   */
  async addFinishedAt(stored: StoredOrder, finishedAt: string): Promise<boolean> {
    const update = {
      TableName: config.tables.orders,
      Key: orderKey(stored.platformId, stored.orderId),
      UpdateExpression: 'SET finishedAt = :f',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(finishedAt)',
      ExpressionAttributeValues: { ':f': finishedAt },
    };
    const finished = { ...stored, finishedAt };
    const continuations = continuationItems(finished).slice(0, MAX_CONTINUATIONS_IN_TRANSACTION);
    if (continuations.length === 0) {
      try {
        await ddb.send(new UpdateCommand(update));
        return true;
      } catch (error) {
        if (conditionFailed(error)) return false;
        throw error;
      }
    }
    for (let attempt = 0; ; attempt++) {
      try {
        await ddb.send(new TransactWriteCommand({ TransactItems: [{ Update: update }, ...continuationPuts(continuations)] }));
        await this.putContinuationTails([finished]);
        return true;
      } catch (error) {
        if (!cancellationReasons(error) || attempt >= MAX_CONFLICT_RETRIES) throw error;
        if (conditionFailed(error, 0)) return false;
        await backoff(attempt, CONFLICT_BACKOFF);
      }
    }
  },

  /**
   * Writes the continuation items that do not fit in an order's transaction (orders longer than about 98
   * days; none for any other order): idempotent Puts, repeated whenever such an order is re-sent.
   */
  async putContinuationTails(orders: readonly ContinuationSource[]): Promise<void> {
    const tail = orders.flatMap((o) => continuationItems(o).slice(MAX_CONTINUATIONS_IN_TRANSACTION));
    if (tail.length === 0) return;
    await mapLimit(tail, 10, (Item) => ddb.send(new PutCommand({ TableName: config.tables.orders, Item })));
  },

  /**
   * Orders of a worker on a platform with an index item in [from, to] (coverage, D4): one Query on the
   * byWorker index, bounded by the look-back window. An order's continuation items make it found for any
   * moment of its span however long it ran; each order comes back once (deduplicated by orderId).
   */
  async acceptedBetween(workerId: string, platformId: string, from: Date, to: Date): Promise<CoverageOrder[]> {
    const items = await queryAll({
      TableName: config.tables.orders,
      IndexName: 'byWorker',
      KeyConditionExpression: 'wk = :wk AND #at BETWEEN :from AND :to',
      // Only what coverage reads: the index's keys (wk, at, pk) stay on DynamoDB's side.
      ProjectionExpression: 'orderId, province, industry, acceptedAt, finishedAt',
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: { ':wk': `${workerId}#${platformId}`, ':from': from.toISOString(), ':to': `${to.toISOString()}#\uffff` },
    });
    const seen = new Set<string>();
    return items
      .filter((i) => !seen.has(i.orderId as string) && seen.add(i.orderId as string))
      .map((i) => ({
        orderId: i.orderId as string,
        province: i.province as string,
        industry: i.industry as Industry,
        acceptedAt: i.acceptedAt as string,
        ...(i.finishedAt ? { finishedAt: i.finishedAt as string } : {}),
      }));
  },
};
