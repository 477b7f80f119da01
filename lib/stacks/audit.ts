/**
 * The keyed, anchored audit in AWS (docs/security.md, "Audit trail"; manifest/audit.ts):
 *
 * - `AuditKeys` (stateful stack): the chain's MAC key (KMS HMAC_256, GenerateMac/VerifyMac), the anchor
 *   signing key (KMS ECC_NIST_P256, SIGN_VERIFY) and the anchor bucket — S3 Object Lock in compliance mode
 *   with the stage's retention, versioned, SSE-S3, public access blocked, TLS only, deletes denied, access
 *   logs to a bucket of its own. Retained whatever the stage: the audit outlives any deployment.
 * - `AuditWiring` (stateless stack): GenerateMac to the functions that append (`audit: 'chain'`), Sign and
 *   PutObject under `anchors/` to the anchor job only (`audit: 'anchor'`) — no function may VerifyMac,
 *   Verify or GetPublicKey: verifying is the operators' (scripts/verify-audit.ts); the chainer's own event
 *   source mapping on the cases table stream (only the chained items, retried, then a DLQ with an alarm);
 *   the hourly anchor schedule (EventBridge Scheduler, scheduled time passed) with an alarm on its errors.
 */
import { type CfnElement, Duration, RemovalPolicy, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { AccountRootPrincipal, AnyPrincipal, Effect, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectLockRetention, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AUDIT_ANCHOR_ENV, AUDIT_ANCHOR_PREFIX, AUDIT_CHAINED_CASES_ITEMS, AUDIT_MAC_ENV } from '../../manifest/audit.ts';
import { type AnyFunctionName, auditFunctions } from '../../manifest/functions.ts';
import { SCHEDULE_TIME_ZONE, SCHEDULES } from '../../manifest/schedules.ts';
import type { StageConfig } from '../config/stage.ts';
import { alarmsTo } from '../constructs/alarms.ts';
import { targetDeadLetterQueue } from '../constructs/dead-letters.ts';
import type { ClaimsFunction } from '../constructs/function.ts';

/** What the account's administrators may do with the audit keys: manage them, never use them. */
const KEY_ADMINISTRATION = [
  'kms:Create*',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
];

/** Physical name of the anchor bucket (global names: stage, account and region). */
const auditAnchorBucketName = (stage: string, account: string, region: string): string => `injury-claims-${stage}-audit-anchors-${account}-${region}`;

/** The fixed role name of a function that uses an audit key and handles no personal data (those have their PII role name). */
export const auditRoleName = (stage: StageConfig['name'], functionName: string): string => `injury-claims-${stage}-audit-${functionName}`;

/**
 * A key policy: the account administers the key but does not use it; `use` only by the named roles (and
 * their IAM grants), whatever an IAM policy elsewhere in the account says; `verify` delegated to IAM (the
 * operators who verify; no function is granted it).
 */
const keyPolicy = (
  stack: Stack,
  use: { readonly sid: string; readonly actions: readonly string[]; readonly roles: readonly string[] },
  verify: readonly string[],
) =>
  new PolicyDocument({
    statements: [
      new PolicyStatement({ sid: 'KeyAdministrationNotUse', principals: [new AccountRootPrincipal()], actions: KEY_ADMINISTRATION, resources: ['*'] }),
      new PolicyStatement({
        sid: use.sid,
        principals: [new AccountRootPrincipal()],
        actions: [...use.actions],
        resources: ['*'],
        conditions: { ArnLike: { 'aws:PrincipalArn': use.roles.map((role) => `arn:${stack.partition}:iam::${stack.account}:role/${role}`) } },
      }),
      new PolicyStatement({ sid: 'VerifyThroughIamGrants', principals: [new AccountRootPrincipal()], actions: [...verify], resources: ['*'] }),
    ],
  });

export interface AuditKeysProps {
  readonly stage: StageConfig;
  /** The role name of a function (its PII role name, or `auditRoleName`): the key policies name the users' roles. */
  readonly roleNameOf: (name: AnyFunctionName) => string | undefined;
}

/** Stateful: the two keys and the object-locked anchor bucket. */
export class AuditKeys extends Construct {
  public readonly macKey: Key;
  public readonly signingKey: Key;
  public readonly anchorBucket: Bucket;
  public readonly anchorAccessLogs: Bucket;

  constructor(scope: Construct, id: string, props: AuditKeysProps) {
    super(scope, id);
    const { stage } = props;
    const stack = Stack.of(this);

    this.macKey = new Key(this, 'MacKey', {
      description: `Platform injury claims (${stage.name}): MAC key of the audit chains (HMAC-SHA256; never leaves KMS)`,
      alias: `alias/injury-claims-${stage.name}-audit-mac`,
      keySpec: KeySpec.HMAC_256,
      keyUsage: KeyUsage.GENERATE_VERIFY_MAC,
      removalPolicy: RemovalPolicy.RETAIN,
      policy: keyPolicy(
        stack,
        { sid: 'GenerateMacChainWritersOnly', actions: ['kms:GenerateMac'], roles: auditFunctions('chain').map((name) => props.roleNameOf(name)!) },
        ['kms:VerifyMac'],
      ),
    });
    this.signingKey = new Key(this, 'SigningKey', {
      description: `Platform injury claims (${stage.name}): signs the audit anchors (ECDSA P-256 / SHA-256)`,
      alias: `alias/injury-claims-${stage.name}-audit-anchor`,
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      removalPolicy: RemovalPolicy.RETAIN,
      policy: keyPolicy(stack, { sid: 'SignAnchorJobOnly', actions: ['kms:Sign'], roles: auditFunctions('anchor').map((name) => props.roleNameOf(name)!) }, [
        'kms:Verify',
        'kms:GetPublicKey',
      ]),
    });

    this.anchorAccessLogs = new Bucket(this, 'AnchorAccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.anchorAccessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket receives the server access logs of the audit anchor bucket; logging its own access would log the log deliveries.',
    });
    this.anchorBucket = new Bucket(this, 'AnchorBucket', {
      bucketName: auditAnchorBucketName(stage.name, stack.account, stack.region),
      // Anchors hold hashes and signatures only (no personal data): SSE-S3, so that writing one needs no key grant.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.compliance(Duration.days(stage.auditAnchorRetentionDays)),
      serverAccessLogsBucket: this.anchorAccessLogs,
      serverAccessLogsPrefix: 'audit-anchors/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.anchorBucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'DenyDeletingAnchors',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectRetention', 's3:PutObjectLegalHold', 's3:PutBucketObjectLockConfiguration'],
        resources: [this.anchorBucket.bucketArn, this.anchorBucket.arnForObjects('*')],
      }),
    );
  }
}

