/** The ledger table: enrolment days (D3, DAYS#{workerId} / {date}#{platformId}#{province}) and fee counters (D5), written with the orders. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.ts';
import { ddb } from '../db.ts';
import { FEE_COUNTER_SHARDS, feePartitionKey } from './orders.ts';

export interface EnrolmentDay {
  readonly date: string;
  readonly platformId: string;
  readonly province: string;
  readonly orders: number;
}

export const ledgerRepository = {
  async days(workerId: string, from: string, to: string): Promise<EnrolmentDay[]> {
    const days: EnrolmentDay[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await ddb.send(
        new QueryCommand({
          TableName: config.tables.ledger,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': `DAYS#${workerId}`, ':from': from, ':to': `${to}#\uffff` },
          ExclusiveStartKey,
        }),
      );
      for (const i of page.Items ?? []) {
        days.push({ date: i.date as string, platformId: i.platformId as string, province: i.province as string, orders: i.orders as number });
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return days;
  },

  /**
   * Fee counters of a platform's month (D5): one Query per shard partition, all in parallel. The same
   * (province, industry, date) comes back once per shard that counted it; the caller adds them up.
   */
  async feeCounts(platformId: string, month: string, shards = FEE_COUNTER_SHARDS): Promise<{ province: string; industry: string; date: string; orders: number }[]> {
    const perShard = await Promise.all(
      Array.from({ length: shards }, async (_, shard) => {
        const counts: { province: string; industry: string; date: string; orders: number }[] = [];
        let ExclusiveStartKey: Record<string, unknown> | undefined;
        do {
          const page = await ddb.send(
            new QueryCommand({
              TableName: config.tables.ledger,
              KeyConditionExpression: 'pk = :pk',
              ProjectionExpression: '#p, #i, #d, #n',
              ExpressionAttributeNames: { '#p': 'province', '#i': 'industry', '#d': 'date', '#n': 'orders' },
              ExpressionAttributeValues: { ':pk': feePartitionKey(platformId, month, shard) },
              ExclusiveStartKey,
            }),
          );
          for (const i of page.Items ?? []) {
            counts.push({ province: i.province as string, industry: i.industry as string, date: i.date as string, orders: i.orders as number });
          }
          ExclusiveStartKey = page.LastEvaluatedKey;
        } while (ExclusiveStartKey);
        return counts;
      }),
    );
    return perShard.flat();
  },
};
