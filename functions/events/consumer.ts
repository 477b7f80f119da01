/**
 * Lambda entry point of the domain-event consumer (the bus's rule in AWS; local/events locally): for each
 * event, the worker's notifications (inbox and SMS, D21) and the platforms' webhook deliveries.
 *
 * Idempotent by event id: a notification's and a delivery's keys derive from it, each is stored once
 * (conditional put), and what a crashed earlier run left half done (a delivery not enqueued, an SMS not
 * yet claimed) is finished by the retry, never repeated once done: an SMS is claimed before it is sent, so it
 * goes at most once (a run that crashes between its claim and SNS leaves it SENDING, unsent). A failure throws: EventBridge retries the
 * event, then sends it to the rule's DLQ.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import {
  type CaseRecord,
  caseOpenedNotice,
  checklist,
  deadlinesOf,
  decisionNotice,
  documentsMissingNotice,
  type Notice,
  paymentNotice,
  reminderNotice,
  shanghaiDate,
} from '../../core/index.ts';
import type { WebhookEventType } from '../../manifest/events.ts';
import { type DomainEvent, type EventData, parseDomainEvent } from '../_shared/domain-events.ts';
import { logger } from '../_shared/observability.ts';
import { initPii, pii } from '../_shared/pii.ts';
import { piiFields } from '../_shared/pii-fields.ts';
import { calendarsRepository } from '../_shared/repositories/calendars.ts';
import { casesRepository } from '../_shared/repositories/cases.ts';
import { deliveryIdsOf, eventsRepository, notificationIdOf } from '../_shared/repositories/events.ts';
import { workersRepository } from '../_shared/repositories/workers.ts';
import { smsSender } from '../_shared/sms.ts';
import { enqueueDelivery } from '../_shared/webhook-queue.ts';
import { WEBHOOK_MAX_ATTEMPTS } from '../../core/index.ts';

/** The case's deadline dates by name (Asia/Shanghai), for the texts' "by when". */
const deadlineDates = async (record: CaseRecord): Promise<Record<string, string>> => {
  const calendar = await calendarsRepository.calendar();
  return Object.fromEntries(Object.entries(deadlinesOf(record, calendar, shanghaiDate(new Date()))).map(([k, d]) => [k, d.date]));
};

/** Stores the notice in the worker's inbox once and sends its SMS once (unless the worker has no phone). */
const notify = async (event: DomainEvent, workerId: string | undefined, notice: Notice | undefined): Promise<void> => {
  if (!workerId || !notice) return;
  const notificationId = notificationIdOf(event.id, notice.kind);
  const at = event.occurredAt;
  const created = await eventsRepository.addNotification({
    notificationId,
    workerId,
    at,
    kind: notice.kind,
    text: notice.text,
    caseId: notice.caseId,
    sms: 'PENDING',
  });
  const stored = created ? undefined : await eventsRepository.notification(workerId, at, notificationId);
  if (stored && stored.sms !== 'PENDING') return;
  const profile = await workersRepository.profile(workerId);
  const sender = smsSender();
  if (!profile?.phoneEnc || sender.name === 'none') {
    await eventsRepository.markSms(workerId, at, notificationId, 'NONE');
    return;
  }
  // One run sends it: a redelivered event racing this one, or a retry after a crash, finds it claimed.
  if (!(await eventsRepository.claimSms(workerId, at, notificationId))) return;
  await initPii();
  await sender.send(pii().decrypt(profile.phoneEnc, piiFields.worker(workerId).phone), notice.text);
  await eventsRepository.markSms(workerId, at, notificationId, 'SENT');
  logger.info('Worker notified', { eventId: event.id, kind: notice.kind, notificationId, caseId: notice.caseId, sms: sender.name });
};

