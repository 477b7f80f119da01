/**
 * Opaque list tokens (`nextToken`): which partition a list had reached and DynamoDB's LastEvaluatedKey,
 * as base64url JSON. Decoding checks only the shape; each list checks that the start key belongs to the
 * very query it continues (a forged token is the caller's 400, never DynamoDB's ValidationException 500).
 */

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
