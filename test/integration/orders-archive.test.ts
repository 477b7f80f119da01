/**
 * The order archive on the local stack (issue 18, decision 2): orders are written and projected, then
 * expire — the local TTL sweeper run with a clock past their `expiresAt`, as DynamoDB's TTL in AWS (which
 * DynamoDB Local does not run: checked here) — and the ordersArchiver, on the orders stream's REMOVE
 * records, writes exactly those orders to the archive bucket in the local S3. The ledger (counters,
 * enrolment days, rider-days) does not change, and coverage still finds the orders: it reads rider-days.
 * Then the ledger job (scripts/rebuild-ledger.ts): the deploy-time rider-day backfill, and the full rebuild
 * of a month range from the archive and the orders table into an empty ledger, compared with what the live
 * projection wrote.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BatchWriteItemCommand, GetItemCommand, PutItemCommand, QueryCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { decodeArchive } from '../../functions/_shared/repositories/order-archive.ts';
import { localDynamoDbClient } from '../../local/dynamodb.ts';
import { localProjection } from '../../local/events/index.ts';
import { type LocalS3, localS3 } from '../../local/s3.ts';
import { createTables } from '../../local/tables.ts';
import { type LocalTtlSweeper, localTtlSweeper } from '../../local/ttl-sweeper.ts';
import { tableById } from '../../manifest/tables.ts';
import { rebuildLedger } from '../../scripts/rebuild-ledger.ts';
import { setOrderExpiry } from '../../scripts/set-order-expiry.ts';
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
    // Orders only: the write batches' BATCH# items carry the platform too.
    return (res.Items ?? [])
      .map((i) => unmarshall(i))
      .filter((i) => typeof i.orderId === 'string')
      .sort((a, b) => String(a.orderId).localeCompare(String(b.orderId)));
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
    const { platformId, token, workerIds } = await newPlatform(['2025-08']);
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
    // Past the orders' expiry: all 40 go, and the write batch they came in (it expires with them).
    expect((await ttl.sweep(expiresAt + 1)).orders).toBe(41);
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

/** A platform of its own: riders 1…4 registered, `months` reopened (补报). */
const newPlatform = async (months: string[]) => {
  const created = await stack.api('POST', '/v1/platforms', { token: adminClaims, body: platformBody() });
  const platformId = created.body.platformId as string;
  const token = platformClaims(platformId);
  const workers = await stack.api('PUT', `/v1/platforms/${platformId}/workers`, { token, body: { workers: [1, 2, 3, 4].map((i) => workerItem(i)) } });
  const workerIds: Record<string, string> = Object.fromEntries(
    workers.body.results.map((r: { platformWorkerId: string; workerId: string }) => [r.platformWorkerId, r.workerId]),
  );
  await reopenMonths(stack.api, adminClaims, platformId, months);
  return { platformId, token, workerIds };
};

/**
 * The ledger items of a platform in `table`: its workers' rider-days (this platform's) and enrolment days,
 * its PDAYS# and FEE# counters per line with the shards added up (the shard is picked at random per
 * transaction: only the sums are the projection's result).
 */
const projectionOf = async (table: string, platformId: string, workerIds: Record<string, string>, months: string[]) => {
  const client = ddb();
  try {
    const query = async (pk: string) =>
      (
        await client.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: pk } } }))
      ).Items?.map((i) => unmarshall(i)) ?? [];
    const riderDays: Record<string, unknown> = {};
    const days: Record<string, unknown> = {};
    for (const workerId of Object.values(workerIds)) {
      for (const i of await query(`RIDERDAY#${workerId}`)) if (String(i.sk).startsWith(`${platformId}#`)) riderDays[`${workerId} ${i.sk}`] = i;
      for (const i of await query(`DAYS#${workerId}`)) if (String(i.sk).endsWith(`#${platformId}#${i.province}`)) days[`${workerId} ${i.sk}`] = i.orders;
    }
    const fees: Record<string, number> = {};
    const platformDays: Record<string, number> = {};
    for (const month of months) {
      for (let shard = 0; shard < 8; shard++) {
        for (const i of await query(`FEE#${platformId}#${month}#${String(shard).padStart(3, '0')}`))
          fees[String(i.sk)] = (fees[String(i.sk)] ?? 0) + Number(i.orders);
        for (const i of await query(`PDAYS#${platformId}#${month}#${String(shard).padStart(3, '0')}`))
          platformDays[String(i.sk)] = (platformDays[String(i.sk)] ?? 0) + Number(i.orders);
      }
    }
    return { riderDays, days, fees, platformDays };
  } finally {
    client.destroy();
  }
};

