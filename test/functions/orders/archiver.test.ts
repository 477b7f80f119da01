/**
 * The order archive (issue 18) with a mocked S3: what one stream batch of removals writes (one gzip JSON
 * lines object per month and platform, at a deterministic key), that nothing but removed order items is
 * archived, and that a failed object is reported from its group's first record. Against the local S3 and
 * DynamoDB Local: test/integration/orders-archive.test.ts.
 */
import 'aws-sdk-client-mock-vitest/extend';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { marshall } from '@aws-sdk/util-dynamodb';
import { decodeArchive } from '../../../functions/_shared/repositories/order-archive.ts';
import { storedOrderImage } from '../../support/fixtures.ts';

vi.hoisted(() => {
  process.env.ORDERS_ARCHIVE_BUCKET = 'archive';
});

const s3 = mockClient(S3Client);
let handler: typeof import('../../../functions/orders/archiver.ts').handler;

const order = (n: number, over: Record<string, unknown> = {}) => storedOrderImage(n, { expiresAt: 1_760_544_000, ...over });
const remove = (image: Record<string, unknown>, seq: number) => ({
  eventID: `e${seq}`,
  eventName: 'REMOVE' as const,
  dynamodb: { Keys: marshall({ pk: image.pk }), OldImage: marshall(image), SequenceNumber: String(seq) },
});
const insert = (image: Record<string, unknown>, seq: number) => ({
  eventID: `e${seq}`,
  eventName: 'INSERT' as const,
  dynamodb: { Keys: marshall({ pk: image.pk }), NewImage: marshall(image), SequenceNumber: String(seq) },
});
const batch = (...records: object[]) => ({ Records: records }) as unknown as DynamoDBStreamEvent;
const puts = () => s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);

beforeAll(async () => {
  ({ handler } = await import('../../../functions/orders/archiver.ts'));
});
beforeEach(() => s3.reset());

describe('ordersArchiver (issue 18: expired orders to the S3 archive)', () => {
  it('writes the removed orders of each month and platform as one gzip JSON lines object, keyed by the group’s first sequence number', async () => {
    s3.on(PutObjectCommand).resolves({});
    const a1 = order(1);
    const b1 = order(2, { platformId: 'plt_2', pk: 'plt_2#o-2' });
    const { finishedAt: _, ...open } = order(3, { acceptedAt: '2025-09-01T10:00:00+08:00', date: '2025-09-01' });
    const a2 = open;
    const a3 = order(4);

    const result = await handler(batch(remove(a1, 11), remove(b1, 12), remove(a2, 13), remove(a3, 14)));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(puts().map((p) => [p.Bucket, p.Key])).toEqual([
      ['archive', 'orders/month=2025-08/platform=plt_1/11.jsonl.gz'],
      ['archive', 'orders/month=2025-08/platform=plt_2/12.jsonl.gz'],
      ['archive', 'orders/month=2025-09/platform=plt_1/13.jsonl.gz'],
    ]);
    expect(puts()[0]).toMatchObject({ ContentType: 'application/x-ndjson', ContentEncoding: 'gzip' });
    // The old images as they were, one per line, in stream order.
    expect(decodeArchive(puts()[0]!.Body as Uint8Array)).toEqual([a1, a3]);
    expect(decodeArchive(puts()[2]!.Body as Uint8Array)).toEqual([a2]);
  });

  it('archives nothing but removed order items: inserts, modifications and other items are skipped', async () => {
    s3.on(PutObjectCommand).resolves({});
    const notAnOrder = { pk: 'something-else', note: 'x' };

    const result = await handler(batch(insert(order(1), 1), remove(notAnOrder, 2), { eventName: 'REMOVE', dynamodb: { SequenceNumber: '3' } }));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('a batch delivered again writes the same keys (overwrites, no new objects)', async () => {
    s3.on(PutObjectCommand).resolves({});
    const records = [remove(order(1), 21), remove(order(2), 22)];
    await handler(batch(...records));
    await handler(batch(...records));

    expect(puts().map((p) => p.Key)).toEqual(['orders/month=2025-08/platform=plt_1/21.jsonl.gz', 'orders/month=2025-08/platform=plt_1/21.jsonl.gz']);
  });

  it('reports a failed object from its group’s first record; the objects before it stay written', async () => {
    s3.on(PutObjectCommand).resolvesOnce({}).rejects(new Error('SlowDown'));

    const result = await handler(
      batch(
        remove(order(1), 31),
        remove(order(2, { platformId: 'plt_2', pk: 'plt_2#o-2' }), 32),
        remove(order(3, { platformId: 'plt_3', pk: 'plt_3#o-3' }), 33),
      ),
    );

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '32' }] });
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 2);
  });
});
