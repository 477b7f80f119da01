/**
 * Month close, settlements and credit records (D19), in the cases table: its change stream announces them
 * (`declaration.closed`, `credit_record.created`; functions/_shared/domain-events.ts).
 *
 *   DECL#{platformId}#{month} / DECLARATION     the month's stored state: `status` (CLOSED | REOPENED, absent
 *                                                while the date alone decides), `settledFen` (ADDed by each
 *                                                settlement), `totalFen` at the latest close, `lastPaidOn`
 *   DECL#{platformId}#{month} / SETTLEMENT#{id}  one settlement recorded by an administrator (written once)
 *   CREDIT#{recordId} / CREDIT                    a credit record; recordId is deterministic (one unpaid record per
 *                                                platform and month, one late-report record per case)
 *                                                GSI byStatus  gsi1pk CREDITS#{platformId} gsi1sk {since}#{recordId}
 *                                                GSI byProvince gsi2pk CREDITS             gsi2sk {since}#{recordId}
 *
 * Every change of a month is one TransactWriteItems with the credit-record change it implies, guarded by
 * the state it was computed from (`status`, `settledFen`): a lost race is computed again, never applied twice.
 */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { CloseCreditAction, CreditFact, CreditRecord, CreditRecordStatus, CreditRecordType } from '../../../core/index.ts';
import type { TransactItem } from '../audit.ts';
import { config } from '../config.ts';
import { cancellationReasons, ddb, queryAll } from '../db.ts';
import { indexPage, isIndexKey } from '../paging.ts';

const declarationKey = (platformId: string, month: string) => ({ pk: `DECL#${platformId}#${month}`, sk: 'DECLARATION' });
const settlementKey = (platformId: string, month: string, settlementId: string) => ({ pk: `DECL#${platformId}#${month}`, sk: `SETTLEMENT#${settlementId}` });
const creditKey = (recordId: string) => ({ pk: `CREDIT#${recordId}`, sk: 'CREDIT' });

export interface MonthState {
  readonly status?: 'CLOSED' | 'REOPENED';
  readonly settledFen: number;
  /** The total at the latest close. */
  readonly totalFen?: number;
  readonly lastPaidOn?: string;
}

export interface Settlement {
  readonly settlementId: string;
  readonly platformId: string;
  readonly month: string;
  readonly amountFen: number;
  readonly paidOn: string;
  readonly recordedAt: string;
  readonly recordedBy: string;
}

const creditItem = (r: CreditRecord) => ({
  ...creditKey(r.recordId),
  type: 'CreditRecord',
  recordId: r.recordId,
  platformId: r.platformId,
  creditType: r.type,
  status: r.status,
  fact: r.fact,
  since: r.since,
  ...(r.resolvedOn ? { resolvedOn: r.resolvedOn } : {}),
  gsi1pk: `CREDITS#${r.platformId}`,
  gsi1sk: `${r.since}#${r.recordId}`,
  gsi2pk: 'CREDITS',
  gsi2sk: `${r.since}#${r.recordId}`,
});

const fromCreditItem = (i: Record<string, unknown>): CreditRecord => ({
  recordId: i.recordId as string,
  platformId: i.platformId as string,
  type: i.creditType as CreditRecordType,
  status: i.status as CreditRecordStatus,
  fact: i.fact as CreditFact,
  since: i.since as string,
  ...(i.resolvedOn ? { resolvedOn: i.resolvedOn as string } : {}),
});

/** A start key of a credit-record partition: exactly that index's key, of a credit record. */
const isCreditKey = (key: Record<string, unknown>, hash: string, range: string, hashValue: string) =>
  isIndexKey(key, hash, range, hashValue) && (key.pk as string).startsWith('CREDIT#') && key.sk === 'CREDIT';

/** Guard of a month change: the state it was computed from. */
const stateGuard = (state: MonthState | undefined) =>
  state === undefined
    ? { expression: 'attribute_not_exists(pk)', values: {} }
    : {
        expression: state.status === undefined ? 'attribute_not_exists(#s) AND settledFen = :seenSettled' : '#s = :seenStatus AND settledFen = :seenSettled',
        values: { ':seenSettled': state.settledFen, ...(state.status ? { ':seenStatus': state.status } : {}) },
      };

