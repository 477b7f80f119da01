/**
 * The domain events (docs/events.md): plain data read by the CDK stack (the bus, its rule, the delivery
 * queue and its DLQ), the local runtime (local/events: the stream poller, the bus, the queue) and the
 * functions (the names they publish and consume). The event schemas themselves are code
 * (functions/_shared/domain-events.ts, zod, versioned).
 */

/** The `source` of every domain event on the bus. */
export const EVENT_SOURCE = 'injury-claims';

/** Env var carrying the domain bus's name (functions that `publish`). */
export const EVENT_BUS_ENV = 'EVENT_BUS_NAME';

/** The detail-types of the domain events (each with a schema version in `detail.version`). */
export const DOMAIN_EVENT_TYPES = [
  'injury_report.created',
  'case.opened',
  'case.status_changed',
  'case.documents_changed',
  'case.reminder_due',
  'payment.status_changed',
  'declaration.closed',
  'credit_record.created',
] as const;
export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

/** The events a platform may subscribe its webhook to (contract "Notifications and webhooks"). */
export const WEBHOOK_EVENT_TYPES = ['injury_report.created', 'case.status_changed', 'declaration.closed', 'credit_record.created'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export interface QueueDefinition {
  /** Env var carrying the queue's URL (functions that `send` to it or `consume` it). */
  readonly envVar: string;
  /** Receives after which SQS moves a message to the queue's DLQ (a consumer that keeps crashing). */
  readonly maxReceiveCount: number;
  readonly description: string;
}

export const QUEUES = {
  webhookDeliveries: {
    envVar: 'WEBHOOK_QUEUE_URL',
    // Above the attempts of the retry schedule (core/webhooks.ts): only a sender that crashes on a message
    // again and again sends it to the DLQ; a receiver that keeps failing ends in the delivery's DEAD state.
    maxReceiveCount: 12,
    description: 'Webhook deliveries to platforms: one message per delivery, retried with backoff (Standard Webhooks)',
  },
} as const satisfies Record<string, QueueDefinition>;
export type QueueId = keyof typeof QUEUES;
export type QueueAccess = 'send' | 'consume';
