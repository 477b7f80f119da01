/**
 * The domain events (docs/events.md): their versioned schemas (zod, the one definition the publisher
 * validates before it publishes and the consumer parses with), and the mapping from a committed change of
 * the cases table (a DynamoDB Streams record) to at most one event.
 *
 * Events come from the data, not from handlers: a write that commits produces its event even if the handler
 * crashes after it, and a write that does not commit produces none. Each event's `id` is its stream
 * record's `eventID`, identical on every redelivery of the record, so every consumer is idempotent by it.
 *
 * Events carry identifiers, statuses, dates and amounts only: never a name, an ID number, a phone number, a
 * bank account or a diagnosis.
 */
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { CASE_STATUSES, type CaseRecord, checklist, DOCUMENT_STATUSES, DOCUMENT_TYPES, PAYMENT_STATUSES } from '../../core/index.ts';
import { DOMAIN_EVENT_TYPES, type DomainEventType } from '../../manifest/events.ts';
import * as z from './zod.ts';

const Id = z.string().check(z.minLength(1), z.maxLength(128));
const Instant = z.string().check(z.minLength(1));
const Status = z.enum(CASE_STATUSES);

/** The data of each event type, version 1. A new version adds a schema here; consumers accept both. */
const EVENT_DATA = {
  'injury_report.created': z.strictObject({
    reportId: Id,
    platformId: Id,
    workerId: z.optional(Id),
    platformWorkerId: z.optional(Id),
    reportedAt: Instant,
  }),
  'case.opened': z.strictObject({
    caseId: Id,
    reportId: Id,
    platformId: Id,
    workerId: z.optional(Id),
    status: Status,
    openedAt: Instant,
    /** The checklist's missing types when the case opened (D13: told at once). */
    missingDocuments: z.array(z.enum(DOCUMENT_TYPES)),
  }),
  'case.status_changed': z.strictObject({
    caseId: Id,
    reportId: Id,
    platformId: Id,
    workerId: z.optional(Id),
    from: Status,
    to: Status,
    version: z.number(),
  }),
  'case.documents_changed': z.strictObject({
    caseId: Id,
    documentId: Id,
    type: z.enum(DOCUMENT_TYPES),
    from: z.optional(z.enum(DOCUMENT_STATUSES)),
    to: z.enum(DOCUMENT_STATUSES),
  }),
  'case.reminder_due': z.strictObject({
    caseId: Id,
    kind: z.enum(['DEADLINE_NEAR', 'CERTIFICATION_DUE']),
    key: Id,
    due: z.string(),
  }),
  'payment.status_changed': z.strictObject({
    paymentId: Id,
    caseId: Id,
    from: z.optional(z.enum(PAYMENT_STATUSES)),
    to: z.enum(PAYMENT_STATUSES),
    amountFen: z.number().check(z.int()),
    sentAt: z.optional(Instant),
  }),
  // D19's month close (DECL#…/DECLARATION turning CLOSED) and credit records (CREDIT#…/CREDIT created).
  'declaration.closed': z.strictObject({ platformId: Id, month: z.string(), declarationId: z.optional(Id) }),
  'credit_record.created': z.strictObject({ platformId: Id, creditRecordId: Id }),
} as const satisfies Record<DomainEventType, z.ZodMiniType>;

export type EventData<T extends DomainEventType> = z.infer<(typeof EVENT_DATA)[T]>;

/** The schema version of every event type published now. */
const EVENT_VERSION = 1;

/** The `detail` of a domain event on the bus. */
const DomainEventDetail = z.strictObject({
  id: Id,
  type: z.enum(DOMAIN_EVENT_TYPES),
  version: z.literal(EVENT_VERSION),
  occurredAt: Instant,
  data: z.record(z.string(), z.unknown()),
});
export type DomainEvent = z.infer<typeof DomainEventDetail>;

/** A detail parsed and its data checked against its type's schema; throws (→ retried, then the DLQ) on a malformed one. */
export const parseDomainEvent = (detail: unknown): DomainEvent => {
  const event = DomainEventDetail.parse(detail);
  EVENT_DATA[event.type].parse(event.data);
  return event;
};