export interface AuditWiringProps {
  readonly stage: StageConfig;
  /** ARNs of the stateful keys (cross-stack references); the bucket is referred to by its physical name. */
  readonly macKeyArn: string;
  readonly signingKeyArn: string;
  /** The cases table with its stream ARN. */
  readonly casesTable: ITable;
  /** The tables' key: the stream is encrypted with it (decrypt through DynamoDB only). */
  readonly dataKeyArn: string;
  readonly functionNamed: (name: AnyFunctionName) => ClaimsFunction;
  readonly scheduleDlq: IQueue;
  readonly alarmTopic: ITopic;
}

/** The chainer keeps retrying a failing batch (an unchained change is a gap) until its records are a day old. */
export const CHAINER_RETRY_ATTEMPTS = 10_000;

/** Stateless: grants, the chainer's stream mapping, the anchor schedule, alarms. */
export class AuditWiring extends Construct {
  public readonly chainerDlq: Queue;
  public readonly anchorSchedule: Schedule;
  public readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: AuditWiringProps) {
    super(scope, id);
    const { stage } = props;
    const stack = Stack.of(this);
    const [, macKeyEnv] = AUDIT_MAC_ENV;
    const [, signingKeyEnv, bucketEnv] = AUDIT_ANCHOR_ENV;

    for (const name of auditFunctions('chain')) {
      const fn = props.functionNamed(name);
      fn.function.addEnvironment(macKeyEnv, props.macKeyArn);
      fn.function.addToRolePolicy(new PolicyStatement({ sid: 'AuditChainMac', actions: ['kms:GenerateMac'], resources: [props.macKeyArn] }));
    }
    const anchorBucketName = auditAnchorBucketName(stage.name, stack.account, stack.region);
    const anchorFunctions = auditFunctions('anchor');
    for (const name of anchorFunctions) {
      const fn = props.functionNamed(name);
      fn.function.addEnvironment(signingKeyEnv, props.signingKeyArn);
      fn.function.addEnvironment(bucketEnv, anchorBucketName);
      fn.function.addToRolePolicy(new PolicyStatement({ sid: 'AuditAnchorSign', actions: ['kms:Sign'], resources: [props.signingKeyArn] }));
      const objects = `arn:${stack.partition}:s3:::${anchorBucketName}/${AUDIT_ANCHOR_PREFIX}*`;
      fn.function.addToRolePolicy(new PolicyStatement({ sid: 'AuditAnchorPut', actions: ['s3:PutObject'], resources: [objects] }));
      Validations.of(fn.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${auditAnchorBucketName(stage.name, '<AWS::AccountId>', '<AWS::Region>')}/${AUDIT_ANCHOR_PREFIX}*]`,
        reason: `The anchor job writes one object per hour under ${AUDIT_ANCHOR_PREFIX} (keyed by the hour); no read, no delete, no other prefix.`,
      });
    }

    // ---- The chainer: its own mapping on the cases table stream ------------------------------------
    this.chainerDlq = targetDeadLetterQueue(this, 'ChainerDlq', stage, 'audit chainer stream mapping');
    const chainer = props.functionNamed('auditChainer');
    chainer.function.addEventSource(
      new DynamoEventSource(props.casesTable, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        // In order, whole batches: a record is never chained before an earlier change of its item.
        bisectBatchOnError: false,
        retryAttempts: CHAINER_RETRY_ATTEMPTS,
        maxRecordAge: Duration.hours(24),
        parallelizationFactor: 1,
        onFailure: new SqsDlq(this.chainerDlq),
        filters: [
          FilterCriteria.filter({ dynamodb: { Keys: { sk: { S: FilterRule.or(...AUDIT_CHAINED_CASES_ITEMS.sortKeys) } } } }),
          ...AUDIT_CHAINED_CASES_ITEMS.sortKeyPrefixes.map((prefix) =>
            FilterCriteria.filter({ dynamodb: { Keys: { sk: { S: FilterRule.beginsWith(prefix) } } } }),
          ),
        ],
      }),
    );
    chainer.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'StreamKeyViaDynamoDB',
        actions: ['kms:Decrypt'],
        resources: [props.dataKeyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${stack.region}.${stack.urlSuffix}` } },
      }),
    );

    // ---- The hourly anchor -------------------------------------------------------------------------
    const spec = SCHEDULES.auditAnchor;
    const anchorFn = props.functionNamed(spec.target);
    const schedulerRole = new Role(this, 'SchedulerRole', {
      description: `EventBridge Scheduler: invoke the audit anchor (${stage.name})`,
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
    });
    this.anchorSchedule = new Schedule(this, 'AnchorSchedule', {
      description: spec.description,
      schedule: ScheduleExpression.cron({ minute: String(spec.at.minute), hour: '*', timeZone: TimeZone.of(SCHEDULE_TIME_ZONE) }),
      target: new LambdaInvoke(anchorFn.function, {
        role: schedulerRole,
        input: ScheduleTargetInput.fromObject({ scheduledTime: ContextAttribute.scheduledTime }),
        deadLetterQueue: props.scheduleDlq,
        retryAttempts: 5,
      }),
    });
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(anchorFn.function.node.defaultChild as CfnElement)}.Arn>:*]`,
      reason: 'lambda:InvokeFunction on the audit anchor function and its versions (`<arn>:*`, added by the Scheduler Lambda target): one named function.',
    });

    const { alarm, alarms } = alarmsTo(this, props.alarmTopic);
    const period = Duration.minutes(5);
    alarm(
      'ChainerDlqMessages',
      this.chainerDlq.metricApproximateNumberOfMessagesVisible({ period }),
      'Cases-table changes the audit chainer could not chain for 24 hours: the audit has a gap. Read the DLQ message (shard and sequence range) and replay the records (docs/operations.md)',
    );
    alarm(
      'AuditAnchorErrors',
      anchorFn.function.metricErrors({ period: Duration.hours(1) }),
      'The hourly audit anchor failed: chain heads are not being signed. Invoke the function again (docs/operations.md)',
    );
    this.alarms = alarms;
  }
}
