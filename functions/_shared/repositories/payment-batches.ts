/**
 * Bank batches of a province's instructed payments (D15; docs/payment-batches.md), in the cases table:
 *
 *   BATCH#{batchId} / BATCH                the batch: province, status ASSEMBLING → READY, `payments` (file lines),
 *                                          `totalFen` (Σ bank amounts) and `cases` ADDed in each case's transaction, who created it
 *                                          and when, and the paying account (`debtor`) copied at creation
 *   BATCH#{batchId} / DOWNLOAD#{at}#{n}    one item per download of its file (who, when, which format): the audit
 *   BATCHES#{province} / ASSEMBLING        the province's batch being assembled (one at a time): a batch left
 *                                          ASSEMBLING by a crash or a timeout is resumed by the next POST
 *   BATCHES#{province}#{month} / {createdAt}#{batchId}   the batches created in a month (Asia/Shanghai): the fund report
 *
 * The payments themselves stay in their case's partition (payments.ts): the GSI byStatus partition
 * `PAYMENTS#INSTRUCTED#{province}` is the work list, byProvince `BATCH#{batchId}` the batch's payments. A
 * case joins a batch in one transaction: its payments' changes (each conditional on the status it was read
 * in), their fund movements and the ADD to the batch's counters (conditional on the batch still
 * assembling), so the counters are exactly what was sent, whatever crashes or races.
 */
import { randomBytes } from 'node:crypto';
import type { FundMovementKind, PaymentChange, PaymentRecord } from '../../../core/index.ts';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { config, type PayingAccount } from '../config.ts';
import { backoff, batchGetAll, conditionFailed, ddb, isTransactionConflict, queryAll } from '../db.ts';
import { strip } from './cases-table.ts';
import { batchPartition, instructedPartition, fundPartition, paymentWrites } from './payments.ts';

type BatchStatus = 'ASSEMBLING' | 'READY';

export interface PaymentBatch {
  readonly batchId: string;
  readonly province: string;
  readonly status: BatchStatus;
  /** The lines of its bank file (payments sent with something left to pay after offsets). */
  readonly payments: number;
  /** Σ of the lines' bank amounts. */
  readonly totalFen: number;
  /** Cases that joined (a case whose payments were all settled by offsets joins without a line). */
  readonly cases: number;
  readonly createdAt: string;
  readonly createdBy: string;
  /** The province's paying account when the batch was created: the file never changes. */
  readonly debtor: PayingAccount;
  readonly readyAt?: string;
}

export type BankFileFormat = 'csv' | 'pain.001';

export interface BatchDownload {
  readonly by: string;
  readonly at: string;
  readonly format: BankFileFormat;
}

export interface StoredFundMovement {
  readonly kind: FundMovementKind;
  readonly paymentId: string;
  readonly amountFen: number;
  readonly offsetFen: number;
  readonly items: readonly { readonly item: string; readonly amountFen: number }[];
  readonly batchId?: string;
}

/** The work list entry of an instructed payment (GSI byStatus). */
export interface InstructedEntry {
  readonly caseId: string;
  readonly paymentId: string;
  readonly amountFen: number;
}

/** Adding a case lost its race: a payment it changes is no longer in the status it was read in. */
export type AddCaseOutcome = 'added' | 'lost' | 'closed';

const batchKey = (batchId: string) => ({ pk: `BATCH#${batchId}`, sk: 'BATCH' });
const assemblingKey = (province: string) => ({ pk: `BATCHES#${province}`, sk: 'ASSEMBLING' });
const listingKey = (province: string, month: string, createdAt: string, batchId: string) => ({
  pk: `BATCHES#${province}#${month}`,
  sk: `${createdAt}#${batchId}`,
});

/** DynamoDB's limit of actions in one TransactWriteItems. */
const MAX_TRANSACTION_ITEMS = 100;
const CONFLICT_ATTEMPTS = 8;

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

/** Sends a transaction, retrying the cancellations caused by concurrent transactions on the same items. */
const transact = async (items: TransactItems): Promise<void> => {
  for (let attempt = 0; ; attempt++) {
    try {
      await ddb.send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      if (!isTransactionConflict(error) || attempt + 1 >= CONFLICT_ATTEMPTS) throw error;
      await backoff(attempt, { baseMs: 20, capMs: 500 });
    }
  }
};

