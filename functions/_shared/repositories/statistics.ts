/**
 * The statistics counters (D20; docs/reporting.md, docs/data-model.md A30–A32), kept in the `ledger` table:
 *
 * - `STAT#{month}` / `{province}#{industry}#{platformId}`: one item per bucket with number attributes
 *   `reports`, `confirmed`, `overdue`, `dtd:{days}` and `dfp:{days}` (day histograms) and `pay:{item}` (fen),
 *   changed only by `ADD` in `apply`;
 * - `STATFP#{caseId}` / `STATFP`: the case's first `PAID` result counted so far (`paidAt`, and the increment
 *   it made), so that an earlier result found later moves the count instead of adding one;
 * - the marker of each applied stream record, `STATMARK#{eventId}` in the `events` table (expired by TTL
 *   after the stream's 24-hour retention): written in the same transaction as the counters, so a record
 *   redelivered, retried or replayed is counted once.
 */
import { GetCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { StatisticsBucket, StatisticsCounter, StatisticsIncrement } from '../../../core/index.ts';
import { bucketKey } from '../../../core/index.ts';
import { config } from '../config.ts';
import { conditionFailed, ddb, mapLimit, queryAll } from '../db.ts';

/** Markers outlive the stream's 24-hour retention (a record cannot be delivered after that). */
const MARKER_TTL_SECONDS = 3 * 24 * 3600;

/** DynamoDB's limit on the actions of one transaction. */
const MAX_TRANSACTION_ACTIONS = 100;

const statPartition = (month: string) => `STAT#${month}`;
const statSortKey = (b: StatisticsBucket) => `${b.province}#${b.industry}#${b.platformId}`;
const firstPaymentKey = (caseId: string) => ({ pk: `STATFP#${caseId}`, sk: 'STATFP' });

export interface FirstPayment {
  readonly caseId: string;
  readonly paidAt: string;
  readonly increment: StatisticsIncrement;
}

/** A change of the case's first payment: the one stored before (if any) and the new one. */
export interface FirstPaymentChange {
  readonly before?: FirstPayment;
  readonly after: FirstPayment;
}

/** One bucket's `ADD`s (and its dimensions, set when the item is created). */
const bucketUpdate = (bucket: StatisticsBucket, increments: readonly StatisticsIncrement[]) => {
  const names: Record<string, string> = { '#month': 'month', '#province': 'province', '#industry': 'industry', '#platformId': 'platformId' };
  const values: Record<string, unknown> = {
    ':month': bucket.month,
    ':province': bucket.province,
    ':industry': bucket.industry,
    ':platformId': bucket.platformId,
  };
  const adds = increments.map((i, k) => {
    names[`#f${k}`] = i.field;
    values[`:n${k}`] = i.n;
    return `#f${k} :n${k}`;
  });
  return {
    Update: {
      TableName: config.tables.ledger,
      Key: { pk: statPartition(bucket.month), sk: statSortKey(bucket) },
      UpdateExpression: `SET #month = :month, #province = :province, #industry = :industry, #platformId = :platformId ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
};

export const statisticsRepository = {
  /** The first payment counted for a case (consistent read). */
  async firstPayment(caseId: string): Promise<FirstPayment | undefined> {
    const { Item } = await ddb.send(new GetCommand({ TableName: config.tables.ledger, Key: firstPaymentKey(caseId), ConsistentRead: true }));
    return Item ? { caseId, paidAt: Item.paidAt as string, increment: Item.increment as StatisticsIncrement } : undefined;
  },

  /**
   * Applies one stream record's increments exactly once: the record's marker (absent → put), every bucket's
   * `ADD`s and the first-payment change (conditional on what was read) in one transaction. False when the
   * record was applied before (its marker exists): nothing changes. A lost race on the first payment throws
   * (the stream retries the record, which reads again).
   */
  async apply(eventId: string, increments: readonly StatisticsIncrement[], firstPayment?: FirstPaymentChange): Promise<boolean> {
    const byBucket = new Map<string, { bucket: StatisticsBucket; increments: StatisticsIncrement[] }>();
    for (const i of increments) {
      const key = bucketKey(i.bucket);
      const entry = byBucket.get(key) ?? { bucket: i.bucket, increments: [] };
      entry.increments.push(i);
      byBucket.set(key, entry);
    }
    const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [
      {
        Put: {
          TableName: config.tables.events,
          Item: { pk: `STATMARK#${eventId}`, sk: 'STATMARK', expiresAt: Math.floor(Date.now() / 1000) + MARKER_TTL_SECONDS },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...[...byBucket.values()].map(({ bucket, increments: list }) => bucketUpdate(bucket, list)),
    ];
    if (firstPayment) {
      const { before, after } = firstPayment;
      items.push({
        Put: {
          TableName: config.tables.ledger,
          Item: { ...firstPaymentKey(after.caseId), paidAt: after.paidAt, increment: after.increment },
          ...(before
            ? { ConditionExpression: 'paidAt = :before', ExpressionAttributeValues: { ':before': before.paidAt } }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        },
      });
    }
    if (items.length > MAX_TRANSACTION_ACTIONS)
      throw new Error(`a stream record touches ${items.length - 1} statistics items (limit ${MAX_TRANSACTION_ACTIONS - 1})`);
    if (items.length === 1) return false;
    try {
      await ddb.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (conditionFailed(error, 0)) return false;
      throw error;
    }
  },

  /** Every counter of the months, narrowed to a province when one is given (one Query per month). */
  async counters(months: readonly string[], province?: string): Promise<StatisticsCounter[]> {
    const perMonth = await mapLimit(months, 8, (month) =>
      queryAll({
        TableName: config.tables.ledger,
        KeyConditionExpression: province === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :province)',
        ExpressionAttributeValues: { ':pk': statPartition(month), ...(province === undefined ? {} : { ':province': `${province}#` }) },
        ConsistentRead: true,
      }),
    );
    return perMonth.flat().map((item) => {
      const fields: Record<string, number> = {};
      for (const [name, value] of Object.entries(item)) {
        if (typeof value === 'number' && (name === 'reports' || name === 'confirmed' || name === 'overdue' || name.includes(':'))) fields[name] = value;
      }
      return {
        bucket: { month: item.month as string, province: item.province as string, industry: item.industry as string, platformId: item.platformId as string },
        fields,
      };
    });
  },
};
