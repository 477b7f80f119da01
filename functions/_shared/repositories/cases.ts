/**
 * Cases with their timeline and payments (docs/cases.md; item keys in cases-table.ts). Every transition
 * is one transaction: the case (conditional on its version), its timeline event, and any payment it
 * instructs (created once). Storage refusals come out as the named errors below.
 */
import type { CaseDocument, CaseRecord, CaseStatus, InjuryReport, PaymentChange, PaymentRecord, Reminder, TimelineEvent } from '../../../core/index.ts';
import { GetCommand, PutCommand, QueryCommand, ScanCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { TransactItem } from '../audit.ts';
import { config } from '../config.ts';
import { openCaseRecord, sealCaseRecord } from '../pii-fields.ts';
import { conditionFailed, ddb, isTransactionConflict, queryAll } from '../db.ts';
import { documentFrom, documentItem } from './documents.ts';
import { caseKey, eventSk, paymentEventSk, reportKey, runKey, strip, taskKey } from './cases-table.ts';
import { ledgerKey, ledgerUpdate, paymentWrites } from './payments.ts';
import { reportsRepository } from './reports.ts';
import { decodeToken, encodeToken, isIndexKey } from '../paging.ts';

/** A transition lost the race on `version`, its ledger or a payment it changes (→ 409 in the API; retried by the workflow). */
export class CaseVersionConflict extends Error {
  override readonly name = 'CaseVersionConflict';
}
/** The report already has a case (→ 409). */
export class DuplicateCase extends Error {
  override readonly name = 'DuplicateCase';
}

export interface CaseBundle {
  readonly record: CaseRecord;
  readonly timeline: TimelineEvent[];
  readonly payments: PaymentRecord[];
  readonly documents: CaseDocument[];
  /** The ledger sequence, read before the payments: an instruction computed from them is stored only if it has not moved. */
  readonly paymentSeq: number;
}

const indexKeys = (c: CaseRecord) => ({
  gsi1pk: `STATUS#${c.status}`,
  gsi1sk: `${c.province}#${c.openedAt}#${c.caseId}`,
  gsi2pk: `PROVINCE#${c.province}`,
  gsi2sk: `${c.openedAt}#${c.caseId}`,
});

/** The case item: personal fields sealed (field encryption v2, pii-fields.ts). */
const caseItem = (c: CaseRecord) => ({ ...caseKey(c.caseId), type: 'Case', ...sealCaseRecord(c), ...indexKeys(c) });
const caseFrom = (item: Record<string, unknown>) => openCaseRecord(strip<CaseRecord>(item));
const eventItem = (caseId: string, sk: string, e: TimelineEvent) => ({ pk: `CASE#${caseId}`, sk, type: 'Event', ...e });

/** A list partition: the index, its key attributes and the values this query pins them to. */
interface ListPartition {
  readonly IndexName: 'byStatus' | 'byProvince';
  readonly KeyConditionExpression: string;
  readonly ExpressionAttributeValues: Readonly<Record<string, string>>;
}

const INDEX_KEYS = { byStatus: ['gsi1pk', 'gsi1sk'], byProvince: ['gsi2pk', 'gsi2sk'] } as const;

/**
 * Whether a decoded token can continue this very query: its partition exists, and its start key is exactly
 * a key of that index (table key + index key, strings of a size DynamoDB accepts) inside the partition and
 * prefix the query reads. A token forged or garbled, issued for another query (another status, province
 * or caller's provinces) or aimed at another province's partition is refused before DynamoDB sees it (400,
 * never the ValidationException's 500, never a read outside the caller's partitions).
 */
const startsWithin = (start: { p: number; k?: Record<string, unknown> }, partitions: readonly ListPartition[]): boolean => {
  const partition = partitions[start.p];
  if (!partition) return false;
  if (!start.k) return true;
  const [hash, range] = INDEX_KEYS[partition.IndexName];
  const values = start.k;
  if (!isIndexKey(values, hash, range, partition.ExpressionAttributeValues[':pk']!)) return false;
  const prefix = partition.ExpressionAttributeValues[':prefix'];
  return (prefix === undefined || (values[range] as string).startsWith(prefix)) && (values.pk as string).startsWith('CASE#') && values.sk === 'CASE';
};

const byTime = (a: { at: string }, b: { at: string }) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0);