/** The webhook delivery of `data` to `platformId`, when its webhook takes `type`: created once, enqueued once. */
const deliver = async (event: DomainEvent, platformId: string, type: WebhookEventType, data: Record<string, unknown>): Promise<void> => {
  const webhook = await eventsRepository.webhook(platformId);
  if (!webhook?.events.includes(type)) return;
  const ids = deliveryIdsOf(event.id, platformId);
  const delivery = await eventsRepository.createDelivery({
    ...ids,
    platformId,
    eventId: event.id,
    type,
    // Standard Webhooks payload: ids only (contract), the same bytes on every attempt.
    body: JSON.stringify({ type, timestamp: event.occurredAt, data }),
    status: 'PENDING',
    attempts: 0,
    attemptLimit: WEBHOOK_MAX_ATTEMPTS,
    enqueued: false,
    createdAt: new Date().toISOString(),
  });
  if (delivery.enqueued) return;
  await enqueueDelivery({ platformId, deliveryId: delivery.deliveryId });
  await eventsRepository.markEnqueued(platformId, delivery.deliveryId);
  logger.info('Webhook delivery enqueued', { eventId: event.id, type, platformId, deliveryId: delivery.deliveryId });
};

const handlers: { [T in DomainEvent['type']]: (event: DomainEvent, data: EventData<T>) => Promise<void> } = {
  'injury_report.created': async (event, d) => {
    await deliver(event, d.platformId, 'injury_report.created', {
      reportId: d.reportId,
      platformId: d.platformId,
      ...(d.platformWorkerId ? { platformWorkerId: d.platformWorkerId } : {}),
      ...(d.workerId ? { workerId: d.workerId } : {}),
    });
  },
  'case.opened': async (event, d) => {
    const record = await casesRepository.get(d.caseId);
    const due = record ? await deadlineDates(record) : {};
    await notify(event, d.workerId, caseOpenedNotice(d.caseId, due.confirmationDue));
    await notify(event, d.workerId, documentsMissingNotice(d.caseId, d.missingDocuments, due.confirmationDue));
  },
  'case.status_changed': async (event, d) => {
    await deliver(event, d.platformId, 'case.status_changed', { caseId: d.caseId, reportId: d.reportId, from: d.from, to: d.to });
    const record = await casesRepository.get(d.caseId);
    if (!record) return;
    // The case as the change left it (a later change may already be stored).
    const then = { ...record, status: d.to };
    await notify(event, d.workerId, decisionNotice(then, await deadlineDates(then)));
  },
  'case.documents_changed': async (event, d) => {
    if (d.to !== 'REJECTED') return;
    const bundle = await casesRepository.bundle(d.caseId);
    if (!bundle) return;
    const due = await deadlineDates(bundle.record);
    await notify(event, bundle.record.workerId, documentsMissingNotice(d.caseId, checklist(bundle.record, bundle.documents).missing, due.confirmationDue));
  },
  'case.reminder_due': async (event, d) => {
    const record = await casesRepository.get(d.caseId);
    await notify(event, record?.workerId, reminderNotice(d.caseId, d));
  },
  'payment.status_changed': async (event, d) => {
    const notice = paymentNotice({ caseId: d.caseId, amountFen: d.amountFen, status: d.to, ...(d.sentAt ? { sentAt: d.sentAt } : {}) }, d.from);
    if (!notice) return;
    const record = await casesRepository.get(d.caseId);
    await notify(event, record?.workerId, notice);
  },
  'declaration.closed': async (event, d) => {
    await deliver(event, d.platformId, 'declaration.closed', d);
  },
  'credit_record.created': async (event, d) => {
    await deliver(event, d.platformId, 'credit_record.created', d);
  },
};

export const handler = async (event: EventBridgeEvent<string, unknown>): Promise<void> => {
  const domainEvent = parseDomainEvent(event.detail);
  logger.appendKeys({ eventId: domainEvent.id, eventType: domainEvent.type });
  try {
    // The keys first, so every case this container reads is opened the same way (field encryption v2).
    await initPii();
    await (handlers[domainEvent.type] as (e: DomainEvent, d: unknown) => Promise<void>)(domainEvent, domainEvent.data);
  } finally {
    logger.removeKeys(['eventId', 'eventType']);
  }
};
