import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OBJECT_CREATED_MAX_EVENT_AGE, OBJECT_CREATED_RETRY_ATTEMPTS } from '../../lib/stacks/document-events.ts';
import { type BucketAccess, BUCKETS, type BucketId } from '../../manifest/buckets.ts';
import { ALL_FUNCTIONS, type AnyFunctionName, EVENT_FUNCTIONS } from '../../manifest/functions.ts';
import { buildTestApp, type BuiltApp } from './app-fixture.ts';

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Principal?: unknown; Condition?: Record<string, any>; Sid?: string };

const actionsOf = (s: Statement): string[] => [s.Action].flat();
const ALL = Object.keys(ALL_FUNCTIONS) as AnyFunctionName[];
const BUCKET_IDS = Object.keys(BUCKETS) as BucketId[];

/** `injury-claims-<stage>-<id>-<account>-<region>` as CloudFormation renders it in an environment-agnostic stack. */
const renderedBucketName = (stage: string, id: BucketId) => ({
  'Fn::Join': ['', [`injury-claims-${stage}-${id}-`, { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }]],
});

describe('documents, stateless stack (prod)', () => {
  let built: BuiltApp;
  let resources: Record<string, Resource>;
  const idOf = (construct: { node: { defaultChild?: unknown } }): string => built.stateless.getLogicalId(construct.node.defaultChild as never);
  const statementsOf = (name: AnyFunctionName): Statement[] => {
    const roleId = idOf(built.stateless.functionNamed(name).role);
    return Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as { Ref: string }[]).some((x) => x.Ref === roleId))
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);
  };
  const envOf = (name: AnyFunctionName): Record<string, unknown> =>
    resources[idOf(built.stateless.functionNamed(name).function)]!.Properties.Environment.Variables;
  const objectsArn = (id: BucketId) => ({
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        `:s3:::injury-claims-prod-${id}-`,
        { Ref: 'AWS::AccountId' },
        '-',
        { Ref: 'AWS::Region' },
        `/${BUCKETS[id].objectPrefix}*`,
      ],
    ],
  });

  beforeAll(() => {
    built = buildTestApp('prod');
    resources = Template.fromStack(built.stateless).toJSON().Resources;
  });
  afterAll(() => built?.dispose());

  it.each(ALL)('%s may touch objects only as its manifest entry says, only under the object prefix', (name) => {
    const granted = (ALL_FUNCTIONS[name].buckets ?? {}) as Partial<Record<BucketId, BucketAccess>>;
    // The audit anchor's own PutObject on the anchor bucket is asserted in test/infra/audit.test.ts.
    const s3 = statementsOf(name).filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')) && s.Sid !== 'AuditAnchorPut');
    const expected = Object.entries(granted).map(([id, access]) => ({
      Effect: 'Allow',
      Action: { readwrite: ['s3:GetObject', 's3:PutObject'], read: 's3:GetObject', write: 's3:PutObject' }[access],
      Resource: objectsArn(id as BucketId),
    }));
    expect(s3).toEqual(expected);
  });

  it.each(ALL)('%s may use the bucket key only through S3, and only as its grant needs', (name) => {
    const granted = (ALL_FUNCTIONS[name].buckets ?? {}) as Partial<Record<BucketId, BucketAccess>>;
    const viaS3 = statementsOf(name).filter(
      (s) => JSON.stringify(s.Condition ?? {}).includes('kms:ViaService') && !['TableKeyViaDynamoDB', 'StreamKeyViaDynamoDB'].includes(s.Sid ?? ''),
    );
    const expected = Object.values(granted).map((access) => ({
      Effect: 'Allow',
      Action: { readwrite: ['kms:Decrypt', 'kms:GenerateDataKey'], read: 'kms:Decrypt', write: 'kms:GenerateDataKey' }[access],
      Resource: expect.anything(),
      Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]] } } },
    }));
    expect(viaS3).toEqual(expected);
    // The resource is the granted bucket's key ARN (a reference to the stateful stack), not the data key.
    for (const [i, id] of Object.keys(granted).entries()) {
      expect(JSON.stringify(viaS3[i]!.Resource)).toMatch(new RegExp(`${id[0]!.toUpperCase()}${id.slice(1)}BucketKey[0-9A-F]+Arn`));
    }
  });

  it.each(ALL)('%s receives the bucket name only with a bucket grant', (name) => {
    const granted = (ALL_FUNCTIONS[name].buckets ?? {}) as Partial<Record<BucketId, BucketAccess>>;
    for (const id of BUCKET_IDS) {
      if (granted[id]) expect(envOf(name)[BUCKETS[id].envVar], name).toEqual(renderedBucketName('prod', id));
      else expect(envOf(name)[BUCKETS[id].envVar], name).toBeUndefined();
    }
    // The local S3 endpoint is never set in AWS.
    expect(envOf(name).AWS_ENDPOINT_URL_S3).toBeUndefined();
    expect(envOf(name).S3_FORCE_PATH_STYLE).toBeUndefined();
  });

  it('grants the documents group read-write and the check read on the documents bucket, and the archiver PutObject only on the order archive', () => {
    expect(ALL_FUNCTIONS.documents.buckets).toEqual({ documents: 'readwrite' });
    expect(ALL_FUNCTIONS.documentCheck.buckets).toEqual({ documents: 'read' });
    expect(ALL_FUNCTIONS.ordersArchiver.buckets).toEqual({ archive: 'write' });
    expect(ALL.filter((name) => ALL_FUNCTIONS[name].buckets).sort()).toEqual(['documentCheck', 'documents', 'ordersArchiver']);
    // No table at all: everything the archiver writes is in the stream record.
    expect(ALL_FUNCTIONS.ordersArchiver.tables).toEqual({});
  });

  it('routes Object Created events of the documents bucket under cases/ to the check, with retries and a DLQ', () => {
    // The S3 rules are on the default bus (no EventBusName); the domain bus has its own (domain-events.test.ts).
    const rules = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Events::Rule' && r.Properties.EventBusName === undefined);
    expect(rules).toHaveLength(Object.keys(EVENT_FUNCTIONS).length);
    const [ruleId, rule] = rules[0]!;
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: [renderedBucketName('prod', 'documents')] }, object: { key: [{ prefix: 'cases/' }] } },
    });
    expect(rule.Properties.State).toBe('ENABLED');
    expect(rule.Properties.EventBusName).toBeUndefined(); // the default bus, where S3 sends its events
    const checkId = idOf(built.stateless.eventFunctions.documentCheck.function);
    const dlqId = idOf(built.stateless.documentEvents.dlq);
    expect(rule.Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [checkId, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: OBJECT_CREATED_RETRY_ATTEMPTS, MaximumEventAgeInSeconds: OBJECT_CREATED_MAX_EVENT_AGE.toSeconds() },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
      }),
    ]);
    // Only this rule may invoke the check.
    const permissions = Object.values(resources).filter(
      (r) => r.Type === 'AWS::Lambda::Permission' && JSON.stringify(r.Properties.FunctionName).includes(checkId),
    );
    expect(permissions).toHaveLength(1);
    expect(permissions[0]!.Properties).toMatchObject({ Principal: 'events.amazonaws.com', SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] } });
  });

  it('keeps undeliverable events in an encrypted, TLS-only DLQ that only the rule may send to, and alarms on it', () => {
    const dlqId = idOf(built.stateless.documentEvents.dlq);
    expect(resources[dlqId]!.Properties.SqsManagedSseEnabled).toBe(true);
    const policy = Object.values(resources).find((r) => r.Type === 'AWS::SQS::QueuePolicy' && JSON.stringify(r.Properties.Queues).includes(dlqId))!;
    const statements = policy.Properties.PolicyDocument.Statement as Statement[];
    expect(statements.some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition) === '{"Bool":{"aws:SecureTransport":"false"}}')).toBe(true);
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]!.Principal).toEqual({ Service: 'events.amazonaws.com' });
    expect(JSON.stringify(allows[0]!.Condition)).toContain('aws:SourceArn');

    const topicRef = { Ref: idOf(built.stateless.workflows.alarmTopic) };
    const alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    const dlqAlarm = alarms.find((a) => JSON.stringify(a.Properties.Dimensions ?? []).includes(dlqId))!;
    expect(dlqAlarm.Properties).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1, AlarmActions: [topicRef] });
    const checkId = idOf(built.stateless.eventFunctions.documentCheck.function);
    const errorAlarm = alarms.find((a) => JSON.stringify(a.Properties.Dimensions ?? []).includes(checkId))!;
    expect(errorAlarm.Properties).toMatchObject({ MetricName: 'Errors', Namespace: 'AWS/Lambda', AlarmActions: [topicRef] });
  });
});
