/**
 * Lambda entry point of the webhook sender (SQS event source mapping on the delivery queue, partial batch
 * failures; local/events runs the queue locally): one signed POST per delivery message (Standard
 * Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature`), every message of a batch at once, so a
 * receiver that hangs (up to the 10 s timeout) or fails delays no other platform's delivery.
 *
 * A 2xx answer → DELIVERED. Anything else — another status, a redirect, a timeout, a closed connection, an
 * address that resolves to a private network — is a failed attempt, logged in the delivery log; the message
 * comes back after the schedule's next wait (ChangeMessageVisibility, then a reported batch failure), with
 * the same `webhook-id` and body. After the schedule (about 27.6 h, core/webhooks.ts) the delivery is DEAD:
 * kept in the log, sent again only by a redelivery. A sender that crashes on a message again and again
 * leaves it to SQS's redrive into the DLQ (alarmed).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import { Webhook } from 'standardwebhooks';
import { retryDelaySeconds } from '../../core/index.ts';
import { config } from '../_shared/config.ts';
import { guardedLookup, isLoopback, isPrivateAddress } from '../_shared/network.ts';
import { logger } from '../_shared/observability.ts';
import { initPii, pii } from '../_shared/pii.ts';
import { piiFields } from '../_shared/pii-fields.ts';
import { type Delivery, eventsRepository } from '../_shared/repositories/events.ts';
import { type DeliveryMessage, sqs } from '../_shared/webhook-queue.ts';
import * as z from '../_shared/zod.ts';
import { businessMetrics } from '../_shared/metrics.ts';

const Message = z.strictObject({ platformId: z.string(), deliveryId: z.string() });

type Outcome = { readonly responseStatus?: number; readonly error?: string };

/**
 * One signed POST. The name is resolved by the connection itself through `guardedLookup`, which refuses a
 * private address: the address checked is the address connected to (a name that resolved to a public
 * address for a check and to 169.254.169.254 for the fetch after it no longer gets through). An address
 * literal is not looked up, so it is checked here. No redirect is followed (a 3xx is a failed attempt).
 */
const post = (target: URL, headers: Record<string, string>, body: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const allowLoopback = config.webhooks.allowLoopback;
    const host = target.hostname;
    if (/^[\d.]+$|^\[/.test(host) && isPrivateAddress(host) && !(allowLoopback && isLoopback(host))) {
      reject(Object.assign(new Error('the receiver is a private address'), { code: 'PRIVATE_ADDRESS' }));
      return;
    }
    const req = (target.protocol === 'https:' ? httpsRequest : httpRequest)(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: guardedLookup(allowLoopback),
        signal: AbortSignal.timeout(config.webhooks.timeoutMs),
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(body);
  });

const send = async (delivery: Delivery, url: string, secret: string): Promise<Outcome> => {
  const target = new URL(url);
  try {
    const now = new Date();
    const signature = new Webhook(secret).sign(delivery.webhookId, now, delivery.body);
    const status = await post(
      target,
      {
        'content-type': 'application/json',
        'user-agent': 'injury-claims-webhooks/1',
        'webhook-id': delivery.webhookId,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': signature,
      },
      delivery.body,
    );
    return { responseStatus: status };
  } catch (error) {
    const e = error as Error & { code?: string; cause?: { name?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError' || e.cause?.name === 'TimeoutError')
      return { error: `no answer within ${config.webhooks.timeoutMs} ms` };
    if (e.code === 'PRIVATE_ADDRESS') return { error: 'the receiver resolves to a private address' };
    return { error: e.code ? `connection failed (${e.code})` : `connection failed (${e.name})` };
  }
};

/** Attempts one delivery; the seconds until the next attempt, or undefined when done (delivered, dead, gone). */
const attempt = async (message: DeliveryMessage): Promise<number | undefined> => {
  const delivery = await eventsRepository.delivery(message.platformId, message.deliveryId);
  if (delivery?.status !== 'PENDING') return undefined;
  const webhook = await eventsRepository.webhook(message.platformId);
  if (!webhook) {
    await eventsRepository.cancelDelivery(message.platformId, message.deliveryId);
    return undefined;
  }
  await initPii();
  const outcome = await send(delivery, webhook.url, pii().decrypt(webhook.secretEnc, piiFields.webhookSecret(message.platformId)));
  const n = delivery.attempts + 1;
  const ok = outcome.responseStatus !== undefined && outcome.responseStatus >= 200 && outcome.responseStatus < 300;
  const wait = ok || n >= delivery.attemptLimit ? undefined : retryDelaySeconds(n, config.webhooks.retryCompression);
  const status = ok ? 'DELIVERED' : wait === undefined ? 'DEAD' : 'PENDING';
  const recorded = await eventsRepository.recordAttempt(
    message.platformId,
    {
      deliveryId: delivery.deliveryId,
      webhookId: delivery.webhookId,
      type: delivery.type,
      attempt: n,
      attemptedAt: new Date().toISOString(),
      ...(outcome.responseStatus !== undefined ? { responseStatus: outcome.responseStatus } : {}),
      ...(outcome.error ? { error: outcome.error } : {}),
    },
    status,
  );
  const log = { platformId: message.platformId, deliveryId: delivery.deliveryId, webhookId: delivery.webhookId, attempt: n, status, ...outcome };
  // One failed attempt, counted once: a retried message whose attempt was already recorded counts nothing.
  if (!ok && recorded) businessMetrics.webhookDeliveryFailed();
  if (ok) logger.info('Webhook delivered', log);
  else if (status === 'DEAD') logger.error('Webhook delivery dead after its last attempt', log);
  else logger.warn('Webhook attempt failed: retried', { ...log, retryInSeconds: wait });
  return recorded ? wait : undefined;
};

const handleRecord = async (record: SQSRecord): Promise<string | undefined> => {
  try {
    const wait = await attempt(Message.parse(JSON.parse(record.body)));
    if (wait === undefined) return undefined;
    await sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: config.queues.webhookDeliveries, ReceiptHandle: record.receiptHandle, VisibilityTimeout: wait }),
    );
    return record.messageId;
  } catch (error) {
    logger.error('Webhook message failed: SQS retries it', {
      messageId: record.messageId,
      errorName: (error as Error).name,
      errorMessage: (error as Error).message,
    });
    return record.messageId;
  }
};

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const failed = await Promise.all(event.Records.map(handleRecord));
  return { batchItemFailures: failed.filter((id): id is string => id !== undefined).map((itemIdentifier) => ({ itemIdentifier })) };
};
