/**
 * The projection of the orders' change stream into the ledger (issue 18; docs/data-model.md A10, A11, A14, A23, A32,
 * A34): enrolment days (DAYS#, PDAYS#), fee lines (FEE#…#{shard}) and rider-day items (RIDERDAY#).
 *
 * Exactly once: a new order is counted in one TransactWriteItems together with its entry on the rider-day of
 * its acceptance date, on the condition that the entry is not there yet — the entry is the mark that the
 * order is counted, and the projection writes it anyway (coverage and the evidence snapshot read it), so
 * being exactly-once costs no write of its own. A stream record read again — a retried batch, a consumer
 * that died after its write and before its checkpoint moved, a second poller — finds its entry: the
 * transaction is cancelled with ConditionalCheckFailed at that rider-day, the order is dropped from the
 * group as already counted (the stored rider-day, returned with the cancellation, says which), and the
 * rest is written again. Entries are SETs of a value that only grows (an open order's entry, then the
 * finished one), so a repeated span write changes nothing.
 *
 * Whether a month is counted: each write transaction of the orders function carries one `BATCH#` item per
 * month (orders.ts: how many new orders it wrote, in the sparse index `unprojected` while open); counting an
 * order adds 1 to its batch's `counted` in the same transaction, and a batch whose count is complete leaves
 * the index (an update after the transaction; one that did not happen is caught by the reader, which
 * compares the two numbers).
 *
 * Changes are packed, in stream order, into groups of at most 100 actions (DynamoDB's transaction limit):
 * one SET per rider-day item, one ADD per distinct counter and per batch (each item at most once in a
 * transaction, as DynamoDB requires).
 */
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { encodeRiderDayEntry, type OrderChange, type ProjectedOrder, riderDates, riderDayOrder } from '../../../core/index.ts';
import { config } from '../config.ts';
import { logger } from '../observability.ts';
import { backoff, cancellationReasons, conditionFailed, ddb, mapLimit } from '../db.ts';
import { dayCounterKey, feeCounterKey, pickFeeShard, platformDayCounterKey, RIDER_ORDER_PREFIX, riderDayKey } from './ledger.ts';
import { batchKey } from './orders.ts';

const MAX_TRANSACTION_ACTIONS = 100;
/** Orders set on one rider-day item by one Update (keeps the expression far below its 4 KB limit). */
const MAX_ENTRIES_PER_UPDATE = 40;
/**
 * Rider-days of one order written in its group's transaction; the further days of a longer finished order
 * are written just before it (idempotent: a finished order's entry never changes).
 */
const RIDER_DATES_IN_TRANSACTION = 8;
const MAX_CONFLICT_RETRIES = 8;
const CONFLICT_BACKOFF = { baseMs: 10, capMs: 500 };

/** A stream record's change, with the index of its record in the batch. */
export interface IndexedChange {
  readonly index: number;
  readonly change: OrderChange;
}

type Entry = ReturnType<typeof riderDayOrder>;

interface RiderDay {
  readonly workerId: string;
  readonly platformId: string;
  readonly date: string;
  readonly entries: Map<string, Entry>;
  /** Orders counted in this group whose acceptance date this is: their entry must not be there yet. */
  readonly counting: Set<string>;
}

/** What a group writes: counters, batches and rider-days, each key once. */
class Group {
  readonly changes: IndexedChange[] = [];
  readonly counted = new Map<string, ProjectedOrder>();
  readonly days = new Map<string, { order: ProjectedOrder; n: number }>();
  readonly fees = new Map<string, { order: ProjectedOrder; n: number }>();
  readonly batches = new Map<string, number>();
  readonly riderDays = new Map<string, RiderDay>();

  actions(): number {
    return this.riderDays.size + 2 * this.days.size + this.fees.size + this.batches.size;
  }

