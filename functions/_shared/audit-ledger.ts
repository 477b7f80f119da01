/**
 * The keyed audit chain of the cases table (docs/security.md, "Audit trail"): every committed change of a
 * chained item (manifest/audit.ts — cases and their decisions, payee changes, approvals, timeline events,
 * payments and bank results, documents, bank batches and file downloads, month states, settlements, credit
 * records) becomes one record of the chain `LEDGER#cases` in the audit table.
 *
 * Appended from the table's change stream (functions/audit/chainer.ts), not by the writers:
 * - every write path — the API, the workflow, payment runs, bank results, the deadline sweep, and a hand
 *   edit in the console — is covered without touching it, and a write that did not commit is never chained;
 * - the writers never hold the MAC key: only the chainer may call GenerateMac for this chain;
 * - the stream delivers each item's changes in order, and every change of a record exactly once into the
 *   chain: each record carries the stream event id, and a marker `SRC#{eventId}` is put with
 *   `attribute_not_exists` in the same transaction as the record, so a redelivered batch (a retry, a
 *   crashed poller) appends nothing twice;
 * - concurrent appenders (one per stream shard) never fork the chain: the records are put with
 *   `attribute_not_exists` on sequence n + 1 of the head read just before; a lost race re-reads the head.
 *
 * A record holds the item's key, the change (INSERT / MODIFY / REMOVE), non-personal summary fields
 * (status, version, amounts, actor ids…) and the SHA-256 of the new and old images (personal data only as
 * the ciphertexts and keyed hashes the item already holds, never in clear), chained and MACed like the
 * registry's records (audit.ts `digestRecord`, audit-keys.ts).
 */
