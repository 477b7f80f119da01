/**
 * The order archive on the local stack (issue 18, decision 2): orders are written and projected, then
 * expire — the local TTL sweeper run with a clock past their `expiresAt`, as DynamoDB's TTL in AWS (which
 * DynamoDB Local does not run: checked here) — and the ordersArchiver, on the orders stream's REMOVE
 * records, writes exactly those orders to the archive bucket in the local S3. The ledger (counters,
 * enrolment days, rider-days) does not change, and coverage still finds the orders: it reads rider-days.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GetItemCommand, PutItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { decodeArchive } from '../../functions/_shared/repositories/order-archive.ts';
import { localDynamoDbClient } from '../../local/dynamodb.ts';
import { localProjection } from '../../local/events/index.ts';
import { type LocalS3, localS3 } from '../../local/s3.ts';
import { type LocalTtlSweeper, localTtlSweeper } from '../../local/ttl-sweeper.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { adminClaims, handlerClaims, orderItem, platformBody, platformClaims, workerItem } from '../support/fixtures.ts';
import { reopenMonths } from '../support/months.ts';

let stack: TestStack;
let s3: LocalS3;
let ttl: LocalTtlSweeper;
const ddb = () => localDynamoDbClient(inject('ddbEndpoint'));

beforeAll(async () => {
  s3 = localS3({ log: () => undefined });
  ttl = localTtlSweeper({ intervalMs: 0, log: () => undefined });
  stack = await startTestStack({ services: [s3, ttl, localProjection({ log: () => undefined })] });
});
afterAll(async () => {
  await stack?.stop();
});

/** 40 orders of riders 1…4 over August 3 and 4, 2025 (every other one still open). */
const orders = Array.from({ length: 40 }, (_, k) => {
  const day = k % 2 === 0 ? '03' : '04';
  const minute = String(k % 60).padStart(2, '0');
  return orderItem(k, {
    platformWorkerId: `rider-${1 + (k % 4)}`,
    acceptedAt: `2025-08-${day}T09:${minute}:00+08:00`,
    finishedAt: k % 4 === 3 ? undefined : `2025-08-${day}T10:${minute}:00+08:00`,
  });
});

/** Everything the ledger holds for the platform and its workers (raw items), and what the API answers from it. */
const ledgerOf = async (platformId: string, workerIds: Record<string, string>, token: Record<string, unknown>) => {
  const client = ddb();
  try {
    const items: Record<string, unknown>[] = [];
    for (const workerId of Object.values(workerIds)) {
      for (const pk of [`RIDERDAY#${workerId}`, `DAYS#${workerId}`]) {
        const res = await client.send(
          new QueryCommand({ TableName: stack.tables.LEDGER_TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: pk } } }),
        );
        items.push(...(res.Items ?? []).map((i) => unmarshall(i)));
      }
    }
    const declaration = await stack.api('GET', `/v1/platforms/${platformId}/declarations/2025-08`, { token });
    const coverage = await stack.api(
      'GET',
      `/v1/workers/${workerIds['rider-1']}/coverage?at=${encodeURIComponent('2025-08-03T09:30:00+08:00')}&platformId=${platformId}`,
      {
        token: handlerClaims(),
      },
    );
    return { items: items.sort((a, b) => `${a.pk}${a.sk}`.localeCompare(`${b.pk}${b.sk}`)), declaration: declaration.body, coverage: coverage.body };
  } finally {
    client.destroy();
  }
};

const storedOrders = async (platformId: string) => {
  const client = ddb();
  try {
    const res = await client.send(
      new ScanCommand({ TableName: stack.tables.ORDERS_TABLE, FilterExpression: 'platformId = :p', ExpressionAttributeValues: { ':p': { S: platformId } } }),
    );
    return (res.Items ?? []).map((i) => unmarshall(i)).sort((a, b) => String(a.orderId).localeCompare(String(b.orderId)));
  } finally {
    client.destroy();
  }
};

