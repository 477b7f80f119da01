/** Bench helpers: statistics, DynamoDB item sizing, write counting, the cost model, and the raw item format. */
import { describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { quantile, summarize, verdict } from '../../../bench/lib/stats.ts';
import { itemSize, numberSize, writeUnits } from '../../../bench/lib/item-size.ts';
import { addWrites, emptyCounts, writesOf } from '../../../bench/lib/write-counter.ts';
import { costPerMillionOrders, costScenarios, PRICES } from '../../../bench/lib/cost.ts';

vi.hoisted(() => {
  process.env.REGISTRY_TABLE ??= 'registry';
  process.env.ORDERS_TABLE ??= 'orders';
  process.env.LEDGER_TABLE ??= 'ledger';
  process.env.AWS_REGION ??= 'cn-north-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
});

describe('stats', () => {
  it('interpolates quantiles and summarises', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5], 0.99)).toBeCloseTo(4.96);
    expect(summarize([3, 1, 2])).toEqual({ n: 3, median: 2, min: 1, max: 3 });
    expect(verdict(0.79, 0.8, 'atLeast')).toBe('MISS');
    expect(verdict(2, 2, 'atMost')).toBe('pass');
  });
});

describe('item sizes', () => {
  it('follows DynamoDB sizing: names + UTF-8 strings + numbers by significant digits', () => {
    expect(itemSize({ pk: { S: 'abc' } })).toBe(5);
    expect(itemSize({ n: { N: '20' } })).toBe(1 + 2);
    expect(numberSize('12345')).toBe(4);
    expect(itemSize({ s: { S: '北京' } })).toBe(1 + 6);
    expect(writeUnits(1024, false)).toBe(1);
    expect(writeUnits(1025, true)).toBe(4);
  });
});

describe('write counter', () => {
  it('counts transaction items, sizes, WRU and the GSI items puts imply', () => {
    const body = {
      TransactItems: [
        { Put: { TableName: 'orders', Item: { pk: { S: 'p#1' }, wk: { S: 'w' }, at: { S: 'a' }, orderId: { S: '1' } } } },
        {
          Update: {
            TableName: 'ledger',
            Key: { pk: { S: 'a' }, sk: { S: 'b' } },
            UpdateExpression: 'ADD orders :n SET #d = :d',
            ExpressionAttributeNames: { '#d': 'date' },
            ExpressionAttributeValues: { ':n': { N: '20' }, ':d': { S: '2025-08-01' } },
          },
        },
      ],
    };
    const counts = emptyCounts();
    addWrites(counts, 'DynamoDB_20120810.TransactWriteItems', writesOf('DynamoDB_20120810.TransactWriteItems', body), [
      { table: 'orders', keys: ['wk', 'at'], tableKeys: ['pk'], projection: ['orderId'] },
    ]);
    expect(counts).toMatchObject({ calls: 1, items: 2, transactionalItems: 2, wru: 4, gsiItems: 1, byKind: { Put: 1, Update: 1 } });
    expect(counts.byTableBytes.ledger).toBe(6 + 8 + 14);
    expect(counts.gsiBytes).toBe(3 + 3 + 5 + 8);
  });
});

