/**
 * The domain events in CDK (docs/events.md): the cases table's stream → the publisher (event source
 * mapping) → one bus → the consumer's rule; the webhook delivery queue with its DLQ → the sender; the SMS
 * permission; an alarm on every dead-letter queue.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSUMER_RETRY_ATTEMPTS, STREAM_RETRY_ATTEMPTS } from '../../lib/stacks/domain-events.ts';
import { DOMAIN_EVENT_TYPES, EVENT_SOURCE, QUEUES } from '../../manifest/events.ts';
import { ALL_FUNCTIONS, type AnyFunctionName } from '../../manifest/functions.ts';
import { buildTestApp, type BuiltApp } from './app-fixture.ts';

type Resource = { Type: string; Properties: Record<string, any> };

describe('domain events (prod)', () => {
  let built: BuiltApp;
  let template: Template;
  let stateful: Template;
  let resources: Record<string, Resource>;
  const logicalId = (name: AnyFunctionName) => built.stateless.getLogicalId(built.stateless.functionNamed(name).function.node.defaultChild as never);
  const policyOf = (name: AnyFunctionName) => {
    const roleId = built.stateless.getLogicalId(built.stateless.functionNamed(name).role.node.defaultChild as never);
    return Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((ref: { Ref: string }) => ref.Ref === roleId))
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Record<string, any>[]);
  };

  beforeAll(() => {
    built = buildTestApp('prod');
    template = Template.fromStack(built.stateless);
    stateful = Template.fromStack(built.stateful);
    resources = template.toJSON().Resources;
  });
  afterAll(() => built?.dispose());

  it('streams the cases table and the orders table (new and old images), and only those', () => {
    for (const table of ['cases', 'orders'])
      stateful.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: `injury-claims-prod-${table}`,
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      });
    const streamed = Object.values(stateful.toJSON().Resources as Record<string, Resource>).filter(
      (r) => r.Type === 'AWS::DynamoDB::Table' && r.Properties.StreamSpecification,
    );
    expect(streamed).toHaveLength(2);
  });

  it('maps the orders stream to the projection: oldest record first, bisecting, item failures, retries, its own DLQ; no removals (issue 18)', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId('ordersProjector') },
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: STREAM_RETRY_ATTEMPTS,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'] }) }, { Pattern: JSON.stringify({ eventName: ['MODIFY'] }) }] },
    });
    const mappings = Object.values(resources).filter(
      (r) => r.Type === 'AWS::Lambda::EventSourceMapping' && r.Properties.FunctionName?.Ref === logicalId('ordersProjector'),
    );
    expect(mappings).toHaveLength(1);
    // Not the cases table's stream (the other mappings').
    const casesMapping = Object.values(resources).find(
      (r) => r.Type === 'AWS::Lambda::EventSourceMapping' && r.Properties.FunctionName?.Ref === logicalId('eventPublisher'),
    );
    expect(JSON.stringify(mappings[0]!.Properties.EventSourceArn)).not.toEqual(JSON.stringify(casesMapping!.Properties.EventSourceArn));
  });

  it('maps the orders stream to the archiver too: removals only (TTL expiry), item failures, retries, its own DLQ (issue 18)', () => {
    const mappings = Object.values(resources).filter(
      (r) => r.Type === 'AWS::Lambda::EventSourceMapping' && r.Properties.FunctionName?.Ref === logicalId('ordersArchiver'),
    );
    expect(mappings).toHaveLength(1);
    expect(mappings[0]!.Properties).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: STREAM_RETRY_ATTEMPTS,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [built.stateless.getLogicalId(built.stateless.domainEvents.archiveDlq.node.defaultChild as never), 'Arn'] } },
      },
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['REMOVE'] }) }] },
    });
    const projector = Object.values(resources).find(
      (r) => r.Type === 'AWS::Lambda::EventSourceMapping' && r.Properties.FunctionName?.Ref === logicalId('ordersProjector'),
    );
    // The same stream as the projection's.
    expect(JSON.stringify(mappings[0]!.Properties.EventSourceArn)).toEqual(JSON.stringify(projector!.Properties.EventSourceArn));
  });

  it('maps the stream to the publisher from the oldest record, bisecting, reporting item failures, with retries and a DLQ', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId('eventPublisher') },
      EventSourceArn: Match.anyValue(),
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: STREAM_RETRY_ATTEMPTS,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      FilterCriteria: { Filters: Match.arrayWith([{ Pattern: JSON.stringify({ dynamodb: { Keys: { sk: { S: ['REPORT', 'CASE'] } } } }) }]) },
    });
    const mapping = Object.values(resources).find((r) => r.Type === 'AWS::Lambda::EventSourceMapping' && r.Properties.StartingPosition);
    // The stream ARN is the stateful stack's (a cross-stack import), not a table of this stack.
    expect(JSON.stringify(mapping!.Properties.EventSourceArn)).toMatch(/Fn::(ImportValue|GetStackOutput)/);
  });

  it('maps the stream to the statistics counter too, with the same retries, item failures and DLQ (D20)', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId('statisticsCounter') },
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: STREAM_RETRY_ATTEMPTS,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  it('has one bus; only the publisher may put events on it; its rule sends every domain event type to the consumer with retries and a DLQ', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'injury-claims-prod-domain' });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.anyValue(),
      EventPattern: { source: [EVENT_SOURCE], 'detail-type': [...DOMAIN_EVENT_TYPES] },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalId('eventConsumer'), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: CONSUMER_RETRY_ATTEMPTS, MaximumEventAgeInSeconds: 86_400 },
          DeadLetterConfig: { Arn: Match.anyValue() },
        }),
      ],
    });
    const putters = (Object.keys(ALL_FUNCTIONS) as AnyFunctionName[]).filter((name) =>
      policyOf(name).some((s) => [s.Action].flat().includes('events:PutEvents')),
    );
    expect(putters).toEqual(['eventPublisher']);
    expect(resources[logicalId('eventPublisher')]!.Properties.Environment.Variables.EVENT_BUS_NAME).toEqual({ Ref: expect.stringMatching(/^DomainEventsBus/) });
  });

  it('runs webhook deliveries on an encrypted queue with a DLQ after maxReceiveCount, consumed by the sender with partial batch failures', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: QUEUES.webhookDeliveries.maxReceiveCount },
      MessageRetentionPeriod: 4 * 86_400,
      VisibilityTimeout: 6 * 30,
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId('webhookSender') },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
    });
    const senders = (Object.keys(ALL_FUNCTIONS) as AnyFunctionName[]).filter((name) =>
      policyOf(name).some((s) => [s.Action].flat().includes('sqs:SendMessage')),
    );
    // The consumer (new deliveries), the webhooks routes (redelivery), and the streams' functions — the publisher, the
    // statistics counter, the audit chainer, the orders projector and archiver — (their stream mappings' on-failure DLQs).
    expect(senders.sort()).toEqual(['auditChainer', 'eventConsumer', 'eventPublisher', 'ordersArchiver', 'ordersProjector', 'statisticsCounter', 'webhooks']);
    expect(policyOf('webhookSender').some((s) => [s.Action].flat().includes('sqs:ChangeMessageVisibility'))).toBe(true);
  });

  it('lets only the consumer send SMS, to phone numbers and no topic', () => {
    const sms = (Object.keys(ALL_FUNCTIONS) as AnyFunctionName[]).filter((name) => policyOf(name).some((s) => s.Action === 'sns:Publish'));
    expect(sms).toEqual(['eventConsumer']);
    const statement = policyOf('eventConsumer').find((s) => s.Action === 'sns:Publish')!;
    expect(statement.Resource).toBeUndefined();
    expect(statement.NotResource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:*:*:*']] });
    expect(resources[logicalId('eventConsumer')]!.Properties.Environment.Variables.SMS_SENDER).toBe('sns');
  });

  it('only https receivers, the full retry schedule and the 10 s timeout in AWS', () => {
    for (const name of ['webhooks', 'webhookSender'] as const)
      expect(resources[logicalId(name)]!.Properties.Environment.Variables.WEBHOOK_ALLOW_LOOPBACK).toBe('false');
    const sender = resources[logicalId('webhookSender')]!.Properties.Environment.Variables;
    expect(sender.WEBHOOK_RETRY_COMPRESSION).toBe('1');
    expect(sender.WEBHOOK_TIMEOUT_MS).toBe('10000');
  });

  it('alarms on each dead-letter queue (stream, projection, archive, consumer, webhook deliveries) to the alarm topic', () => {
    const alarms = built.stateless.domainEvents.alarms;
    expect(alarms).toHaveLength(5);
    const { streamDlq, projectionDlq, archiveDlq, consumerDlq, deliveryDlq } = built.stateless.domainEvents;
    for (const dlq of [streamDlq, projectionDlq, archiveDlq, consumerDlq, deliveryDlq]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [built.stateless.getLogicalId(dlq.node.defaultChild as never), 'QueueName'] } }],
        AlarmActions: [{ Ref: Match.anyValue() }],
        Threshold: 1,
      });
    }
  });
});