export const paymentBatchesRepository = {
  /** A fresh batch id: `B` + 16 hex digits (a pain.001 MsgId: ≤ 35 characters). */
  newBatchId: (): string => `B${randomBytes(8).toString('hex')}`,

  async get(batchId: string): Promise<PaymentBatch | undefined> {
    const { Item } = await ddb.send(new GetCommand({ TableName: config.tables.cases, Key: batchKey(batchId), ConsistentRead: true }));
    return Item ? strip<PaymentBatch>(Item) : undefined;
  },

  /** The id of the province's batch being assembled, if any (consistent read). */
  async assembling(province: string): Promise<string | undefined> {
    const { Item } = await ddb.send(new GetCommand({ TableName: config.tables.cases, Key: assemblingKey(province), ConsistentRead: true }));
    return typeof Item?.batchId === 'string' ? Item.batchId : undefined;
  },

  /**
   * Creates an ASSEMBLING batch with its month listing and the province's assembling marker, atomically.
   * False when the province already has a batch being assembled (nothing written: join that one).
   */
  async create(batch: PaymentBatch, month: string): Promise<boolean> {
    try {
      await transact([
        {
          Put: {
            TableName: config.tables.cases,
            Item: { ...assemblingKey(batch.province), type: 'BatchAssembling', batchId: batch.batchId, since: batch.createdAt },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: config.tables.cases,
            Item: { ...batchKey(batch.batchId), type: 'PaymentBatch', ...batch },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: config.tables.cases,
            Item: {
              ...listingKey(batch.province, month, batch.createdAt, batch.batchId),
              type: 'BatchListing',
              batchId: batch.batchId,
              createdAt: batch.createdAt,
            },
          },
        },
      ]);
      return true;
    } catch (error) {
      if (conditionFailed(error, 0)) return false;
      throw error;
    }
  },

  /**
   * The positive and negative INSTRUCTED payments of a province, oldest first: the work list of a batch
   * (GSI byStatus, every page). Eventually consistent: each case is read again before it is batched.
   */
  async instructed(province: string): Promise<InstructedEntry[]> {
    const items = await queryAll({
      TableName: config.tables.cases,
      IndexName: 'byStatus',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': instructedPartition(province) },
      ProjectionExpression: 'caseId, paymentId, amountFen',
    });
    return items.map((i) => ({ caseId: String(i.caseId), paymentId: String(i.paymentId), amountFen: Number(i.amountFen) }));
  },

  /**
   * One case joins the batch: its payment changes (conditional on their status) with their fund movements
   * dated `at`, and `lines` / `totalFen` ADDed to the batch while it is ASSEMBLING, in one transaction.
   * `lost`: a payment changed since it was read (read the case again); `closed`: the batch is no longer
   * being assembled.
   */
  async addCase(batchId: string, changes: readonly PaymentChange[], bank: { lines: number; totalFen: number }, at: string): Promise<AddCaseOutcome> {
    const writes = paymentWrites(changes, at) as TransactItems;
    if (writes.length + 1 > MAX_TRANSACTION_ITEMS)
      throw new RangeError(`one case's batch changes need ${writes.length + 1} writes, over ${MAX_TRANSACTION_ITEMS}`);
    const counters: TransactItems[number] = {
      Update: {
        TableName: config.tables.cases,
        Key: batchKey(batchId),
        UpdateExpression: 'ADD payments :n, totalFen :fen, cases :one',
        ConditionExpression: '#s = :assembling',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':n': bank.lines, ':fen': bank.totalFen, ':one': 1, ':assembling': 'ASSEMBLING' },
      },
    };
    try {
      await transact([counters, ...writes]);
      return 'added';
    } catch (error) {
      if (conditionFailed(error, 0)) return 'closed';
      if (conditionFailed(error)) return 'lost';
      throw error;
    }
  },

  /**
   * Ends the assembly: READY (at `at`) and the province's marker removed. A batch some other request
   * finished already is left as it is. True when this call made it READY.
   */
  async finish(batch: PaymentBatch, at: string): Promise<boolean> {
    try {
      await transact([
        {
          Update: {
            TableName: config.tables.cases,
            Key: batchKey(batch.batchId),
            UpdateExpression: 'SET #s = :ready, readyAt = :at',
            ConditionExpression: '#s = :assembling',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':ready': 'READY', ':assembling': 'ASSEMBLING', ':at': at },
          },
        },
        {
          Delete: {
            TableName: config.tables.cases,
            Key: assemblingKey(batch.province),
            ConditionExpression: 'batchId = :b',
            ExpressionAttributeValues: { ':b': batch.batchId },
          },
        },
      ]);
      return true;
    } catch (error) {
      if (!conditionFailed(error)) throw error;
      return false;
    }
  },

  /**
   * Removes a batch no case joined (nothing sendable was instructed, or everything raced away), with its
   * listing and the province's marker, only while it is still empty and assembling. False: it is not
   * (a case joined meanwhile, or another request finished it).
   */
  async discard(batch: PaymentBatch, month: string): Promise<boolean> {
    try {
      await transact([
        {
          Delete: {
            TableName: config.tables.cases,
            Key: batchKey(batch.batchId),
            ConditionExpression: '#s = :assembling AND cases = :zero',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':assembling': 'ASSEMBLING', ':zero': 0 },
          },
        },
        {
          Delete: {
            TableName: config.tables.cases,
            Key: assemblingKey(batch.province),
            ConditionExpression: 'batchId = :b',
            ExpressionAttributeValues: { ':b': batch.batchId },
          },
        },
        { Delete: { TableName: config.tables.cases, Key: listingKey(batch.province, month, batch.createdAt, batch.batchId) } },
      ]);
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  },

  /** The payments of a batch, by paymentId (GSI byProvince, every page). */
  async payments(batchId: string): Promise<PaymentRecord[]> {
    const items = await queryAll({
      TableName: config.tables.cases,
      IndexName: 'byProvince',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': batchPartition(batchId) },
    });
    return items.map((i) => strip<PaymentRecord>(i));
  },

  /**
   * One payment result written: the changes of `applyBankResult` (each conditional on the status it was
   * read in) with their fund movements. False: a payment changed since it was read.
   */
  async writePaymentChanges(changes: readonly PaymentChange[], at: string): Promise<boolean> {
    try {
      await transact(paymentWrites(changes, at) as TransactItems);
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  },

  /** Records a download of the batch's file (the audit of who took the payees' accounts, when, in which format). */
  async recordDownload(batchId: string, download: BatchDownload): Promise<void> {
    await ddb.send(
      new PutCommand({
        TableName: config.tables.cases,
        Item: { pk: `BATCH#${batchId}`, sk: `DOWNLOAD#${download.at}#${randomBytes(4).toString('hex')}`, type: 'BatchDownload', batchId, ...download },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  },

  async downloads(batchId: string): Promise<BatchDownload[]> {
    const items = await queryAll({
      TableName: config.tables.cases,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :d)',
      ExpressionAttributeValues: { ':pk': `BATCH#${batchId}`, ':d': 'DOWNLOAD#' },
      ConsistentRead: true,
    });
    return items.map((i) => ({ by: String(i.by), at: String(i.at), format: i.format as BankFileFormat }));
  },

  /** The batches of a province created in a month (Asia/Shanghai), oldest first, read consistently. */
  async createdIn(province: string, month: string): Promise<PaymentBatch[]> {
    const listed = await queryAll({
      TableName: config.tables.cases,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `BATCHES#${province}#${month}` },
      ConsistentRead: true,
    });
    if (listed.length === 0) return [];
    const found = await batchGetAll(
      config.tables.cases,
      listed.map((l) => batchKey(String(l.batchId))),
      { consistent: true },
    );
    return found.map((i) => strip<PaymentBatch>(i)).sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  },

  /** The fund movements of a province and month (its whole partition, read consistently). */
  async fundMovements(province: string, month: string): Promise<StoredFundMovement[]> {
    const items = await queryAll({
      TableName: config.tables.cases,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': fundPartition(province, month) },
      ConsistentRead: true,
    });
    return items.map((i) => strip<StoredFundMovement>(i));
  },
};
