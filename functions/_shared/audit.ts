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
 * A change and its record are one TransactWriteItems (`commitAudited`): the change's items first, the
 * record last. Either both are written or neither: there is no change without its record. A transaction
 * cancelled by the record's key alone (another writer appended first) or by a transaction conflict is
 * retried on the new head; one cancelled by a condition of the change is the change's own answer
 * (duplicate, stale version…) and is thrown unchanged to the caller.
 *
 * Personal data never appears in clear: fields named like personal data are replaced by their keyed hash
 * (pii.ts) and every string passes the logger's redaction of ID numbers, phones and account numbers.
 */
import { createHash } from 'node:crypto';
import { QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { config } from './config.ts';
import { backoff, cancellationReasons, ddb, queryAll } from './db.ts';
import { redact } from './observability.ts';
import { pii } from './pii.ts';

export type AuditEntityType = 'platform' | 'parameter' | 'calendar' | 'declaration';

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
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
}

const defaultStore = (): AuditStore => ({ client: ddb, table: config.tables.registry });

export const GENESIS_HASH = '0'.repeat(64);
export const SEQ_DIGITS = 10;
const MAX_APPEND_ATTEMPTS = 25;

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

/** One item of a TransactWriteItems (document client form). */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A change to commit with its audit record: the change's items (at most 99) and what the record says. */
export interface AuditedChange {
  readonly items: readonly TransactItem[];
  readonly entry: AuditEntry;
}

/** The record that would follow `last` (undefined: the chain is empty). */
const nextRecord = (entry: AuditEntry, last: AuditRecord | undefined, now: Date): AuditRecord => {
  const seq = (last?.seq ?? 0) + 1;
  const unsigned: Omit<AuditRecord, 'hash'> = {
    pk: auditPk(entry.entityType, entry.entityId),
    sk: auditSk(seq),
    type: 'Audit',
    entityType: entry.entityType,
    entityId: entry.entityId,
    seq,
    actor: redact(entry.actor),
    at: now.toISOString(),
    action: entry.action,
    before: sanitise(entry.before),
    after: sanitise(entry.after),
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  return { ...unsigned, hash: hashRecord(unsigned) };
};

/**
 * Whether a cancelled transaction may be retried on a new head: nothing but the record's key
 * (`ConditionalCheckFailed` at the last index: another writer appended first) or a transaction conflict
 * stood in its way. A condition of the change that failed is never retried.
 */
const isLostRace = (error: unknown, recordIndex: number): boolean => {
  const reasons = cancellationReasons(error);
  if (!reasons) return false;
  if (reasons.some((r, i) => i !== recordIndex && r.Code === 'ConditionalCheckFailed')) return false;
  return reasons.some((r, i) => (i === recordIndex && r.Code === 'ConditionalCheckFailed') || r.Code === 'TransactionConflict');
};

/**
 * Commits a change and its audit record in one TransactWriteItems. Each attempt reads the chain's head
 * (consistent read), then calls `prepare` — a change whose items or `before` come from a read is read
 * after the head: if another audited writer of this entity commits meanwhile, the head moves, this
 * attempt's record key exists and the attempt is prepared again on the new head — then writes the
 * change's items and the record with `attribute_not_exists(pk)`. A lost race on the record's key is
 * retried; a cancellation by the change's own conditions, or any other error, is thrown as is
 * (`CancellationReasons` keep the change's indexes: the record is the last item). Returns the record.
 */
export const commitAuditedWith = async (
  entity: Pick<AuditEntry, 'entityType' | 'entityId'>,
  prepare: () => AuditedChange | Promise<AuditedChange>,
  now: Date = new Date(),
  store: AuditStore = defaultStore(),
): Promise<AuditRecord> => {
  const pk = auditPk(entity.entityType, entity.entityId);
  for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
    const last = await head(store, pk);
    const change = await prepare();
    if (auditPk(change.entry.entityType, change.entry.entityId) !== pk) throw new Error(`commitAuditedWith: the change is not audited in ${pk}`);
    const record = nextRecord(change.entry, last, now);
    const items: TransactItem[] = [...change.items, { Put: { TableName: store.table, Item: record, ConditionExpression: 'attribute_not_exists(pk)' } }];
    try {
      await store.client.send(new TransactWriteCommand({ TransactItems: items }));
      return record;
    } catch (error) {
      if (!isLostRace(error, items.length - 1)) throw error;
      await backoff(attempt, { baseMs: 10, capMs: 200 });
    }
  }
  throw new AuditChainContention(`Could not append to ${pk} after ${MAX_APPEND_ATTEMPTS} attempts`);
};

/** `commitAuditedWith` for a change that needs no read: the same items on every attempt. */
export const commitAudited = (change: AuditedChange, now: Date = new Date(), store: AuditStore = defaultStore()): Promise<AuditRecord> =>
  commitAuditedWith(change.entry, () => change, now, store);

/** Appends one record at the head of the entity's chain, with no other change; retries on top of a concurrent writer. */
export const appendAudit = (entry: AuditEntry, now: Date = new Date(), store: AuditStore = defaultStore()): Promise<AuditRecord> =>
  commitAudited({ items: [], entry }, now, store);

export type AuditVerification =
  | { readonly ok: true; readonly records: number; readonly headHash: string }
  | { readonly ok: false; readonly records: number; readonly broken: { readonly sk: string; readonly reason: string } };

/** Every record of a chain in sequence order. */
export const readAuditChain = async (entityType: AuditEntityType, entityId: string, store: AuditStore = defaultStore()): Promise<AuditRecord[]> =>
  (await queryAll(
    {
      TableName: store.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': auditPk(entityType, entityId) },
      ConsistentRead: true,
    },
    store.client,
  )) as unknown as AuditRecord[];

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
