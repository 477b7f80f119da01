/**
 * The orders projection (issue 18) with a mocked DynamoDB: what one stream batch writes (rider-days with
 * their exactly-once conditions, counters, batch counts in transactions of at most 100 actions), that a
 * record read again counts nothing twice (its rider-day entry is there: dropped, the rest written),
 * conflicts are retried, complete batches closed, and a failure is reported from the first unwritten
 * record. Against DynamoDB Local: test/integration/orders-projection.test.ts.
 */
import 'aws-sdk-client-mock-vitest/extend';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { storedOrderImage } from '../../support/fixtures.ts';

vi.hoisted(() => {
  process.env.ORDERS_TABLE = 'orders';
  process.env.LEDGER_TABLE = 'ledger';
});

const ddb = mockClient(DynamoDBDocumentClient);
let handler: typeof import('../../../functions/orders/projector.ts').handler;
let planGroups: typeof import('../../../functions/_shared/repositories/projection.ts').planGroups;

const order = (n: number, over: Record<string, unknown> = {}) =>
  storedOrderImage(n, { platformWorkerId: `rider-${n % 3}`, workerId: `wkr_${n % 3}`, batch: 'b-1', ...over });
type Image = ReturnType<typeof order>;
const insert = (image: Image, seq: number) => ({
  eventID: `e${seq}`,
  eventName: 'INSERT' as const,
  dynamodb: { Keys: marshall({ pk: image.pk }), NewImage: marshall(image), SequenceNumber: String(seq) },
});
const modify = (before: object, after: object, seq: number) => ({
  eventID: `e${seq}`,
  eventName: 'MODIFY' as const,
  dynamodb: { NewImage: marshall(after), OldImage: marshall(before), SequenceNumber: String(seq) },
});
const batch = (...records: object[]) => ({ Records: records }) as unknown as DynamoDBStreamEvent;
const transactions = () => ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!);
const cancelled = (codes: string[], items: Record<number, object> = {}) =>
  new TransactionCanceledException({
    message: 'cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code, i) => ({ Code, ...(items[i] ? { Item: marshall(items[i]!) } : {}) })),
  });
const closes = () => ddb.commandCalls(UpdateCommand).filter((c) => c.args[0].input.Key!.pk.startsWith('BATCH#'));

beforeAll(async () => {
  ({ handler } = await import('../../../functions/orders/projector.ts'));
  ({ planGroups } = await import('../../../functions/_shared/repositories/projection.ts'));
});
beforeEach(() => ddb.reset());

