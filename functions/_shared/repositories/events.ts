/**
 * The events table (docs/events.md): what domain events cause, stored so that a redelivered event changes
 * nothing (every key is derived from the event id).
 *
 *   WORKER#{workerId}   / NOTE#{at}#{notificationId}     a notification in the worker's inbox (D21); `sms` tells
 *                                                        whether its SMS is still to send (PENDING), claimed by
 *                                                        the run sending it (SENDING), SENT or NONE
 *   PLATFORM#{platformId} / WEBHOOK                      the platform's webhook: URL, events, the encrypted secret
 *   PLATFORM#{platformId} / DELIVERY#{deliveryId}        one delivery (one event to one platform): its `webhookId`,
 *                                                        the body it signs, status PENDING → DELIVERED | DEAD (| CANCELLED)
 *   PLATFORM#{platformId} / ATTEMPT#{attemptedAt}#{deliveryId}#{n}   one attempt of a delivery (the delivery log)
 */
import { createHash } from 'node:crypto';
import type { NotificationKind } from '../../../core/index.ts';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.ts';
import { conditionFailed, ddb } from '../db.ts';

export interface InboxNotification {
  readonly notificationId: string;
  readonly workerId: string;
  readonly at: string;
  readonly kind: NotificationKind;
  readonly text: string;
  readonly caseId?: string;
  readonly sms: 'PENDING' | 'SENDING' | 'SENT' | 'NONE';
}

export interface WebhookRegistration {
  readonly platformId: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly secretEnc: string;
  readonly createdAt: string;
}

export type DeliveryStatus = 'PENDING' | 'DELIVERED' | 'DEAD' | 'CANCELLED';

export interface Delivery {
  readonly deliveryId: string;
  readonly platformId: string;
  readonly webhookId: string;
  readonly eventId: string;
  readonly type: string;
  /** The JSON body, signed and sent as it is on every attempt. */
  readonly body: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  /** The attempt after which a failure is final (the schedule's end, or one more for a redelivery). */
  readonly attemptLimit: number;
  /** Set once its queue message was sent (a consumer that crashed before sending sends it on the retry). */
  readonly enqueued: boolean;
  readonly createdAt: string;
}

export interface DeliveryAttempt {
  readonly deliveryId: string;
  readonly webhookId: string;
  readonly type: string;
  readonly attempt: number;
  readonly attemptedAt: string;
  readonly responseStatus?: number;
  readonly error?: string;
}

const hash = (text: string, length = 24) => createHash('sha256').update(text).digest('hex').slice(0, length);

/** The ids of a notification or a delivery, derived from the event (so a redelivered event finds the same one). */
export const notificationIdOf = (eventId: string, kind: string) => `ntf_${hash(`${eventId}\u0000${kind}`)}`;
export const deliveryIdsOf = (eventId: string, platformId: string) => {
  const h = hash(`${eventId}\u0000${platformId}`);
  return { deliveryId: `dlv_${h}`, webhookId: `msg_${h}` };
};

const platformPk = (platformId: string) => `PLATFORM#${platformId}`;
const deliveryKey = (platformId: string, deliveryId: string) => ({ pk: platformPk(platformId), sk: `DELIVERY#${deliveryId}` });
const webhookKey = (platformId: string) => ({ pk: platformPk(platformId), sk: 'WEBHOOK' });

const strip = <T>(item: Record<string, unknown>): T => {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as T;
};

