import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackName } from '../../lib/app.ts';
import { stageConfig } from '../../lib/config/stage.ts';
import { COLD_AFTER_DAYS, DENIED_OBJECT_ACTIONS, StatefulStack } from '../../lib/stacks/stateful-stack.ts';
import { BUCKETS, type BucketId } from '../../manifest/buckets.ts';

import { buildStatefulStack, removeOutdir, tempOutdir, testContext } from './app-fixture.ts';

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Principal?: unknown; Condition?: Record<string, any>; Sid?: string };

const actionsOf = (s: Statement): string[] => [s.Action].flat();
const BUCKET_IDS = Object.keys(BUCKETS) as BucketId[];

/** `injury-claims-<stage>-<id>-<account>-<region>` as CloudFormation renders it in an environment-agnostic stack. */
const renderedBucketName = (stage: string, id: BucketId) => ({
  'Fn::Join': ['', [`injury-claims-${stage}-${id}-`, { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }]],
});

describe.each(['dev', 'prod'] as const)('documents bucket, stateful stack (%s)', (stage) => {
  let built: ReturnType<typeof buildStatefulStack>;
  let resources: Record<string, Resource>;
  const idOf = (construct: { node: { defaultChild?: unknown } }): string => built.stack.getLogicalId(construct.node.defaultChild as never);
  const documents = () => resources[idOf(built.stack.buckets.documents.bucket)]!;
  const accessLogs = () => resources[idOf(built.stack.buckets.documents.accessLogs)]!;
  const policyOf = (bucketId: string): Statement[] => {
    const policy = Object.values(resources).find((r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket.Ref === bucketId);
    if (!policy) throw new Error(`no bucket policy on ${bucketId}`);
    return policy.Properties.PolicyDocument.Statement;
  };

  beforeAll(() => {
    built = buildStatefulStack(stage);
    resources = Template.fromStack(built.stack).toJSON().Resources;
  });
  afterAll(() => built?.dispose());

  it('creates the documents bucket and its access-log bucket, and no other (besides the audit anchor bucket and its logs)', () => {
    // The audit anchor bucket and its access-log bucket: test/infra/audit.test.ts.
    expect(Object.values(resources).filter((r) => r.Type === 'AWS::S3::Bucket')).toHaveLength(2 * BUCKET_IDS.length + 2);
    expect(documents().Properties.BucketName).toEqual(renderedBucketName(stage, 'documents'));
  });

  it('encrypts documents with a KMS key of its own (not the data key), rotation on, bucket key on', () => {
    const keyId = idOf(built.stack.buckets.documents.key);
    expect(keyId).not.toBe(idOf(built.stack.dataKey));
    expect(resources[keyId]!.Properties.EnableKeyRotation).toBe(true);
    expect(documents().Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } }, BucketKeyEnabled: true },
      ],
    });
    template().hasResourceProperties('AWS::KMS::Alias', { AliasName: `alias/injury-claims-${stage}-documents` });
  });

  const template = () => Template.fromStack(built.stack);
  const ALL_BLOCKED = { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true };

  it('blocks every kind of public access, on both buckets', () => {
    expect(documents().Properties.PublicAccessBlockConfiguration).toEqual(ALL_BLOCKED);
    expect(accessLogs().Properties.PublicAccessBlockConfiguration).toEqual(ALL_BLOCKED);
  });

  it('denies every request without TLS, on both buckets', () => {
    for (const bucketId of [idOf(built.stack.buckets.documents.bucket), idOf(built.stack.buckets.documents.accessLogs)]) {
      const ssl = policyOf(bucketId).filter((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition) === '{"Bool":{"aws:SecureTransport":"false"}}');
      expect(ssl, bucketId).toHaveLength(1);
      expect(ssl[0]!.Principal).toEqual({ AWS: '*' });
      expect(actionsOf(ssl[0]!)).toEqual(['s3:*']);
    }
  });

  it('denies deleting a document or any version of it to every principal (kept 30 years, D13)', () => {
    const bucketId = idOf(built.stack.buckets.documents.bucket);
    const deny = policyOf(bucketId).filter((s) => s.Effect === 'Deny' && actionsOf(s).some((a) => a.startsWith('s3:Delete')));
    expect(deny).toHaveLength(1);
    expect(actionsOf(deny[0]!).sort()).toEqual([...DENIED_OBJECT_ACTIONS].sort());
    expect(deny[0]!.Principal).toEqual({ AWS: '*' });
    expect(deny[0]!.Condition).toBeUndefined();
    expect(deny[0]!.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] });
    // Nothing in the policy allows anything.
    expect(policyOf(bucketId).filter((s) => s.Effect === 'Allow')).toEqual([]);
  });

  it('versions documents', () => {
    expect(documents().Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  it('moves documents and their old versions to Glacier Instant Retrieval after a year', () => {
    const rules = documents().Properties.LifecycleConfiguration.Rules as Record<string, any>[];
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({
      Status: 'Enabled',
      Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: COLD_AFTER_DAYS }],
      NoncurrentVersionTransitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: COLD_AFTER_DAYS }],
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
    });
    expect(COLD_AFTER_DAYS).toBe(365);
    // Nothing expires: documents are never deleted.
    expect(JSON.stringify(rules)).not.toMatch(/Expiration/);
  });

  it('writes server access logs to the separate log bucket, itself encrypted (SSE-S3: S3 delivers no logs to SSE-KMS)', () => {
    expect(documents().Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: idOf(built.stack.buckets.documents.accessLogs) },
      LogFilePrefix: 'documents/',
    });
    expect(accessLogs().Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    const delivery = policyOf(idOf(built.stack.buckets.documents.accessLogs)).filter((s) => s.Effect === 'Allow');
    expect(delivery).toHaveLength(1);
    expect(delivery[0]!.Principal).toEqual({ Service: 'logging.s3.amazonaws.com' });
    expect(actionsOf(delivery[0]!)).toEqual(['s3:PutObject']);
  });

  it('sends its events to EventBridge natively (no notifications custom resource, no function in this stack)', () => {
    expect(documents().Properties.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
    expect(Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function' || r.Type === 'Custom::S3BucketNotifications')).toEqual([]);
  });

  it('retains the buckets and the bucket key whatever the stage', () => {
    for (const construct of [built.stack.buckets.documents.bucket, built.stack.buckets.documents.accessLogs, built.stack.buckets.documents.key]) {
      expect(resources[idOf(construct)]!.DeletionPolicy, construct.node.path).toBe('Retain');
      expect(resources[idOf(construct)]!.UpdateReplacePolicy, construct.node.path).toBe('Retain');
    }
  });

  it('has no CORS rule when the stage names no console origins', () => {
    expect(stageConfig(stage).consoleOrigins).toBeUndefined();
    expect(documents().Properties.CorsConfiguration).toBeUndefined();
  });
});

