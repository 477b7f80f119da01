/**
 * The DynamoDB tables: the one source of truth, read by the CDK stateful stack (lib/stacks), by the local
 * runtime (local/, which creates the same tables in DynamoDB Local) and by functions/_shared/config.ts (the
 * env var that carries each table's name). Access patterns and the reasons for every key are in
 * docs/data-model.md.
 */
type AttributeType = 'S' | 'N';

export interface KeyAttribute {
  readonly name: string;
  readonly type: AttributeType;
}

interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** ALL, or the non-key attributes to project (INCLUDE; none: KEYS_ONLY). */
  readonly projection: 'ALL' | readonly string[];
}

export interface TableDefinition {
  /** Logical id in CDK, and the default table name locally. */
  readonly id: string;
  /** The environment variable through which functions receive the table's name. */
  readonly envVar: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly globalSecondaryIndexes?: readonly IndexDefinition[];
  readonly timeToLiveAttribute?: string;
  /**
   * The table's change stream (DynamoDB Streams): its committed writes are the source of the domain events
   * (manifest/events.ts; docs/events.md). Locally DynamoDB Local's stream is read by local/events.
   */
  readonly stream?: 'NEW_AND_OLD_IMAGES';
}

/** Platforms, credit codes, app clients, persons, workers, platform-worker links, parameters, calendars. */
const registryTable = {
  id: 'registry',
  envVar: 'REGISTRY_TABLE',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
} as const satisfies TableDefinition;

/**
 * One item per (platform, orderId): exactly-once detection. Its change stream is projected into the ledger
 * (enrolment days, fee lines, rider-days: functions/orders/projector.ts). Beside the orders, one `BATCH#`
 * item per write transaction counts its new orders and how many the projection has counted; the sparse GSI
 * `unprojected` holds the keys of the batches not yet counted completely (is a month's declaration complete?).
 */
export const ordersTable = {
  id: 'orders',
  envVar: 'ORDERS_TABLE',
  partitionKey: { name: 'pk', type: 'S' },
  globalSecondaryIndexes: [{ indexName: 'unprojected', partitionKey: { name: 'unprojected', type: 'S' }, sortKey: { name: 'pk', type: 'S' }, projection: [] }],
  timeToLiveAttribute: 'expiresAt',
  stream: 'NEW_AND_OLD_IMAGES',
} as const satisfies TableDefinition;

/** The orders' projection: fee counters per platform-day (sharded), enrolment days, rider-days (A10–A14, A23). */
const ledgerTable = {
  id: 'ledger',
  envVar: 'LEDGER_TABLE',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
} as const satisfies TableDefinition;

/** Powertools idempotency records (Idempotency-Key on POST), expired by TTL. */
const idempotencyTable = {
  id: 'idempotency',
  envVar: 'IDEMPOTENCY_TABLE',
  partitionKey: { name: 'id', type: 'S' },
  timeToLiveAttribute: 'expiration',
} as const satisfies TableDefinition;

/**
 * Injury reports, case aggregates (with `version` for optimistic concurrency), append-only timeline
 * events, payments (one key per payment: created once), pending task tokens and payment runs.
 * GSI byStatus lists cases by status (and province prefix), byProvince by province. See docs/cases.md.
 */
