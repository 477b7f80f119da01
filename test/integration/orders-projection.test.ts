/**
 * The orders projection against DynamoDB Local (issue 18): enrolment days, fee lines and rider-days are
 * derived from the orders table's stream, and each order is counted exactly once whatever happens to the
 * batch or to the consumer — a re-sent batch, concurrent re-sends, a consumer that died after writing and
 * before its checkpoint moved, two consumers reading the same records. (DynamoDB Local killed mid-batch,
 * with the projection running: fault-injection.test.ts.) A month's declaration says whether every order
 * is counted (`projectionCaughtUp`), and closing a month waits for it (D19).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PutItemCommand, QueryCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { localDynamoDbClient } from '../../local/dynamodb.ts';
import { type LocalProjection, localProjection } from '../../local/events/index.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { adminClaims, orderItem, platformBody, platformClaims, workerItem } from '../support/fixtures.ts';
import { reopenMonths } from '../support/months.ts';
import { closeLegacyMarkers } from '../../scripts/close-legacy-markers.ts';

let stack: TestStack;
let projection: LocalProjection;

beforeAll(async () => {
  projection = localProjection({ log: () => undefined });
  stack = await startTestStack({ services: [projection] });
});
afterAll(async () => {
  await stack?.stop();
});

/** A platform of its own per test (counts compared exactly), riders 1…4 registered, August 2025 reopened (补报). */
const newPlatform = async () => {
  const created = await stack.api('POST', '/v1/platforms', { token: adminClaims, body: platformBody() });
  expect(created.status).toBe(201);
  const platformId = created.body.platformId as string;
  const token = platformClaims(platformId);
  const workers = await stack.api('PUT', `/v1/platforms/${platformId}/workers`, { token, body: { workers: [1, 2, 3, 4].map((i) => workerItem(i)) } });
  expect(workers.status).toBe(200);
  const workerIds = Object.fromEntries(workers.body.results.map((r: { platformWorkerId: string; workerId: string }) => [r.platformWorkerId, r.workerId]));
  await reopenMonths(stack.api, adminClaims, platformId, ['2025-08']);
  const send = (orders: object[]) => stack.api('POST', `/v1/platforms/${platformId}/orders`, { token, body: { orders }, waitForProjection: false });
  return { platformId, token, workerIds, send };
};

/** `n` orders of riders 1…4 over August 3 and 4 (ids from `from`). */
const orders = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => {
    const k = from + i;
    const day = k % 2 === 0 ? '03' : '04';
    const minute = String(k % 60).padStart(2, '0');
    return orderItem(k, {
      platformWorkerId: `rider-${1 + (k % 4)}`,
      acceptedAt: `2025-08-${day}T09:${minute}:00+08:00`,
      finishedAt: `2025-08-${day}T10:${minute}:00+08:00`,
    });
  });

/** What the projection holds for a platform: fee orders of August, enrolment days, rider-day entries. */
const projected = async (p: Awaited<ReturnType<typeof newPlatform>>) => {
  const declaration = await stack.api('GET', `/v1/platforms/${p.platformId}/declarations/2025-08`, { token: p.token });
  expect(declaration.status).toBe(200);
  const days: string[] = [];
  let riderDayEntries = 0;
  const client = localDynamoDbClient(inject('ddbEndpoint'));
  try {
    for (const [pw, workerId] of Object.entries(p.workerIds) as [string, string][]) {
      const res = await stack.api('GET', `/v1/workers/${workerId}/enrolment-days?from=2025-08-01&to=2025-08-31`, { token: p.token });
      for (const d of res.body.days) days.push(`${pw} ${d.date} ${d.orders}`);
      const items = await client.send(
        new QueryCommand({
          TableName: stack.tables.LEDGER_TABLE,
          // One person is one worker across platforms (D3): only this platform's rider-days.
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': { S: `RIDERDAY#${workerId}` }, ':p': { S: `${p.platformId}#` } },
        }),
      );
      for (const item of items.Items ?? []) riderDayEntries += Object.keys(item).filter((k) => k.startsWith('O#')).length;
    }
  } finally {
    client.destroy();
  }
  return {
    caughtUp: declaration.body.projectionCaughtUp as boolean,
    feeOrders: declaration.body.lines.reduce((n: number, l: { orders: number }) => n + l.orders, 0) as number,
    totalFen: declaration.body.totalFen as number,
    days: days.sort(),
    riderDayEntries,
  };
};

/** 40 orders over riders 1–4 and two days: 5 per rider-day. */
const expectedDays = (perRiderDay: number) =>
  [1, 2, 3, 4]
    .flatMap((r) => [`rider-${r} 2025-08-03 ${r % 2 === 1 ? perRiderDay : 0}`, `rider-${r} 2025-08-04 ${r % 2 === 0 ? perRiderDay : 0}`])
    .filter((d) => !d.endsWith(' 0'));