describe('the orders projection (issue 18)', () => {
  it('counts new orders once per enrolment day and fee line, each with its rider-day entry as the condition, and its batch, in one transaction (D3, D5)', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});

    const result = await handler(batch(insert(order(3), 1), insert(order(6), 2), insert(order(4, { batch: 'b-2' }), 3)));

    expect(result).toEqual({ batchItemFailures: [] });
    const [items] = transactions();
    const key = (i: { Update?: { TableName?: string; Key?: Record<string, unknown> } }) => `${i.Update!.TableName} ${i.Update!.Key!.pk}`;
    expect(items!.map(key)).toEqual([
      'ledger RIDERDAY#wkr_0',
      'ledger RIDERDAY#wkr_1',
      'ledger DAYS#wkr_0',
      expect.stringMatching(/^ledger PDAYS#plt_1#2025-08#00[0-7]$/),
      'ledger DAYS#wkr_1',
      expect.stringMatching(/^ledger PDAYS#plt_1#2025-08#00[0-7]$/),
      expect.stringMatching(/^ledger FEE#plt_1#2025-08#00[0-7]$/),
      'orders BATCH#b-1',
      'orders BATCH#b-2',
    ]);
    expect(items![0]!.Update).toMatchObject({
      Key: { pk: 'RIDERDAY#wkr_0', sk: 'plt_1#2025-08-01' },
      ExpressionAttributeNames: { '#o0': 'O#o-3', '#o1': 'O#o-6' },
      // The compact entry (core encodeRiderDayEntry): accepted at, 30 minutes long, province, industry.
      ExpressionAttributeValues: { ':o0': `${Date.parse('2025-08-01T10:00:00+08:00').toString(36)}.${(30 * 60_000).toString(36)}.110000.I` },
      ConditionExpression: 'attribute_not_exists(#o0) AND attribute_not_exists(#o1)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(items![2]!.Update!.ExpressionAttributeValues![':n']).toBe(2);
    expect(items![6]!.Update!.ExpressionAttributeValues![':n']).toBe(3);
    expect(items![7]!.Update).toMatchObject({ UpdateExpression: 'ADD counted :n', ExpressionAttributeValues: { ':n': 2 } });
    expect(items![8]!.Update!.ExpressionAttributeValues![':n']).toBe(1);
    // Then each batch it touched leaves the open index if complete (the condition decides).
    expect(closes().map((c) => c.args[0].input)).toEqual(
      ['BATCH#b-1', 'BATCH#b-2'].map((pk) =>
        expect.objectContaining({
          Key: { pk },
          UpdateExpression: 'REMOVE unprojected',
          ConditionExpression: 'attribute_exists(unprojected) AND counted >= #n',
        }),
      ),
    );
  });

  it('a record read again finds its rider-day entry: that order is dropped as counted, the others are written once', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(
        cancelled(['ConditionalCheckFailed', 'None', 'None', 'None', 'None', 'None', 'None', 'None'], { 0: { pk: 'RIDERDAY#wkr_0', 'O#o-3': { a: 'x' } } }),
      )
      .resolves({});
    ddb.on(UpdateCommand).resolves({});

    await handler(batch(insert(order(3), 1), insert(order(4), 2)));

    const [first, retry] = transactions();
    expect(first!.filter((i) => i.Update!.Key!.pk.startsWith('RIDERDAY#'))).toHaveLength(2);
    expect(retry!.filter((i) => i.Update!.Key!.pk.startsWith('RIDERDAY#')).map((i) => i.Update!.Key!.pk)).toEqual(['RIDERDAY#wkr_1']);
    expect(retry!.every((i) => !i.Update!.Key!.pk.startsWith('DAYS#wkr_0'))).toBe(true);
    expect(retry!.find((i) => i.Update!.Key!.pk.startsWith('FEE#'))!.Update!.ExpressionAttributeValues![':n']).toBe(1);
    expect(retry!.find((i) => i.Update!.Key!.pk === 'BATCH#b-1')!.Update!.ExpressionAttributeValues![':n']).toBe(1);
  });

  it('reads a cancelled rider-day that came back without its item; a batch that cannot be closed is left to its readers', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(['ConditionalCheckFailed', 'None', 'None', 'None', 'None', 'None']))
      .resolves({});
    ddb.on(GetCommand).resolves({ Item: { pk: 'RIDERDAY#wkr_0', 'O#o-3': { a: 'x' } } });
    ddb.on(UpdateCommand).rejects(new Error('ProvisionedThroughputExceededException'));

    // Every order of the batch is counted already: nothing is written again, and the close is still tried.
    expect(await handler(batch(insert(order(3), 1)))).toEqual({ batchItemFailures: [] });
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input).toMatchObject({ Key: { pk: 'RIDERDAY#wkr_0', sk: 'plt_1#2025-08-01' }, ConsistentRead: true });
    expect(transactions()).toHaveLength(1);
    expect(closes()).toHaveLength(1);
  });

  it('retries a transaction conflict on a counter, and reports the first record of a group that keeps failing', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(['None', 'TransactionConflict']))
      .resolvesOnce({})
      .rejects(new Error('ServiceUnavailable'));

    expect(await handler(batch(insert(order(3), 1)))).toEqual({ batchItemFailures: [] });
    expect(transactions()).toHaveLength(2);
    expect(await handler(batch(insert(order(4), 7)))).toEqual({ batchItemFailures: [{ itemIdentifier: '7' }] });
  });

  it('a finishedAt added re-spans the rider-days without counting or conditions; other changes, removals and batch items change nothing', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    const { finishedAt: _open, ...open } = order(3);
    const finished = { ...open, finishedAt: '2025-08-03T09:00:00+08:00' };
    const counted = { ...finished, expiresAt: 1_790_000_000 };

    await handler(
      batch(
        modify(open, finished, 1),
        modify(finished, counted, 2),
        { eventID: 'e3', eventName: 'REMOVE', dynamodb: { OldImage: marshall(counted), SequenceNumber: '3' } },
        {
          eventID: 'e4',
          eventName: 'INSERT',
          dynamodb: { NewImage: marshall({ pk: 'BATCH#b-9', unprojected: 'plt_1#2025-08', orders: 5, counted: 0 }), SequenceNumber: '4' },
        },
      ),
    );

    const [items] = transactions();
    expect(transactions()).toHaveLength(1);
    expect(items!.map((i) => `${i.Update!.Key!.pk} ${i.Update!.Key!.sk}`)).toEqual([
      'RIDERDAY#wkr_0 plt_1#2025-08-01',
      'RIDERDAY#wkr_0 plt_1#2025-08-02',
      'RIDERDAY#wkr_0 plt_1#2025-08-03',
    ]);
    expect(items!.every((i) => i.Update!.ConditionExpression === undefined)).toBe(true);
    expect(closes()).toHaveLength(0);
  });

  it('an order of 20 days: 8 rider-days in its transaction, the other 12 written before it (idempotent SETs)', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});

    await handler(batch(insert(order(3, { finishedAt: '2025-08-20T09:00:00+08:00' }), 1)));

    expect(transactions()[0]!.filter((i) => i.Update!.Key!.pk.startsWith('RIDERDAY#'))).toHaveLength(8);
    expect(ddb.commandCalls(UpdateCommand).flatMap((c) => (c.args[0].input.Key!.pk.startsWith('RIDERDAY#') ? [c.args[0].input.Key!.sk] : []))).toEqual(
      Array.from({ length: 12 }, (_, i) => `plt_1#2025-08-${String(9 + i).padStart(2, '0')}`),
    );
  });

  it('packs changes in order into transactions of at most 100 actions, each item once per transaction', () => {
    const changes = Array.from({ length: 500 }, (_, i) => ({
      index: i,
      change: { kind: 'count' as const, order: { ...order(i, { workerId: `wkr_${i % 60}`, date: `2025-08-0${1 + (i % 3)}` }) } as never },
    }));
    const groups = planGroups(changes);

    expect(groups.flatMap((g) => g.changes.map((c) => c.index))).toEqual(changes.map((c) => c.index));
    for (const g of groups) {
      const { items } = g.transactItems(0);
      expect(items.length).toBeLessThanOrEqual(100);
      const keys = items.map((i) => `${i.Update.TableName}|${i.Update.Key.pk}|${(i.Update.Key as { sk?: string }).sk}`);
      expect(new Set(keys).size).toBe(keys.length);
    }
    // 40 orders of one rider-day fill one Update: the 41st goes to the next transaction.
    const oneDay = Array.from({ length: 41 }, (_, i) => ({ index: i, change: { kind: 'count' as const, order: order(i, { workerId: 'wkr_x' }) as never } }));
    expect(planGroups(oneDay).map((g) => g.changes.length)).toEqual([40, 1]);
  });
});