  /** Adds a change if it keeps the group within the limits; false (nothing added) otherwise. */
  tryAdd(c: IndexedChange): boolean {
    const { order } = c.change;
    const dates = riderDates(order).slice(0, RIDER_DATES_IN_TRANSACTION);
    const dayKey = `${order.workerId}|${order.date}|${order.platformId}|${order.province}`;
    const feeKey = `${order.province}|${order.chargedIndustry}|${order.date}`;
    const counting = c.change.kind === 'count';
    const newRiderDays = dates.filter((d) => !this.riderDays.has(`${order.workerId}|${order.platformId}|${d}`)).length;
    const full = dates.some((d) => (this.riderDays.get(`${order.workerId}|${order.platformId}|${d}`)?.entries.size ?? 0) >= MAX_ENTRIES_PER_UPDATE);
    const newBatch = counting && order.batch !== undefined && !this.batches.has(order.batch) ? 1 : 0;
    const after = this.actions() + newRiderDays + (counting ? (this.days.has(dayKey) ? 0 : 2) + (this.fees.has(feeKey) ? 0 : 1) + newBatch : 0);
    if (this.changes.length > 0 && (after > MAX_TRANSACTION_ACTIONS || full || (counting && this.counted.has(order.orderId)))) return false;
    this.changes.push(c);
    if (counting) {
      this.counted.set(order.orderId, order);
      this.days.set(dayKey, { order, n: (this.days.get(dayKey)?.n ?? 0) + 1 });
      this.fees.set(feeKey, { order, n: (this.fees.get(feeKey)?.n ?? 0) + 1 });
      if (order.batch !== undefined) this.batches.set(order.batch, (this.batches.get(order.batch) ?? 0) + 1);
    }
    for (const [i, date] of dates.entries()) {
      const key = `${order.workerId}|${order.platformId}|${date}`;
      const day = this.riderDays.get(key) ?? { workerId: order.workerId, platformId: order.platformId, date, entries: new Map(), counting: new Set() };
      day.entries.set(order.orderId, riderDayOrder(order));
      if (counting && i === 0) day.counting.add(order.orderId);
      this.riderDays.set(key, day);
    }
    return true;
  }

  /**
   * The transaction: the rider-days first (cancellation reason i is rider-day i's, with the orders it counts),
   * then counters and batches.
   */
  transactItems(shard: number) {
    const riderDays = [...this.riderDays.values()];
    return {
      riderDays,
      items: [
        ...riderDays.map((day) => ({ Update: riderDayUpdate(day.workerId, day.platformId, day.date, [...day.entries.values()], day.counting) })),
        ...[...this.days.values()].flatMap(({ order, n }) => [
          {
            Update: {
              TableName: config.tables.ledger,
              Key: dayCounterKey(order),
              UpdateExpression: 'ADD orders :n SET platformId = :p, province = :r, #d = :d',
              ExpressionAttributeNames: { '#d': 'date' },
              ExpressionAttributeValues: { ':n': n, ':p': order.platformId, ':r': order.province, ':d': order.date },
            },
          },
          {
            Update: {
              TableName: config.tables.ledger,
              Key: platformDayCounterKey(order),
              UpdateExpression: 'ADD orders :n SET workerId = :w, province = :r, #d = :d',
              ExpressionAttributeNames: { '#d': 'date' },
              ExpressionAttributeValues: { ':n': n, ':w': order.workerId, ':r': order.province, ':d': order.date },
            },
          },
        ]),
        ...[...this.fees.values()].map(({ order, n }) => ({
          Update: {
            TableName: config.tables.ledger,
            Key: feeCounterKey(order, shard),
            UpdateExpression: 'ADD orders :n SET province = :r, industry = :i, #d = :d',
            ExpressionAttributeNames: { '#d': 'date' },
            ExpressionAttributeValues: { ':n': n, ':r': order.province, ':i': order.chargedIndustry, ':d': order.date },
          },
        })),
        ...[...this.batches].map(([batch, n]) => ({
          Update: {
            TableName: config.tables.orders,
            Key: batchKey(batch),
            UpdateExpression: 'ADD counted :n',
            ExpressionAttributeValues: { ':n': n },
          },
        })),
      ],
    };
  }

  /** The group without the changes of these orders (already counted: their record was read again). */
  without(orderIds: ReadonlySet<string>): Group {
    const rest = new Group();
    for (const c of this.changes) if (!(c.change.kind === 'count' && orderIds.has(c.change.order.orderId))) rest.tryAdd(c);
    return rest;
  }
}

