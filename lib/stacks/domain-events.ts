/**
 * The domain events (part of the stateless stack; docs/events.md):
 *
 *   cases table stream ──(event source mapping: bisect, partial failures, retries, DLQ)──▶ eventPublisher
 *   eventPublisher ──PutEvents──▶ the domain bus ──rule (detail-types)──▶ eventConsumer (retries, DLQ)
 *   eventConsumer ──▶ workers' inboxes and SMS (SNS) · webhook deliveries ──SendMessage──▶ delivery queue
 *   delivery queue ──(event source mapping, partial failures)──▶ webhookSender ──▶ platforms' receivers
 *                  └─(after maxReceiveCount)──▶ delivery DLQ
 *
 * with an alarm on each dead-letter queue (the stream's, the rule's and the deliveries') wired to the
 * stage's alarm topic.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, type DynamoEventSourceProps, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_BUS_ENV, EVENT_SOURCE, QUEUES, type QueueId } from '../../manifest/events.ts';
import { DOMAIN_EVENT_FUNCTIONS, type DomainEventFunctionName, type FunctionSpec } from '../../manifest/functions.ts';
import type { StageConfig } from '../config/stage.ts';
import { alarmsTo } from '../constructs/alarms.ts';
import { targetDeadLetterQueue } from '../constructs/dead-letters.ts';
import type { ClaimsFunction } from '../constructs/function.ts';

/** The stream mapping retries a failing batch (bisected) this many times before the records go to its DLQ. */
export const STREAM_RETRY_ATTEMPTS = 10;
/** EventBridge retries a failed consumer invocation this many times before the event goes to the rule's DLQ. */
export const CONSUMER_RETRY_ATTEMPTS = 8;

/**
 * A mapping on the orders table's stream: from the oldest record, batches of up to 1,000, partial failures
 * from the first record not done, bisected, retried, 24 h; the consumer's window, parallelism, DLQ and filter.
 */
const ordersStreamSource = (
  table: ITable,
  own: Required<Pick<DynamoEventSourceProps, 'maxBatchingWindow' | 'parallelizationFactor' | 'onFailure' | 'filters'>>,
) =>
  new DynamoEventSource(table, {
    startingPosition: StartingPosition.TRIM_HORIZON,
    batchSize: 1000,
    bisectBatchOnError: true,
    reportBatchItemFailures: true,
    retryAttempts: STREAM_RETRY_ATTEMPTS,
    maxRecordAge: Duration.hours(24),
    ...own,
  });

export interface DomainEventsProps {
  readonly stage: StageConfig;
  /** The cases table with its stream ARN (a cross-stack reference to the stateful stack). */
  readonly casesTable: ITable;
  /** The orders table with its stream ARN: projected into the counters and rider-days (issue 18). */
  readonly ordersTable: ITable;
  readonly functions: Readonly<Record<DomainEventFunctionName, ClaimsFunction>>;
  /** Every function, with its manifest entry: the publishers, queue senders and SMS senders get their grants. */
  readonly all: readonly { readonly fn: ClaimsFunction; readonly spec: FunctionSpec }[];
  readonly alarmTopic: ITopic;
}