/** The credit-record change of a close, as a transaction item (undefined: none). */
export const creditActionItem = (recordId: string, action: CloseCreditAction): TransactItem | undefined => {
  switch (action.kind) {
    case 'create':
      return { Put: { TableName: config.tables.cases, Item: creditItem(action.record), ConditionExpression: 'attribute_not_exists(pk)' } };
    case 'reopen':
      return {
        Update: {
          TableName: config.tables.cases,
          Key: creditKey(recordId),
          UpdateExpression: 'SET #st = :open, fact.totalFen = :t REMOVE resolvedOn',
          ConditionExpression: '#st = :resolved',
          ExpressionAttributeNames: { '#st': 'status' },
          ExpressionAttributeValues: { ':open': 'open', ':resolved': 'resolved', ':t': action.totalFen },
        },
      };
    case 'retotal':
      return {
        Update: {
          TableName: config.tables.cases,
          Key: creditKey(recordId),
          UpdateExpression: 'SET fact.totalFen = :t',
          ConditionExpression: '#st = :open',
          ExpressionAttributeNames: { '#st': 'status' },
          ExpressionAttributeValues: { ':open': 'open', ':t': action.totalFen },
        },
      };
    case 'resolve':
      return resolveItem(recordId, action.resolvedOn);
    default:
      return undefined;
  }
};

const resolveItem = (recordId: string, resolvedOn: string): TransactItem => ({
  Update: {
    TableName: config.tables.cases,
    Key: creditKey(recordId),
    UpdateExpression: 'SET #st = :resolved, resolvedOn = :on',
    ConditionExpression: '#st = :open',
    ExpressionAttributeNames: { '#st': 'status' },
    ExpressionAttributeValues: { ':open': 'open', ':resolved': 'resolved', ':on': resolvedOn },
  },
});

/** Thrown when the state a change was computed from moved (a concurrent change): compute it again. */
export class MonthStateMoved extends Error {
  override readonly name = 'MonthStateMoved';
}

