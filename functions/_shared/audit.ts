/**
 * Append-only audit log with a keyed hash chain, for changes to platforms, parameters, calendars and
 * declarations (issues 5 and 17; docs/security.md, "Audit trail").
 *
 * Records live in the registry table, one chain per entity:
 *   pk `AUDIT#{entityType}#{entityId}`, sk the zero-padded sequence (`0000000001`, …).
 * Each record holds actor, at, action, before, after, prevHash and hash = the MAC (audit-keys.ts: a KMS
 * HMAC key in AWS, the local runtime's key locally) of the SHA-256 of the canonical JSON (keys sorted, no
 * insignificant whitespace) of the record without `hash`. The first record's prevHash is GENESIS_HASH.
 * Without the MAC key nobody can recompute a chain after editing it: a record edited in place, re-hashed
 * with plain SHA-256 or MACed with a guessed key fails verification at that record.
 *
 * A record is written with `attribute_not_exists(pk)`, so two writers can never both append sequence n: the
 * loser re-reads the head and appends n + 1 on top of the winner — the chain never forks. The chain's head
 * (seq, hash) is also put at `AUDITHEADS` / `{entityType}#{entityId}` in the same transaction: the anchor
 * job (functions/audit/anchor.ts) signs every head from that one partition, so a deleted tail or a deleted
 * chain is detected against the last anchor.
 *
 * A change and its record are one TransactWriteItems (`commitAudited`): the change's items first (at most
 * 98), then the record, then the head. Either all are written or none: there is no change without its
 * record. A transaction cancelled by the record's key alone (another writer appended first) or by a
 * transaction conflict is retried on the new head; one cancelled by a condition of the change is the
 * change's own answer (duplicate, stale version…) and is thrown unchanged to the caller.
 *
 * Personal data never appears in clear: fields named like personal data are replaced by their keyed hash
 * (pii.ts) and every string passes the logger's redaction of ID numbers, phones and account numbers.
 */
import { createHash } from 'node:crypto';
import { QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { auditMac, type AuditMac } from './audit-keys.ts';
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
  /** 2: `hash` is a MAC (audit-keys.ts). Records without it (unkeyed SHA-256) do not verify. */
  readonly v: 2;
  readonly seq: number;
  readonly actor: string;
  readonly at: string;
  readonly action: string;
  readonly before: Json;
  readonly after: Json;
  readonly prevHash: string;
  readonly hash: string;
}

/** Where the chains live: the function's registry table and MAC key by default; the CLI passes its own. */
export interface AuditStore {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  /** The MAC key (default: this function's, audit-keys.ts `auditMac`). */
  readonly mac?: AuditMac;
}

const defaultStore = (): AuditStore => ({ client: ddb, table: config.tables.registry });
const macOf = (store: AuditStore): AuditMac => store.mac ?? auditMac();

export const GENESIS_HASH = '0'.repeat(64);
export const SEQ_DIGITS = 10;
const MAX_APPEND_ATTEMPTS = 25;

export const auditPk = (entityType: AuditEntityType, entityId: string) => `AUDIT#${entityType}#${entityId}`;
export const auditSk = (seq: number) => String(seq).padStart(SEQ_DIGITS, '0');

/** The partition holding one item per registry chain with its head: what the anchor job signs. */
export const AUDIT_HEADS_PK = 'AUDITHEADS';
export const auditHeadSk = (entityType: AuditEntityType, entityId: string) => `${entityType}#${entityId}`;

/** A chain's head as the anchor signs it. */
export interface AuditHead {
  readonly chain: string;
  readonly seq: number;
  readonly hash: string;
}

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

/** SHA-256 of the canonical JSON of a record without its `hash`: what the MAC is computed over. */
export const digestRecord = (record: Record<string, unknown>): Buffer => {
  const { hash: _ignored, ...rest } = record;
  return createHash('sha256').update(canonicalJson(rest), 'utf8').digest();
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

/** A change to commit with its audit record: the change's items (at most 98) and what the record says. */
export interface AuditedChange {
  readonly items: readonly TransactItem[];
  readonly entry: AuditEntry;
}

/** The record that would follow `last` (undefined: the chain is empty). */
const nextRecord = async (entry: AuditEntry, last: AuditRecord | undefined, now: Date, mac: AuditMac): Promise<AuditRecord> => {
  const seq = (last?.seq ?? 0) + 1;
  const unsigned: Omit<AuditRecord, 'hash'> = {
    pk: auditPk(entry.entityType, entry.entityId),
    sk: auditSk(seq),
    type: 'Audit',
    entityType: entry.entityType,
    entityId: entry.entityId,
    v: 2,
    seq,
    actor: redact(entry.actor),
    at: now.toISOString(),
    action: entry.action,
    before: sanitise(entry.before),
    after: sanitise(entry.after),
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  return { ...unsigned, hash: await mac.mac(digestRecord(unsigned)) };
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
    const record = await nextRecord(change.entry, last, now, macOf(store));
    const headItem = {
      pk: AUDIT_HEADS_PK,
      sk: auditHeadSk(record.entityType, record.entityId),
      type: 'AuditHead',
      chain: pk,
      seq: record.seq,
      hash: record.hash,
      at: record.at,
    };
    const items: TransactItem[] = [
      ...change.items,
      { Put: { TableName: store.table, Item: record, ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: store.table, Item: headItem } },
    ];
    try {
      await store.client.send(new TransactWriteCommand({ TransactItems: items }));
      return record;
    } catch (error) {
      if (!isLostRace(error, change.items.length)) throw error;
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

/**
 * Checks a chain as read: sequence without gaps, each prevHash = the previous hash, each record a version-2
 * record whose hash is the MAC of its content under `mac`.
 */
export const verifyRecords = async (
  records: readonly { readonly sk: string; readonly seq: number; readonly v?: number; readonly prevHash: string; readonly hash: string }[],
  mac: AuditMac,
): Promise<AuditVerification> => {
  let prev = GENESIS_HASH;
  for (const [i, r] of records.entries()) {
    const expectedSk = auditSk(i + 1);
    const fail = (reason: string): AuditVerification => ({ ok: false, records: records.length, broken: { sk: r.sk, reason } });
    if (r.sk !== expectedSk || r.seq !== i + 1) return fail(`expected sequence ${expectedSk}, found sk ${r.sk} / seq ${r.seq}`);
    if (r.prevHash !== prev) return fail(`prevHash ${r.prevHash} does not match the previous record's hash ${prev}`);
    if (r.v !== 2) return fail(`record version ${String(r.v)} is not a keyed (v2) record`);
    if (!(await mac.verify(digestRecord(r as unknown as Record<string, unknown>), r.hash))) {
      return fail(`stored hash ${r.hash} is not the MAC of the record's content under the audit key`);
    }
    prev = r.hash;
  }
  return { ok: true, records: records.length, headHash: prev };
};

export const verifyAuditChain = async (entityType: AuditEntityType, entityId: string, store: AuditStore = defaultStore()): Promise<AuditVerification> =>
  verifyRecords(await readAuditChain(entityType, entityId, store), macOf(store));

/** Every registry chain's head (`AUDITHEADS`), in key order: what the anchor signs. */
export const readAuditHeads = async (store: Pick<AuditStore, 'client' | 'table'> = defaultStore()): Promise<AuditHead[]> =>
  (
    await queryAll(
      {
        TableName: store.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': AUDIT_HEADS_PK },
        ConsistentRead: true,
      },
      store.client,
    )
  ).map((item) => ({ chain: String(item.chain), seq: Number(item.seq), hash: String(item.hash) }));