export class DomainEvents extends Construct {
  public readonly bus: EventBus;
  public readonly rule: Rule;
  public readonly queues: Readonly<Record<QueueId, Queue>>;
  /** Dead letters: stream records not published, events the consumer failed on, delivery messages the sender crashed on. */
  public readonly streamDlq: Queue;
  /** Orders-table stream records the projection gave up on (their counts are missing until replayed). */
  public readonly projectionDlq: Queue;
  public readonly archiveDlq: Queue;
  public readonly consumerDlq: Queue;
  public readonly deliveryDlq: Queue;
  public readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: DomainEventsProps) {
    super(scope, id);
    const { stage } = props;
    const fns = props.functions;

    this.bus = new EventBus(this, 'Bus', { eventBusName: `injury-claims-${stage.name}-domain` });

    // ---- Stream → publisher → bus -------------------------------------------------------------
    this.streamDlq = targetDeadLetterQueue(this, 'StreamDlq', stage, 'cases table stream mapping');
    // Every function on the stream (the publisher; the statistics counter, D20) has its own mapping, same settings.
    // Not the audit chainer: its mapping is in lib/stacks/audit.ts (in order, no bisecting, every chained item, its own DLQ).
    const streamFunctions = (Object.keys(DOMAIN_EVENT_FUNCTIONS) as DomainEventFunctionName[]).filter(
      (name) => (DOMAIN_EVENT_FUNCTIONS[name].trigger as { stream?: string }).stream === 'cases' && !(DOMAIN_EVENT_FUNCTIONS[name] as FunctionSpec).audit,
    );
    for (const name of streamFunctions)
      fns[name].function.addEventSource(
        new DynamoEventSource(props.casesTable, {
          startingPosition: StartingPosition.TRIM_HORIZON,
          batchSize: 100,
          maxBatchingWindow: Duration.seconds(1),
          bisectBatchOnError: true,
          reportBatchItemFailures: true,
          retryAttempts: STREAM_RETRY_ATTEMPTS,
          maxRecordAge: Duration.hours(24),
          parallelizationFactor: 1,
          onFailure: new SqsDlq(this.streamDlq),
          // Only the items that can announce something (reports, cases, documents, payments, reminders).
          filters: [FilterCriteria.filter({ dynamodb: { Keys: { sk: { S: FilterRule.or('REPORT', 'CASE') } } } })].concat(
            ['DOC#', 'PAYMENT#', 'REMINDER#'].map((prefix) => FilterCriteria.filter({ dynamodb: { Keys: { sk: { S: FilterRule.beginsWith(prefix) } } } })),
          ),
        }),
      );

    // ---- Orders stream → projection (enrolment days, fee lines, rider-days; issue 18) ---------------
    // Partial failures from the first unwritten group; bisecting isolates a poison record; every retry is
    // exactly-once (the order's rider-day entry). Removals (expiry, archive) never change the counters.
    this.projectionDlq = targetDeadLetterQueue(this, 'ProjectionDlq', stage, 'orders table stream mapping');
    fns.ordersProjector.function.addEventSource(
      ordersStreamSource(props.ordersTable, {
        maxBatchingWindow: Duration.seconds(1),
        parallelizationFactor: 2,
        onFailure: new SqsDlq(this.projectionDlq),
        filters: [FilterCriteria.filter({ eventName: FilterRule.isEqual('INSERT') }), FilterCriteria.filter({ eventName: FilterRule.isEqual('MODIFY') })],
      }),
    );

    // ---- Orders stream → archive (order details expired by TTL; issue 18) ---------------------------
    // Only removals (TTL expiry). Partial failures from the first unwritten object; keys are deterministic
    // (month, platform, first sequence number of the group), so a retried batch overwrites what it wrote.
    this.archiveDlq = targetDeadLetterQueue(this, 'ArchiveDlq', stage, 'orders table stream mapping (archive)');
    fns.ordersArchiver.function.addEventSource(
      ordersStreamSource(props.ordersTable, {
        maxBatchingWindow: Duration.seconds(5),
        parallelizationFactor: 1,
        onFailure: new SqsDlq(this.archiveDlq),
        filters: [FilterCriteria.filter({ eventName: FilterRule.isEqual('REMOVE') })],
      }),
    );

    // ---- Bus → consumer -------------------------------------------------------------------------
    this.consumerDlq = targetDeadLetterQueue(this, 'ConsumerDlq', stage, 'domain bus rule');
    const trigger = DOMAIN_EVENT_FUNCTIONS.eventConsumer.trigger;
    this.rule = new Rule(this, 'ConsumerRule', {
      eventBus: this.bus,
      description: 'Domain events → worker notifications and webhook deliveries (D21)',
      eventPattern: { source: [EVENT_SOURCE], detailType: [...trigger.bus] },
      targets: [
        new LambdaFunction(fns.eventConsumer.function, {
          retryAttempts: CONSUMER_RETRY_ATTEMPTS,
          maxEventAge: Duration.hours(24),
          deadLetterQueue: this.consumerDlq,
        }),
      ],
    });

    // ---- Delivery queue → sender ----------------------------------------------------------------
    this.deliveryDlq = targetDeadLetterQueue(this, 'DeliveryDlq', stage, 'webhook delivery queue');
    const senderTimeout = Duration.seconds(DOMAIN_EVENT_FUNCTIONS.webhookSender.timeoutSeconds);
    const deliveries = new Queue(this, 'DeliveryQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's advice for a Lambda event source: at least six times the function's timeout.
      visibilityTimeout: senderTimeout.plus(senderTimeout).plus(senderTimeout).plus(senderTimeout).plus(senderTimeout).plus(senderTimeout),
      // Longer than the retry schedule (about 27.6 h): a message waiting for its next attempt is never expired.
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deliveryDlq, maxReceiveCount: QUEUES.webhookDeliveries.maxReceiveCount },
      removalPolicy: stage.removalPolicy === RemovalPolicy.RETAIN ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.queues = { webhookDeliveries: deliveries };
    fns.webhookSender.function.addEventSource(new SqsEventSource(deliveries, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 20 }));

    // ---- Grants from the manifest: bus, queues, SMS ----------------------------------------------
    for (const { fn, spec } of props.all) {
      if (spec.publishes) {
        this.bus.grantPutEventsTo(fn.function);
        fn.function.addEnvironment(EVENT_BUS_ENV, this.bus.eventBusName);
      }
      for (const [queueId, access] of Object.entries(spec.queues ?? {}) as [QueueId, 'send' | 'consume'][]) {
        const queue = this.queues[queueId];
        if (access === 'send') queue.grantSendMessages(fn.function);
        else queue.grantConsumeMessages(fn.function);
        fn.function.addEnvironment(QUEUES[queueId].envVar, queue.queueUrl);
      }
      if (spec.sms) {
        // SMS to a phone number has no resource ARN: sns:Publish on "*" minus every topic (it may publish to none).
        fn.function.addToRolePolicy(
          new PolicyStatement({ sid: 'SmsToPhoneNumbers', actions: ['sns:Publish'], notResources: [`arn:${Stack.of(this).partition}:sns:*:*:*`] }),
        );
        Validations.of(fn.role).acknowledge({
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason: 'SMS to a phone number (sns:Publish with PhoneNumber) has no resource ARN; the statement excludes every SNS topic (NotResource).',
        });
      }
    }

    // ---- Alarms ----------------------------------------------------------------------------------
    const { alarm, alarms } = alarmsTo(this, props.alarmTopic);
    const period = Duration.minutes(5);
    alarm(
      'StreamDlqMessages',
      this.streamDlq.metricApproximateNumberOfMessagesVisible({ period }),
      'Cases-table stream records could not be published as domain events: read the DLQ message (shard and sequence range) and replay them (docs/events.md)',
    );
    alarm(
      'ProjectionDlqMessages',
      this.projectionDlq.metricApproximateNumberOfMessagesVisible({ period }),
      'Orders-table stream records the projection gave up on: enrolment days and fees miss those orders and the month stays not caught up; fix the cause and replay the range (docs/events.md)',
    );
    alarm(
      'ArchiveDlqMessages',
      this.archiveDlq.metricApproximateNumberOfMessagesVisible({ period }),
      'Expired orders the archiver gave up on: their details are in no archive object (the stream keeps them 24 h); read the DLQ message (shard and sequence range) and archive that range again (docs/operations.md)',
    );
    alarm(
      'ConsumerDlqMessages',
      this.consumerDlq.metricApproximateNumberOfMessagesVisible({ period }),
      'Domain events the consumer failed on (notifications, webhook deliveries not created): redrive them to the bus (docs/events.md)',
    );
    alarm(
      'WebhookDlqMessages',
      this.deliveryDlq.metricApproximateNumberOfMessagesVisible({ period }),
      'Webhook delivery messages the sender crashed on repeatedly: fix the cause, then redrive them to the delivery queue (docs/events.md)',
    );
    this.alarms = alarms;
  }
}
