/**
 * Route group `webhooks` (that platform only, D21): PUT/DELETE /v1/platforms/{platformId}/webhook,
 * GET …/webhook/deliveries (the delivery log) and POST …/deliveries/{deliveryId}/redelivery.
 */
import { randomBytes } from 'node:crypto';
import { isLoopback, isPrivateAddress } from '../_shared/network.ts';
import { checkWebhookUrl, WEBHOOK_RULES } from '../../core/index.ts';
import { type Principal, requireRole } from '../_shared/auth.ts';
import { config } from '../_shared/config.ts';
import { httpHandler } from '../_shared/http.ts';
import { logger } from '../_shared/observability.ts';
import { pii } from '../_shared/pii.ts';
import { piiFields } from '../_shared/pii-fields.ts';
import { badRequest, notFound, problem } from '../_shared/problem.ts';
import { eventsRepository } from '../_shared/repositories/events.ts';
import { enqueueDelivery } from '../_shared/webhook-queue.ts';
import { WebhookRequest } from './schemas.ts';

/** That platform, and nobody else (404: another platform's webhook is not visible). */
const ownPlatform = (principal: Principal, platformId: string): string => {
  requireRole(principal, ['platform']);
  if (principal.platformId !== platformId) throw notFound();
  return platformId;
};

export const handler = httpHandler({
  'PUT /v1/platforms/{platformId}/webhook': async (ctx) => {
    const platformId = ownPlatform(ctx.principal(), ctx.path('platformId'));
    const request = ctx.body(WebhookRequest);
    const checked = checkWebhookUrl(request.url, { allowLoopbackHttp: config.webhooks.allowLoopback, isLoopback, isPrivate: isPrivateAddress });
    if (!checked.ok) throw badRequest([{ path: 'url', message: checked.message }]);
    const secret = `whsec_${randomBytes(WEBHOOK_RULES.secretBytes).toString('base64')}`;
    await eventsRepository.putWebhook({
      platformId,
      url: checked.url,
      events: request.events,
      secretEnc: pii().encrypt(secret, piiFields.webhookSecret(platformId)),
      createdAt: new Date().toISOString(),
    });
    logger.info('Webhook registered', { platformId, events: request.events });
    // The secret is in this response only: stored encrypted, never logged.
    return { status: 200, body: { secret } };
  },
  'DELETE /v1/platforms/{platformId}/webhook': async (ctx) => {
    const platformId = ownPlatform(ctx.principal(), ctx.path('platformId'));
    if (!(await eventsRepository.deleteWebhook(platformId))) throw notFound();
    logger.info('Webhook removed', { platformId });
    return { status: 204 };
  },
  'GET /v1/platforms/{platformId}/webhook/deliveries': async (ctx) => {
    const platformId = ownPlatform(ctx.principal(), ctx.path('platformId'));
    return { status: 200, body: { items: await eventsRepository.attempts(platformId) } };
  },
  'POST /v1/platforms/{platformId}/webhook/deliveries/{deliveryId}/redelivery': async (ctx) => {
    const platformId = ownPlatform(ctx.principal(), ctx.path('platformId'));
    const deliveryId = ctx.path('deliveryId');
    const delivery = await eventsRepository.delivery(platformId, deliveryId);
    if (!delivery) throw notFound();
    if (!(await eventsRepository.reopenForRedelivery(platformId, deliveryId))) throw problem('DELIVERY_PENDING');
    await enqueueDelivery({ platformId, deliveryId });
    logger.info('Webhook redelivery enqueued', { platformId, deliveryId });
    return { status: 202, body: { deliveryId, webhookId: delivery.webhookId, status: 'PENDING' } };
  },
});
