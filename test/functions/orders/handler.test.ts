/**
 * The orders handler with a mocked DynamoDB (aws-sdk-client-mock): what it writes, how it classifies a
 * cancelled transaction, how it retries conflicts, and that an infrastructure failure is never a success.
 * Chunk planning and continuation items alone: test/functions/_shared/repositories/orders.test.ts.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { bodyOf, httpEvent, lambdaContext } from '../../support/events.ts';
import { orderItem } from '../../support/fixtures.ts';

vi.hoisted(() => {
  process.env.REGISTRY_TABLE = 'registry';
  process.env.ORDERS_TABLE = 'orders';
  process.env.LEDGER_TABLE = 'ledger';
  process.env.CASES_TABLE = 'cases';
});

const ddb = mockClient(DynamoDBDocumentClient);
type Handler = typeof import('../../../functions/orders/handler.ts').handler;
let handler: Handler;

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
const transactItems = () => ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!);
/** The order as stored after a first send of `sent`. */
const storedOf = (sent: object) => ({
  pk: 'plt_1#o-1',
  ...sent,
  workerId: 'wkr_rider-1',
  chargedIndustry: 'INSTANT_DELIVERY',
  date: '2025-08-01',
  platformId: 'plt_1',
});
const cancelled = (reasons: { Code: string; Item?: never }[]) =>
  new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: reasons });
/** The first order's Put lost its condition; the stored item comes back with the reason (ALL_OLD). */
const firstExists = (stored: object, others = 3) =>
  cancelled([{ Code: 'ConditionalCheckFailed', Item: marshall(stored) as never }, ...Array.from({ length: others }, () => ({ Code: 'None' }))]);

beforeAll(async () => {
  ({ handler } = await import('../../../functions/orders/handler.ts'));
});

beforeEach(() => {
  ddb.reset();
  ddb.on(GetCommand).resolves({ Item: platform });
  // D19: August 2025 closed on 2025-09-15 like every month; an administrator has reopened it (补报) so its
  // orders are accepted. The test of a closed month below stores no state for it.
  ddb.on(GetCommand, { TableName: 'cases', Key: { pk: 'DECL#plt_1#2025-08', sk: 'DECLARATION' } }).resolves({ Item: { status: 'REOPENED', settledFen: 0 } });
  // Stored parameter versions (none: the seeded defaults apply, e.g. contributionDueDay for D19's close).
  ddb.on(QueryCommand).resolves({ Items: [] });
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
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(TransactWriteCommand, {
      TransactItems: [
        {
          Put: expect.objectContaining({
            ConditionExpression: 'attribute_not_exists(pk)',
            Item: expect.objectContaining({ pk: 'plt_1#o-1', workerId: 'wkr_rider-1', date: '2025-08-01', chargedIndustry: 'INSTANT_DELIVERY' }),
          }),
        },
        { Put: expect.objectContaining({ ConditionExpression: 'attribute_not_exists(pk)', Item: expect.objectContaining({ pk: 'plt_1#o-2' }) }) },
        {
          Update: expect.objectContaining({
            Key: { pk: 'DAYS#wkr_rider-1', sk: '2025-08-01#plt_1#110000' },
            ExpressionAttributeValues: expect.objectContaining({ ':n': 2 }),
          }),
        },
        {
          // The same enrolment day seen from the platform (D19's employment report), sharded by worker.
          Update: expect.objectContaining({
            Key: { pk: expect.stringMatching(/^PDAYS#plt_1#2025-08#00[0-7]$/), sk: '110000#wkr_rider-1#2025-08-01' },
            ExpressionAttributeValues: expect.objectContaining({ ':n': 2, ':w': 'wkr_rider-1' }),
          }),
        },
        {
          Update: expect.objectContaining({
            Key: { pk: expect.stringMatching(/^FEE#plt_1#2025-08#00[0-7]$/), sk: '110000#INSTANT_DELIVERY#2025-08-01' },
            ExpressionAttributeValues: expect.objectContaining({ ':n': 2 }),
          }),
        },
      ],
    });
  });

  it('classifies orders whose put lost its condition from the stored item, and retries the rest once', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(firstExists(storedOf(orderItem(1))))
      .resolves({});

    const result = await send([orderItem(1), orderItem(2)]);

    expect(bodyOf(result)).toMatchObject({ accepted: 1, duplicates: 1, results: [{ status: 'duplicate' }, { status: 'accepted' }] });
    const retry = transactItems()[1]!;
    expect(retry.filter((i) => i.Put).map((i) => i.Put!.Item!.orderId)).toEqual(['o-2']);
    expect(retry.find((i) => i.Update)!.Update!.ExpressionAttributeValues![':n']).toBe(1);
  });

  it('retries a transaction conflict on a counter instead of failing the batch', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled([{ Code: 'None' }, { Code: 'TransactionConflict' }, { Code: 'None' }]))
      .resolves({});

    const result = await send([orderItem(1)]);

    expect(bodyOf(result).accepted).toBe(1);
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
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
    expect(transactItems().flatMap((items) => items.filter((i) => i.Put))).toHaveLength(1);
  });

  it('rejects a new order of a month closed by the date alone (September 2025, never reopened), item by item (D19)', async () => {
    ddb.on(TransactWriteCommand).resolves({});

    const result = await send([orderItem(1), orderItem(2, { acceptedAt: '2025-09-03T10:00:00+08:00', finishedAt: '2025-09-03T10:30:00+08:00' })]);

    expect(bodyOf(result)).toMatchObject({ accepted: 1, rejected: 1 });
    expect(bodyOf(result).results[1]).toMatchObject({ status: 'rejected', errors: [{ path: 'orders.1.acceptedAt', code: 'MONTH_CLOSED' }] });
    expect(transactItems().flatMap((items) => items.flatMap((i) => (i.Put ? [i.Put.Item!.pk] : [])))).toEqual(['plt_1#o-1']);
  });
});

