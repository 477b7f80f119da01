/**
 * The task token the case workflow waits on (CASE#{caseId} / TASK; docs/cases.md): put when the wait
 * begins, read by whoever records the next step, removed with the transition that applies it.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.ts';
import { conditionFailed, ddb } from '../db.ts';
import { taskKey } from './cases-table.ts';

export interface CaseTask {
  readonly token: string;
  readonly since: string;
}

export const caseTasksRepository = {
  async put(caseId: string, token: string, at: string): Promise<void> {
    await ddb.send(new PutCommand({ TableName: config.tables.cases, Item: { ...taskKey(caseId), type: 'Task', caseId, token, since: at } }));
  },

  async get(caseId: string): Promise<CaseTask | undefined> {
    const { Item } = await ddb.send(new GetCommand({ TableName: config.tables.cases, Key: taskKey(caseId), ConsistentRead: true }));
    return Item ? { token: Item.token as string, since: Item.since as string } : undefined;
  },

  /** Removes the task if it still holds `token` (a newer wait's token is kept). */
  async delete(caseId: string, token: string): Promise<void> {
    try {
      await ddb.send(
        new DeleteCommand({
          TableName: config.tables.cases,
          Key: taskKey(caseId),
          ConditionExpression: '#t = :t',
          ExpressionAttributeNames: { '#t': 'token' },
          ExpressionAttributeValues: { ':t': token },
        }),
      );
    } catch (error) {
      if (!conditionFailed(error)) throw error;
    }
  },
};
