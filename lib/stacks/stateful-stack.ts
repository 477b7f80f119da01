/**
 * Stateful resources: everything whose loss loses data. Deployed separately from the stateless stack so
 * that functions, API and (later) state machines can be replaced freely without touching the data.
 *
 * Tables come from manifest/tables.ts, the single source of truth shared with the local runtime and the functions;
 * the documents bucket from manifest/buckets.ts.
 */
import { Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, TableEncryption, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { AccountRootPrincipal, AnyPrincipal, Effect, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key, type IKey } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, HttpMethods, ObjectOwnership, StorageClass } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { BUCKETS, type BucketDefinition, type BucketId } from '../../manifest/buckets.ts';
import { TABLES, type KeyAttribute, type TableDefinition, type TableId } from '../../manifest/tables.ts';
import { piiDataKeyContext } from '../../manifest/env.ts';
import type { StageConfig } from '../config/stage.ts';
import { ALL_FUNCTIONS, type AnyFunctionName } from '../../manifest/functions.ts';
import { AuditKeys, auditRoleName } from './audit.ts';

export type { TableId };

/** A deployed table together with its definition (for its environment variable name). */
export interface DeployedTable {
  readonly definition: TableDefinition;
  /** Physical name, fixed per stage (see `tableName`). */
  readonly tableName: string;
  readonly table: ITable;
}

/**
 * Physical table name. Fixed names let the stateless stack refer to tables by name instead of through
 * CloudFormation exports (no export lock when a table changes), give operators and IAM findings readable
 * ARNs, and make CloudFormation refuse to silently replace a table (a key change needs a migration).
 */
/**
 * The role names of the functions that handle personal data (`pii: true` in manifest/functions.ts): the PII
 * key's policy lets roles matching `${piiRoleNamePrefix(stage)}*` decrypt the PII data key, and no other.
 */
export const piiRoleNamePrefix = (stage: StageConfig['name']): string => `injury-claims-${stage}-pii-`;
export const piiRoleName = (stage: StageConfig['name'], functionName: string): string => `${piiRoleNamePrefix(stage)}${functionName}`;

/** What the account's administrators may do with the PII key: manage it, never use it. */
const KEY_ADMINISTRATION = [
  'kms:Create*',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:RotateKeyOnDemand',
];

/**
 * The fixed role name of a function whose role a key policy names (PII or audit keys); undefined for the others.
 * The stateless stack names the roles with it, the stateful stack's key policies refer to them by it.
 */
export const functionRoleName = (stage: StageConfig['name'], name: string): string | undefined => {
  // The identity triggers (manifest/identity.ts) are built by the same code but are not in ALL_FUNCTIONS: no key names them.
  const spec = (ALL_FUNCTIONS as Readonly<Record<string, (typeof ALL_FUNCTIONS)[AnyFunctionName] | undefined>>)[name];
  return spec?.pii ? piiRoleName(stage, name) : spec?.audit ? auditRoleName(stage, name) : undefined;
};

export const tableName = (stage: StageConfig['name'], id: string): string => `injury-claims-${stage}-${id}`;

/**
 * Physical bucket name: fixed per stage, account and region (bucket names are global), so the stateless
 * stack refers to the bucket by name, as to the tables, and the EventBridge rule can match it.
 * `account` and `region` are the stack's own (tokens in an environment-agnostic stack).
 */
export const bucketName = (stage: StageConfig['name'], id: BucketId, account: string, region: string): string =>
  `injury-claims-${stage}-${id}-${account}-${region}`;

/** A deployed bucket with its own key, and its definition (env var, object prefix). */
export interface DeployedBucket {
  readonly definition: BucketDefinition;
  readonly bucket: Bucket;
  /** The bucket's own customer-managed key (SSE-KMS). */
  readonly key: IKey;
  /** Where the bucket's server access logs go. */
  readonly accessLogs: Bucket;
}

/** Documents are kept 30 years (D13) and nobody deletes one: denied to every principal by the bucket policy. */
export const DENIED_OBJECT_ACTIONS = ['s3:DeleteObject', 's3:DeleteObjectVersion'] as const;

/** Documents (and overwritten versions) move to Glacier Instant Retrieval after a year: rarely read, still at once. */
export const COLD_AFTER_DAYS = BUCKETS.documents.coldAfterDays;

