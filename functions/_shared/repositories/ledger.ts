/** The ledger table: enrolment days (D3, DAYS#{workerId} / {date}#{platformId}#{province}) and fee counters (D5), written with the orders. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.ts';
import { ddb } from '../db.ts';

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

  /** Fee counters of a platform's month (all shards), one Query (D5). */
  async feeCounts(platformId: string, month: string): Promise<{ province: string; industry: string; date: string; orders: number }[]> {
    const counts: { province: string; industry: string; date: string; orders: number }[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await ddb.send(
        new QueryCommand({
          TableName: config.tables.ledger,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `FEE#${platformId}#${month}` },
          ExclusiveStartKey,
        }),
      );
      for (const i of page.Items ?? []) {
        counts.push({ province: i.province as string, industry: i.industry as string, date: i.date as string, orders: i.orders as number });
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return counts;
  },
};
