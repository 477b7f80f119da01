/**
 * The orders handler with a mocked DynamoDB (aws-sdk-client-mock): one conditional put per new order, in
 * transactions of puts only (its counters are the projection's, test/functions/orders/projector.test.ts),
 * how a put that met an existing order is classified from the stored item, that conflicts are retried,
 * and that an infrastructure failure is never a success. The PartiQL alternative (`insertEach`, bench only)
 * is tested here too.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  BatchExecuteStatementCommand,
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
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
const allPuts = () => ddb.commandCalls(TransactWriteCommand).flatMap((c) => c.args[0].input.TransactItems!.map((i) => i.Put!));
/** The orders put (each transaction also puts its batch item, BATCH#). */
const puts = () => allPuts().filter((p) => !p.Item!.pk.startsWith('BATCH#'));
const batchPuts = () => allPuts().filter((p) => p.Item!.pk.startsWith('BATCH#'));
const cancelled = (reasons: { Code: string; Item?: never }[]) =>
  new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: reasons });
/** The INSERT statements sent (PartiQL alternative), as the item rebuilt from the statement's names and parameters. */
const inserts = () =>
  ddb.commandCalls(BatchExecuteStatementCommand).flatMap((c) =>
    c.args[0].input.Statements!.map((s) => {
      const names = [...s.Statement!.matchAll(/'(\w+)': \?/g)].map((m) => m[1]!);
      return { statement: s.Statement!, item: Object.fromEntries(names.map((n, i) => [n, s.Parameters![i]])) as Record<string, unknown> };
    }),
  );
/** The order as stored after a first send of `sent`. */
const storedOf = (sent: object) => ({
  pk: 'plt_1#o-1',
  ...sent,
  workerId: 'wkr_rider-1',
  chargedIndustry: 'INSTANT_DELIVERY',
  date: '2025-08-01',
  platformId: 'plt_1',
});
beforeAll(async () => {
  ({ handler } = await import('../../../functions/orders/handler.ts'));
});

beforeEach(() => {
  ddb.reset();
  ddb.on(GetCommand).resolves({ Item: platform });
  // D19: August 2025 closed on 2025-09-15 like every month; an administrator has reopened it (补报) so its
  // orders are accepted. The test of a closed month below stores no state for it.
  ddb.on(GetCommand, { TableName: 'cases', Key: { pk: 'DECL#plt_1#2025-08', sk: 'DECLARATION' } }).resolves({ Item: { status: 'REOPENED', settledFen: 0 } });
  // Stored parameter versions (none: the seeded defaults apply, e.g. contributionDueDay for D19's close) but
  // one: orders of months closing from 2025-08-01 stay hot 3,650 days (issue 18), so the July and August 2025
  // fixtures are not archived; March 2025 keeps the seeded 30 days (expired on 2025-05-16).
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb
    .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'PARAM#orderHotDaysAfterClose' } })
    .resolves({ Items: [{ scope: {}, effectiveFrom: '2025-08-01', value: 3650 }] });
  ddb.on(BatchGetCommand).callsFake((input) => {
    const table = Object.keys(input.RequestItems)[0]!;
    const keys = input.RequestItems[table].Keys as { pk: string }[];
    if (table !== 'registry') return { Responses: { [table]: [] } };
    return { Responses: { registry: keys.map((k) => ({ platformWorkerId: k.pk.split('#')[2], workerId: `wkr_${k.pk.split('#')[2]}`, idHash: 'h' })) } };
  });
});

