/**
 * Append-only audit log with a hash chain, for changes to platforms, parameters and calendars (issue 5).
 *
 * Records live in the registry table, one chain per entity:
 *   pk `AUDIT#{entityType}#{entityId}`, sk the zero-padded sequence (`0000000001`, …).
 * Each record holds actor, at, action, before, after, prevHash and hash = sha256 over the canonical JSON
 * (keys sorted, no insignificant whitespace) of the record without `hash`. The first record's prevHash is
 * GENESIS_HASH. A record is written with `attribute_not_exists(pk)`, so two writers can never both append
 * sequence n: the loser re-reads the head and appends n + 1 on top of the winner — the chain never forks.
 *
 * Personal data never appears in clear: fields named like personal data are replaced by their keyed hash
 * (pii.ts) and every string passes the logger's redaction of ID numbers, phones and account numbers.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from './config.ts';
import { ddb } from './db.ts';
import { redact } from './observability.ts';
import { pii } from './pii.ts';

export type AuditEntityType = 'platform' | 'parameter' | 'calendar';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface AuditEntry {
  readonly entityType: AuditEntityType;
  readonly entityId: string;
  /** The caller's `sub`. */
  readonly actor: string;
  readonly action: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface AuditRecord {
  readonly pk: string;
  readonly sk: string;
  readonly type: 'Audit';
  readonly entityType: AuditEntityType;
  readonly entityId: string;
  readonly seq: number;
  readonly actor: string;
  readonly at: string;
  readonly action: string;
  readonly before: Json;
  readonly after: Json;
  readonly prevHash: string;
  readonly hash: string;
}

/** Where the chains live: the function's registry table by default; the CLI passes its own. */
export interface AuditStore {
  readonly client: Pick<DynamoDBDocumentClient, 'send'>;
  readonly table: string;
}

const defaultStore = (): AuditStore => ({ client: ddb, table: config.tables.registry });

export const GENESIS_HASH = '0'.repeat(64);
export const SEQ_DIGITS = 10;
const MAX_APPEND_ATTEMPTS = 10;

export const auditPk = (entityType: AuditEntityType, entityId: string) => `AUDIT#${entityType}#${entityId}`;
export const auditSk = (seq: number) => String(seq).padStart(SEQ_DIGITS, '0');

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') {
    if (value === undefined) return 'null';
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('canonicalJson: non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
};

export const hashRecord = (record: Omit<AuditRecord, 'hash'> & { hash?: string }): string => {
  const { hash: _ignored, ...rest } = record;
  return createHash('sha256').update(canonicalJson(rest), 'utf8').digest('hex');
};

/** Field names whose values are personal data: stored as keyed hashes, never in clear. */
const PERSONAL_FIELDS: Readonly<Record<string, 'idNumber' | 'name' | 'phone' | 'bankAccount'>> = {
  idNumber: 'idNumber',
  phone: 'phone',
  bankAccount: 'bankAccount',
  personName: 'name',
  payeeName: 'name',
};

/** A JSON-safe copy without personal data in clear. */
export const sanitise = (value: unknown): Json => {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return redact(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(sanitise);
  if (typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      const purpose = PERSONAL_FIELDS[k];
      out[redact(k)] = purpose && typeof v === 'string' ? `hmac:${pii().hash(purpose, v)}` : sanitise(v);
    }
    return out;
  }
  return String(value);
};

const head = async (store: AuditStore, pk: string): Promise<AuditRecord | undefined> => {
  const { Items = [] } = await store.client.send(
    new QueryCommand({
      TableName: store.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  return Items[0] as AuditRecord | undefined;
};

export class AuditChainContention extends Error {
  override readonly name = 'AuditChainContention';
}

/** Appends one record at the head of the entity's chain; retries on top of a concurrent writer. */
export const appendAudit = async (entry: AuditEntry, now: Date = new Date(), store: AuditStore = defaultStore()): Promise<AuditRecord> => {
  const pk = auditPk(entry.entityType, entry.entityId);
  const before = sanitise(entry.before);
  const after = sanitise(entry.after);
  for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
    const last = await head(store, pk);
    const seq = (last?.seq ?? 0) + 1;
    const unsigned: Omit<AuditRecord, 'hash'> = {
      pk,
      sk: auditSk(seq),
      type: 'Audit',
      entityType: entry.entityType,
      entityId: entry.entityId,
      seq,
      actor: redact(entry.actor),
      at: now.toISOString(),
      action: entry.action,
      before,
      after,
      prevHash: last?.hash ?? GENESIS_HASH,
    };
    const record: AuditRecord = { ...unsigned, hash: hashRecord(unsigned) };
    try {
      await store.client.send(new PutCommand({ TableName: store.table, Item: record, ConditionExpression: 'attribute_not_exists(pk)' }));
      return record;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException) && (error as Error)?.name !== 'ConditionalCheckFailedException') throw error;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * (attempt + 1)));
    }
  }
  throw new AuditChainContention(`Could not append to ${pk} after ${MAX_APPEND_ATTEMPTS} attempts`);
};

export type AuditVerification =
  | { readonly ok: true; readonly records: number; readonly headHash: string }
  | { readonly ok: false; readonly records: number; readonly broken: { readonly sk: string; readonly reason: string } };

/** Every record of a chain in sequence order. */
export const readAuditChain = async (entityType: AuditEntityType, entityId: string, store: AuditStore = defaultStore()): Promise<AuditRecord[]> => {
  const items: AuditRecord[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await store.client.send(
      new QueryCommand({
        TableName: store.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': auditPk(entityType, entityId) },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    items.push(...((page.Items ?? []) as AuditRecord[]));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
};

/** Checks a chain as read: sequence without gaps, each prevHash = the previous hash, each hash recomputed. */
export const verifyRecords = (records: readonly AuditRecord[]): AuditVerification => {
  let prev = GENESIS_HASH;
  for (const [i, r] of records.entries()) {
    const expectedSk = auditSk(i + 1);
    const fail = (reason: string): AuditVerification => ({ ok: false, records: records.length, broken: { sk: r.sk, reason } });
    if (r.sk !== expectedSk || r.seq !== i + 1) return fail(`expected sequence ${expectedSk}, found sk ${r.sk} / seq ${r.seq}`);
    if (r.prevHash !== prev) return fail(`prevHash ${r.prevHash} does not match the previous record's hash ${prev}`);
    const recomputed = hashRecord(r);
    if (r.hash !== recomputed) return fail(`stored hash ${r.hash} does not match the record's content (${recomputed})`);
    prev = r.hash;
  }
  return { ok: true, records: records.length, headHash: prev };
};

export const verifyAuditChain = async (entityType: AuditEntityType, entityId: string, store: AuditStore = defaultStore()): Promise<AuditVerification> =>
  verifyRecords(await readAuditChain(entityType, entityId, store));