const archived = async (prefix: string) => {
  const client = new S3Client({
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region: 'cn-north-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  try {
    const bucket = s3.bucketName('archive');
    const list = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    const keys = (list.Contents ?? []).map((o) => o.Key!);
    const items: Record<string, unknown>[] = [];
    for (const key of keys) {
      const { Body } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      items.push(...decodeArchive(await Body!.transformToByteArray()));
    }
    return { keys, items: items.sort((a, b) => String(a.orderId).localeCompare(String(b.orderId))) };
  } finally {
    client.destroy();
  }
};

describe('expired orders go to the archive; the ledger and coverage keep them (issue 18)', () => {
  it('archives exactly the expired orders, deletes them from the table, and leaves the ledger and coverage as they were', async () => {
    const created = await stack.api('POST', '/v1/platforms', { token: adminClaims, body: platformBody() });
    const platformId = created.body.platformId as string;
    const token = platformClaims(platformId);
    const workers = await stack.api('PUT', `/v1/platforms/${platformId}/workers`, { token, body: { workers: [1, 2, 3, 4].map((i) => workerItem(i)) } });
    const workerIds: Record<string, string> = Object.fromEntries(
      workers.body.results.map((r: { platformWorkerId: string; workerId: string }) => [r.platformWorkerId, r.workerId]),
    );
    await reopenMonths(stack.api, adminClaims, platformId, ['2025-08']);
    expect((await stack.api('POST', `/v1/platforms/${platformId}/orders`, { token, body: { orders } })).body).toMatchObject({ accepted: 40 });
    await stack.projected();

    const before = await ledgerOf(platformId, workerIds, token);
    expect(before.declaration).toMatchObject({ projectionCaughtUp: true, totalFen: 40 * 7 });
    expect(before.coverage).toMatchObject({ covered: true, orderId: 'o-0' });
    const stored = await storedOrders(platformId);
    expect(stored).toHaveLength(40);
    // Every order carries the month's expiry (the test stack keeps 2025's orders hot for years: one value).
    const expiresAt = stored[0]!.expiresAt as number;
    expect(stored.every((o) => o.expiresAt === expiresAt && !('unprojected' in o))).toBe(true);
    expect(expiresAt * 1000).toBeGreaterThan(Date.now());

    // DynamoDB Local accepts TTL and never applies it: an item expired an hour ago is still there seconds later.
    const client = ddb();
    const probe = { pk: 'TTLPROBE#1', expiresAt: Math.floor(Date.now() / 1000) - 3600 };
    await client.send(new PutItemCommand({ TableName: stack.tables.ORDERS_TABLE, Item: marshall(probe) }));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await client.send(new GetItemCommand({ TableName: stack.tables.ORDERS_TABLE, Key: marshall({ pk: 'TTLPROBE#1' }) }))).Item).toBeDefined();

    // Now: the sweeper deletes the probe only (the orders are not expired yet).
    expect((await ttl.sweep()).orders).toBe(1);
    // Past the orders' expiry: all 40 go.
    expect((await ttl.sweep(expiresAt + 1)).orders).toBe(40);
    await stack.projected();
    client.destroy();

    expect(await storedOrders(platformId)).toEqual([]);
    const archive = await archived(`orders/month=2025-08/platform=${platformId}/`);
    expect(archive.keys.length).toBeGreaterThan(0);
    for (const key of archive.keys) expect(key).toMatch(new RegExp(`^orders/month=2025-08/platform=${platformId}/\\d+\\.jsonl\\.gz$`));
    // Exactly the expired orders, as they were stored; the probe (not an order) is not archived.
    expect(archive.items).toEqual(stored);
    expect((await archived('orders/')).items).toHaveLength(40);

    // The ledger did not change and coverage still finds the order (rider-days outlive their orders).
    expect(await ledgerOf(platformId, workerIds, token)).toEqual(before);
  });
});