describe('the ledger job: rider-day backfill and full rebuild (issue 18)', () => {
  it('--rider-days-only gives orders without rider-days their entries, counts nothing, and is idempotent', async () => {
    const p = await newPlatform(['2025-08']);
    expect((await stack.api('POST', `/v1/platforms/${p.platformId}/orders`, { token: p.token, body: { orders } })).body).toMatchObject({ accepted: 40 });
    await stack.projected();
    const live = await projectionOf(stack.tables.LEDGER_TABLE!, p.platformId, p.workerIds, ['2025-08']);
    // Riders 1 and 3 work on August 3, riders 2 and 4 on August 4: four rider-days.
    expect(Object.keys(live.riderDays)).toHaveLength(4);

    // Orders written before the projection existed: counters, no rider-days.
    const client = ddb();
    const keys = Object.values(live.riderDays).map((i) => ({
      DeleteRequest: { Key: marshall({ pk: (i as { pk: string }).pk, sk: (i as { sk: string }).sk }) },
    }));
    await client.send(new BatchWriteItemCommand({ RequestItems: { [stack.tables.LEDGER_TABLE!]: keys } }));
    client.destroy();
    expect((await projectionOf(stack.tables.LEDGER_TABLE!, p.platformId, p.workerIds, ['2025-08'])).riderDays).toEqual({});

    const options = { ordersTable: stack.tables.ORDERS_TABLE!, ledgerTable: stack.tables.LEDGER_TABLE!, mode: 'riderDays' as const, print: () => undefined };
    // A dry run writes nothing.
    expect((await rebuildLedger({ ...options, write: false })).orders).toBeGreaterThanOrEqual(40);
    expect((await projectionOf(stack.tables.LEDGER_TABLE!, p.platformId, p.workerIds, ['2025-08'])).riderDays).toEqual({});

    expect((await rebuildLedger({ ...options, write: true })).counted).toBe(0);
    expect(await projectionOf(stack.tables.LEDGER_TABLE!, p.platformId, p.workerIds, ['2025-08'])).toEqual(live);
    await rebuildLedger({ ...options, write: true });
    expect(await projectionOf(stack.tables.LEDGER_TABLE!, p.platformId, p.workerIds, ['2025-08'])).toEqual(live);
  });

  // The orders fed here carry no write batch (an archived order is in no table; the job drops `batch`):
  // the projection counts each once by its rider-day entry (repositories/projection.ts).
  it('rebuilds a month range from the archive and the orders table into an empty ledger: the counters and rider-days the live projection wrote', async () => {
    const p = await newPlatform(['2025-08', '2025-09']);
    const september = Array.from({ length: 10 }, (_, k) =>
      orderItem(100 + k, { platformWorkerId: `rider-${1 + (k % 4)}`, acceptedAt: `2025-09-0${1 + (k % 3)}T20:0${k}:00+08:00`, finishedAt: undefined }),
    );
    expect(
      (await stack.api('POST', `/v1/platforms/${p.platformId}/orders`, { token: p.token, body: { orders: [...orders, ...september] } })).body,
    ).toMatchObject({
      accepted: 50,
    });
    await stack.projected();
    const months = ['2025-08', '2025-09'];
    const live = await projectionOf(stack.tables.LEDGER_TABLE!, p.platformId, p.workerIds, months);
    expect(Object.values(live.fees).reduce((a, b) => a + b, 0)).toBe(50);

    // August expires (archived), September is still hot: the rebuild reads both sources.
    const august = (await storedOrders(p.platformId)).find((o) => String(o.date).startsWith('2025-08'))!.expiresAt as number;
    await ttl.sweep(august + 1);
    await stack.projected();
    expect((await storedOrders(p.platformId)).map((o) => String(o.date).slice(0, 7))).toEqual(Array(10).fill('2025-09'));
    expect((await archived(`orders/month=2025-08/platform=${p.platformId}/`)).items).toHaveLength(40);

    const client = ddb();
    const fresh = await createTables(client, { prefix: `rebuilt${Date.now()}_`, tables: [tableById('ledger')] });
    client.destroy();
    const ledger = fresh[tableById('ledger').envVar]!;
    const rebuild = (from: string, to: string) =>
      rebuildLedger({
        ordersTable: stack.tables.ORDERS_TABLE!,
        ledgerTable: ledger,
        archiveBucket: s3.bucketName('archive'),
        s3Endpoint: s3.endpoint,
        mode: { from, to },
        write: true,
        print: () => undefined,
      });

    // September first (hot orders only) ...
    const hot = await rebuild('2025-09', '2025-09');
    expect(hot.counted).toBe(hot.orders);
    // ... then a range that overlaps it is refused before anything is written: August stays empty.
    await expect(rebuild('2025-08', '2025-09')).rejects.toThrow(/already has fee lines of .* 2025-09/);
    expect(Object.keys((await projectionOf(ledger, p.platformId, p.workerIds, ['2025-08'])).fees)).toEqual([]);
    // August (archived orders only): every order of the month, of every platform of this stack, counted once.
    const archivedMonth = await rebuild('2025-08', '2025-08');
    expect(archivedMonth.orders).toBeGreaterThanOrEqual(40);
    expect(archivedMonth.counted).toBe(archivedMonth.orders);

    // The two months rebuilt hold exactly what the live projection wrote.
    expect(await projectionOf(ledger, p.platformId, p.workerIds, months)).toEqual(live);
    // A second run is refused: the range now has counters (it would count them twice); nothing changes.
    await expect(rebuild('2025-08', '2025-09')).rejects.toThrow(/already has fee lines/);
    expect(await projectionOf(ledger, p.platformId, p.workerIds, months)).toEqual(live);
  });
});

