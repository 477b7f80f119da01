/**
 * Orders (docs/data-model.md A8).
 *
 *   orders table   pk = {platformId}#{orderId}        one item per order: exactly-once
 *                  pk = BATCH#{batchId}                one per write transaction and month: its new orders
 *                                                      and how many of them the projection has counted
 *                  GSI unprojected: unprojected = {platformId}#{month}, sk pk   (sparse, keys only: open batches)
 *
 * A new order is a conditional put (`attribute_not_exists(pk)`) in a TransactWriteItems of up to 100 such
 * puts and nothing else: an order is stored once whatever is re-sent, concurrently or later, and a put that
 * meets an existing order returns the stored item (`ALL_OLD`), which classifies the re-sent order without
 * another read. The measured choice against PartiQL INSERTs (`insertEach`) and a conditional PutItem per
 * order (`putEach`): docs/benchmarks.md.
 * Nothing else is written with it: the enrolment days, fee lines and rider-day items are the projection
 * of the orders table's change stream (functions/orders/projector.ts, repositories/projection.ts), exactly
 * once by their rider-day entries. Each transaction's orders are of one month and carry its `batch`; the
 * transaction also puts the batch item (`orders`: how many, `counted`: 0), which stays in the sparse index
 * until the projection has counted them all: a month's counters are complete when its platform has no open
 * batch (D19).
 */
import { randomUUID } from 'node:crypto';
import { BatchExecuteStatementCommand, BatchGetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { addDays, type Industry, type RiderDayOrder, shanghaiDate } from '../../../core/index.ts';
import { config } from '../config.ts';
import { backoff, batchGetAll, cancellationReasons, chunk, conditionFailed, ddb, mapLimit } from '../db.ts';
import { ledgerRepository } from './ledger.ts';

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
  /** When TTL deletes the item to the archive (epoch seconds; core `orderExpiresAt`): written with a new order. */
  readonly expiresAt?: number;
}

export const orderKey = (platformId: string, orderId: string) => ({ pk: `${platformId}#${orderId}` });

/** The sparse index's key of a batch the projection has not counted completely: its platform and month. */
const unprojectedKey = (platformId: string, month: string) => `${platformId}#${month}`;

/** A write batch: the orders of one transaction in one month (the projection adds to its `counted`). */
export const batchKey = (batchId: string) => ({ pk: `BATCH#${batchId}` });

const toItem = (o: StoredOrder, receivedAt: string, batch?: string) => ({
  ...orderKey(o.platformId, o.orderId),
  ...o,
  receivedAt,
  ...(batch === undefined ? {} : { batch }),
});

/** A write batch's item; it expires with its orders (one month: one `expiresAt`). */
const batchItem = (batchId: string, orders: readonly StoredOrder[], receivedAt: string) => ({
  ...batchKey(batchId),
  unprojected: unprojectedKey(orders[0]!.platformId, orders[0]!.date.slice(0, 7)),
  platformId: orders[0]!.platformId,
  month: orders[0]!.date.slice(0, 7),
  orders: orders.length,
  counted: 0,
  receivedAt,
  ...(orders[0]!.expiresAt === undefined ? {} : { expiresAt: orders[0]!.expiresAt }),
});

/** Orders in chunks that each fit one transaction with their batch item: one month per chunk. */
const chunksByMonth = (orders: readonly StoredOrder[]): StoredOrder[][] => {
  const months = new Map<string, StoredOrder[]>();
  for (const o of orders) {
    const month = o.date.slice(0, 7);
    const part = months.get(month);
    if (part) part.push(o);
    else months.set(month, [o]);
  }
  return [...months.values()].flatMap((part) => chunk(part, MAX_TRANSACTION_ACTIONS - 1));
};

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

/** The outcome of writing new orders: orders that already existed come back with their stored content. */
export interface WriteOutcome {
  readonly written: readonly StoredOrder[];
  readonly existing: ReadonlyMap<string, StoredOrder>;
}

/** DynamoDB's limit of actions in one TransactWriteItems call. */
const MAX_TRANSACTION_ACTIONS = 100;
/**
 * Open batches of a month read to tell whether they are all counted (at most one BatchGetItem); more than
 * this open means the projection is still counting.
 */
