/**
 * The dead-letter queue of an EventBridge target (a rule or a schedule): SQS-managed encryption, TLS only,
 * 14 days to redrive, kept with the stage's data. cdk-nag's SQS3 (a DLQ of its own) does not apply: this
 * queue is the DLQ, and it is alarmed on visible messages by its owner.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config/stage.ts';

export const targetDeadLetterQueue = (scope: Construct, id: string, stage: StageConfig, targets: string): Queue => {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    removalPolicy: stage.removalPolicy === RemovalPolicy.RETAIN ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue is itself the dead-letter queue of the ${targets} (cdk-nag only recognises SQS/Lambda redrive); it is alarmed on visible messages.`,
  });
  return queue;
};
