/**
 * Assistance requests between provinces (D18), in the cases table (keys in cases-table.ts): one item per
 * request, listed by the province asked (GSI byProvince) and by the deciding province (GSI byStatus). The
 * item carries only the case's non-personal facts, so listing and answering never read the case.
 */
import type { AssistanceRequest } from '../../../core/index.ts';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.ts';
import { conditionFailed, ddb, queryAll } from '../db.ts';
import { assistanceKey, strip } from './cases-table.ts';

/** The request was answered meanwhile (→ 409). */
export class AssistanceAlreadyAnswered extends Error {
  override readonly name = 'AssistanceAlreadyAnswered';
}

const item = (r: AssistanceRequest) => ({
  ...assistanceKey(r.requestId),
  type: 'AssistanceRequest',
  ...r,
  gsi1pk: `ASSIST-FROM#${r.fromProvince}`,
  gsi1sk: `${r.requestedAt}#${r.requestId}`,
  gsi2pk: `ASSIST-TO#${r.province}`,
  gsi2sk: `${r.requestedAt}#${r.requestId}`,
});

export const assistanceRepository = {
  async create(r: AssistanceRequest): Promise<void> {
    await ddb.send(new PutCommand({ TableName: config.tables.cases, Item: item(r), ConditionExpression: 'attribute_not_exists(pk)' }));
  },

  async get(requestId: string): Promise<AssistanceRequest | undefined> {
    const { Item } = await ddb.send(new GetCommand({ TableName: config.tables.cases, Key: assistanceKey(requestId), ConsistentRead: true }));
    return Item?.type === 'AssistanceRequest' ? strip<AssistanceRequest>(Item) : undefined;
  },

  /** Stores the answer once: conditional on no answer yet (a racing second answer → AssistanceAlreadyAnswered). */
  async answer(r: AssistanceRequest): Promise<void> {
    try {
      await ddb.send(
        new PutCommand({ TableName: config.tables.cases, Item: item(r), ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(answer)' }),
      );
    } catch (error) {
      if (conditionFailed(error)) throw new AssistanceAlreadyAnswered(r.requestId);
      throw error;
    }
  },

  /** The requests addressed to (`received`) or sent by (`sent`) these provinces, oldest first per province. */
  async list(provinces: readonly string[], direction: 'received' | 'sent'): Promise<AssistanceRequest[]> {
    const [index, pk, prefix] = direction === 'received' ? ['byProvince', 'gsi2pk', 'ASSIST-TO#'] : ['byStatus', 'gsi1pk', 'ASSIST-FROM#'];
    const pages = await Promise.all(
      provinces.map((province) =>
        queryAll({
          TableName: config.tables.cases,
          IndexName: index,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': pk },
          ExpressionAttributeValues: { ':pk': `${prefix}${province}` },
        }),
      ),
    );
    return pages.flat().map((i) => strip<AssistanceRequest>(i));
  },
};
