/** The ledger table: enrolment days (D3, DAYS#{workerId} / {date}#{platformId}#{province}) and fee counters (D5), written with the orders. */
import { config } from '../config.ts';
import { queryAll } from '../db.ts';
import { FEE_COUNTER_SHARDS, feePartitionKey } from './orders.ts';

export interface EnrolmentDay {
  readonly date: string;
  readonly platformId: string;
  readonly province: string;
  readonly orders: number;
}

export const ledgerRepository = {
  async days(workerId: string, from: string, to: string): Promise<EnrolmentDay[]> {
    const items = await queryAll({
      TableName: config.tables.ledger,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': `DAYS#${workerId}`, ':from': from, ':to': `${to}#\uffff` },
    });
    return items.map((i) => ({ date: i.date as string, platformId: i.platformId as string, province: i.province as string, orders: i.orders as number }));
  },

  /**
   * Fee counters of a platform's month (D5): one Query per shard partition, all in parallel. The same
   * (province, industry, date) comes back once per shard that counted it; the caller adds them up.
   */
  async feeCounts(
    platformId: string,
    month: string,
    shards = FEE_COUNTER_SHARDS,
  ): Promise<{ province: string; industry: string; date: string; orders: number }[]> {
    const perShard = await Promise.all(
      Array.from({ length: shards }, async (_, shard) => {
        const items = await queryAll({
          TableName: config.tables.ledger,
          KeyConditionExpression: 'pk = :pk',
          ProjectionExpression: '#p, #i, #d, #n',
          ExpressionAttributeNames: { '#p': 'province', '#i': 'industry', '#d': 'date', '#n': 'orders' },
          ExpressionAttributeValues: { ':pk': feePartitionKey(platformId, month, shard) },
        });
        return items.map((i) => ({ province: i.province as string, industry: i.industry as string, date: i.date as string, orders: i.orders as number }));
      }),
    );
    return perShard.flat();
  },
};