describe('orders stored before expiry existed (issue 18)', () => {
  it('set-order-expiry gives each order without expiresAt the one a new order of its date gets, once', async () => {
    const p = await newPlatform(['2025-08']);
    expect((await stack.api('POST', `/v1/platforms/${p.platformId}/orders`, { token: p.token, body: { orders: orders.slice(0, 4) } })).body).toMatchObject({
      accepted: 4,
    });
    await stack.projected();
    const [a, b, c] = await storedOrders(p.platformId);
    // Two orders as the orders function wrote them before expiry existed.
    const client = ddb();
    for (const o of [a!, b!]) {
      await client.send(new UpdateItemCommand({ TableName: stack.tables.ORDERS_TABLE!, Key: marshall({ pk: o.pk }), UpdateExpression: 'REMOVE expiresAt' }));
    }
    client.destroy();
    const options = { ordersTable: stack.tables.ORDERS_TABLE!, registryTable: stack.tables.REGISTRY_TABLE!, print: () => undefined };

    expect(await setOrderExpiry({ ...options, write: false })).toBe(2);
    expect((await storedOrders(p.platformId)).filter((o) => o.expiresAt === undefined).map((o) => o.orderId)).toEqual([a!.orderId, b!.orderId]);

    expect(await setOrderExpiry({ ...options, write: true })).toBe(2);
    // The month's expiry, as the orders function writes it (the third order kept its own).
    expect((await storedOrders(p.platformId)).map((o) => o.expiresAt)).toEqual(Array(4).fill(c!.expiresAt));
    expect(await setOrderExpiry({ ...options, write: true })).toBe(0);
  });
});
