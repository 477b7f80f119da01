/**
 * Lambda entry point of the event publisher: a batch of the cases table's stream records (DynamoDB Streams
 * event source mapping in AWS; local/events polls DynamoDB Local's stream) → their domain events on the bus.
 *
 * Partial batch failures: a record whose PutEvents entry failed is reported, and the mapping retries from
 * it (records before it are not published again; those after it are, and consumers are idempotent by
 * event id).
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE } from '../../manifest/events.ts';
import { config } from '../_shared/config.ts';
import { type DomainEvent, domainEventOf } from '../_shared/domain-events.ts';
import { chunk } from '../_shared/db.ts';
import { logger } from '../_shared/observability.ts';
import { traced } from '../_shared/tracing.ts';

const bus = traced(new EventBridgeClient({ maxAttempts: 5 }));

/** PutEvents takes at most 10 entries per call. */
const PUT_EVENTS_LIMIT = 10;

export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const mapped: { sequence: string; event: DomainEvent }[] = [];
  for (const record of event.Records) {
    const domainEvent = domainEventOf(record);
    if (domainEvent) mapped.push({ sequence: record.dynamodb?.SequenceNumber ?? '', event: domainEvent });
  }
  for (const entries of chunk(mapped, PUT_EVENTS_LIMIT)) {
    let failedAt: number | undefined;
    try {
      const result = await bus.send(
        new PutEventsCommand({
          Entries: entries.map(({ event: e }) => ({
            EventBusName: config.eventBusName,
            Source: EVENT_SOURCE,
            DetailType: e.type,
            Detail: JSON.stringify(e),
            Time: new Date(e.occurredAt),
          })),
        }),
      );
      if (result.FailedEntryCount) failedAt = result.Entries?.findIndex((entry) => entry.ErrorCode !== undefined) ?? 0;
    } catch (error) {
      logger.error('PutEvents failed', { errorName: (error as Error).name });
      failedAt = 0;
    }
    if (failedAt !== undefined) {
      const first = entries[Math.max(0, failedAt)]!;
      logger.warn('Domain events not published: the batch is retried from this record', { eventId: first.event.id, type: first.event.type });
      return { batchItemFailures: [{ itemIdentifier: first.sequence }] };
    }
    for (const { event: e } of entries) logger.info('Domain event published', { eventId: e.id, type: e.type });
  }
  return { batchItemFailures: [] };
};
