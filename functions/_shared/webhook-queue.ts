/** The webhook delivery queue (SQS in AWS; local/events locally): one message per delivery to attempt. */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { config } from './config.ts';
import { traced } from './tracing.ts';

export const sqs = traced(new SQSClient({ maxAttempts: 5 }));

export interface DeliveryMessage {
  readonly platformId: string;
  readonly deliveryId: string;
}

export const enqueueDelivery = async (message: DeliveryMessage): Promise<void> => {
  await sqs.send(new SendMessageCommand({ QueueUrl: config.queues.webhookDeliveries, MessageBody: JSON.stringify(message) }));
};