describe('cost model', () => {
  it('charges transactional writes twice and GSI writes once', () => {
    const base = {
      itemWritesPerOrder: 1,
      transactional: true,
      orderItemBytes: 500,
      gsiItemBytes: 300,
      gsiWritesPerOrder: 1,
      readItemsPerOrder: 0,
      counterItemsPerOrder: 0,
      counterItemBytes: 0,
      ordersPerRequest: 1000,
      lambdaMsPerRequest: 0,
      lambdaMemoryMb: 1024,
      hotDays: 30.4 * 13,
      archiveBytesPerOrder: 0,
      logBytesPerRequest: 0,
    };
    const writes = costPerMillionOrders(base).lines[0]!;
    expect(writes.usd).toBeCloseTo(3 * 0.625);
    expect(costPerMillionOrders({ ...base, transactional: false }).lines[0]!.usd).toBeCloseTo(2 * 0.625);
  });

  it('prices provisioned capacity per WCU-hour at the given utilisation, reserved below it', () => {
    const base = {
      itemWritesPerOrder: 1,
      transactional: false,
      orderItemBytes: 500,
      gsiItemBytes: 0,
      gsiWritesPerOrder: 0,
      readItemsPerOrder: 0,
      counterItemsPerOrder: 0,
      counterItemBytes: 0,
      ordersPerRequest: 1000,
      lambdaMsPerRequest: 0,
      lambdaMemoryMb: 1024,
      hotDays: 30.4 * 13,
      archiveBytesPerOrder: 0,
      logBytesPerRequest: 0,
    };
    // 10^6 writes at 100% utilisation need 10^6 WCU-seconds = 277.8 WCU-hours.
    expect(costPerMillionOrders({ ...base, provisionedUtilisation: 1 }).lines[0]!.usd).toBeCloseTo((1e6 / 3600) * PRICES.dynamoProvisionedWcuHour);
    expect(costPerMillionOrders({ ...base, provisionedUtilisation: 0.5 }).lines[0]!.usd).toBeCloseTo((2e6 / 3600) * PRICES.dynamoProvisionedWcuHour);
    expect(costPerMillionOrders({ ...base, provisionedUtilisation: 1, reserved: true }).lines[0]!.usd).toBeLessThan(
      (1e6 / 3600) * PRICES.dynamoProvisionedWcuHour * 0.5,
    );
  });

  it('has one recommended scenario, and each further lever costs less than the one before', () => {
    const base = {
      itemWritesPerOrder: 1.1,
      transactional: true,
      orderItemBytes: 514,
      gsiItemBytes: 320,
      gsiWritesPerOrder: 1,
      readItemsPerOrder: 0.026,
      counterItemsPerOrder: 0.05,
      counterItemBytes: 169,
      ordersPerRequest: 1000,
      lambdaMsPerRequest: 1500,
      lambdaMemoryMb: 1024,
      hotDays: 45,
      archiveBytesPerOrder: 60,
      logBytesPerRequest: 600,
    };
    const scenarios = costScenarios(base);
    expect(scenarios.filter((s) => s.recommended).map((s) => s.id)).toEqual(['C']);
    const total = (id: string) => costPerMillionOrders(scenarios.find((s) => s.id === id)!.inputs).total;
    const chain = ['A', 'B', 'C', 'D', 'E', 'F', 'G'].map(total);
    for (let i = 1; i < chain.length; i++) expect(chain[i]).toBeLessThan(chain[i - 1]!);
    expect(total('C50')).toBeGreaterThan(total('C'));
    // D moves the order put out of the transaction: one write of 1 WRU instead of 2 per order.
    const d = scenarios.find((s) => s.id === 'D')!.inputs;
    expect([d.itemWritesPerOrder, d.singleWritesPerOrder]).toEqual([expect.closeTo(0.1, 9), 1]);
  });
});

describe('raw order items', () => {
  it('are exactly what the orders repository puts', async () => {
    const mock = mockClient(DynamoDBDocumentClient);
    mock.on(TransactWriteCommand).resolves({});
    const { ordersRepository } = await import('../../../functions/_shared/repositories/orders.ts');
    const { orderTableItem, storedOrder } = await import('../../../bench/lib/workload.ts');
    const order = storedOrder('plt_1', 'wkr_1', {
      orderId: 'o-1',
      platformWorkerId: 'rider-1',
      industry: 'INSTANT_DELIVERY',
      province: '110000',
      acceptedAt: '2025-08-04T08:00:00+08:00',
      finishedAt: '2025-08-04T08:30:00+08:00',
    });
    await ordersRepository.writeNew([order], '2026-01-01T00:00:00.000Z', 1);
    const put = mock.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![0]!.Put!.Item;
    expect(orderTableItem(order, '2026-01-01T00:00:00.000Z', put!.batch as string)).toEqual(put);
    mock.restore();
  });
});