const MAX_OPEN_BATCHES_READ = 100;
const MAX_WRITE_ATTEMPTS = 8;
const WRITE_BACKOFF = { baseMs: 10, capMs: 500 };

/** A PartiQL INSERT of one order item: fails with `DuplicateItem` when its key exists (the exactly-once condition). */
const insertStatement = (item: Record<string, unknown>) => {
  const names = Object.keys(item).filter((k) => item[k] !== undefined);
  return {
    Statement: `INSERT INTO "${config.tables.orders}" VALUE {${names.map((k) => `'${k}': ?`).join(', ')}}`,
    Parameters: names.map((k) => item[k]),
  };
};

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
   * Writes new orders of one platform: TransactWriteItems of up to 100 conditional puts
   * (`attribute_not_exists(pk)`, ALL_OLD), `concurrency` transactions at a time. A put that meets an
   * existing order (an earlier or concurrent send) cancels its transaction with the stored item as the
   * reason: that order comes back in `existing` and the transaction is retried without it, so each order is
   * written exactly once. Conflicts are retried with back-off; anything else propagates (a 5xx: the batch
   * is re-sent and converges). The measured choice (docs/benchmarks.md): on DynamoDB Local the cheapest of
   * the exactly-once writes tried (`insertEach`, `putEach`).
   */
  async writeNew(orders: readonly StoredOrder[], receivedAt: string, concurrency: number): Promise<WriteOutcome> {
    const written: StoredOrder[] = [];
    const existing = new Map<string, StoredOrder>();
    await mapLimit(chunksByMonth(orders), concurrency, async (part) => {
      let pending = part;
      for (let attempt = 0; pending.length > 0; attempt++) {
        const batch = randomUUID();
        try {
          await ddb.send(
            new TransactWriteCommand({
              TransactItems: [
                ...pending.map((o) => ({
                  Put: {
                    TableName: config.tables.orders,
                    Item: toItem(o, receivedAt, batch),
                    ConditionExpression: 'attribute_not_exists(pk)',
                    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
                  },
                })),
                {
                  Put: {
                    TableName: config.tables.orders,
                    Item: batchItem(batch, pending, receivedAt),
                  },
                },
              ],
            }),
          );
          written.push(...pending);
          return;
        } catch (error) {
          const reasons = cancellationReasons(error);
          if (!reasons || attempt >= MAX_WRITE_ATTEMPTS) throw error;
          const failed = pending.filter((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed');
          if (failed.length === 0) {
            await backoff(attempt, WRITE_BACKOFF);
            continue;
          }
          const reread: StoredOrder[] = [];
          for (const o of failed) {
            const old = reasons[pending.indexOf(o)]?.Item;
            if (old) existing.set(o.orderId, fromItem(unmarshall(old as never)));
            else reread.push(o);
          }
          if (reread.length > 0)
            for (const [id, o] of await this.get(
              reread[0]!.platformId,
              reread.map((o) => o.orderId),
            ))
              existing.set(id, o);
          pending = pending.filter((o) => !failed.includes(o));
        }
      }
    });
    return { written, existing };
  },

  /**
   * A measured alternative (docs/benchmarks.md; the bench only): PartiQL `INSERT`s, 25 per
   * BatchExecuteStatement, each failing alone with `DuplicateItem` on an existing key (duplicates read back).
   * 1 WRU per order in AWS against the transaction's 2, but more of DynamoDB Local's CPU.
   */
  async insertEach(orders: readonly StoredOrder[], receivedAt: string, concurrency: number): Promise<WriteOutcome> {
    const written: StoredOrder[] = [];
    const duplicates: StoredOrder[] = [];
    await mapLimit(chunk(orders, 25), concurrency, async (part) => {
      let pending = part;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 0) await backoff(attempt, WRITE_BACKOFF);
        if (attempt > MAX_WRITE_ATTEMPTS) throw new Error(`orders: ${pending.length} INSERTs still failing after ${attempt} attempts`);
        const { Responses = [] } = await ddb.send(new BatchExecuteStatementCommand({ Statements: pending.map((o) => insertStatement(toItem(o, receivedAt))) }));
        const retry: StoredOrder[] = [];
        pending.forEach((o, i) => {
          const code = Responses[i]?.Error?.Code;
          if (code === undefined) written.push(o);
          else if (code === 'DuplicateItem') duplicates.push(o);
          else retry.push(o);
        });
        pending = retry;
      }
    });
    const existing =
      duplicates.length > 0
        ? await this.get(
            orders[0]!.platformId,
            duplicates.map((o) => o.orderId),
          )
        : new Map<string, StoredOrder>();
    return { written, existing };
  },

  /**
   * The alternative measured against `writeNew` (docs/benchmarks.md): one conditional PutItem per order,
   * `concurrency` in flight, the stored item returned with a lost condition (ALL_OLD). Used by the bench only.
   */
  async putEach(orders: readonly StoredOrder[], receivedAt: string, concurrency: number): Promise<WriteOutcome> {
    const written: StoredOrder[] = [];
    const existing = new Map<string, StoredOrder>();
    await mapLimit(orders, concurrency, async (o) => {
      try {
        await ddb.send(
          new PutCommand({
            TableName: config.tables.orders,
            Item: toItem(o, receivedAt),
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        written.push(o);
      } catch (error) {
        if (!conditionFailed(error)) throw error;
        // The stored item comes back in the error, marshalled (the document client does not convert errors).
        const old = (error as { Item?: Record<string, unknown> }).Item;
        existing.set(o.orderId, old ? fromItem(unmarshall(old as never)) : (await this.get(o.platformId, [o.orderId])).get(o.orderId)!);
      }
    });
    return { written, existing };
  },

  /** Adds the finishedAt an order lacked (no counter changes; the projection re-spans its rider-days). False if it was set meanwhile. */
  async addFinishedAt(stored: StoredOrder, finishedAt: string): Promise<boolean> {
    try {
      await ddb.send(
        new UpdateCommand({
          TableName: config.tables.orders,
          Key: orderKey(stored.platformId, stored.orderId),
          UpdateExpression: 'SET finishedAt = :f',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(finishedAt)',
          ExpressionAttributeValues: { ':f': finishedAt },
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  },

  /**
   * Orders of a worker on a platform on the Asia/Shanghai dates from `from` to `to` (coverage D4, the
   * evidence snapshot D11): their rider-day items (the projection, ledger.ts), one BatchGetItem — no read
   * of the orders table. An order is on every date its span touches, so callers filter by the moment.
   */
  async acceptedBetween(workerId: string, platformId: string, from: Date, to: Date): Promise<RiderDayOrder[]> {
    const dates = [shanghaiDate(from)];
    while (dates.at(-1)! < shanghaiDate(to)) dates.push(addDays(dates.at(-1)!, 1));
    return ledgerRepository.riderDayOrders(workerId, platformId, dates);
  },

  /**
   * Whether every order of the platform's month has been counted by the projection (D19: a month's
   * declaration is final only then): no batch of that month is open in the sparse index, or the few that
   * are (a close that failed after its count) have `counted` = `orders` when read (strongly consistent).
   */
  async projectionCaughtUp(platformId: string, month: string): Promise<boolean> {
    const res = await ddb.send(
      new QueryCommand({
        TableName: config.tables.orders,
        IndexName: 'unprojected',
        KeyConditionExpression: 'unprojected = :u',
        ExpressionAttributeValues: { ':u': unprojectedKey(platformId, month) },
        Limit: MAX_OPEN_BATCHES_READ,
      }),
    );
    const open = res.Items ?? [];
    if (open.length === 0) return true;
    if (res.LastEvaluatedKey) return false;
    const { Responses } = await ddb.send(
      new BatchGetCommand({
        RequestItems: {
          [config.tables.orders]: {
            Keys: open.map((i) => ({ pk: i.pk as string })),
            ConsistentRead: true,
            ProjectionExpression: '#n, counted',
            ExpressionAttributeNames: { '#n': 'orders' },
          },
        },
      }),
    );
    const batches = Responses?.[config.tables.orders] ?? [];
    return batches.length === open.length && batches.every((b) => (b.counted as number) >= (b.orders as number));
  },
};
