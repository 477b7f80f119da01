/**
 * Counts what a DynamoDB client writes: a middleware on the client's stack (build step, where the
 * request is serialised) parses each write request — PutItem, UpdateItem, DeleteItem, BatchWriteItem,
 * TransactWriteItems — and, once DynamoDB has answered, adds its items, their sizes and write units.
 * Reads are counted by item (keys asked) for the cost model. Cancelled or failed calls are counted apart.
 *
 * The GSI writes DynamoDB does on its own (one index item per order put carrying the index keys) are
 * derived from the puts, with the index's projection, so the cost model can charge them.
 */
import type { AttributeValue } from './item-size.ts';
import { itemSize, writeUnits } from './item-size.ts';

export interface IndexSpec {
  readonly table: string;
  readonly keys: readonly string[];
  /** Table key attributes (always projected). */
  readonly tableKeys: readonly string[];
  readonly projection: readonly string[];
}

export interface WriteCounts {
  calls: number;
  items: number;
  bytes: number;
  wru: number;
  transactionalItems: number;
  /** Items per DynamoDB operation inside the calls (Put/Update/Delete/ConditionCheck). */
  byKind: Record<string, number>;
  /** Items and bytes per table. */
  byTable: Record<string, number>;
  byTableBytes: Record<string, number>;
  gsiItems: number;
  gsiBytes: number;
  failedCalls: number;
  failedItems: number;
  readCalls: number;
  readItems: number;
}

export const emptyCounts = (): WriteCounts => ({
  calls: 0,
  items: 0,
  bytes: 0,
  wru: 0,
  transactionalItems: 0,
  byKind: {},
  byTable: {},
  byTableBytes: {},
  gsiItems: 0,
  gsiBytes: 0,
  failedCalls: 0,
  failedItems: 0,
  readCalls: 0,
  readItems: 0,
});

type Av = Record<string, AttributeValue>;
interface Write {
  kind: string;
  table: string;
  bytes: number;
  item?: Av;
}