const event = <T extends DomainEventType>(id: string, type: T, occurredAt: string, data: EventData<T>): DomainEvent => ({
  id,
  type,
  version: EVENT_VERSION,
  occurredAt,
  data: EVENT_DATA[type].parse(data) as Record<string, unknown>,
});

const imageOf = (image: Record<string, AttributeValue> | undefined): Record<string, unknown> | undefined => (image ? unmarshall(image as never) : undefined);

const optional = <K extends string>(key: K, value: unknown): { [P in K]?: string } =>
  (typeof value === 'string' && value !== '' ? { [key]: value } : {}) as { [P in K]?: string };

/**
 * The domain event of one committed change of the cases table, or undefined when the change announces
 * nothing (a timeline event, a task token, a ledger, an unchanged status, a removal).
 */
export function domainEventOf(record: DynamoDBRecord): DomainEvent | undefined {
  const id = record.eventID;
  const next = imageOf(record.dynamodb?.NewImage);
  const prev = imageOf(record.dynamodb?.OldImage);
  if (!id || !next || record.eventName === 'REMOVE') return undefined;
  const sk = String(next.sk ?? '');
  const at = record.dynamodb?.ApproximateCreationDateTime
    ? new Date(record.dynamodb.ApproximateCreationDateTime * 1000).toISOString()
    : new Date().toISOString();

  if (sk === 'REPORT' && !prev) {
    return event(id, 'injury_report.created', String(next.reportedAt ?? at), {
      reportId: String(next.reportId),
      platformId: String(next.platformId),
      ...optional('workerId', next.workerId),
      ...optional('platformWorkerId', next.platformWorkerId),
      reportedAt: String(next.reportedAt ?? at),
    });
  }
  if (sk === 'CASE') {
    const c = next as unknown as CaseRecord;
    if (!prev) {
      return event(id, 'case.opened', c.openedAt, {
        caseId: c.caseId,
        reportId: c.reportId,
        platformId: c.platformId,
        ...optional('workerId', c.workerId),
        status: c.status,
        openedAt: c.openedAt,
        missingDocuments: [...checklist(c, []).missing],
      });
    }
    if (prev.status === c.status) return undefined;
    return event(id, 'case.status_changed', at, {
      caseId: c.caseId,
      reportId: c.reportId,
      platformId: c.platformId,
      ...optional('workerId', c.workerId),
      from: prev.status as CaseRecord['status'],
      to: c.status,
      version: c.version,
    });
  }
  if (sk.startsWith('DOC#')) {
    if (prev?.status === next.status) return undefined;
    return event(id, 'case.documents_changed', at, {
      caseId: String(next.caseId),
      documentId: String(next.documentId),
      type: next.documentType as never,
      ...(prev ? { from: prev.status as never } : {}),
      to: next.status as never,
    });
  }
  if (sk.startsWith('PAYMENT#')) {
    if (prev?.status === next.status) return undefined;
    return event(id, 'payment.status_changed', at, {
      paymentId: String(next.paymentId),
      caseId: String(next.caseId),
      ...(prev ? { from: prev.status as never } : {}),
      to: next.status as never,
      amountFen: Number(next.amountFen),
      ...optional('sentAt', next.sentAt),
    });
  }
  // D19: a month becomes CLOSED (by the scheduled close or by closing a reopened month): its bill is final.
  if (sk === 'DECLARATION') {
    if (next.status !== 'CLOSED' || prev?.status === 'CLOSED') return undefined;
    return event(id, 'declaration.closed', at, {
      platformId: String(next.platformId),
      month: String(next.month),
      declarationId: `${String(next.platformId)}#${String(next.month)}`,
    });
  }
  // D19: a credit record is stored (created once; later changes — resolved — announce nothing).
  if (sk === 'CREDIT') {
    if (prev) return undefined;
    return event(id, 'credit_record.created', at, { platformId: String(next.platformId), creditRecordId: String(next.recordId) });
  }
  if (sk.startsWith('REMINDER#') && !prev) {
    return event(id, 'case.reminder_due', at, {
      caseId: String(next.caseId),
      kind: next.kind as never,
      key: String(next.key),
      due: String(next.due),
    });
  }
  return undefined;
}
