/**
 * Opaque list tokens (`nextToken`): which partition a list had reached and DynamoDB's LastEvaluatedKey,
 * as base64url JSON. Decoding checks only the shape; each list checks that the start key belongs to the
 * very query it continues (a forged token is the caller's 400, never DynamoDB's ValidationException 500).
 */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ddb } from './db.ts';

export interface PagePosition {
  /** The partition (of the list's ordered partitions) the next page starts in. */
  readonly p: number;
  /** DynamoDB's LastEvaluatedKey inside that partition. */
  readonly k?: Record<string, unknown>;
}

/** Encodes a list page position as an opaque token. */
export const encodeToken = (t: PagePosition): string => Buffer.from(JSON.stringify(t)).toString('base64url');

/** The position a token encodes, or undefined when it is not one this service could have issued. */
export const decodeToken = (s: string): PagePosition | undefined => {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { p?: unknown; k?: unknown };
    if (typeof t.p !== 'number' || !Number.isInteger(t.p) || t.p < 0) return undefined;
    if (t.k !== undefined && (typeof t.k !== 'object' || t.k === null || Array.isArray(t.k))) return undefined;
    return { p: t.p, ...(t.k ? { k: t.k as Record<string, unknown> } : {}) };
  } catch {
    return undefined;
  }
};

/**
 * Whether `key` is exactly a key of the index (the table's `pk`/`sk` plus the index's hash and range
 * attributes), every part a non-empty string DynamoDB accepts, inside the partition `hashValue`.
 */
export const isIndexKey = (key: Record<string, unknown>, hash: string, range: string, hashValue: string): boolean => {
  const names = Object.keys(key).sort();
  const expected = ['pk', 'sk', hash, range].sort();
  if (names.length !== expected.length || names.some((n, i) => n !== expected[i])) return false;
  if (!expected.every((n) => typeof key[n] === 'string' && key[n] !== '' && Buffer.byteLength(key[n] as string) <= 1024)) return false;
  return key[hash] === hashValue;
};

/** The Query of a list that is one partition of an index, without its page bounds. */
type ListQuery = Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>;

/**
 * One page of a list that is one partition of an index: Queries from the token's start key until `limit`
 * items or the partition's end (a FilterExpression may leave a Query's page short). `belongs` says whether a
 * token's start key is one of this very list; when it is not, RangeError (the caller's 400).
 */
export const indexPage = async (
  query: ListQuery,
  belongs: (key: Record<string, unknown>) => boolean,
  nextToken: string | undefined,
  limit: number,
): Promise<{ items: Record<string, unknown>[]; nextToken?: string }> => {
  const start = nextToken === undefined ? { p: 0 } : decodeToken(nextToken);
  if (start === undefined || start.p !== 0 || (start.k !== undefined && !belongs(start.k))) throw new RangeError('invalid nextToken');
  const items: Record<string, unknown>[] = [];
  let key = start.k;
  do {
    const page = await ddb.send(new QueryCommand({ ...query, Limit: limit - items.length, ...(key ? { ExclusiveStartKey: key } : {}) }));
    items.push(...(page.Items ?? []));
    key = page.LastEvaluatedKey;
  } while (key && items.length < limit);
  return { items, ...(key ? { nextToken: encodeToken({ p: 0, k: key }) } : {}) };
};
