/**
 * Lambda entry point of the order archive (issue 18; docs/events.md): the orders table's change stream,
 * removals only (its event source mapping filters `eventName: REMOVE`; locally every record comes and the
 * others are skipped here) → the removed order items' old images as gzip JSON lines in the order archive
 * (repositories/order-archive.ts), one object per (month, platform) of the batch.
 *
 * Objects are written in the order of their group's first record; the first that fails is reported
 * (`ReportBatchItemFailures`: its group's first record) and the batch is retried from there. Keys are
 * deterministic (month, platform, first sequence number), so a redelivered batch overwrites its objects.
 * Only order items (core `projectedOrder`) are archived; nothing else is read or written.
 */
import type { AttributeValue, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { projectedOrder } from '../../core/index.ts';
import { logger } from '../_shared/observability.ts';
import { archiveKey, orderArchive } from '../_shared/repositories/order-archive.ts';

interface Group {
  readonly key: string;
  readonly sequenceNumber: string;
  readonly items: Record<string, unknown>[];
}

/** The removed order items of a batch, grouped by (month, platform), in the order of each group's first record. */
const groupsOf = (event: DynamoDBStreamEvent): Group[] => {
  const groups = new Map<string, Group>();
  for (const record of event.Records) {
    if (record.eventName !== 'REMOVE' || !record.dynamodb?.OldImage) continue;
    const item = unmarshall(record.dynamodb.OldImage as Record<string, AttributeValue> as never) as Record<string, unknown>;
    const order = projectedOrder(item);
    if (!order) continue;
    const month = order.date.slice(0, 7);
    const id = `${month}|${order.platformId}`;
    const sequenceNumber = record.dynamodb.SequenceNumber ?? '';
    const group = groups.get(id) ?? { key: archiveKey(month, order.platformId, sequenceNumber), sequenceNumber, items: [] };
    group.items.push(item);
    groups.set(id, group);
  }
  return [...groups.values()];
};

export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const groups = groupsOf(event);
  for (const group of groups) {
    try {
      await orderArchive.put(group.key, group.items);
    } catch (error) {
      logger.error('Expired orders not archived: the batch is retried from this record', {
        sequenceNumber: group.sequenceNumber,
        key: group.key,
        errorName: (error as Error).name,
        errorMessage: (error as Error).message,
      });
      return { batchItemFailures: [{ itemIdentifier: group.sequenceNumber }] };
    }
  }
  if (groups.length > 0) {
    logger.info('Expired orders archived', { records: event.Records.length, objects: groups.length, orders: groups.reduce((n, g) => n + g.items.length, 0) });
  }
  return { batchItemFailures: [] };
};
