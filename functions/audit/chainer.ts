/**
 * Lambda entry point of the audit chainer: a batch of the cases table's stream records (its own DynamoDB
 * Streams event source mapping in AWS; local/events polls DynamoDB Local's stream) → one record per
 * committed change of a chained item on the keyed chain `LEDGER#cases` (functions/_shared/audit-ledger.ts).
 *
 * Exactly once: a record already chained (its `SRC#{eventId}` marker exists) is skipped, so a batch
 * retried after a partial append appends only the rest. Any failure fails the whole batch (no partial
 * report): the mapping retries it, in order, and what was appended is skipped.
 */
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { appendChanges, type TableChange } from '../_shared/audit-ledger.ts';
import { logger } from '../_shared/observability.ts';

const EVENT_NAMES = new Set(['INSERT', 'MODIFY', 'REMOVE']);

/** The stream records as changes; a record without keys or event id is a malformed event, never skipped silently. */
export const changesOf = (event: DynamoDBStreamEvent): TableChange[] =>
  event.Records.map((record) => {
    const d = record.dynamodb;
    const pk = d?.Keys?.pk?.S;
    const sk = d?.Keys?.sk?.S;
    if (!record.eventID || !record.eventName || !EVENT_NAMES.has(record.eventName) || !pk || !sk || !d?.SequenceNumber) {
      throw new Error(`Malformed stream record ${record.eventID ?? '(no id)'}: no keys, event name or sequence number`);
    }
    return {
      eventId: record.eventID,
      eventName: record.eventName as TableChange['eventName'],
      sequenceNumber: d.SequenceNumber,
      ...(d.ApproximateCreationDateTime ? { changedAt: new Date(d.ApproximateCreationDateTime * 1000).toISOString() } : {}),
      keys: { pk, sk },
      ...(d.NewImage ? { newImage: d.NewImage as Record<string, unknown> } : {}),
      ...(d.OldImage ? { oldImage: d.OldImage as Record<string, unknown> } : {}),
    };
  });

export const handler = async (event: DynamoDBStreamEvent): Promise<{ batchItemFailures: [] }> => {
  const result = await appendChanges(changesOf(event));
  if (result.appended > 0 || result.duplicates > 0) {
    logger.info('Audit chain appended', { appended: result.appended, duplicates: result.duplicates, ...(result.head ? { seq: result.head.seq } : {}) });
  }
  return { batchItemFailures: [] };
};