import { createHash } from 'node:crypto';
import { BatchGetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { isChainedCasesItem } from '../../manifest/audit.ts';
import {
  AuditChainContention,
  auditSk,
  canonicalJson,
  digestRecord,
  GENESIS_HASH,
  type Json,
  type AuditStore,
  type TransactItem,
  verifyRecords,
} from './audit.ts';
import { auditMac, type AuditMac } from './audit-keys.ts';
import { config } from './config.ts';
import { backoff, cancellationReasons, ddb, queryAll } from './db.ts';
import { redact } from './observability.ts';

export const LEDGER_CHAIN = 'LEDGER#cases';
/** Markers outlive any redelivery (a stream keeps records 24 hours). */
const MARKER_TTL_SECONDS = 7 * 24 * 3600;
/** Records per transaction: each is a record and its marker (≤ 100 items, records of ~1 KB). */
const GROUP = 25;
const MAX_ATTEMPTS = 25;

/** One committed change of the cases table, as the stream delivers it (images as AttributeValue JSON). */
export interface TableChange {
  readonly eventId: string;
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly sequenceNumber: string;
  /** ApproximateCreationDateTime, ISO. */
  readonly changedAt?: string;
  readonly keys: { readonly pk: string; readonly sk: string };
  readonly newImage?: Record<string, unknown>;
  readonly oldImage?: Record<string, unknown>;
}

export interface LedgerRecord {
  readonly pk: string;
  readonly sk: string;
  readonly type: 'LedgerRecord';
  readonly v: 2;
  readonly seq: number;
  /** When it was chained. */
  readonly at: string;
  readonly source: {
    readonly table: 'cases';
    readonly eventId: string;
    readonly eventName: string;
    readonly sequenceNumber: string;
    readonly changedAt: string | null;
  };
  readonly item: { readonly pk: string; readonly sk: string };
  readonly summary: { readonly [key: string]: Json };
  /** SHA-256 (hex) of the canonical JSON of the new / old image, null when there is none. */
  readonly newImage: string | null;
  readonly oldImage: string | null;
  readonly prevHash: string;
  readonly hash: string;
}

/** Scalar, non-personal fields copied into a record's summary when the item has them. */
const SUMMARY_FIELDS = [
  'type',
  'status',
  'version',
  'pendingStep',
  'step',
  'kind',
  'caseId',
  'reportId',
  'paymentId',
  'batchId',
  'documentId',
  'platformId',
  'province',
  'month',
  'amountFen',
  'totalFen',
  'settledFen',
  'payments',
  'cases',
  'format',
  'by',
  'createdBy',
  'recordedBy',
  'actor',
] as const;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const summaryOf = (image: Record<string, unknown> | undefined): Record<string, Json> => {
  if (!image) return {};
  let item: Record<string, unknown>;
  try {
    item = unmarshall(image as never);
  } catch {
    return {};
  }
  const out: Record<string, Json> = {};
  for (const field of SUMMARY_FIELDS) {
    const v = item[field];
    if (typeof v === 'string') out[field] = redact(v);
    else if (typeof v === 'number' && Number.isFinite(v)) out[field] = v;
    else if (typeof v === 'boolean') out[field] = v;
  }
  return out;
};

/** Whether a change is chained (manifest/audit.ts). */
export const isChained = (change: Pick<TableChange, 'keys'>): boolean => isChainedCasesItem(change.keys.sk);

export const markerKey = (eventId: string) => ({ pk: `SRC#${eventId}`, sk: 'SRC' });

const buildRecord = async (change: TableChange, seq: number, prevHash: string, now: Date, mac: AuditMac): Promise<LedgerRecord> => {
  const unsigned: Omit<LedgerRecord, 'hash'> = {
    pk: LEDGER_CHAIN,
    sk: auditSk(seq),
    type: 'LedgerRecord',
    v: 2,
    seq,
    at: now.toISOString(),
    source: {
      table: 'cases',
      eventId: change.eventId,
      eventName: change.eventName,
      sequenceNumber: change.sequenceNumber,
      changedAt: change.changedAt ?? null,
    },
    item: { pk: change.keys.pk, sk: change.keys.sk },
    summary: summaryOf(change.newImage ?? change.oldImage),
    newImage: change.newImage ? sha256(canonicalJson(change.newImage)) : null,
    oldImage: change.oldImage ? sha256(canonicalJson(change.oldImage)) : null,
    prevHash,
  };
  return { ...unsigned, hash: await mac.mac(digestRecord(unsigned as unknown as Record<string, unknown>)) };
};

const defaultStore = (): AuditStore => ({ client: ddb, table: config.tables.audit });

const head = async (store: AuditStore): Promise<LedgerRecord | undefined> => {
  const { Items = [] } = await store.client.send(
    new QueryCommand({
      TableName: store.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': LEDGER_CHAIN },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  return Items[0] as LedgerRecord | undefined;
};

/** The event ids of `changes` already chained (their markers exist). */
const alreadyChained = async (store: AuditStore, changes: readonly TableChange[]): Promise<Set<string>> => {
  const { Responses = {} } = await store.client.send(
    new BatchGetCommand({
      RequestItems: { [store.table]: { Keys: changes.map((c) => markerKey(c.eventId)), ConsistentRead: true, ProjectionExpression: 'pk' } },
    }),
  );
  // At most 25 keys of ~100 bytes: never left unprocessed for size; a throttled key is read again below.
  return new Set((Responses[store.table] ?? []).map((item) => String(item.pk).slice('SRC#'.length)));
};

export interface AppendResult {
  readonly appended: number;
  /** Changes whose record existed already (a redelivery). */
  readonly duplicates: number;
  readonly head?: { readonly seq: number; readonly hash: string };
}

/**
 * Appends the chained changes among `changes`, in order, each exactly once. Throws (the stream retries the
 * batch; what was appended stays appended and is skipped on the retry) on any error but a lost race, and
 * after `MAX_ATTEMPTS` lost races (`AuditChainContention`).
 */
export const appendChanges = async (changes: readonly TableChange[], now: Date = new Date(), store: AuditStore = defaultStore()): Promise<AppendResult> => {
  const mac = store.mac ?? auditMac();
  const chained = changes.filter(isChained);
  // A batch may carry the same event twice only if a caller repeats it: once is enough.
  const unique = [...new Map(chained.map((c) => [c.eventId, c])).values()];
  let appended = 0;
  let duplicates = chained.length - unique.length;
  let last: { seq: number; hash: string } | undefined;
  for (let start = 0; start < unique.length; start += GROUP) {
    const group = unique.slice(start, start + GROUP);
    for (let attempt = 0; ; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new AuditChainContention(`Could not append to ${LEDGER_CHAIN} after ${MAX_ATTEMPTS} attempts`);
      const done = await alreadyChained(store, group);
      const todo = group.filter((c) => !done.has(c.eventId));
      if (todo.length === 0) {
        duplicates += group.length;
        break;
      }
      const current = await head(store);
      let seq = current?.seq ?? 0;
      let prev = current?.hash ?? GENESIS_HASH;
      const records: LedgerRecord[] = [];
      for (const change of todo) {
        const record = await buildRecord(change, ++seq, prev, now, mac);
        records.push(record);
        prev = record.hash;
      }
      const expiresAt = Math.floor(now.getTime() / 1000) + MARKER_TTL_SECONDS;
      const items: TransactItem[] = records.flatMap((r) => [
        { Put: { TableName: store.table, Item: r, ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Put: {
            TableName: store.table,
            Item: { ...markerKey(r.source.eventId), type: 'LedgerMarker', chain: LEDGER_CHAIN, seq: r.seq, expiresAt },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ]);
      try {
        await store.client.send(new TransactWriteCommand({ TransactItems: items }));
        appended += records.length;
        duplicates += group.length - todo.length;
        last = { seq, hash: prev };
        break;
      } catch (error) {
        const reasons = cancellationReasons(error);
        // A record's key (another appender took the sequence), a marker (another run chained the event
        // meanwhile) or a conflict: read the markers and the head again. Anything else is not ours to hide.
        const retriable = reasons?.some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict');
        if (!retriable) throw error;
        await backoff(attempt, { baseMs: 10, capMs: 200 });
      }
    }
  }
  return { appended, duplicates, ...(last ? { head: last } : {}) };
};

/** The chain's head record, if any. */
export const ledgerHead = async (store: Pick<AuditStore, 'client' | 'table'> = defaultStore()): Promise<{ seq: number; hash: string } | undefined> => {
  const record = await head(store as AuditStore);
  return record ? { seq: record.seq, hash: record.hash } : undefined;
};

/** Every record of the chain in sequence order. */
export const readLedger = async (store: Pick<AuditStore, 'client' | 'table'> = defaultStore()): Promise<LedgerRecord[]> =>
  (await queryAll(
    { TableName: store.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': LEDGER_CHAIN }, ConsistentRead: true },
    store.client,
  )) as unknown as LedgerRecord[];

/** Verifies the chain: sequence without gaps, links, every record's MAC. */
export const verifyLedger = async (store: AuditStore = defaultStore()) => verifyRecords(await readLedger(store), store.mac ?? auditMac());