describe('POST /v1/platforms/{platformId}/orders (mocked DynamoDB)', () => {
  it('writes each new order with a conditional put, with its batch item, in a transaction of puts only (issue 18: counters are projected)', async () => {
    ddb.on(TransactWriteCommand).resolves({});

    const result = await send([orderItem(1), orderItem(2, { acceptedAt: '2025-08-01T12:00:00+08:00', finishedAt: '2025-08-01T12:30:00+08:00' })]);

    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toMatchObject({ accepted: 2, duplicates: 0, updated: 0, rejected: 0 });
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    expect(puts().map((p) => p.Item!.pk)).toEqual(['plt_1#o-1', 'plt_1#o-2']);
    expect(puts()[0]).toMatchObject({
      TableName: 'orders',
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      Item: expect.objectContaining({
        workerId: 'wkr_rider-1',
        date: '2025-08-01',
        chargedIndustry: 'INSTANT_DELIVERY',
        batch: expect.stringMatching(/^[0-9a-f-]{36}$/),
      }),
    });
    expect(puts()[0]!.Item).not.toHaveProperty('unprojected');
    // The transaction's batch: how many new orders of the month it wrote, open in the sparse index until counted.
    const [batch] = batchPuts();
    expect(batchPuts()).toHaveLength(1);
    expect(batch!.Item).toMatchObject({
      pk: `BATCH#${puts()[0]!.Item!.batch}`,
      unprojected: 'plt_1#2025-08',
      platformId: 'plt_1',
      month: '2025-08',
      orders: 2,
      counted: 0,
      // It expires with its orders.
      expiresAt: puts()[0]!.Item!.expiresAt,
    });
    expect(batch!.Item!.expiresAt).toEqual(expect.any(Number));
    expect(puts()[1]!.Item!.batch).toBe(puts()[0]!.Item!.batch);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it("writes expiresAt on each new order: orderHotDaysAfterClose days after 00:00 following its month's due day (issue 18, D19)", async () => {
    ddb.on(TransactWriteCommand).resolves({});

    await send([orderItem(1), orderItem(2, { acceptedAt: '2025-08-31T23:30:00+08:00', finishedAt: undefined })]);

    // August 2025 closes at 2025-09-16T00:00+08:00 (contributionDueDay 15); + orderHotDaysAfterClose (3,650 in force on 2025-09-15).
    const expiresAt = Date.parse('2025-09-16T00:00:00+08:00') / 1000 + 3650 * 86_400;
    expect(puts().map((p) => p.Item!.expiresAt)).toEqual([expiresAt, expiresAt]);
  });

  it('puts at most 99 orders and their batch in one transaction, one month per transaction', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const orders = Array.from({ length: 230 }, (_, i) =>
      orderItem(i, { acceptedAt: `2025-08-01T1${i % 10}:${String(i % 60).padStart(2, '0')}:00+08:00`, finishedAt: undefined }),
    );

    // One more of July (reopened too): its own transaction and batch.
    ddb.on(GetCommand, { TableName: 'cases', Key: { pk: 'DECL#plt_1#2025-07', sk: 'DECLARATION' } }).resolves({ Item: { status: 'REOPENED', settledFen: 0 } });
    orders.push(orderItem(230, { acceptedAt: '2025-07-31T23:00:00+08:00', finishedAt: undefined }));

    expect(bodyOf(await send(orders))).toMatchObject({ accepted: 231 });
    expect(ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!.length)).toEqual([100, 100, 33, 2]);
    expect(batchPuts().map((p) => [p.Item!.month, p.Item!.orders])).toEqual([
      ['2025-08', 99],
      ['2025-08', 99],
      ['2025-08', 32],
      ['2025-07', 1],
    ]);
  });

  it('classifies an order whose put met an existing order from the stored item, and writes the rest once', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled([{ Code: 'ConditionalCheckFailed', Item: marshall(storedOf(orderItem(1))) as never }, { Code: 'None' }]))
      .resolves({});

    const result = await send([orderItem(1), orderItem(2)]);

    expect(bodyOf(result)).toMatchObject({ accepted: 1, duplicates: 1, results: [{ status: 'duplicate' }, { status: 'accepted' }] });
    expect(ddb.commandCalls(TransactWriteCommand)[1]!.args[0].input.TransactItems!.map((i) => i.Put!.Item!.orderId ?? i.Put!.Item!.orders)).toEqual(['o-2', 1]);
  });

  it('retries a transaction conflict instead of failing the batch', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled([{ Code: 'TransactionConflict' }]))
      .resolves({});

    expect(bodyOf(await send([orderItem(1)])).accepted).toBe(1);
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
  });

  it('reads the stored order when the cancellation carries no item, and updates a finishedAt it lacked', async () => {
    const { finishedAt: _none, ...open } = orderItem(1);
    ddb.on(TransactWriteCommand).rejects(cancelled([{ Code: 'ConditionalCheckFailed' }]));
    ddb.on(UpdateCommand).resolves({});
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { registry: [{ platformWorkerId: 'rider-1', workerId: 'wkr_rider-1', idHash: 'h' }] } })
      .resolves({ Responses: { orders: [storedOf(open)] } });

    const result = await send([orderItem(1)]);

    expect(bodyOf(result)).toMatchObject({ updated: 1 });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'plt_1#o-1' },
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(finishedAt)',
    });
  });

  it('a finishedAt set meanwhile by another request with another value is not an update', async () => {
    const { finishedAt: _none, ...open } = orderItem(1);
    const stored = storedOf(open);
    ddb.on(TransactWriteCommand).rejects(cancelled([{ Code: 'ConditionalCheckFailed', Item: marshall(stored) as never }]));
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'set', $metadata: {} }));
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { registry: [{ platformWorkerId: 'rider-1', workerId: 'wkr_rider-1', idHash: 'h' }] } })
      .resolves({ Responses: { orders: [{ ...stored, finishedAt: '2025-08-01T11:00:00+08:00' }] } });

    const again = await send([{ ...open, finishedAt: '2025-08-01T12:00:00+08:00' }]);

    expect(bodyOf(again)).toMatchObject({ updated: 0, rejected: 1, results: [{ errors: [{ path: 'orders.0.finishedAt' }] }] });
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
    expect(puts()).toHaveLength(1);
  });

  it('rejects a new order of a month closed by the date alone (September 2025, never reopened), item by item (D19)', async () => {
    ddb.on(TransactWriteCommand).resolves({});

    const result = await send([orderItem(1), orderItem(2, { acceptedAt: '2025-09-03T10:00:00+08:00', finishedAt: '2025-09-03T10:30:00+08:00' })]);

    expect(bodyOf(result)).toMatchObject({ accepted: 1, rejected: 1 });
    expect(bodyOf(result).results[1]).toMatchObject({ status: 'rejected', errors: [{ path: 'orders.1.acceptedAt', code: 'MONTH_CLOSED' }] });
    expect(puts().map((p) => p.Item!.pk)).toEqual(['plt_1#o-1']);
  });
});

