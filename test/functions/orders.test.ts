/**
 * The orders handler with a mocked DynamoDB (aws-sdk-client-mock): what it writes, how it classifies a
 * cancelled transaction, how it retries conflicts, and that an infrastructure failure is never a success.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
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
let planChunks: typeof import('../../functions/orders/use-cases.ts').planChunks;

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
  ({ planChunks } = await import('../../functions/orders/use-cases.ts'));
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
      .rejectsOnce(new TransactionCanceledException({ message: 'conflict', $metadata: {}, CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }, { Code: 'None' }] }))
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

  it('keeps every order exactly once and every transaction within DynamoDB\'s 100-action limit', () => {
    // The standard workload's shape: 20 orders per worker-day, shuffled.
    const orders = Array.from({ length: 1000 }, (_, i) => order(i % 50, 1 + (i % 2), i)).sort(() => Math.random() - 0.5);
    const chunks = planChunks(orders, 8, () => 0);
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
