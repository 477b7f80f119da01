/** Payment runs (RUN#{runId} / RUN; docs/cases.md): created once, counted into per payment, finished once. */
import type { PaymentRun } from '../../../core/index.ts';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.ts';
import { conditionFailed, ddb } from '../db.ts';
import { runKey, strip } from './cases-table.ts';

/** A run with this id exists already. */
export class RunExists extends Error {
  override readonly name = 'RunExists';
}

export const paymentRunsRepository = {
  /** Creates the run record; RunExists when the id is taken. */
  async create(run: PaymentRun): Promise<void> {
    try {
      await ddb.send(
        new PutCommand({
          TableName: config.tables.cases,
          Item: { ...runKey(run.runId), type: 'Run', ...run },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (conditionFailed(error)) throw new RunExists(run.runId);
      throw error;
    }
  },

  async get(runId: string): Promise<PaymentRun | undefined> {
    const { Item } = await ddb.send(new GetCommand({ TableName: config.tables.cases, Key: runKey(runId), ConsistentRead: true }));
    return Item ? strip<PaymentRun>(Item) : undefined;
  },

  async finish(runId: string, status: 'SUCCEEDED' | 'FAILED', at: string, error?: string): Promise<void> {
    await ddb.send(
      new UpdateCommand({
        TableName: config.tables.cases,
        Key: runKey(runId),
        UpdateExpression: `SET #s = :s, finishedAt = :at${error ? ', #e = :e' : ''}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#s': 'status', ...(error ? { '#e': 'error' } : {}) },
        ExpressionAttributeValues: { ':s': status, ':at': at, ...(error ? { ':e': error } : {}) },
      }),
    );
  },
};
