/**
 * The orders handler with a mocked DynamoDB (aws-sdk-client-mock): one conditional put per new order and
 * nothing else (its counters are the projection's, test/functions/orders/projector.test.ts), how a put
 * that lost its condition is classified from the stored item, and that an infrastructure failure is
 * never a success.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
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
const puts = () => ddb.commandCalls(PutCommand).map((c) => c.args[0].input);
/** The order as stored after a first send of `sent`. */
const storedOf = (sent: object) => ({
  pk: 'plt_1#o-1',
  ...sent,
  workerId: 'wkr_rider-1',
  chargedIndustry: 'INSTANT_DELIVERY',
  date: '2025-08-01',
  platformId: 'plt_1',
});
/** The put lost its condition; the stored item comes back with the error (ALL_OLD), marshalled. */
const exists = (stored: object) => new ConditionalCheckFailedException({ message: 'exists', $metadata: {}, Item: marshall(stored) as never });

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
  it('writes each new order with one conditional put, marked unprojected, and no counter (issue 18: they are projected)', async () => {
    ddb.on(PutCommand).resolves({});

    const result = await send([orderItem(1), orderItem(2, { acceptedAt: '2025-08-01T12:00:00+08:00', finishedAt: '2025-08-01T12:30:00+08:00' })]);

    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toMatchObject({ accepted: 2, duplicates: 0, updated: 0, rejected: 0 });
    expect(
      puts()
        .map((p) => p.Item!.pk)
        .sort(),
    ).toEqual(['plt_1#o-1', 'plt_1#o-2']);
    expect(puts()[0]).toMatchObject({
      TableName: 'orders',
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      Item: expect.objectContaining({ workerId: 'wkr_rider-1', date: '2025-08-01', chargedIndustry: 'INSTANT_DELIVERY', unprojected: 'plt_1#2025-08' }),
    });
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('classifies an order whose put lost its condition from the stored item returned with the error', async () => {
    ddb.on(PutCommand).callsFake((input: { Item: { pk: string } }) => {
      if (input.Item.pk === 'plt_1#o-1') throw exists(storedOf(orderItem(1)));
      return {};
    });

    const result = await send([orderItem(1), orderItem(2)]);

    expect(bodyOf(result)).toMatchObject({ accepted: 1, duplicates: 1, results: [{ status: 'duplicate' }, { status: 'accepted' }] });
  });

  it('reads the stored order when the lost condition carries no item, and updates a finishedAt it lacked', async () => {
    const { finishedAt: _none, ...open } = orderItem(1);
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
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
    ddb.on(PutCommand).rejects(exists(stored));
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'set', $metadata: {} }));
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { registry: [{ platformWorkerId: 'rider-1', workerId: 'wkr_rider-1', idHash: 'h' }] } })
      .resolves({ Responses: { orders: [{ ...stored, finishedAt: '2025-08-01T11:00:00+08:00' }] } });

    const again = await send([{ ...open, finishedAt: '2025-08-01T12:00:00+08:00' }]);

    expect(bodyOf(again)).toMatchObject({ updated: 0, rejected: 1, results: [{ errors: [{ path: 'orders.0.finishedAt' }] }] });
  });

  it('answers 500 problem+json, never a false success, when DynamoDB fails', async () => {
    ddb.on(PutCommand).rejects(new Error('ServiceUnavailable'));

    const result = await send([orderItem(1)]);

    expect(result.statusCode).toBe(500);
    expect(result.headers?.['content-type']).toContain('application/problem+json');
    expect(bodyOf(result).detail).not.toContain('ServiceUnavailable');
  });

  it('rejects a bad item alone without touching DynamoDB for it', async () => {
    ddb.on(PutCommand).resolves({});

    const result = await send([orderItem(1), { ...orderItem(2), acceptedAt: 17 }]);

    expect(bodyOf(result).results[1]).toMatchObject({ status: 'rejected', errors: [{ path: 'orders.1.acceptedAt' }] });
    expect(puts()).toHaveLength(1);
  });

  it('rejects a new order of a month closed by the date alone (September 2025, never reopened), item by item (D19)', async () => {
    ddb.on(PutCommand).resolves({});

    const result = await send([orderItem(1), orderItem(2, { acceptedAt: '2025-09-03T10:00:00+08:00', finishedAt: '2025-09-03T10:30:00+08:00' })]);

    expect(bodyOf(result)).toMatchObject({ accepted: 1, rejected: 1 });
    expect(bodyOf(result).results[1]).toMatchObject({ status: 'rejected', errors: [{ path: 'orders.1.acceptedAt', code: 'MONTH_CLOSED' }] });
    expect(puts().map((p) => p.Item!.pk)).toEqual(['plt_1#o-1']);
  });
});