export interface StatefulStackProps extends StackProps {
  readonly stage: StageConfig;
}

const attribute = (key: KeyAttribute) => ({
  name: key.name,
  type: key.type === 'N' ? AttributeType.NUMBER : AttributeType.STRING,
});

const pascal = (id: string): string => id.replace(/(^|[-_])(\w)/g, (_m, _sep, c: string) => c.toUpperCase());

export class StatefulStack extends Stack {
  /** Customer-managed key encrypting every table (and, later, other data at rest). */
  public readonly dataKey: IKey;
  /** The key the PII data key is encrypted under: usable by the personal-data roles only (issue 17). */
  public readonly piiKey: IKey;
  public readonly tables: Readonly<Record<TableId, DeployedTable>>;
  public readonly buckets: Readonly<Record<BucketId, DeployedBucket>>;
  /** The audit's MAC key, anchor signing key and object-locked anchor bucket (lib/stacks/audit.ts). */
  public readonly audit: AuditKeys;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { stage } = props;

    this.dataKey = new Key(this, 'DataKey', {
      description: `Platform injury claims (${stage.name}): encryption of claims data at rest`,
      alias: `alias/injury-claims-${stage.name}-data`,
      enableKeyRotation: true,
      removalPolicy: stage.removalPolicy,
      // Shortest window in dev so a torn-down stage does not keep a key around for a month.
      pendingWindow: stage.removalPolicy === RemovalPolicy.DESTROY ? Duration.days(7) : Duration.days(30),
    });

    // The PII data key (functions/_shared/pii.ts) is wrapped under a key of its own, not the tables' key: a
    // table grant (even a leaked one) can then never unwrap it. Its policy replaces the default one (which
    // would let any IAM policy of the account use it): the account administers the key but cannot use it;
    // an operator creates the data key without ever seeing it (GenerateDataKeyWithoutPlaintext); only the
    // roles of the functions that handle personal data may Decrypt, and only with the data key's context.
    const context = Object.fromEntries(Object.entries(piiDataKeyContext(stage.name)).map(([k, v]) => [`kms:EncryptionContext:${k}`, v]));
    this.piiKey = new Key(this, 'PiiKey', {
      description: `Platform injury claims (${stage.name}): the key the personal-data key is encrypted under`,
      alias: `alias/injury-claims-${stage.name}-pii`,
      enableKeyRotation: true,
      removalPolicy: stage.removalPolicy,
      pendingWindow: stage.removalPolicy === RemovalPolicy.DESTROY ? Duration.days(7) : Duration.days(30),
      policy: new PolicyDocument({
        statements: [
          new PolicyStatement({
            sid: 'KeyAdministrationNotUse',
            principals: [new AccountRootPrincipal()],
            actions: KEY_ADMINISTRATION,
            resources: ['*'],
          }),
          // An operator creates the data key, or moves an existing one from the tables' key
          // (ReEncryptTo, docs/security.md), without ever seeing it.
          new PolicyStatement({
            sid: 'CreatePiiDataKeyWithoutPlaintext',
            principals: [new AccountRootPrincipal()],
            actions: ['kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptTo'],
            resources: ['*'],
            conditions: { StringEquals: context },
          }),
          new PolicyStatement({
            sid: 'DecryptPiiDataKeyPersonalDataRolesOnly',
            principals: [new AccountRootPrincipal()],
            actions: ['kms:Decrypt'],
            resources: ['*'],
            conditions: {
              StringEquals: context,
              ArnLike: { 'aws:PrincipalArn': `arn:${this.partition}:iam::${this.account}:role/${piiRoleNamePrefix(stage.name)}*` },
            },
          }),
        ],
      }),
    });

    const tables = {} as Record<TableId, DeployedTable>;
    for (const definition of TABLES as readonly TableDefinition[]) {
      tables[definition.id as TableId] = {
        definition,
        tableName: tableName(stage.name, definition.id),
        table: this.createTable(definition, stage),
      };
    }
    this.tables = tables;

    const buckets = {} as Record<BucketId, DeployedBucket>;
    for (const [id, definition] of Object.entries(BUCKETS) as [BucketId, BucketDefinition][]) {
      buckets[id] = this.createBucket(id, definition, stage);
    }
    this.buckets = buckets;