const riderDayUpdate = (workerId: string, platformId: string, date: string, entries: readonly Entry[], counting: ReadonlySet<string> = new Set()) => {
  const names: Record<string, string> = { '#d': 'date' };
  const values: Record<string, unknown> = { ':w': workerId, ':p': platformId, ':d': date };
  const sets = ['workerId = :w', 'platformId = :p', '#d = :d'];
  const absent: string[] = [];
  entries.forEach((e, i) => {
    names[`#o${i}`] = `${RIDER_ORDER_PREFIX}${e.orderId}`;
    values[`:o${i}`] = encodeRiderDayEntry(e);
    sets.push(`#o${i} = :o${i}`);
    if (counting.has(e.orderId)) absent.push(`attribute_not_exists(#o${i})`);
  });
  return {
    TableName: config.tables.ledger,
    Key: riderDayKey(workerId, platformId, date),
    UpdateExpression: `SET ${sets.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ...(absent.length > 0 ? { ConditionExpression: absent.join(' AND '), ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}),
  };
};

/** Packs changes, in order, into groups that each fit one transaction. */
export const planGroups = (changes: readonly IndexedChange[]): Group[] => {
  const groups: Group[] = [];
  let current = new Group();
  for (const c of changes) {
    if (current.tryAdd(c)) continue;
    groups.push(current);
    current = new Group();
    current.tryAdd(c);
  }
  if (current.changes.length > 0) groups.push(current);
  return groups;
};

/** The rider-days of long finished orders beyond those their group's transaction carries (idempotent SETs). */
const writeLongTails = async (group: Group) => {
  const tails = group.changes.flatMap(({ change: { order } }) =>
    riderDates(order)
      .slice(RIDER_DATES_IN_TRANSACTION)
      .map((date) => riderDayUpdate(order.workerId, order.platformId, date, [riderDayOrder(order)])),
  );
  await mapLimit(tails, 8, (update) => ddb.send(new UpdateCommand(update)));
};

/**
 * The orders of the group that are counted already: those whose entry a cancelled rider-day holds (the stored
 * item comes back with the cancellation; read again when it does not).
 */
const alreadyCounted = async (riderDays: readonly RiderDay[], reasons: readonly { Code?: string; Item?: unknown }[]): Promise<Set<string>> => {
  const done = new Set<string>();
  await mapLimit([...riderDays.entries()], 8, async ([i, day]) => {
    if (reasons[i]?.Code !== 'ConditionalCheckFailed') return;
    const returned = reasons[i]!.Item;
    const stored = returned
      ? unmarshall(returned as never)
      : ((await ddb.send(new GetCommand({ TableName: config.tables.ledger, Key: riderDayKey(day.workerId, day.platformId, day.date), ConsistentRead: true })))
          .Item ?? {});
    for (const orderId of day.counting) if (`${RIDER_ORDER_PREFIX}${orderId}` in stored) done.add(orderId);
  });
  return done;
};

/**
 * Takes each batch whose orders are all counted out of the sparse index (a no-op for the others: the
 * condition fails). Best effort: the reader of the index compares the counts itself, so a batch left in it
 * by a failure here still reads as complete.
 */
const closeBatches = async (batches: Iterable<string>): Promise<void> => {
  await mapLimit([...batches], 8, async (batch) => {
    try {
      await ddb.send(
        new UpdateCommand({
          TableName: config.tables.orders,
          Key: batchKey(batch),
          UpdateExpression: 'REMOVE unprojected',
          ConditionExpression: 'attribute_exists(unprojected) AND counted >= #n',
          ExpressionAttributeNames: { '#n': 'orders' },
        }),
      );
    } catch (error) {
      if (!conditionFailed(error)) logger.warn('Batch not closed (its readers compare the counts)', { batch, errorName: (error as Error).name });
    }
  });
};

export const projectionRepository = {
  /**
   * Applies one group: its long tails, then its transaction, retried on conflicts (another transaction on a
   * counter) with a freshly picked fee shard. Orders already counted are dropped, the rest written again.
   * Returns how many orders this call counted. The batches it touched are closed by `closeBatches`, once
   * per stream batch (a batch's orders usually span several groups).
   */
  async applyGroup(group: Group): Promise<number> {
    await writeLongTails(group);
    let current = group;
    for (let attempt = 0; current.changes.length > 0; attempt++) {
      const { riderDays, items } = current.transactItems(pickFeeShard());
      try {
        await ddb.send(new TransactWriteCommand({ TransactItems: items }));
        return current.counted.size;
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons || attempt >= MAX_CONFLICT_RETRIES) throw error;
        const done = await alreadyCounted(riderDays, reasons);
        if (done.size > 0) current = current.without(done);
        else await backoff(attempt, CONFLICT_BACKOFF);
      }
    }
    return 0;
  },

  closeBatches,
};