describe('documents bucket CORS', () => {
  it('allows PUT and GET from exactly the console origins of the stage', () => {
    const outdir = tempOutdir();
    try {
      const app = new App({ outdir, context: testContext() });
      const origins = ['https://console.example.cn', 'http://localhost:5173'];
      const stack = new StatefulStack(app, stackName('dev', 'stateful'), { stage: { ...stageConfig('dev'), consoleOrigins: origins } });
      const bucket = Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(stack.buckets.documents.bucket.node.defaultChild as never)];
      expect(bucket.Properties.CorsConfiguration.CorsRules).toEqual([
        { AllowedMethods: ['PUT', 'GET'], AllowedOrigins: origins, AllowedHeaders: ['*'], ExposedHeaders: ['ETag'], MaxAge: 3000 },
      ]);
    } finally {
      removeOutdir(outdir);
    }
  });
});

describe.each(['dev', 'prod'] as const)('order archive bucket, stateful stack (%s; issue 18)', (stage) => {
  let built: ReturnType<typeof buildStatefulStack>;
  let resources: Record<string, Resource>;
  const idOf = (construct: { node: { defaultChild?: unknown } }): string => built.stack.getLogicalId(construct.node.defaultChild as never);
  const archive = () => resources[idOf(built.stack.buckets.archive.bucket)]!;
  const policyOf = (bucketId: string): Statement[] =>
    Object.values(resources).find((r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket.Ref === bucketId)!.Properties.PolicyDocument.Statement;

  beforeAll(() => {
    built = buildStatefulStack(stage);
    resources = Template.fromStack(built.stack).toJSON().Resources;
  });
  afterAll(() => built?.dispose());

  it('is named for the stage, encrypted with a KMS key of its own (rotation on, bucket key on), every public access blocked, versioned, logged', () => {
    expect(archive().Properties.BucketName).toEqual(renderedBucketName(stage, 'archive'));
    const keyId = idOf(built.stack.buckets.archive.key);
    expect(keyId).not.toBe(idOf(built.stack.dataKey));
    expect(keyId).not.toBe(idOf(built.stack.buckets.documents.key));
    expect(resources[keyId]!.Properties.EnableKeyRotation).toBe(true);
    expect(archive().Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } }, BucketKeyEnabled: true },
    ]);
    expect(archive().Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(archive().Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(archive().Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: idOf(built.stack.buckets.archive.accessLogs) },
      LogFilePrefix: 'archive/',
    });
  });

  it('denies requests without TLS and deletes by anyone (objects go only by their lifecycle)', () => {
    const statements = policyOf(idOf(built.stack.buckets.archive.bucket));
    expect(statements.filter((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition) === '{"Bool":{"aws:SecureTransport":"false"}}')).toHaveLength(1);
    const deny = statements.filter((s) => s.Effect === 'Deny' && actionsOf(s).some((a) => a.startsWith('s3:Delete')));
    expect(deny.map((s) => actionsOf(s).sort())).toEqual([[...DENIED_OBJECT_ACTIONS].sort()]);
    expect(statements.filter((s) => s.Effect === 'Allow')).toEqual([]);
  });

  it('moves objects to Glacier Instant Retrieval after 30 days and expires them after 13 months and a margin', () => {
    const rules = archive().Properties.LifecycleConfiguration.Rules as Record<string, any>[];
    expect(rules).toEqual([
      {
        Id: 'ColderAfter30Days',
        Status: 'Enabled',
        Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 30 }],
        NoncurrentVersionTransitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 30 }],
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        ExpirationInDays: BUCKETS.archive.expireAfterDays,
        NoncurrentVersionExpiration: { NoncurrentDays: BUCKETS.archive.expireAfterDays },
      },
    ]);
    expect(BUCKETS.archive.expireAfterDays).toBe(13 * 31 + 30);
  });

  it('has no CORS rule and no EventBridge notifications (nothing reads it but the rebuild job), and is retained', () => {
    expect(archive().Properties.CorsConfiguration).toBeUndefined();
    expect(archive().Properties.NotificationConfiguration).toBeUndefined();
    expect(archive().DeletionPolicy).toBe('Retain');
  });
});

describe('order archive bucket CORS', () => {
  it('gets no CORS rule even when the stage names console origins', () => {
    const outdir = tempOutdir();
    try {
      const app = new App({ outdir, context: testContext() });
      const stack = new StatefulStack(app, stackName('dev', 'stateful'), { stage: { ...stageConfig('dev'), consoleOrigins: ['https://console.example.cn'] } });
      const bucket = Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(stack.buckets.archive.bucket.node.defaultChild as never)];
      expect(bucket.Properties.CorsConfiguration).toBeUndefined();
    } finally {
      removeOutdir(outdir);
    }
  });
});
