/**
 * The statistics counter (D20) with a mocked DynamoDB (aws-sdk-client-mock): what one stream record writes
 * (its marker and the difference of its images, in one transaction), that a redelivered record adds nothing,
 * that the first PAID result moves when an earlier one arrives later, and that a failure is reported as the
 * batch item to retry from — never counted as done.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.CASES_TABLE = 'cases';
  process.env.LEDGER_TABLE = 'ledger';
  process.env.EVENTS_TABLE = 'events';
});

const ddb = mockClient(DynamoDBDocumentClient);
type Handler = typeof import('../../../functions/statistics/counter.ts').handler;
let handler: Handler;

const REPORT = {
  pk: 'REPORT#R1',
  sk: 'REPORT',
  reportId: 'R1',
  platformId: 'plt_1',
  occurredAt: '2026-11-30T23:30:00+08:00',
  injuryDate: '2026-11-30',
  province: '110000',
  place: '北京',
  description: '摔倒',
  coverage: { covered: true, orderId: 'o1', reason: 'COVERED' },
  orders: [{ orderId: 'o1', province: '110000', industry: 'RIDE_HAILING', acceptedAt: '2026-11-30T23:00:00+08:00' }],
  reportedBy: 'p',
  reportedAt: '2026-12-01T01:00:00+08:00',
};
const CASE = { pk: 'CASE#C1', sk: 'CASE', caseId: 'C1', reportId: 'R1', platformId: 'plt_1', province: '110000', injuryDate: '2026-11-30', escalations: [] };
const confirmed = {
  ...CASE,
  confirmation: { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: false, recordedBy: 'h', recordedAt: '2026-12-04T02:00:00Z' },
};
const payment = (status: string, settledAt?: string) => ({
  pk: 'CASE#C1',
  sk: 'PAYMENT#C1-P1',
  paymentId: 'C1-P1',
  caseId: 'C1',
  status,
  amountFen: 500,
  items: [{ item: 'medical', key: 'medical', amountFen: 500 }],
  ...(settledAt ? { settledAt } : {}),
});

let sequence = 0;
const record = (eventID: string, oldImage: Record<string, unknown> | undefined, newImage: Record<string, unknown> | undefined): DynamoDBRecord =>
  ({
    eventID,
    eventName: oldImage ? 'MODIFY' : 'INSERT',
    dynamodb: {
      Keys: marshall({ pk: (newImage ?? oldImage)!.pk, sk: (newImage ?? oldImage)!.sk }) as never,
      SequenceNumber: String(++sequence),
      ...(oldImage ? { OldImage: marshall(oldImage, { removeUndefinedValues: true }) as never } : {}),
      ...(newImage ? { NewImage: marshall(newImage, { removeUndefinedValues: true }) as never } : {}),
    },
  }) as DynamoDBRecord;
const batch = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });
const transactions = () => ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!);
const markerExists = () =>
  new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }] });

beforeAll(async () => {
  ({ handler } = await import('../../../functions/statistics/counter.ts'));
});

beforeEach(() => {
  ddb.reset();
  ddb.on(GetCommand, { TableName: 'cases', Key: { pk: 'REPORT#R1', sk: 'REPORT' } }).resolves({ Item: REPORT });
  ddb.on(GetCommand, { TableName: 'cases', Key: { pk: 'CASE#C1', sk: 'CASE' } }).resolves({ Item: confirmed });
  ddb.on(GetCommand, { TableName: 'ledger' }).resolves({});
  ddb.on(TransactWriteCommand).resolves({});
});

describe('statistics counter (D20)', () => {
  it('counts a new report once: its marker and the ADD in one transaction, in the injury month', async () => {
    expect(await handler(batch(record('e1', undefined, REPORT)))).toEqual({ batchItemFailures: [] });
    const [items] = transactions();
    expect(items).toHaveLength(2);
    expect(items![0]!.Put).toMatchObject({ TableName: 'events', Item: { pk: 'STATMARK#e1', sk: 'STATMARK' }, ConditionExpression: 'attribute_not_exists(pk)' });
    expect(items![1]!.Update).toMatchObject({
      TableName: 'ledger',
      Key: { pk: 'STAT#2026-11', sk: '110000#RIDE_HAILING#plt_1' },
      ExpressionAttributeValues: expect.objectContaining({ ':n0': 1 }),
      ExpressionAttributeNames: expect.objectContaining({ '#f0': 'reports' }),
    });
  });

  it('adds nothing for a change that counts nothing, and reports no failure for a record counted before', async () => {
    await handler(batch(record('e2', REPORT, { ...REPORT, caseId: 'C1' })));
    expect(transactions()).toHaveLength(0);
    ddb.on(TransactWriteCommand).rejects(markerExists());
    expect(await handler(batch(record('e1', undefined, REPORT)))).toEqual({ batchItemFailures: [] });
  });

  it('counts a confirmation by injury month and its days by decision month; an overturn takes them back', async () => {
    await handler(batch(record('e3', CASE, confirmed)));
    const adds = (items: NonNullable<ReturnType<typeof transactions>[number]>) =>
      items.slice(1).flatMap((i) => {
        const u = i.Update!;
        return Object.keys(u.ExpressionAttributeNames!)
          .filter((k) => k.startsWith('#f'))
          .map((k) => `${u.Key!.pk} ${u.ExpressionAttributeNames![k]} ${u.ExpressionAttributeValues![`:n${k.slice(2)}`]}`);
      });
    expect(adds(transactions()[0]!).sort()).toEqual(['STAT#2026-11 confirmed 1', 'STAT#2026-12 dtd:3 1']);
    await handler(batch(record('e4', confirmed, CASE)));
    expect(adds(transactions()[1]!).sort()).toEqual(['STAT#2026-11 confirmed -1', 'STAT#2026-12 dtd:3 -1']);
  });

  it('counts a payment when the bank pays it, with the case’s first payment put only if none was counted', async () => {
    await handler(batch(record('e5', payment('SENT'), payment('PAID', '2026-12-10T02:00:00Z'))));
    const items = transactions()[0]!;
    const fp = items.find((i) => i.Put?.Item?.pk === 'STATFP#C1')!.Put!;
    expect(fp).toMatchObject({ TableName: 'ledger', ConditionExpression: 'attribute_not_exists(pk)', Item: { paidAt: '2026-12-10T02:00:00Z' } });
    const update = items.find((i) => i.Update?.Key?.pk === 'STAT#2026-12')!.Update!;
    expect(Object.values(update.ExpressionAttributeNames!)).toEqual(expect.arrayContaining(['pay:medical', 'dfp:9']));
  });

  it('moves the first payment when an earlier PAID result arrives later, conditional on the one read', async () => {
    ddb.on(GetCommand, { TableName: 'ledger' }).resolves({
      Item: {
        paidAt: '2026-12-20T02:00:00Z',
        increment: { bucket: { month: '2026-12', province: '110000', industry: 'RIDE_HAILING', platformId: 'plt_1' }, field: 'dfp:19', n: 1 },
      },
    });
    await handler(batch(record('e6', payment('SENT'), payment('PAID', '2026-12-10T02:00:00Z'))));
    const items = transactions()[0]!;
    expect(items.find((i) => i.Put?.Item?.pk === 'STATFP#C1')!.Put).toMatchObject({
      ConditionExpression: 'paidAt = :before',
      ExpressionAttributeValues: { ':before': '2026-12-20T02:00:00Z' },
    });
    const update = items.find((i) => i.Update?.Key?.pk === 'STAT#2026-12')!.Update!;
    const byField = Object.fromEntries(
      Object.entries(update.ExpressionAttributeNames!)
        .filter(([k]) => k.startsWith('#f'))
        .map(([k, field]) => [field, update.ExpressionAttributeValues![`:n${k.slice(2)}`]]),
    );
    expect(byField).toEqual({ 'pay:medical': 500, 'dfp:19': -1, 'dfp:9': 1 });
  });

  it('reports the first record that failed (a conflict, a throttle) so the batch is retried from it', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }))
      .resolves({});
    const first = record('e7', undefined, REPORT);
    const second = record('e8', undefined, { ...REPORT, pk: 'REPORT#R2', reportId: 'R2' });
    const result = await handler(batch(first, second));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: first.dynamodb!.SequenceNumber }] });
    expect(transactions()).toHaveLength(1);
  });

  it('never counts a case whose report cannot be read: the record is retried', async () => {
    ddb.on(GetCommand, { TableName: 'cases', Key: { pk: 'REPORT#R1', sk: 'REPORT' } }).resolves({});
    const r = record('e9', CASE, confirmed);
    expect(await handler(batch(r))).toEqual({ batchItemFailures: [{ itemIdentifier: r.dynamodb!.SequenceNumber }] });
    expect(transactions()).toHaveLength(0);
  });
});