export const casesRepository = {
  /** The report a case is opened on (reports are the reports repository's; read here for the cases API). */
  getReport: (reportId: string): Promise<InjuryReport | undefined> => reportsRepository.get(reportId),

  /** Creates the case, links it to its report (once: else DuplicateCase) and writes its first event, atomically. */
  /** `also`: items written in the same transaction, after the case's (a late-report credit record, D19). */
  async openCase(record: CaseRecord, event: TimelineEvent, also: readonly TransactItem[] = []): Promise<void> {
    try {
      await ddb.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: config.tables.cases,
                Key: reportKey(record.reportId),
                UpdateExpression: 'SET caseId = :c',
                ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(caseId)',
                ExpressionAttributeValues: { ':c': record.caseId },
              },
            },
            { Put: { TableName: config.tables.cases, Item: caseItem(record), ConditionExpression: 'attribute_not_exists(pk)' } },
            { Put: { TableName: config.tables.cases, Item: eventItem(record.caseId, eventSk(record.version), event) } },
            ...also,
          ],
        }),
      );
    } catch (error) {
      if (conditionFailed(error, 0)) throw new DuplicateCase(record.reportId);
      throw error;
    }
  },

  /**
   * D21: a reminder of the case (a deadline near, a certification due), stored once per key
   * (CASE#{caseId} / REMINDER#{key}); false when it was already stored. The stored item is announced as a
   * `case.reminder_due` domain event from the table's stream.
   */
  async addReminder(caseId: string, reminder: Reminder, at: string): Promise<boolean> {
    try {
      await ddb.send(
        new PutCommand({
          TableName: config.tables.cases,
          Item: { pk: `CASE#${caseId}`, sk: `REMINDER#${reminder.key}`, type: 'Reminder', caseId, ...reminder, at },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  },

  async get(caseId: string): Promise<CaseRecord | undefined> {
    const { Item } = await ddb.send(new GetCommand({ TableName: config.tables.cases, Key: caseKey(caseId), ConsistentRead: true }));
    return Item ? caseFrom(Item) : undefined;
  },

  /** The case, its timeline (by time) and its payments: one Query of the case's partition. */
  async bundle(caseId: string): Promise<CaseBundle | undefined> {
    // The ledger first (a single-item read, isolated from transactions): every payment instructed up to
    // this sequence is then in the Query below, and anything instructed after it moves the sequence.
    const ledger = await ddb.send(new GetCommand({ TableName: config.tables.cases, Key: ledgerKey(caseId), ConsistentRead: true }));
    const paymentSeq = typeof ledger.Item?.seq === 'number' ? ledger.Item.seq : 0;
    const items = await queryAll({
      TableName: config.tables.cases,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `CASE#${caseId}` },
      ConsistentRead: true,
    });
    const head = items.find((i) => i.sk === 'CASE');
    if (!head) return undefined;
    const of = (prefix: string) => items.filter((i) => String(i.sk).startsWith(prefix));
    const timeline = of('EVENT#')
      .map((i) => strip<TimelineEvent>(i))
      .sort(byTime);
    const payments = of('PAYMENT#')
      .map((i) => strip<PaymentRecord>(i))
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
    const documents = of('DOC#')
      .map(documentFrom)
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
    return { record: caseFrom(head), timeline, payments, documents, paymentSeq };
  },

  /**
   * Replaces the case with `next` (version = previous + 1) if nobody changed it since `expectedVersion`,
   * appending its timeline event, the payments it instructs or changes (with the ledger advance and the
   * fund movements) in the same transaction, and removing the workflow's task token when the wait is
   * over. CaseVersionConflict when the race is lost on the case, its ledger, a payment or a document.
   */
  async transition(
    next: CaseRecord,
    expectedVersion: number,
    event: TimelineEvent,
    options: {
      payments?: readonly PaymentChange[];
      ledger?: { from: number; to: number };
      clearTask?: boolean;
      document?: { next: CaseDocument; expectedStatus: CaseDocument['status'] };
    } = {},
  ): Promise<void> {
    if (next.version !== expectedVersion + 1) throw new RangeError('next.version must be expectedVersion + 1');
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
      {
        Put: {
          TableName: config.tables.cases,
          Item: caseItem(next),
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': expectedVersion },
        },
      },
      { Put: { TableName: config.tables.cases, Item: eventItem(next.caseId, eventSk(next.version), event) } },
    ];
    if (options.payments?.length && !options.ledger) throw new RangeError('payments need the ledger advance');
    if (options.ledger) items.push(ledgerUpdate(next.caseId, options.ledger), ...(paymentWrites(options.payments ?? [], event.at) as typeof items));
    if (options.clearTask) items.push({ Delete: { TableName: config.tables.cases, Key: taskKey(next.caseId) } });
    if (options.document) {
      items.push({
        Put: {
          TableName: config.tables.cases,
          Item: documentItem(options.document.next),
          ConditionExpression: '#s = :s',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':s': options.document.expectedStatus },
        },
      });
    }
    try {
      await ddb.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (conditionFailed(error, 0)) throw new CaseVersionConflict(`case ${next.caseId} changed since version ${expectedVersion}`);
      if (conditionFailed(error)) throw new CaseVersionConflict(`the ledger, a payment or a document of case ${next.caseId} changed`);
      // Another transaction on the case, its ledger or a payment at the same moment: the same lost race.
      if (isTransactionConflict(error)) throw new CaseVersionConflict(`case ${next.caseId}: a concurrent transaction won`);
      throw error;
    }
  },

  /**
   * A payment-run payment for one case, counted into its run, if the case's ledger is still at `seq`
   * (false: another instruction came first — read again and compute again).
   */
  async addRunPayment(payment: PaymentRecord, seq: number, runId: string, event: TimelineEvent): Promise<boolean> {
    try {
      await ddb.send(
        new TransactWriteCommand({
          TransactItems: [
            ledgerUpdate(payment.caseId, { from: seq, to: seq + 1 }) as never,
            ...(paymentWrites([{ next: payment }], event.at) as never[]),
            { Put: { TableName: config.tables.cases, Item: eventItem(payment.caseId, paymentEventSk(payment.key), event) } },
            {
              Update: {
                TableName: config.tables.cases,
                Key: runKey(runId),
                UpdateExpression: 'ADD payments :one, totalFen :amount',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':one': 1, ':amount': payment.amountFen },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error, 0) || conditionFailed(error, 1) || isTransactionConflict(error)) return false;
      throw error;
    }
  },

  /** When the case's transition to `version` happened (the `at` of its timeline event), if recorded. */
  async transitionAt(caseId: string, version: number): Promise<string | undefined> {
    const { Item } = await ddb.send(
      new GetCommand({
        TableName: config.tables.cases,
        Key: { pk: `CASE#${caseId}`, sk: eventSk(version) },
        ProjectionExpression: '#at',
        ExpressionAttributeNames: { '#at': 'at' },
        ConsistentRead: true,
      }),
    );
    return typeof Item?.at === 'string' ? Item.at : undefined;
  },

  /**
   * One page of cases, staff view: by status (optionally one province), or by province. `partitions` are
   * queried in turn (one per province when a status spans several provinces the caller may see).
   * RangeError for a token this repository did not issue.
   */
  async list(
    query: { status?: CaseStatus; provinces: readonly string[] },
    nextToken: string | undefined,
    limit = 50,
  ): Promise<{ items: CaseRecord[]; nextToken?: string }> {
    const partitions = query.provinces.map(
      (province): ListPartition =>
        query.status
          ? {
              IndexName: 'byStatus',
              KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
              ExpressionAttributeValues: { ':pk': `STATUS#${query.status}`, ':prefix': `${province}#` },
            }
          : { IndexName: 'byProvince', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': `PROVINCE#${province}` } },
    );
    const start = nextToken ? decodeToken(nextToken) : { p: 0 };
    // The first page of a query over no partition (staff naming a province they do not see) is empty, not an error.
    if (!start || (nextToken && !startsWithin(start, partitions))) throw new RangeError('invalid nextToken');
    const items: CaseRecord[] = [];
    let p = start.p;
    let key = start.k;
    while (p < partitions.length && items.length < limit) {
      const page = await ddb.send(
        new QueryCommand({ TableName: config.tables.cases, ...partitions[p]!, Limit: limit - items.length, ...(key ? { ExclusiveStartKey: key } : {}) }),
      );
      items.push(...(page.Items ?? []).map(caseFrom));
      key = page.LastEvaluatedKey;
      if (!key) p++;
    }
    return { items, ...(p < partitions.length ? { nextToken: encodeToken({ p, ...(key ? { k: key } : {}) }) } : {}) };
  },

  /** One page of case ids with a status (payment runs, the deadline sweep), across provinces. */
  async idsByStatus(status: CaseStatus, nextToken: string | undefined, limit = 50): Promise<{ caseIds: string[]; nextToken?: string }> {
    const start = nextToken ? decodeToken(nextToken) : undefined;
    const page = await ddb.send(
      new QueryCommand({
        TableName: config.tables.cases,
        IndexName: 'byStatus',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `STATUS#${status}` },
        ProjectionExpression: 'caseId',
        Limit: limit,
        ...(start?.k ? { ExclusiveStartKey: start.k } : {}),
      }),
    );
    return {
      caseIds: (page.Items ?? []).map((i) => i.caseId as string),
      ...(page.LastEvaluatedKey ? { nextToken: encodeToken({ p: 0, k: page.LastEvaluatedKey }) } : {}),
    };
  },

  /**
   * Cases with a waiting task (`waiting`) or a recorded-but-unapplied step (`pendingStep`): the local
   * runner's rebuild after a restart starts one workflow execution for each. A full scan, never on a
   * request path.
   */
  async pendingWork(): Promise<{ caseId: string; waiting: boolean; pendingStep?: string }[]> {
    const out = new Map<string, { caseId: string; waiting: boolean; pendingStep?: string }>();
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await ddb.send(
        new ScanCommand({
          TableName: config.tables.cases,
          FilterExpression: '#type = :task OR (#type = :case AND attribute_exists(pendingStep))',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':task': 'Task', ':case': 'Case' },
          ExclusiveStartKey,
        }),
      );
      for (const i of page.Items ?? []) {
        const caseId = i.caseId as string;
        const entry = out.get(caseId) ?? { caseId, waiting: false };
        if (i.type === 'Task') entry.waiting = true;
        else entry.pendingStep = i.pendingStep as string;
        out.set(caseId, entry);
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return [...out.values()];
  },
};
