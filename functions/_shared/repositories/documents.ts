/**
 * Evidence documents (CASE#{caseId} / DOC#{documentId}; docs/cases.md): created UPLOADING when an upload
 * is requested, settled once by the check after upload (conditional on still being UPLOADING, so a
 * re-delivered event changes nothing), withdrawn with a case transition (casesRepository.transition).
 */
import type { CaseDocument } from '../../../core/index.ts';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.ts';
import { conditionFailed, ddb, queryAll } from '../db.ts';
import { documentKey, strip } from './cases-table.ts';

/** The stored item: `type` is the table's item-type attribute, so the document's type is stored as `documentType`. */
export const documentItem = ({ type, ...d }: CaseDocument) => ({ ...documentKey(d.caseId, d.documentId), type: 'Document', documentType: type, ...d });
export const documentFrom = (i: Record<string, unknown>): CaseDocument => {
  const { documentType, ...rest } = strip<Record<string, unknown>>(i);
  return { ...rest, type: documentType } as CaseDocument;
};

export const documentsRepository = {
  async create(document: CaseDocument): Promise<void> {
    await ddb.send(new PutCommand({ TableName: config.tables.cases, Item: documentItem(document), ConditionExpression: 'attribute_not_exists(pk)' }));
  },

  async get(caseId: string, documentId: string): Promise<CaseDocument | undefined> {
    const { Item } = await ddb.send(new GetCommand({ TableName: config.tables.cases, Key: documentKey(caseId, documentId), ConsistentRead: true }));
    return Item ? documentFrom(Item) : undefined;
  },

  async list(caseId: string): Promise<CaseDocument[]> {
    const items = await queryAll({
      TableName: config.tables.cases,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :doc)',
      ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':doc': 'DOC#' },
      ConsistentRead: true,
    });
    return items.map(documentFrom).sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
  },

  /** Stores the check's verdict if the document is still UPLOADING; false when it was settled before. */
  async settle(checked: CaseDocument): Promise<boolean> {
    try {
      await ddb.send(
        new PutCommand({
          TableName: config.tables.cases,
          Item: documentItem(checked),
          ConditionExpression: '#s = :uploading',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':uploading': 'UPLOADING' },
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  },
};
