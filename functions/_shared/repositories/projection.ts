/**
 * The projection of the orders' change stream into the ledger (issue 18; docs/data-model.md A10, A11, A14, A23, A32):
 * enrolment days (DAYS#, PDAYS#), fee lines (FEE#…#{shard}) and rider-day items (RIDERDAY#).
 *
 * Exactly once: a new order is counted in one TransactWriteItems together with the removal of its
 * `unprojected` marker from the order item (condition: the marker is still there). A stream record read
 * again — a retried batch, a consumer that died after its write and before its checkpoint moved, a second
 * poller — finds the marker gone: its transaction is cancelled with ConditionalCheckFailed at that order's
 * action, the order is dropped from the group as already counted, and the rest is written again. Rider-day
 * entries are plain SETs of a value that only grows (an open order's entry, then the finished one), so a
 * repeated span write changes nothing.
 *
 * Changes are packed, in stream order, into groups of at most 100 actions (DynamoDB's transaction limit):
 * one marker removal per new order, one ADD per distinct counter, one SET per rider-day item (each item at
 * most once in a transaction, as DynamoDB requires).
 */
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type OrderChange, type ProjectedOrder, riderDates, riderDayOrder } from '../../../core/index.ts';
import { config } from '../config.ts';
import { backoff, cancellationReasons, ddb, mapLimit } from '../db.ts';
import { dayCounterKey, feeCounterKey, pickFeeShard, platformDayCounterKey, RIDER_ORDER_PREFIX, riderDayKey } from './ledger.ts';
import { orderKey } from './orders.ts';

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
const entryValue = (e: Entry) => ({ p: e.province, i: e.industry, a: e.acceptedAt, ...(e.finishedAt ? { f: e.finishedAt } : {}) });

/** What a group writes: markers, counters and rider-days, each key once. */
class Group {
  readonly changes: IndexedChange[] = [];
  readonly counted = new Map<string, ProjectedOrder>();
  readonly days = new Map<string, { order: ProjectedOrder; n: number }>();
  readonly fees = new Map<string, { order: ProjectedOrder; n: number }>();
  readonly riderDays = new Map<string, { workerId: string; platformId: string; date: string; entries: Map<string, Entry> }>();

  actions(): number {
    return this.counted.size + 2 * this.days.size + this.fees.size + this.riderDays.size;
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
    const after = this.actions() + newRiderDays + (counting ? 1 + (this.days.has(dayKey) ? 0 : 2) + (this.fees.has(feeKey) ? 0 : 1) : 0);
    if (this.changes.length > 0 && (after > MAX_TRANSACTION_ACTIONS || full || (counting && this.counted.has(order.orderId)))) return false;
    this.changes.push(c);
    if (counting) {
      this.counted.set(order.orderId, order);
      this.days.set(dayKey, { order, n: (this.days.get(dayKey)?.n ?? 0) + 1 });
      this.fees.set(feeKey, { order, n: (this.fees.get(feeKey)?.n ?? 0) + 1 });
    }
    for (const date of dates) {
      const key = `${order.workerId}|${order.platformId}|${date}`;
      const day = this.riderDays.get(key) ?? { workerId: order.workerId, platformId: order.platformId, date, entries: new Map() };
      day.entries.set(order.orderId, riderDayOrder(order));
      this.riderDays.set(key, day);
    }
    return true;
  }

  /** The transaction: the markers first (cancellation reason i is new order i's), then counters and rider-days. */
  transactItems(shard: number) {
    const counted = [...this.counted.values()];
    return {
      counted,
      items: [
        ...counted.map((o) => ({
          Update: {
            TableName: config.tables.orders,
            Key: orderKey(o.platformId, o.orderId),
            UpdateExpression: 'REMOVE unprojected',
            ConditionExpression: 'attribute_exists(unprojected)',
          },
        })),
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
        ...[...this.riderDays.values()].map((day) => ({ Update: riderDayUpdate(day.workerId, day.platformId, day.date, [...day.entries.values()]) })),
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

const riderDayUpdate = (workerId: string, platformId: string, date: string, entries: readonly Entry[]) => {
  const names: Record<string, string> = { '#d': 'date' };
  const values: Record<string, unknown> = { ':w': workerId, ':p': platformId, ':d': date };
  const sets = ['workerId = :w', 'platformId = :p', '#d = :d'];
  entries.forEach((e, i) => {
    names[`#o${i}`] = `${RIDER_ORDER_PREFIX}${e.orderId}`;
    values[`:o${i}`] = entryValue(e);
    sets.push(`#o${i} = :o${i}`);
  });
  return {
    TableName: config.tables.ledger,
    Key: riderDayKey(workerId, platformId, date),
    UpdateExpression: `SET ${sets.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
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

export const projectionRepository = {
  /**
   * Applies one group: its long tails, then its transaction, retried on conflicts (another transaction on a
   * counter) with a freshly picked fee shard. Orders already counted are dropped, the rest written again.
   * Returns how many orders this call counted.
   */
  async applyGroup(group: Group): Promise<number> {
    await writeLongTails(group);
    let current = group;
    for (let attempt = 0; current.changes.length > 0; attempt++) {
      const { counted, items } = current.transactItems(pickFeeShard());
      try {
        await ddb.send(new TransactWriteCommand({ TransactItems: items }));
        return counted.length;
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons || attempt >= MAX_CONFLICT_RETRIES) throw error;
        const done = new Set(counted.filter((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed').map((o) => o.orderId));
        if (done.size > 0) current = current.without(done);
        else await backoff(attempt, CONFLICT_BACKOFF);
      }
    }
    return 0;
  },
};