describe('a month whose orders have expired to the archive (issue 18)', () => {
  it('takes no new order even while REOPENED (MONTH_CLOSED: a re-sent order could no longer be recognised)', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    // A platform enrolled since January 2025 whose March 2025 an administrator reopened before it expired.
    ddb.on(GetCommand, { Key: { pk: 'PLATFORM#plt_2', sk: 'PROFILE' } }).resolves({
      Item: { ...platform, platformId: 'plt_2', provinces: [{ code: '110000', joinedOn: '2025-01-01' }] },
    });
    ddb.on(GetCommand, { TableName: 'cases', Key: { pk: 'DECL#plt_2#2025-03', sk: 'DECLARATION' } }).resolves({ Item: { status: 'REOPENED', settledFen: 0 } });
    ddb.on(GetCommand, { TableName: 'cases', Key: { pk: 'DECL#plt_2#2025-08', sk: 'DECLARATION' } }).resolves({ Item: { status: 'REOPENED', settledFen: 0 } });
    const claims2 = { sub: 'client-2', role: 'platform', platformId: 'plt_2' };
    const orders = [orderItem(1), orderItem(2, { acceptedAt: '2025-03-20T10:00:00+08:00', finishedAt: '2025-03-20T10:30:00+08:00' })];

    const result = await handler(
      httpEvent('POST /v1/platforms/{platformId}/orders', { claims: claims2, pathParameters: { platformId: 'plt_2' }, body: { orders } }),
      lambdaContext,
    );

    expect(bodyOf(result)).toMatchObject({ accepted: 1, rejected: 1 });
    expect(bodyOf(result).results[1]).toMatchObject({ status: 'rejected', errors: [{ path: 'orders.1.acceptedAt', code: 'MONTH_CLOSED' }] });
    expect(bodyOf(result).results[1].errors[0].message).toContain('归档');
    expect(puts().map((p) => p.Item!.pk)).toEqual(['plt_2#o-1']);
  });
});

describe('the measured alternatives (bench only): PartiQL INSERTs and a conditional PutItem per order', () => {
  const order = (n: number) => ({
    platformId: 'plt_1',
    orderId: `o-${n}`,
    platformWorkerId: 'rider-1',
    workerId: 'wkr_rider-1',
    industry: 'INSTANT_DELIVERY' as const,
    chargedIndustry: 'INSTANT_DELIVERY' as const,
    province: '110000',
    acceptedAt: '2025-08-01T10:05:00+08:00',
    date: '2025-08-01',
  });
  it('insertEach: 25 INSERTs per call; DuplicateItem read back; other errors retried', async () => {
    const { ordersRepository } = await import('../../../functions/_shared/repositories/orders.ts');
    let conflicts = 0;
    ddb.on(BatchExecuteStatementCommand).callsFake((input: { Statements: { Parameters: unknown[] }[] }) => ({
      Responses: input.Statements.map((s) => {
        const pk = s.Parameters[0] as string;
        if (pk === 'plt_1#o-0') return { Error: { Code: 'DuplicateItem' } };
        if (pk === 'plt_1#o-1' && conflicts++ === 0) return { Error: { Code: 'TransactionConflict' } };
        return {};
      }),
    }));
    ddb.on(BatchGetCommand).resolves({ Responses: { orders: [{ ...order(0), pk: 'plt_1#o-0' }] } });

    const outcome = await ordersRepository.insertEach(
      Array.from({ length: 30 }, (_, i) => order(i)),
      'now',
      2,
    );

    expect(outcome.written).toHaveLength(29);
    expect([...outcome.existing.keys()]).toEqual(['o-0']);
    expect(inserts()[0]!.statement).toMatch(/^INSERT INTO "orders" VALUE \{'pk': \?, /);
    expect(
      ddb
        .commandCalls(BatchExecuteStatementCommand)
        .map((c) => c.args[0].input.Statements!.length)
        .sort(),
    ).toEqual([1, 25, 5].sort());
  });

  it('putEach: one conditional PutItem per order; a lost condition returns the stored item', async () => {
    const { ordersRepository } = await import('../../../functions/_shared/repositories/orders.ts');
    ddb.on(PutCommand).callsFake((input: { Item: { pk: string } }) => {
      if (input.Item.pk === 'plt_1#o-0')
        throw new ConditionalCheckFailedException({ message: 'exists', $metadata: {}, Item: marshall({ ...order(0), pk: 'plt_1#o-0' }) as never });
      return {};
    });

    const outcome = await ordersRepository.putEach([order(0), order(1)], 'now', 2);

    expect(outcome.written.map((o) => o.orderId)).toEqual(['o-1']);
    expect(outcome.existing.get('o-0')).toMatchObject({ orderId: 'o-0', workerId: 'wkr_rider-1' });
  });
});