describe('the orders projection counts each order exactly once (issue 18)', () => {
  it('a batch re-sent, and re-sent three times concurrently, counts each order once (D3, D5)', async () => {
    const p = await newPlatform();
    const batch = orders(0, 40);
    expect((await p.send(batch)).body).toMatchObject({ accepted: 40 });
    const resent = await Promise.all([p.send(batch), p.send(batch), p.send(batch), p.send(batch)]);
    for (const r of resent) expect(r.body).toMatchObject({ accepted: 0, duplicates: 40 });
    await stack.projected();

    expect(await projected(p)).toEqual({ caughtUp: true, feeOrders: 40, totalFen: 40 * 7, days: expectedDays(10), riderDayEntries: 40 });
  });

  it('concurrent first sends of the same batch store and count each order once', async () => {
    const p = await newPlatform();
    const batch = orders(100, 40);
    const sent = await Promise.all([p.send(batch), p.send(batch), p.send(batch)]);
    expect(sent.reduce((n, r) => n + r.body.accepted, 0)).toBe(40);
    expect(sent.reduce((n, r) => n + r.body.duplicates, 0)).toBe(80);
    await stack.projected();

    expect(await projected(p)).toEqual({ caughtUp: true, feeOrders: 40, totalFen: 40 * 7, days: expectedDays(10), riderDayEntries: 40 });
  });

  it('a consumer that died after writing a batch and before its checkpoint moved reads it again: nothing counted twice', async () => {
    const p = await newPlatform();
    projection.pause(true);
    const replayedBefore = projection.replayedBatches;
    projection.crashAfterPublish(2);
    for (const from of [200, 240]) expect((await p.send(orders(from, 40))).body).toMatchObject({ accepted: 40 });
    projection.pause(false);
    await stack.projected();

    expect(projection.replayedBatches - replayedBefore).toBe(2);
    expect(await projected(p)).toEqual({ caughtUp: true, feeOrders: 80, totalFen: 80 * 7, days: expectedDays(20), riderDayEntries: 80 });
  });

  it('two consumers reading the same records at once (a redelivery racing the first delivery) count each order once', async () => {
    const p = await newPlatform();
    const second = localProjection({ log: () => undefined, pollIntervalMs: 20 });
    await second.start({
      ddbEndpoint: inject('ddbEndpoint'),
      region: stack.app.env.AWS_REGION!,
      tables: stack.tables,
      env: {},
      dynamodb: localDynamoDbClient(inject('ddbEndpoint')),
    });
    try {
      for (const from of [300, 340, 380]) expect((await p.send(orders(from, 40))).body).toMatchObject({ accepted: 40 });
      await Promise.all([stack.projected(), second.projected()]);
    } finally {
      await second.stop();
    }

    expect(await projected(p)).toEqual({ caughtUp: true, feeOrders: 120, totalFen: 120 * 7, days: expectedDays(30), riderDayEntries: 120 });
  });

  it('a finishedAt sent later re-spans the rider-days and counts nothing; the declaration says when it is complete, and closing waits (D19)', async () => {
    const p = await newPlatform();
    projection.pause(true);
    const open = orders(400, 8).map(({ finishedAt: _f, ...o }) => o);
    expect((await p.send(open)).body).toMatchObject({ accepted: 8 });

    // Not counted yet: the declaration says so, and an administrator's close is refused until it is.
    expect(await projected(p)).toMatchObject({ caughtUp: false, feeOrders: 0 });
    const early = await stack.api('POST', `/v1/platforms/${p.platformId}/declarations/2025-08/closing`, { token: adminClaims, body: {} });
    expect(early.status).toBe(409);

    projection.pause(false);
    await stack.projected();
    const finished = open.map((o) => ({ ...o, finishedAt: (o.acceptedAt as string).replace('T09:', 'T23:').replace('-03T23', '-04T01') }));
    expect((await p.send(finished)).body).toMatchObject({ updated: 8 });
    await stack.projected();

    const after = await projected(p);
    expect(after).toEqual({ caughtUp: true, feeOrders: 8, totalFen: 8 * 7, days: expectedDays(2), riderDayEntries: 12 });
    const closed = await stack.api('POST', `/v1/platforms/${p.platformId}/declarations/2025-08/closing`, { token: adminClaims, body: {} });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'CLOSED', projectionCaughtUp: true, totalFen: 8 * 7 });
  });

  it('each write transaction leaves a batch that is open until counted; one left open by a failed close reads complete by its counts', async () => {
    const p = await newPlatform();
    projection.pause(true);
    expect((await p.send(orders(500, 150))).body).toMatchObject({ accepted: 150 });
    const client = localDynamoDbClient(inject('ddbEndpoint'));
    try {
      const batches = async () =>
        (
          await client.send(
            new ScanCommand({
              TableName: stack.tables.ORDERS_TABLE,
              FilterExpression: 'begins_with(pk, :b) AND platformId = :p',
              ExpressionAttributeValues: { ':b': { S: 'BATCH#' }, ':p': { S: p.platformId } },
              ConsistentRead: true,
            }),
          )
        ).Items ?? [];
      // 150 orders of one month: two transactions of at most 99, each with its batch, both open.
      const open = await batches();
      expect(open.map((b) => Number(b.orders!.N)).sort((a, b) => a - b)).toEqual([51, 99]);
      expect(open.every((b) => b.unprojected?.S === `${p.platformId}#2025-08` && b.counted?.N === '0')).toBe(true);
      expect(await projected(p)).toMatchObject({ caughtUp: false, feeOrders: 0 });

      projection.pause(false);
      await stack.projected();
      const counted = await batches();
      expect(counted.map((b) => [Number(b.counted!.N), Number(b.orders!.N), b.unprojected]).sort()).toEqual([
        [51, 51, undefined],
        [99, 99, undefined],
      ]);
      expect(await projected(p)).toMatchObject({ caughtUp: true, feeOrders: 150 });

      // A close that failed after its count: the batch is back in the index, but its counts say it is complete.
      const [first] = counted;
      const reopen = (counted: number) =>
        client.send(
          new UpdateItemCommand({
            TableName: stack.tables.ORDERS_TABLE,
            Key: { pk: first!.pk! },
            UpdateExpression: 'SET unprojected = :u, counted = :c',
            ExpressionAttributeValues: { ':u': { S: `${p.platformId}#2025-08` }, ':c': { N: String(counted) } },
          }),
        );
      await reopen(Number(first!.orders!.N));
      expect(await projected(p)).toMatchObject({ caughtUp: true });
      // One order short of its count: the month is not complete.
      await reopen(Number(first!.orders!.N) - 1);
      expect(await projected(p)).toMatchObject({ caughtUp: false });
    } finally {
      client.destroy();
    }
  });

  it('markers of the first design: the deploy tool removes those whose order is counted and leaves the others until it is', async () => {
    const p = await newPlatform();
    expect((await p.send(orders(600, 4))).body).toMatchObject({ accepted: 4 });
    await stack.projected();
    const marker = `${p.platformId}#2025-08`;
    const client = localDynamoDbClient(inject('ddbEndpoint'));
    const tool = (write: boolean) =>
      closeLegacyMarkers({
        ordersTable: stack.tables.ORDERS_TABLE!,
        ledgerTable: stack.tables.LEDGER_TABLE!,
        endpoint: inject('ddbEndpoint'),
        write,
        print: () => undefined,
      });
    try {
      // Counted by the projection, marker left (written by the old function just before the new projector took over).
      await client.send(
        new UpdateItemCommand({
          TableName: stack.tables.ORDERS_TABLE,
          Key: { pk: { S: `${p.platformId}#o-600` } },
          UpdateExpression: 'SET unprojected = :u',
          ExpressionAttributeValues: { ':u': { S: marker } },
        }),
      );
      // Not counted yet: an old order item whose record the projection has not read.
      projection.pause(true);
      await client.send(
        new PutItemCommand({
          TableName: stack.tables.ORDERS_TABLE,
          Item: marshall({
            pk: `${p.platformId}#o-700`,
            ...orderItem(700, { platformWorkerId: 'rider-2', acceptedAt: '2025-08-05T09:00:00+08:00', finishedAt: '2025-08-05T09:40:00+08:00' }),
            platformId: p.platformId,
            workerId: p.workerIds['rider-2'],
            chargedIndustry: 'INSTANT_DELIVERY',
            date: '2025-08-05',
            receivedAt: '2025-08-05T02:00:00.000Z',
            unprojected: marker,
          }),
        }),
      );
      expect(await projected(p)).toMatchObject({ caughtUp: false, feeOrders: 4 });
      expect(await tool(false)).toEqual({ counted: 1, uncounted: 1 });
      expect(await tool(true)).toEqual({ counted: 1, uncounted: 1 });
      expect(await tool(false)).toEqual({ counted: 0, uncounted: 1 });
      expect(await projected(p)).toMatchObject({ caughtUp: false });

      // The projection counts the old order (its rider-day entry is the mark), then the tool removes its marker.
      projection.pause(false);
      await stack.projected();
      expect(await tool(true)).toEqual({ counted: 1, uncounted: 0 });
      expect(await tool(false)).toEqual({ counted: 0, uncounted: 0 });
      expect(await projected(p)).toMatchObject({ caughtUp: true, feeOrders: 5, riderDayEntries: 5 });
    } finally {
      projection.pause(false);
      client.destroy();
    }
  });
});