    this.audit = new AuditKeys(this, 'Audit', { stage, roleNameOf: (name) => functionRoleName(stage.name, name) });
  }

  /**
   * A bucket of manifest/buckets.ts: its own KMS key, public access blocked, TLS only, versioned, deletes
   * denied to everyone, colder after a year, access logs to a bucket of its own, events to EventBridge (the
   * stateless stack's rule invokes the check; an S3 notification to a stateless function would make the
   * two stacks depend on each other). Retained whatever the stage: documents outlive any deployment.
   */
  private createBucket(id: BucketId, definition: BucketDefinition, stage: StageConfig): DeployedBucket {
    const name = pascal(id);
    const key = new Key(this, `${name}BucketKey`, {
      description: `Platform injury claims (${stage.name}): encryption of the ${id} bucket`,
      alias: `alias/injury-claims-${stage.name}-${id}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Server access logs: SSE-S3 (S3 cannot deliver access logs to an SSE-KMS bucket).
    const accessLogs = new Bucket(this, `${name}AccessLogs`, {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: `This bucket receives the server access logs of the ${id} bucket; logging its own access would log the log deliveries (S3 advises against a bucket logging to itself).`,
    });
    const origins = stage.consoleOrigins ?? [];
    const bucket = new Bucket(this, `${name}Bucket`, {
      bucketName: bucketName(stage.name, id, this.account, this.region),
      encryption: BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: `${id}/`,
      lifecycleRules: [
        {
          id: definition.coldAfterDays === 365 ? 'ColderAfterAYear' : `ColderAfter${definition.coldAfterDays}Days`,
          transitions: [{ storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(definition.coldAfterDays) }],
          noncurrentVersionTransitions: [{ storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(definition.coldAfterDays) }],
          abortIncompleteMultipartUploadAfter: Duration.days(7),
          ...(definition.expireAfterDays === undefined
            ? {}
            : { expiration: Duration.days(definition.expireAfterDays), noncurrentVersionExpiration: Duration.days(definition.expireAfterDays) }),
        },
      ],
      ...(definition.browserAccess && origins.length > 0
        ? {
            cors: [
              {
                allowedMethods: [HttpMethods.PUT, HttpMethods.GET],
                allowedOrigins: [...origins],
                allowedHeaders: ['*'],
                exposedHeaders: ['ETag'],
                maxAge: 3000,
              },
            ],
          }
        : {}),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Every event of the bucket to EventBridge (the stateless stack's rule picks "Object Created" under the
    // prefix). Set on the CloudFormation bucket itself: the construct's `eventBridgeEnabled` would add a
    // notifications custom resource (a Lambda with an AWS managed policy) for what CloudFormation does natively.
    if (definition.eventBridge) (bucket.node.defaultChild as CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: id === 'documents' ? 'DenyDeletingDocuments' : `DenyDeleting${name}Objects`,
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: [...DENIED_OBJECT_ACTIONS],
        resources: [bucket.arnForObjects('*')],
      }),
    );
    return { definition, bucket, key, accessLogs };
  }

  private createTable(def: TableDefinition, stage: StageConfig): Table {
    const table = new Table(this, `${pascal(def.id)}Table`, {
      tableName: tableName(stage.name, def.id),
      partitionKey: attribute(def.partitionKey),
      ...(def.sortKey ? { sortKey: attribute(def.sortKey) } : {}),
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.dataKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: stage.deletionProtection,
      removalPolicy: stage.removalPolicy,
      ...(def.timeToLiveAttribute ? { timeToLiveAttribute: def.timeToLiveAttribute } : {}),
      // The change stream the domain events are published from (docs/events.md).
      ...(def.stream ? { stream: StreamViewType.NEW_AND_OLD_IMAGES } : {}),
    });
    for (const index of def.globalSecondaryIndexes ?? []) {
      table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: attribute(index.partitionKey),
        ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
        ...(index.projection === 'ALL'
          ? { projectionType: ProjectionType.ALL }
          : index.projection.length === 0
            ? { projectionType: ProjectionType.KEYS_ONLY }
            : { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection] }),
      });
    }
    return table;
  }
}
