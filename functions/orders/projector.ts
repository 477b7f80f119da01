/**
 * Lambda entry point of the orders projection (issue 18; docs/events.md): the orders table's change stream
 * (its event source mapping in AWS; locally local/events polls DynamoDB Local's stream) → enrolment days,
 * fee lines and rider-day items (repositories/projection.ts), each new order counted exactly once.
 *
 * Records are applied in stream order, packed into transactions, and the write batches they counted are then
 * closed once each if complete; the first group that fails is reported
 * (`ReportBatchItemFailures`: its first record) and the batch is retried from there — groups before it
 * are not written again, and a group written again counts nothing twice (its orders' rider-day entries are there).
 */
import type { AttributeValue, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { orderChange } from '../../core/index.ts';
import { logger } from '../_shared/observability.ts';
import { type IndexedChange, planGroups, projectionRepository } from '../_shared/repositories/projection.ts';

const imageOf = (image: Record<string, AttributeValue> | undefined) => (image ? unmarshall(image as never) : undefined);

export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const changes: IndexedChange[] = [];
  for (const [index, record] of event.Records.entries()) {
    const change = orderChange(imageOf(record.dynamodb?.OldImage), imageOf(record.dynamodb?.NewImage));
    if (change) changes.push({ index, change });
  }
  let counted = 0;
  // The write batches the applied groups counted orders of: closed once, after the groups (if complete).
  const batches = new Set<string>();
  for (const group of planGroups(changes)) {
    try {
      counted += await projectionRepository.applyGroup(group);
      for (const batch of group.batches.keys()) batches.add(batch);
    } catch (error) {
      const first = event.Records[group.changes[0]!.index]!;
      logger.error('Orders not projected: the batch is retried from this record', {
        sequenceNumber: first.dynamodb?.SequenceNumber,
        errorName: (error as Error).name,
        errorMessage: (error as Error).message,
      });
      await projectionRepository.closeBatches(batches);
      return { batchItemFailures: [{ itemIdentifier: first.dynamodb?.SequenceNumber ?? '' }] };
    }
  }
  await projectionRepository.closeBatches(batches);
  logger.info('Orders projected', { records: event.Records.length, changes: changes.length, counted });
  return { batchItemFailures: [] };
};
