/**
 * The order archive (issue 18; docs/data-model.md "Order archive"): order items after TTL removed them from
 * the orders table, in the order archive bucket as gzip JSON lines (one unmarshalled item per line).
 *
 *   orders/month={YYYY-MM}/platform={platformId}/{firstSequenceNumber}.jsonl.gz
 *
 * `month` is the order's Asia/Shanghai month (its `date`), `firstSequenceNumber` the stream sequence number
 * of the first record of the object's group in its stream batch: keys are deterministic, so a batch
 * delivered again from the same record writes the same objects again (a new version of each in the
 * versioned bucket) instead of new ones. A batch retried from a later record may put an order into a second
 * object: readers (the ledger rebuild) deduplicate by platformId and orderId.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { BUCKETS } from '../../../manifest/buckets.ts';
import { config } from '../config.ts';
import { traced } from '../tracing.ts';

let client: S3Client | undefined;
const s3 = () => (client ??= traced(new S3Client({ forcePathStyle: config.s3.forcePathStyle, maxAttempts: 5 })));

type Item = Record<string, unknown>;

/** The prefix of a month's objects (every platform), or of one platform's month. */
export const archivePrefix = (month: string, platformId?: string): string =>
  `${BUCKETS.archive.objectPrefix}month=${month}/${platformId === undefined ? '' : `platform=${platformId}/`}`;

/** The key of one group's object. */
export const archiveKey = (month: string, platformId: string, firstSequenceNumber: string): string =>
  `${archivePrefix(month, platformId)}${firstSequenceNumber}.jsonl.gz`;

/** Items as gzip JSON lines, and back. */
export const encodeArchive = (items: readonly Item[]): Buffer => gzipSync(Buffer.from(items.map((i) => `${JSON.stringify(i)}\n`).join(''), 'utf8'));
export const decodeArchive = (body: Uint8Array): Item[] =>
  gunzipSync(body)
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Item);

export const orderArchive = {
  /** Writes (or overwrites) one object of the archive. */
  async put(key: string, items: readonly Item[], bucket: string = config.buckets.archive): Promise<void> {
    await s3().send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: encodeArchive(items), ContentType: 'application/x-ndjson', ContentEncoding: 'gzip' }),
    );
  },

  /** The keys under a prefix, in key order (the rebuild job; not granted to any function). */
  async keys(prefix: string, bucket: string = config.buckets.archive): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const res = await s3().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
      for (const o of res.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return keys;
  },

  /** The items of one object. */
  async read(key: string, bucket: string = config.buckets.archive): Promise<Item[]> {
    const res = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return decodeArchive(await res.Body!.transformToByteArray());
  },
};