/** The size an UpdateItem writes at least: its key plus the attributes its expression names. */
const updateSize = (key: Av, values: Av | undefined, names: Record<string, string> | undefined, expression: string | undefined): number => {
  let size = itemSize(key);
  const attrs = new Map<string, AttributeValue>();
  // "SET a = :x, #b = :y" / "ADD n :n": pair each attribute with the value placeholder that follows it.
  for (const m of (expression ?? '').matchAll(/([#\w]+)\s*(?:=\s*|\s+)(:\w+)/g)) {
    const name = m[1]!.startsWith('#') ? (names?.[m[1]!] ?? m[1]!) : m[1]!;
    if (['SET', 'ADD', 'REMOVE', 'DELETE'].includes(name)) continue;
    const value = values?.[m[2]!];
    if (value) attrs.set(name, value);
  }
  for (const [name, value] of attrs) size += itemSize({ [name]: value });
  return size;
};

export const writesOf = (target: string, body: any): Write[] => {
  const op = target.split('.').pop();
  switch (op) {
    case 'PutItem':
      return [{ kind: 'Put', table: body.TableName, bytes: itemSize(body.Item), item: body.Item }];
    case 'UpdateItem':
      return [
        {
          kind: 'Update',
          table: body.TableName,
          bytes: updateSize(body.Key, body.ExpressionAttributeValues, body.ExpressionAttributeNames, body.UpdateExpression),
        },
      ];
    case 'DeleteItem':
      return [{ kind: 'Delete', table: body.TableName, bytes: itemSize(body.Key) }];
    case 'BatchWriteItem':
      return Object.entries(body.RequestItems as Record<string, any[]>).flatMap(([table, requests]) =>
        requests.map((r) =>
          r.PutRequest
            ? { kind: 'Put', table, bytes: itemSize(r.PutRequest.Item), item: r.PutRequest.Item }
            : { kind: 'Delete', table, bytes: itemSize(r.DeleteRequest.Key) },
        ),
      );
    case 'TransactWriteItems':
      return (body.TransactItems as any[]).map((t) => {
        if (t.Put) return { kind: 'Put', table: t.Put.TableName, bytes: itemSize(t.Put.Item), item: t.Put.Item };
        if (t.Update)
          return {
            kind: 'Update',
            table: t.Update.TableName,
            bytes: updateSize(t.Update.Key, t.Update.ExpressionAttributeValues, t.Update.ExpressionAttributeNames, t.Update.UpdateExpression),
          };
        if (t.Delete) return { kind: 'Delete', table: t.Delete.TableName, bytes: itemSize(t.Delete.Key) };
        return { kind: 'ConditionCheck', table: t.ConditionCheck.TableName, bytes: 0 };
      });
    default:
      return [];
  }
};

const readItemsOf = (target: string, body: any): number => {
  const op = target.split('.').pop();
  if (op === 'GetItem' || op === 'Query' || op === 'Scan') return 1;
  if (op === 'BatchGetItem') return Object.values(body.RequestItems as Record<string, { Keys: unknown[] }>).reduce((s, r) => s + r.Keys.length, 0);
  if (op === 'TransactGetItems') return body.TransactItems.length;
  return 0;
};

const gsiItemSize = (item: Av, index: IndexSpec): number | undefined => {
  if (!index.keys.every((k) => item[k] !== undefined)) return undefined;
  const projected: Av = {};
  for (const name of [...index.keys, ...index.tableKeys, ...index.projection]) if (item[name] !== undefined) projected[name] = item[name]!;
  return itemSize(projected);
};

/** Adds the writes of one successful call to `counts`. */
export const addWrites = (counts: WriteCounts, target: string, writes: readonly Write[], indexes: readonly IndexSpec[]) => {
  if (writes.length === 0) return;
  const transactional = target.endsWith('TransactWriteItems');
  counts.calls++;
  for (const w of writes) {
    if (w.kind === 'ConditionCheck') {
      counts.byKind[w.kind] = (counts.byKind[w.kind] ?? 0) + 1;
      continue;
    }
    counts.items++;
    counts.bytes += w.bytes;
    counts.wru += writeUnits(w.bytes, transactional);
    if (transactional) counts.transactionalItems++;
    counts.byKind[w.kind] = (counts.byKind[w.kind] ?? 0) + 1;
    counts.byTable[w.table] = (counts.byTable[w.table] ?? 0) + 1;
    counts.byTableBytes[w.table] = (counts.byTableBytes[w.table] ?? 0) + w.bytes;
    if (w.item) {
      for (const index of indexes) {
        if (index.table !== w.table) continue;
        const size = gsiItemSize(w.item, index);
        if (size !== undefined) {
          counts.gsiItems++;
          counts.gsiBytes += size;
        }
      }
    }
  }
};

export interface WriteCounter {
  readonly counts: WriteCounts;
  reset(): WriteCounts;
}

/**
 * Adds the counting middleware to a client (a DynamoDBClient or a DynamoDBDocumentClient: the document
 * client shares its client's stack). Returns a handle to read and reset the counts.
 */
export const attachWriteCounter = (client: { middlewareStack: { add: (mw: any, options: any) => void } }, indexes: readonly IndexSpec[] = []): WriteCounter => {
  let counts = emptyCounts();
  client.middlewareStack.add(
    (next: (args: any) => Promise<any>) => async (args: any) => {
      const headers = args.request?.headers ?? {};
      const target: string = headers['x-amz-target'] ?? headers['X-Amz-Target'] ?? '';
      const raw = args.request?.body;
      const text =
        typeof raw === 'string' ? raw : raw instanceof Uint8Array ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8') : undefined;
      const body = text ? JSON.parse(text) : undefined;
      const writes = body ? writesOf(target, body) : [];
      try {
        const result = await next(args);
        const c = counts;
        addWrites(c, target, writes, indexes);
        if (body) {
          const reads = readItemsOf(target, body);
          if (reads > 0) {
            c.readCalls++;
            c.readItems += reads;
          }
        }
        return result;
      } catch (error) {
        if (writes.length > 0) {
          counts.failedCalls++;
          counts.failedItems += writes.length;
        }
        throw error;
      }
    },
    { step: 'build', name: 'benchWriteCounter', override: true },
  );
  return {
    get counts() {
      return counts;
    },
    reset() {
      const old = counts;
      counts = emptyCounts();
      return old;
    },
  };
};