describe('orders longer than 24 h through the handler (D4, docs/data-model.md A14)', () => {
  it("writes a 30 h order's continuation item in the order's own transaction, after its Put and counters, and never counts it", async () => {
    ddb.on(TransactWriteCommand).resolves({});

    const result = await send([orderItem(1, { acceptedAt: '2025-08-01T10:00:00+08:00', finishedAt: '2025-08-02T16:00:00+08:00' }), orderItem(2)]);

    expect(bodyOf(result)).toMatchObject({ accepted: 2 });
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    const [items] = transactItems();
    expect(items!.map((i) => (i.Put ? i.Put.Item!.pk : i.Update!.Key!.pk))).toEqual([
      'plt_1#o-1',
      'plt_1#o-2',
      'DAYS#wkr_rider-1',
      expect.stringMatching(/^PDAYS#/),
      expect.stringMatching(/^FEE#/),
      'plt_1#o-1#+1',
    ]);
    expect(items![5]!.Put).toEqual({ TableName: 'orders', Item: expect.objectContaining({ at: '2025-08-02T02:00:00.000Z#o-1#+1', wk: 'wkr_rider-1#plt_1' }) });
    expect(items!.filter((i) => i.Update).every((u) => u.Update!.ExpressionAttributeValues![':n'] === 2)).toBe(true);
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it('re-sent, the stored order is a duplicate and nothing is written again (its items came with it)', async () => {
    const sent = orderItem(1, { acceptedAt: '2025-08-01T10:00:00+08:00', finishedAt: '2025-08-02T16:00:00+08:00' });
    ddb.on(TransactWriteCommand).rejects(firstExists(storedOf(sent)));

    const result = await send([sent]);

    expect(bodyOf(result)).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('adds a finishedAt that makes the order 30 h long in one transaction with its continuation item; a lost condition is no update', async () => {
    const { finishedAt: _none, ...open } = orderItem(1, { acceptedAt: '2025-08-01T10:00:00+08:00' });
    const stored = storedOf(open);
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(firstExists(stored))
      .rejectsOnce(cancelled([{ Code: 'None' }, { Code: 'TransactionConflict' }]))
      .resolvesOnce({});

    const result = await send([{ ...open, finishedAt: '2025-08-02T16:00:00+08:00' }]);

    expect(bodyOf(result)).toMatchObject({ accepted: 0, updated: 1 });
    const [, conflicted, update] = transactItems();
    expect(conflicted).toEqual(update);
    expect(update).toHaveLength(2);
    expect(update![0]!.Update).toMatchObject({ Key: { pk: 'plt_1#o-1' }, ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(finishedAt)' });
    expect(update![1]!.Put!.Item).toMatchObject({ pk: 'plt_1#o-1#+1', finishedAt: '2025-08-02T16:00:00+08:00' });
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('a finishedAt set meanwhile by another request with another value is not an update, and nothing is written', async () => {
    const { finishedAt: _none, ...open } = orderItem(1, { acceptedAt: '2025-08-01T10:00:00+08:00' });
    const stored = storedOf(open);
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { registry: [{ platformWorkerId: 'rider-1', workerId: 'wkr_rider-1', idHash: 'h' }] } })
      .resolves({ Responses: { orders: [{ ...stored, finishedAt: '2025-08-01T11:00:00+08:00' }] } });
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(firstExists(stored))
      .rejectsOnce(cancelled([{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }]));

    const again = await send([{ ...open, finishedAt: '2025-08-02T16:00:00+08:00' }]);

    expect(bodyOf(again)).toMatchObject({ updated: 0, rejected: 1, results: [{ errors: [{ path: 'orders.0.finishedAt' }] }] });
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
  });

  it('an order of 200 days: 96 items in its transaction, the other 103 right after it, and again whenever it is re-sent', async () => {
    const sent = orderItem(1, { acceptedAt: '2025-08-01T10:00:00+08:00', finishedAt: '2026-02-17T10:00:00+08:00' });
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(PutCommand).resolves({});

    const first = await send([sent]);

    expect(bodyOf(first)).toMatchObject({ accepted: 1 });
    const [items] = transactItems();
    expect(items).toHaveLength(100);
    const inTransaction = items!.filter((i) => i.Put && !i.Put.ConditionExpression).map((i) => i.Put!.Item!.pk);
    const after = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item!.pk);
    expect(inTransaction).toHaveLength(96);
    expect(new Set([...inTransaction, ...after])).toEqual(new Set(Array.from({ length: 199 }, (_, i) => `plt_1#o-1#+${i + 1}`)));

    // Re-sent: a duplicate, whose tail items are put again (idempotent).
    ddb.resetHistory();
    ddb.on(TransactWriteCommand).rejects(firstExists(storedOf(sent), 0));

    const resent = await send([sent]);

    expect(bodyOf(resent)).toMatchObject({ duplicates: 1 });
    expect(
      ddb
        .commandCalls(PutCommand)
        .map((c) => c.args[0].input.Item!.pk)
        .sort(),
    ).toEqual([...after].sort());
  });
});