const casesTable = {
  id: 'cases',
  envVar: 'CASES_TABLE',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [
    { indexName: 'byStatus', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' }, projection: 'ALL' },
    { indexName: 'byProvince', partitionKey: { name: 'gsi2pk', type: 'S' }, sortKey: { name: 'gsi2sk', type: 'S' }, projection: 'ALL' },
  ],
  // Reports, cases, payments and documents changes → domain events (docs/events.md).
  stream: 'NEW_AND_OLD_IMAGES',
} as const satisfies TableDefinition;

/**
 * What the domain events cause (docs/events.md): workers' inboxes (D21), platforms' webhook registrations,
 * webhook deliveries and their attempts, and the markers that make every consumer idempotent by event id
 * (expired by TTL).
 */
const eventsTable = {
  id: 'events',
  envVar: 'EVENTS_TABLE',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  timeToLiveAttribute: 'expiresAt',
} as const satisfies TableDefinition;

/**
 * The keyed audit chain of the cases table's changes (docs/security.md, "Audit trail"): `LEDGER#cases` /
 * `{seq:10}` records appended by the auditChainer only, and `SRC#{streamEventId}` markers (expired by TTL
 * once no stream can redeliver the event) that make each append exactly-once.
 */
const auditTable = {
  id: 'audit',
  envVar: 'AUDIT_TABLE',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  timeToLiveAttribute: 'expiresAt',
} as const satisfies TableDefinition;

export const TABLES = [
  registryTable,
  ordersTable,
  ledgerTable,
  idempotencyTable,
  casesTable,
  eventsTable,
  auditTable,
] as const satisfies readonly TableDefinition[];

export type TableId = (typeof TABLES)[number]['id'];
/** The DynamoDB write actions a scoped grant may name (a transaction needs the action of each of its items). */
type WriteAction = 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem';

/** Writes with these actions only, only on items whose partition key starts with one of `keyPrefixes`. */
interface WriteScope {
  readonly actions: readonly WriteAction[];
  readonly keyPrefixes: readonly string[];
}

/**
 * Writes limited to the item types a function needs: each scope's `actions`, only on items whose partition
 * key starts with one of the scope's `keyPrefixes` (IAM `dynamodb:LeadingKeys`, one policy statement per
 * scope, so e.g. DeleteItem can be allowed on one item type only); reads of the whole table (and its
 * indexes) when `read` is `all`, none when `none`.
 */
interface ScopedTableAccess {
  readonly read: 'all' | 'none';
  readonly write: WriteScope | readonly WriteScope[];
}

/** `read`: reads only; `readwrite`: reads and writes anywhere in the table; or writes scoped to item types. */
export type TableAccess = 'read' | 'readwrite' | ScopedTableAccess;

/** Whether an access writes at all (scoped or not). */
export const writes = (access: TableAccess): boolean => access !== 'read';

/** The write scopes of a scoped access, as a list. */
export const writeScopes = (access: ScopedTableAccess): readonly WriteScope[] => (Array.isArray(access.write) ? access.write : [access.write as WriteScope]);

/** The DynamoDB actions the local runtime checks against a grant, by IAM action name (without `dynamodb:`). */
export type DataAction = WriteAction | 'GetItem' | 'BatchGetItem' | 'Query' | 'Scan' | 'BatchWriteItem';
const READ_ACTIONS: readonly DataAction[] = ['GetItem', 'BatchGetItem', 'Query', 'Scan', 'ConditionCheckItem'];

/**
 * Whether `access` allows `action` on an item whose partition key is `partitionKey` — the same decision IAM
 * takes on the policy lib/constructs/function.ts builds from `access` (grantReadData's actions include
 * ConditionCheckItem; a scope allows its actions when every leading key matches one of its prefixes). The
 * local runtime applies it to every DynamoDB call a function makes (local/iam.ts), so a scope too narrow
 * for what a function writes fails a local test as it would fail in AWS.
 */
export const allows = (access: TableAccess | undefined, action: DataAction, partitionKey: string | undefined): boolean => {
  if (access === undefined) return false;
  if (access === 'readwrite') return true;
  const reading = READ_ACTIONS.includes(action);
  if (access === 'read') return reading;
  if (reading && access.read === 'all') return true;
  return writeScopes(access).some(
    (scope) =>
      (scope.actions as readonly DataAction[]).includes(action) &&
      partitionKey !== undefined &&
      scope.keyPrefixes.some((prefix) => partitionKey.startsWith(prefix)),
  );
};

/** The definition of a table by id. */
export const tableById = (id: TableId): TableDefinition => TABLES.find((t) => t.id === id)!;
