/**
 * The orders handler with a mocked DynamoDB (aws-sdk-client-mock): what it writes, how it classifies a
 * cancelled transaction, how it retries conflicts, and that an infrastructure failure is never a success.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { bodyOf, httpEvent, lambdaContext } from '../support/events.ts';
import { orderItem } from '../support/fixtures.ts';

vi.hoisted(() => {
  process.env.REGISTRY_TABLE = 'registry';
  process.env.ORDERS_TABLE = 'orders';
  process.env.LEDGER_TABLE = 'ledger';
});

const ddb = mockClient(DynamoDBDocumentClient);
type Handler = typeof import('../../functions/orders/handler.ts').handler;
let handler: Handler;
let planChunks: typeof import('../../functions/_shared/repositories/orders.ts').planChunks;

const platform = {
  platformId: 'plt_1',
  name: 'P',
  creditCode: 'x',
  industries: ['INSTANT_DELIVERY'],
  provinces: [{ code: '110000', joinedOn: '2025-07-01' }],
  createdAt: '2025-07-01T00:00:00Z',
  version: 1,
};
const claims = { sub: 'client-1', role: 'platform', platformId: 'plt_1' };
const send = (orders: unknown[]) =>
  handler(httpEvent('POST /v1/platforms/{platformId}/orders', { claims, pathParameters: { platformId: 'plt_1' }, body: { orders } }), lambdaContext);

beforeAll(async () => {
  ({ handler } = await import('../../functions/orders/handler.ts'));
  ({ planChunks } = await import('../../functions/_shared/repositories/orders.ts'));
});

beforeEach(() => {
  ddb.reset();
  ddb.on(GetCommand).resolves({ Item: platform });
  ddb.on(BatchGetCommand).callsFake((input) => {
    const table = Object.keys(input.RequestItems)[0]!;
    const keys = input.RequestItems[table].Keys as { pk: string }[];
    if (table !== 'registry') return { Responses: { [table]: [] } };
    return { Responses: { registry: keys.map((k) => ({ platformWorkerId: k.pk.split('#')[2], workerId: `wkr_${k.pk.split('#')[2]}`, idHash: 'h' })) } };
  });
});

describe('POST /v1/platforms/{platformId}/orders (mocked DynamoDB)', () => {
  it('writes each new order with a conditional put and its counters in the same transaction (D3, D5)', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const result = await send([orderItem(1), orderItem(2, { acceptedAt: '2025-08-01T12:00:00+08:00', finishedAt: '2025-08-01T12:30:00+08:00' })]);
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toMatchObject({ accepted: 2, duplicates: 0, updated: 0, rejected: 0 });
    const calls = ddb.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(1);
    const items = calls[0]!.args[0].input.TransactItems!;
    const puts = items.filter((i) => i.Put);
    expect(puts.map((p) => p.Put!.ConditionExpression)).toEqual(['attribute_not_exists(pk)', 'attribute_not_exists(pk)']);
    expect(puts[0]!.Put!.Item).toMatchObject({ pk: 'plt_1#o-1', workerId: 'wkr_rider-1', date: '2025-08-01', chargedIndustry: 'INSTANT_DELIVERY' });
    const updates = items.filter((i) => i.Update).map((i) => i.Update!);
    expect(updates.map((u) => u.Key)).toEqual([
      { pk: 'DAYS#wkr_rider-1', sk: '2025-08-01#plt_1#110000' },
      { pk: expect.stringMatching(/^FEE#plt_1#2025-08#00[0-7]$/), sk: '110000#INSTANT_DELIVERY#2025-08-01' },
    ]);
    expect(updates.every((u) => u.ExpressionAttributeValues![':n'] === 2)).toBe(true);
  });

  it('classifies orders whose put lost its condition from the stored item, and retries the rest once', async () => {
    const stored = { pk: 'plt_1#o-1', ...orderItem(1), workerId: 'wkr_rider-1', chargedIndustry: 'INSTANT_DELIVERY', date: '2025-08-01', platformId: 'plt_1' };
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(
        new TransactionCanceledException({
          message: 'cancelled',
          $metadata: {},
          CancellationReasons: [{ Code: 'ConditionalCheckFailed', Item: marshall(stored) as never }, { Code: 'None' }, { Code: 'None' }, { Code: 'None' }],
        }),
      )
      .resolves({});
    const result = await send([orderItem(1), orderItem(2)]);
    expect(bodyOf(result)).toMatchObject({ accepted: 1, duplicates: 1, results: [{ status: 'duplicate' }, { status: 'accepted' }] });
    const retry = ddb.commandCalls(TransactWriteCommand)[1]!.args[0].input.TransactItems!;
    expect(retry.filter((i) => i.Put).map((i) => i.Put!.Item!.orderId)).toEqual(['o-2']);
    expect(retry.find((i) => i.Update)!.Update!.ExpressionAttributeValues![':n']).toBe(1);
  });

  it('retries a transaction conflict on a counter instead of failing the batch', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(
        new TransactionCanceledException({
          message: 'conflict',
          $metadata: {},
          CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }, { Code: 'None' }],
        }),
      )
      .resolves({});
    const result = await send([orderItem(1)]);
    expect(bodyOf(result).accepted).toBe(1);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it('answers 500 problem+json, never a false success, when DynamoDB fails', async () => {
    ddb.on(TransactWriteCommand).rejects(new Error('ServiceUnavailable'));
    const result = await send([orderItem(1)]);
    expect(result.statusCode).toBe(500);
    expect(result.headers?.['content-type']).toContain('application/problem+json');
    expect(bodyOf(result).detail).not.toContain('ServiceUnavailable');
  });

  it('rejects a bad item alone without touching DynamoDB for it', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const result = await send([orderItem(1), { ...orderItem(2), acceptedAt: 17 }]);
    expect(bodyOf(result).results[1]).toMatchObject({ status: 'rejected', errors: [{ path: 'orders.1.acceptedAt' }] });
    const puts = ddb.commandCalls(TransactWriteCommand).flatMap((c) => c.args[0].input.TransactItems!.filter((i) => i.Put));
    expect(puts).toHaveLength(1);
  });
});

describe('planChunks: transactions of at most 100 actions, near one write per order', () => {
  const order = (worker: number, day: number, n: number) => ({
    platformId: 'p',
    orderId: `o-${worker}-${day}-${n}`,
    platformWorkerId: `w${worker}`,
    workerId: `wkr_${String(worker).padStart(4, '0')}`,
    industry: 'INSTANT_DELIVERY' as const,
    chargedIndustry: 'INSTANT_DELIVERY' as const,
    province: '110000',
    acceptedAt: `2025-08-0${day}T10:00:00+08:00`,
    date: `2025-08-0${day}`,
  });

  it("keeps every order exactly once and every transaction within DynamoDB's 100-action limit", () => {
    // The standard workload's shape: 20 orders per worker-day, shuffled.
    const orders = Array.from({ length: 1000 }, (_, i) => order(i % 50, 1 + (i % 2), i)).sort(() => Math.random() - 0.5);
    const chunks = planChunks(orders, () => 0);
    const ids = chunks.flatMap((c) => c.orders.map((o) => o.orderId));
    expect(new Set(ids).size).toBe(1000);
    expect(ids).toHaveLength(1000);
    let actions = 0;
    for (const c of chunks) {
      const days = new Set(c.orders.map((o) => `${o.workerId}|${o.date}`)).size;
      const fees = new Set(c.orders.map((o) => o.date)).size;
      const n = c.orders.length + days + fees;
      expect(n).toBeLessThanOrEqual(100);
      actions += n;
    }
    expect(actions).toBeLessThanOrEqual(1100);
  });
});

describe('continuation items of orders longer than 24 h (D4, docs/data-model.md A14)', () => {
  type Repo = typeof import('../../functions/_shared/repositories/orders.ts');
  let repo: Repo;
  let core: typeof import('../../core/index.ts');
  beforeAll(async () => {
    repo = await import('../../functions/_shared/repositories/orders.ts');
    core = await import('../../core/index.ts');
  });
  const HOUR = 3_600_000;
  const long = (orderId: string, hours: number, acceptedAt = '2025-08-01T10:00:00+08:00') => ({
    platformId: 'plt_1',
    orderId,
    platformWorkerId: 'rider-1',
    workerId: 'wkr_rider-1',
    industry: 'INSTANT_DELIVERY' as const,
    chargedIndustry: 'INSTANT_DELIVERY' as const,
    province: '110000',
    acceptedAt,
    finishedAt: new Date(new Date(acceptedAt).getTime() + hours * HOUR).toISOString(),
    date: '2025-08-01',
  });
  const transactItems = () => ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!);

  it('has none for an open order or one of at most 24 h, and one per further started 24 h, keyed by order and k', () => {
    expect(repo.continuationItems({ ...long('a', 1), finishedAt: undefined })).toEqual([]);
    expect(repo.continuationItems(long('a', 24))).toEqual([]);
    expect(repo.continuationItems(long('a', 24 + 1 / 3_600_000))).toHaveLength(1);
    expect(repo.continuationItems(long('a', 48))).toHaveLength(1);
    expect(repo.continuationItems(long('a', 48.01))).toHaveLength(2);
    const [item, ...rest] = repo.continuationItems(long('o-9', 30));
    expect(rest).toEqual([]);
    expect(item).toEqual({
      pk: 'plt_1#o-9#+1',
      wk: 'wkr_rider-1#plt_1',
      at: '2025-08-02T02:00:00.000Z#o-9#+1',
      continuationOf: 'o-9',
      orderId: 'o-9',
      province: '110000',
      industry: 'INSTANT_DELIVERY',
      acceptedAt: '2025-08-01T10:00:00+08:00',
      finishedAt: '2025-08-02T08:00:00.000Z',
    });
    // No item carries what the counters or the exactly-once check read.
    expect(item).not.toHaveProperty('date');
    expect(item).not.toHaveProperty('chargedIndustry');
    // The same order gives the same items: re-writing them is idempotent.
    expect(repo.continuationItems(long('o-9', 30))).toEqual([item]);
  });

  it('puts every instant of an order and of its grace period within the coverage look-back of one of its index items, under every rule table', () => {
    for (const table of core.RULE_TABLES) {
      expect(table.coverage.queryLookbackHours).toBeGreaterThanOrEqual(repo.CONTINUATION_STEP_HOURS);
      for (const coverGraceMinutes of [0, 5, 30, 90]) {
        for (const openOrderCoverHours of [1, 6, 48]) {
          const lookbackMs = core.coverageLookbackHours({ openOrderCoverHours, coverGraceMinutes }, table.effectiveFrom) * HOUR;
          for (const hours of [0, 1, 23.99, 24, 24.001, 30, 47, 48, 48.02, 71.5, 24 * 10 + 0.3]) {
            const order = long('x', hours);
            const accepted = new Date(order.acceptedAt).getTime();
            const end = new Date(order.finishedAt).getTime() + coverGraceMinutes * 60_000;
            const ats = [accepted, ...repo.continuationItems(order).map((i) => Date.parse((i.at as string).split('#')[0]!))];
            for (let t = accepted; t <= end + 1; t += 19 * 60_000) {
              const probe = Math.min(t, end);
              expect(
                ats.some((at) => at <= probe && at >= probe - lookbackMs),
                `${table.id} grace ${coverGraceMinutes} span ${hours} h t+${(probe - accepted) / HOUR} h`,
              ).toBe(true);
            }
          }
        }
      }
    }
  });

  it('plans an order with its continuation items as actions of its transaction: ≤ 100 each, ordinary orders unaffected', () => {
    const ordinary = Array.from({ length: 300 }, (_, i) => ({ ...long(`n-${i}`, 0.5), workerId: `wkr_${i % 15}` }));
    const longer = [long('l-30', 30), long('l-200d', 24 * 200), ...Array.from({ length: 40 }, (_, i) => long(`l-10d-${i}`, 24 * 10))];
    const chunks = planChunks(
      [...ordinary, ...longer].sort(() => Math.random() - 0.5),
      () => 0,
    );
    expect(chunks.flatMap((c) => c.orders.map((o) => o.orderId)).sort()).toEqual([...ordinary, ...longer].map((o) => o.orderId).sort());
    for (const c of chunks) {
      const days = new Set(c.orders.map((o) => `${o.workerId}|${o.date}|${o.province}`)).size;
      const fees = new Set(c.orders.map((o) => `${o.province}|${o.chargedIndustry}|${o.date}`)).size;
      const continuations = c.orders.reduce((n, o) => n + Math.min(repo.continuationCount(o), repo.MAX_CONTINUATIONS_IN_TRANSACTION), 0);
      expect(c.orders.length + continuations + days + fees).toBeLessThanOrEqual(100);
    }
    expect(repo.continuationCount(long('l-200d', 24 * 200))).toBe(199);
    expect(chunks.find((c) => c.orders.some((o) => o.orderId === 'l-200d'))!.orders).toHaveLength(1);
    // Ordinary orders only: one action per order, exactly as before.
    expect(planChunks(ordinary, () => 0).reduce((n, c) => n + c.orders.length, 0)).toBe(300);
    expect(ordinary.every((o) => repo.orderActions(o) === 1)).toBe(true);
  });

  it("writes a 30 h order's continuation item in the order's own transaction, after its Put and counters, and never counts it", async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const result = await send([orderItem(1, { acceptedAt: '2025-08-01T10:00:00+08:00', finishedAt: '2025-08-02T16:00:00+08:00' }), orderItem(2)]);
    expect(bodyOf(result)).toMatchObject({ accepted: 2 });
    const [items, ...others] = transactItems();
    expect(others).toEqual([]);
    expect(items!.map((i) => (i.Put ? i.Put.Item!.pk : i.Update!.Key!.pk))).toEqual([
      'plt_1#o-1',
      'plt_1#o-2',
      'DAYS#wkr_rider-1',
      expect.stringMatching(/^FEE#/),
      'plt_1#o-1#+1',
    ]);
    expect(items![4]!.Put).toEqual({ TableName: 'orders', Item: expect.objectContaining({ at: '2025-08-02T02:00:00.000Z#o-1#+1', wk: 'wkr_rider-1#plt_1' }) });
    expect(items!.filter((i) => i.Update).every((u) => u.Update!.ExpressionAttributeValues![':n'] === 2)).toBe(true);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('re-sent, the stored order is a duplicate and nothing is written again (its items came with it)', async () => {
    const sent = orderItem(1, { acceptedAt: '2025-08-01T10:00:00+08:00', finishedAt: '2025-08-02T16:00:00+08:00' });
    const stored = { pk: 'plt_1#o-1', ...sent, workerId: 'wkr_rider-1', chargedIndustry: 'INSTANT_DELIVERY', date: '2025-08-01', platformId: 'plt_1' };
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed', Item: marshall(stored) as never }, { Code: 'None' }, { Code: 'None' }, { Code: 'None' }],
      }),
    );
    expect(bodyOf(await send([sent]))).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(transactItems()).toHaveLength(1);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('adds a finishedAt that makes the order 30 h long in one transaction with its continuation item; a lost condition is no update', async () => {
    const { finishedAt: _none, ...open } = orderItem(1, { acceptedAt: '2025-08-01T10:00:00+08:00' });
    const stored = { pk: 'plt_1#o-1', ...open, workerId: 'wkr_rider-1', chargedIndustry: 'INSTANT_DELIVERY', date: '2025-08-01', platformId: 'plt_1' };
    const lost = (reasons: { Code: string; Item?: never }[]) =>
      new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: reasons });
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(lost([{ Code: 'ConditionalCheckFailed', Item: marshall(stored) as never }, { Code: 'None' }, { Code: 'None' }, { Code: 'None' }]))
      .rejectsOnce(lost([{ Code: 'None' }, { Code: 'TransactionConflict' }]))
      .resolvesOnce({});
    const result = await send([{ ...open, finishedAt: '2025-08-02T16:00:00+08:00' }]);
    expect(bodyOf(result)).toMatchObject({ accepted: 0, updated: 1 });
    const [, conflicted, update] = transactItems();
    expect(conflicted).toEqual(update);
    expect(update).toHaveLength(2);
    expect(update![0]!.Update).toMatchObject({ Key: { pk: 'plt_1#o-1' }, ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(finishedAt)' });
    expect(update![1]!.Put!.Item).toMatchObject({ pk: 'plt_1#o-1#+1', finishedAt: '2025-08-02T16:00:00+08:00' });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);

    // Set meanwhile by another request with another finishedAt: not an update, and nothing written.
    ddb.reset();
    ddb.on(GetCommand).resolves({ Item: platform });
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { registry: [{ platformWorkerId: 'rider-1', workerId: 'wkr_rider-1', idHash: 'h' }] } })
      .resolves({ Responses: { orders: [{ ...stored, finishedAt: '2025-08-01T11:00:00+08:00' }] } });
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(lost([{ Code: 'ConditionalCheckFailed', Item: marshall(stored) as never }, { Code: 'None' }, { Code: 'None' }, { Code: 'None' }]))
      .rejectsOnce(lost([{ Code: 'ConditionalCheckFailed' as never }, { Code: 'None' }]));
    const again = await send([{ ...open, finishedAt: '2025-08-02T16:00:00+08:00' }]);
    expect(bodyOf(again)).toMatchObject({ updated: 0, rejected: 1, results: [{ errors: [{ path: 'orders.0.finishedAt' }] }] });
    expect(transactItems()).toHaveLength(2);
  });

  it('an order of 200 days: 97 items in its transaction, the other 102 right after it, and again whenever it is re-sent', async () => {
    const sent = orderItem(1, { acceptedAt: '2025-08-01T10:00:00+08:00', finishedAt: '2026-02-17T10:00:00+08:00' });
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    expect(bodyOf(await send([sent]))).toMatchObject({ accepted: 1 });
    const [items] = transactItems();
    expect(items).toHaveLength(100);
    const inTransaction = items!.filter((i) => i.Put && !i.Put.ConditionExpression).map((i) => i.Put!.Item!.pk);
    const after = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item!.pk);
    expect(inTransaction).toHaveLength(97);
    expect(new Set([...inTransaction, ...after])).toEqual(new Set(Array.from({ length: 199 }, (_, i) => `plt_1#o-1#+${i + 1}`)));

    ddb.resetHistory();
    const stored = { pk: 'plt_1#o-1', ...sent, workerId: 'wkr_rider-1', chargedIndustry: 'INSTANT_DELIVERY', date: '2025-08-01', platformId: 'plt_1' };
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed', Item: marshall(stored) as never }],
      }),
    );
    expect(bodyOf(await send([sent]))).toMatchObject({ duplicates: 1 });
    expect(
      ddb
        .commandCalls(PutCommand)
        .map((c) => c.args[0].input.Item!.pk)
        .sort(),
    ).toEqual([...after].sort());
  });
});