export const eventsRepository = {
  /** Stores a notification once (false: it was already stored by an earlier delivery of the event). */
  async addNotification(n: InboxNotification): Promise<boolean> {
    try {
      await ddb.send(
        new PutCommand({
          TableName: config.tables.events,
          Item: { pk: `WORKER#${n.workerId}`, sk: `NOTE#${n.at}#${n.notificationId}`, ...n },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  },

  async notification(workerId: string, at: string, notificationId: string): Promise<InboxNotification | undefined> {
    const { Item } = await ddb.send(
      new GetCommand({ TableName: config.tables.events, Key: { pk: `WORKER#${workerId}`, sk: `NOTE#${at}#${notificationId}` }, ConsistentRead: true }),
    );
    return Item ? strip<InboxNotification>(Item) : undefined;
  },

  /**
   * Claims the notification's SMS for this run (PENDING → SENDING, conditionally): true for exactly one of
   * the runs racing on a redelivered event, so the SMS goes at most once. A run that crashes after its claim
   * leaves it SENDING, unsent (the inbox has the message; docs/events.md says how to find and resend them).
   */
  async claimSms(workerId: string, at: string, notificationId: string): Promise<boolean> {
    try {
      await ddb.send(
        new UpdateCommand({
          TableName: config.tables.events,
          Key: { pk: `WORKER#${workerId}`, sk: `NOTE#${at}#${notificationId}` },
          UpdateExpression: 'SET sms = :sending',
          ConditionExpression: 'sms = :pending',
          ExpressionAttributeValues: { ':sending': 'SENDING', ':pending': 'PENDING' },
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  },

  async markSms(workerId: string, at: string, notificationId: string, sms: 'SENT' | 'NONE'): Promise<void> {
    await ddb.send(
      new UpdateCommand({
        TableName: config.tables.events,
        Key: { pk: `WORKER#${workerId}`, sk: `NOTE#${at}#${notificationId}` },
        UpdateExpression: 'SET sms = :s',
        ExpressionAttributeValues: { ':s': sms },
      }),
    );
  },

  /** The worker's inbox, newest first. */
  async inbox(workerId: string, limit = 100): Promise<InboxNotification[]> {
    const { Items = [] } = await ddb.send(
      new QueryCommand({
        TableName: config.tables.events,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :note)',
        ExpressionAttributeValues: { ':pk': `WORKER#${workerId}`, ':note': 'NOTE#' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return Items.map((i) => strip<InboxNotification>(i));
  },

  async webhook(platformId: string): Promise<WebhookRegistration | undefined> {
    const { Item } = await ddb.send(new GetCommand({ TableName: config.tables.events, Key: webhookKey(platformId), ConsistentRead: true }));
    return Item ? strip<WebhookRegistration>(Item) : undefined;
  },

  async putWebhook(w: WebhookRegistration): Promise<void> {
    await ddb.send(new PutCommand({ TableName: config.tables.events, Item: { ...webhookKey(w.platformId), type: 'Webhook', ...w } }));
  },

  /** Removes the webhook; false when there was none. */
  async deleteWebhook(platformId: string): Promise<boolean> {
    const { Attributes } = await ddb.send(new DeleteCommand({ TableName: config.tables.events, Key: webhookKey(platformId), ReturnValues: 'ALL_OLD' }));
    return Attributes !== undefined;
  },

  /** Creates the delivery once; answers the stored one (created now or by an earlier delivery of the event). */
  async createDelivery(d: Delivery): Promise<Delivery> {
    try {
      await ddb.send(
        new PutCommand({
          TableName: config.tables.events,
          Item: { ...deliveryKey(d.platformId, d.deliveryId), ...d, deliveryType: d.type },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return d;
    } catch (error) {
      if (!conditionFailed(error)) throw error;
      const stored = await eventsRepository.delivery(d.platformId, d.deliveryId);
      if (!stored) throw error;
      return stored;
    }
  },

  async delivery(platformId: string, deliveryId: string): Promise<Delivery | undefined> {
    const { Item } = await ddb.send(new GetCommand({ TableName: config.tables.events, Key: deliveryKey(platformId, deliveryId), ConsistentRead: true }));
    if (!Item) return undefined;
    const { deliveryType, ...rest } = strip<Record<string, unknown>>(Item);
    return { ...rest, type: deliveryType } as unknown as Delivery;
  },

  async markEnqueued(platformId: string, deliveryId: string): Promise<void> {
    await ddb.send(
      new UpdateCommand({
        TableName: config.tables.events,
        Key: deliveryKey(platformId, deliveryId),
        UpdateExpression: 'SET enqueued = :t',
        ExpressionAttributeValues: { ':t': true },
      }),
    );
  },

  /**
   * Records attempt `attempt.attempt` and the delivery's new status, if no other attempt was recorded
   * meanwhile (false: a duplicate message raced this one and won).
   */
  async recordAttempt(platformId: string, attempt: DeliveryAttempt, status: DeliveryStatus): Promise<boolean> {
    try {
      await ddb.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: config.tables.events,
                Key: deliveryKey(platformId, attempt.deliveryId),
                UpdateExpression: 'SET attempts = :n, #s = :s, lastAttemptAt = :at',
                ConditionExpression: 'attempts = :prev AND #s = :pending',
                ExpressionAttributeNames: { '#s': 'status' },
                ExpressionAttributeValues: {
                  ':n': attempt.attempt,
                  ':prev': attempt.attempt - 1,
                  ':s': status,
                  ':at': attempt.attemptedAt,
                  ':pending': 'PENDING',
                },
              },
            },
            {
              Put: {
                TableName: config.tables.events,
                Item: {
                  pk: platformPk(platformId),
                  sk: `ATTEMPT#${attempt.attemptedAt}#${attempt.deliveryId}#${String(attempt.attempt).padStart(3, '0')}`,
                  ...attempt,
                  deliveryType: attempt.type,
                },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error, 0)) return false;
      throw error;
    }
  },

  async cancelDelivery(platformId: string, deliveryId: string): Promise<void> {
    await ddb
      .send(
        new UpdateCommand({
          TableName: config.tables.events,
          Key: deliveryKey(platformId, deliveryId),
          UpdateExpression: 'SET #s = :c',
          ConditionExpression: '#s = :p',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':c': 'CANCELLED', ':p': 'PENDING' },
        }),
      )
      .catch((error: unknown) => {
        if (!conditionFailed(error)) throw error;
      });
  },

  /** A finished delivery (DELIVERED or DEAD) sent once more; false when it is still PENDING. */
  async reopenForRedelivery(platformId: string, deliveryId: string): Promise<boolean> {
    try {
      await ddb.send(
        new UpdateCommand({
          TableName: config.tables.events,
          Key: deliveryKey(platformId, deliveryId),
          UpdateExpression: 'SET #s = :p, attemptLimit = attempts + :one, enqueued = :t',
          ConditionExpression: 'attribute_exists(pk) AND #s <> :p',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':p': 'PENDING', ':one': 1, ':t': true },
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  },

  /** The delivery log (every attempt), newest first. */
  async attempts(platformId: string, limit = 100): Promise<DeliveryAttempt[]> {
    const { Items = [] } = await ddb.send(
      new QueryCommand({
        TableName: config.tables.events,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :a)',
        ExpressionAttributeValues: { ':pk': platformPk(platformId), ':a': 'ATTEMPT#' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return Items.map((i) => {
      const { deliveryType, type: _itemType, ...rest } = strip<Record<string, unknown>>(i);
      return { ...rest, type: deliveryType } as unknown as DeliveryAttempt;
    });
  },
};
