import { WEBHOOK_EVENT_TYPES } from '../../manifest/events.ts';
import * as z from '../_shared/zod.ts';

export const WebhookRequest = z.withMeta(
  z.strictObject({
    url: z.withMeta(z.string().check(z.minLength(1), z.maxLength(2048)), {
      description: 'The receiver: https to a public address (loopback http is accepted by the local runtime only); no user information.',
    }),
    events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).check(
      z.minLength(1),
      z.maxLength(WEBHOOK_EVENT_TYPES.length),
      z.refine((events) => new Set(events).size === events.length, '事件类型不得重复。'),
    ),
  }),
  { id: 'WebhookRequest' },
);

export const WebhookSecretResponse = z.withMeta(
  z.object({
    secret: z.withMeta(z.string(), {
      description:
        'The signing secret (`whsec_` + base64 of 32 random bytes; the HMAC key is the decoded bytes). Shown in this response only; each PUT issues a new one.',
    }),
  }),
  { id: 'WebhookSecret' },
);

const DeliveryAttemptSchema = z.withMeta(
  z.object({
    deliveryId: z.string(),
    webhookId: z.withMeta(z.string(), { description: 'The `webhook-id` header: the same on every retry and redelivery of the delivery.' }),
    type: z.enum(WEBHOOK_EVENT_TYPES),
    attempt: z.withMeta(z.number(), { description: 'The attempt number of the delivery (1 for the first).' }),
    attemptedAt: z.string(),
    responseStatus: z.optional(z.number()),
    error: z.optional(z.string()),
  }),
  { id: 'WebhookDeliveryAttempt' },
);

export const DeliveriesResponse = z.withMeta(z.object({ items: z.array(DeliveryAttemptSchema) }), { id: 'WebhookDeliveries' });

export const RedeliveryResponse = z.withMeta(z.object({ deliveryId: z.string(), webhookId: z.string(), status: z.literal('PENDING') }), {
  id: 'WebhookRedelivery',
});