const send = async (items: TransactItem[]): Promise<void> => {
  try {
    await ddb.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    const reasons = cancellationReasons(error);
    if (reasons?.some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict')) throw new MonthStateMoved();
    throw error;
  }
};

export const settlementRepository = {
  async month(platformId: string, month: string): Promise<MonthState | undefined> {
    const { Item } = await ddb.send(new GetCommand({ TableName: config.tables.cases, Key: declarationKey(platformId, month), ConsistentRead: true }));
    if (!Item) return undefined;
    return {
      ...(Item.status ? { status: Item.status as 'CLOSED' | 'REOPENED' } : {}),
      settledFen: (Item.settledFen as number | undefined) ?? 0,
      ...(Item.totalFen !== undefined ? { totalFen: Item.totalFen as number } : {}),
      ...(Item.lastPaidOn ? { lastPaidOn: Item.lastPaidOn as string } : {}),
    };
  },

  async creditRecord(recordId: string): Promise<CreditRecord | undefined> {
    const { Item } = await ddb.send(new GetCommand({ TableName: config.tables.cases, Key: creditKey(recordId), ConsistentRead: true }));
    return Item ? fromCreditItem(Item) : undefined;
  },

  /**
   * The items that set the month's status (CLOSED on a close, REOPENED on a reopening), guarded by the state
   * they were computed from, with the credit-record change; for the caller's transaction (audited or not).
   */
  statusItems(
    platformId: string,
    month: string,
    seen: MonthState | undefined,
    change: { status: 'CLOSED' | 'REOPENED'; at: string; totalFen?: number; reason?: string },
    credit?: TransactItem,
  ): TransactItem[] {
    const guard = stateGuard(seen);
    const sets = ['#s = :status', 'platformId = :p', '#m = :m', 'settledFen = if_not_exists(settledFen, :zero)'];
    const values: Record<string, unknown> = { ':status': change.status, ':p': platformId, ':m': month, ':zero': 0, ...guard.values };
    if (change.status === 'CLOSED') {
      sets.push('closedAt = :at', 'totalFen = :total');
      values[':at'] = change.at;
      values[':total'] = change.totalFen ?? 0;
    } else {
      sets.push('reopenedAt = :at', 'reopenReason = :reason');
      values[':at'] = change.at;
      values[':reason'] = change.reason ?? '';
    }
    return [
      {
        Update: {
          TableName: config.tables.cases,
          Key: declarationKey(platformId, month),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: guard.expression,
          ExpressionAttributeNames: { '#s': 'status', '#m': 'month' },
          ExpressionAttributeValues: values,
        },
      },
      ...(credit ? [credit] : []),
    ];
  },

  /** Writes a month change computed from `seen` (MonthStateMoved when it moved). */
  async write(items: TransactItem[]): Promise<void> {
    await send(items);
  },

  /** Records a settlement, ADDs it to `settledFen` and resolves the month's record when `resolves` (guarded by `seen`). */
  async settle(s: Settlement, seen: MonthState | undefined, resolveRecordId: string | undefined): Promise<void> {
    const guard = stateGuard(seen);
    await send([
      {
        Put: {
          TableName: config.tables.cases,
          Item: { ...settlementKey(s.platformId, s.month, s.settlementId), type: 'Settlement', ...s },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Update: {
          TableName: config.tables.cases,
          Key: declarationKey(s.platformId, s.month),
          UpdateExpression: 'SET settledFen = if_not_exists(settledFen, :zero) + :amount, platformId = :p, #m = :m, lastPaidOn = :paidOn',
          ConditionExpression: guard.expression,
          ExpressionAttributeNames: { '#m': 'month', ...(guard.expression.includes('#s') ? { '#s': 'status' } : {}) },
          ExpressionAttributeValues: { ':zero': 0, ':amount': s.amountFen, ':p': s.platformId, ':m': s.month, ':paidOn': s.paidOn, ...guard.values },
        },
      },
      ...(resolveRecordId ? [resolveItem(resolveRecordId, s.paidOn)] : []),
    ]);
  },

  /** The settlements recorded for a month, by paidOn (then when recorded). */
  async settlements(platformId: string, month: string): Promise<Settlement[]> {
    const items = await queryAll({
      TableName: config.tables.cases,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': declarationKey(platformId, month).pk, ':sk': 'SETTLEMENT#' },
      ConsistentRead: true,
    });
    return items
      .map((i) => ({
        settlementId: i.settlementId as string,
        platformId: i.platformId as string,
        month: i.month as string,
        amountFen: i.amountFen as number,
        paidOn: i.paidOn as string,
        recordedAt: i.recordedAt as string,
        recordedBy: i.recordedBy as string,
      }))
      .sort((a, b) => a.paidOn.localeCompare(b.paidOn) || a.recordedAt.localeCompare(b.recordedAt));
  },

  /** The item that stores a late-report record, for the case's own opening transaction. */
  creditPut(record: CreditRecord): TransactItem {
    return { Put: { TableName: config.tables.cases, Item: creditItem(record), ConditionExpression: 'attribute_not_exists(pk)' } };
  },

  /**
   * One page of credit records of a platform (or of every platform), oldest first, with `status` when given.
   * Reads the platform's partition of `byStatus` or the all-platforms partition of `byProvince` until the page
   * is full or the partition ends; a token that is not a start key of that very partition → RangeError.
   */
  async creditRecordsPage(
    query: { platformId?: string; status?: CreditRecordStatus },
    nextToken: string | undefined,
    limit: number,
  ): Promise<{ items: CreditRecord[]; nextToken?: string }> {
    const [IndexName, hash, range, hashValue] = query.platformId
      ? (['byStatus', 'gsi1pk', 'gsi1sk', `CREDITS#${query.platformId}`] as const)
      : (['byProvince', 'gsi2pk', 'gsi2sk', 'CREDITS'] as const);
    const page = await indexPage(
      {
        TableName: config.tables.cases,
        IndexName,
        KeyConditionExpression: '#h = :pk',
        ...(query.status ? { FilterExpression: '#st = :status' } : {}),
        ExpressionAttributeNames: { '#h': hash, ...(query.status ? { '#st': 'status' } : {}) },
        ExpressionAttributeValues: { ':pk': hashValue, ...(query.status ? { ':status': query.status } : {}) },
      },
      (key) => isCreditKey(key, hash, range, hashValue),
      nextToken,
      limit,
    );
    return { ...page, items: page.items.map(fromCreditItem) };
  },
};
