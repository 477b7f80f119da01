/**
 * The one Lambda function construct. Every function of the product is built through it, so the defaults
 * below are decided once: Node 24 on ARM64, an explicit log group with retention, active X-Ray tracing,
 * an ESM bundle with the AWS SDK bundled (deterministic versions, faster cold starts than the runtime's
 * SDK), minified with source maps, and a role that holds only what the function is granted.
 *
 * `FunctionDefaultsAspect` checks the synthesised functions, so a function created any other way (or a
 * default overridden by escape hatch) fails synth instead of slipping through.
 */
import { isAbsolute } from 'node:path';
import { Annotations, Duration, Stack, type IAspect } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, CfnFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { CfnLogGroup, LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import { LAMBDA_BUNDLING } from '../config/bundling.ts';
import { fromRepoRoot, REPO_ROOT } from '../config/paths.ts';
import type { BucketAccess } from '../../manifest/buckets.ts';
import { type TableAccess, writeScopes, writes } from '../../manifest/tables.ts';
import type { StageConfig } from '../config/stage.ts';

const FUNCTION_DEFAULTS = {
  runtime: Runtime.NODEJS_24_X,
  architecture: Architecture.ARM_64,
  memorySize: 512,
  /** API Gateway HTTP APIs give up after 30 s; a handler that needs longer belongs behind a queue. */
  timeout: Duration.seconds(15),
  tracing: Tracing.ACTIVE,
} as const;

export interface TableGrant {
  readonly table: ITable;
  /** Environment variable through which the function receives the table's name. */
  readonly envVar: string;
  readonly access: TableAccess;
}

export interface BucketGrant {
  /** Environment variable through which the function receives the bucket's name. */
  readonly envVar: string;
  readonly bucketName: string;
  readonly bucketArn: string;
  /** Objects the grant covers: `<bucketArn>/<objectPrefix>*`. */
  readonly objectPrefix: string;
  /** The bucket's own key (SSE-KMS). */
  readonly key: IKey;
  /** read: s3:GetObject and kms:Decrypt; readwrite: also s3:PutObject and kms:GenerateDataKey; write: s3:PutObject and kms:GenerateDataKey only. */
  readonly access: BucketAccess;
}

export interface ClaimsFunctionProps {
  /** Entry file, absolute or relative to the repository root. */
  readonly entry: string;
  readonly description: string;
  /** Powertools service name (logs, metrics, traces). */
  readonly serviceName: string;
  readonly stage: StageConfig;
  readonly tables?: readonly TableGrant[];
  /**
   * The tables' customer-managed key: the function may use it only through DynamoDB (`kms:ViaService`),
   * so a table grant decrypts nothing outside a table (issue 17).
   */
  readonly tableKey?: IKey;
  /** A fixed role name (roles of functions that handle personal data: the PII key's policy names them by pattern). */
  readonly roleName?: string;
  readonly buckets?: readonly BucketGrant[];
  /** @default 512 */
  readonly memorySize?: number;
  /** @default 15 seconds */
  readonly timeout?: Duration;
  /** Extra environment; the standard variables cannot be overridden. */
  readonly environment?: Readonly<Record<string, string>>;
}

export class ClaimsFunction extends Construct {
  public readonly function: NodejsFunction;
  public readonly logGroup: LogGroup;
  public readonly role: Role;

  constructor(scope: Construct, id: string, props: ClaimsFunctionProps) {
    super(scope, id);
    const { stage } = props;

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: stage.logRetention,
      removalPolicy: stage.removalPolicy,
    });

    // An explicit role instead of the default one with the AWSLambdaBasicExecutionRole managed policy
    // (cdk-nag AwsSolutions-IAM4): logs may only be written to this function's own log group.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.serviceName} (${stage.name})`,
      ...(props.roleName ? { roleName: props.roleName } : {}),
    });
    this.logGroup.grantWrite(this.role);

    const tableEnvironment: Record<string, string> = {};
    for (const grant of props.tables ?? []) {
      tableEnvironment[grant.envVar] = grant.table.tableName;
    }
    for (const grant of props.buckets ?? []) {
      tableEnvironment[grant.envVar] = grant.bucketName;
    }

    this.function = new NodejsFunction(this, 'Function', {
      entry: isAbsolute(props.entry) ? props.entry : fromRepoRoot(props.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: fromRepoRoot('package-lock.json'),
      description: props.description,
      runtime: FUNCTION_DEFAULTS.runtime,
      architecture: FUNCTION_DEFAULTS.architecture,
      memorySize: props.memorySize ?? FUNCTION_DEFAULTS.memorySize,
      timeout: props.timeout ?? FUNCTION_DEFAULTS.timeout,
      tracing: FUNCTION_DEFAULTS.tracing,
      logGroup: this.logGroup,
      role: this.role,
      awsSdkConnectionReuse: false,
      environment: {
        ...props.environment,
        ...tableEnvironment,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_LOG_LEVEL: stage.logLevel,
        STAGE: stage.name,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        // lib/config/bundling.ts: the same options the cold-start benchmark builds with.
        ...LAMBDA_BUNDLING,
        mainFields: [...LAMBDA_BUNDLING.mainFields],
        format: OutputFormat.ESM,
        sourceMapMode: SourceMapMode.DEFAULT,
      },
    });

    const tableGrants = props.tables ?? [];
    for (const { table, access } of tableGrants) {
      // Tables come without their key (lib/stacks/stateless-stack.ts importTables): these are DynamoDB actions only.
      if (access === 'readwrite') table.grantReadWriteData(this.function);
      else if (access === 'read' || access.read === 'all') table.grantReadData(this.function);
      if (typeof access === 'object') {
        // Writes to the item types named only, one statement per scope: every item's partition key must
        // start with one of the scope's prefixes (the local runtime applies the same rule: manifest `allows`).
        for (const scope of writeScopes(access)) {
          this.role.addToPrincipalPolicy(
            new PolicyStatement({
              effect: Effect.ALLOW,
              actions: scope.actions.map((action) => `dynamodb:${action}`),
              resources: [table.tableArn],
              conditions: {
                'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': scope.keyPrefixes.map((prefix) => `${prefix}*`) },
                Null: { 'dynamodb:LeadingKeys': 'false' },
              },
            }),
          );
        }
      }
    }
    if (tableGrants.length > 0 && props.tableKey) {
      // The tables' key, only as DynamoDB uses it on the function's behalf: never a direct Decrypt.
      const write = tableGrants.some((grant) => writes(grant.access));
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          sid: 'TableKeyViaDynamoDB',
          effect: Effect.ALLOW,
          actions: ['kms:Decrypt', 'kms:DescribeKey', ...(write ? ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'] : [])],
          resources: [props.tableKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(this).region}.${Stack.of(this).urlSuffix}` } },
        }),
      );
    }
    for (const grant of props.buckets ?? []) {
      // Objects under the prefix only; no List, no Delete (the bucket policy denies deletes to everyone anyway).
      const objectActions = { read: ['s3:GetObject'], readwrite: ['s3:GetObject', 's3:PutObject'], write: ['s3:PutObject'] }[grant.access];
      const keyActions = { read: ['kms:Decrypt'], readwrite: ['kms:Decrypt', 'kms:GenerateDataKey'], write: ['kms:GenerateDataKey'] }[grant.access];
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: objectActions,
          resources: [`${grant.bucketArn}/${grant.objectPrefix}*`],
        }),
      );
      // The bucket key, only when S3 uses it on the function's behalf (also for the presigned URLs it signs).
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: keyActions,
          resources: [grant.key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.${Stack.of(this).urlSuffix}` } },
        }),
      );
    }
  }
}

const EXEMPT_FROM_DEFAULTS = 'injury-claims:function-defaults-exempt';

/**
 * Exempts a function the project does not write from the house defaults: the deploy-time provider of an
 * aws-cdk-lib construct (e.g. BucketDeployment's Python Lambda), whose runtime and settings the construct
 * fixes. The reason is recorded in the construct's metadata; its log group still needs a retention.
 */
export const exemptFromFunctionDefaults = (scope: IConstruct, reason: string): void => {
  scope.node.addMetadata(EXEMPT_FROM_DEFAULTS, reason);
};

const isExempt = (node: IConstruct): boolean => node.node.scopes.some((scope) => scope.node.metadata.some((entry) => entry.type === EXEMPT_FROM_DEFAULTS));

/**
 * Fails synth (an error annotation) for any Lambda function or log group that misses a house default.
 * Applied to the whole app in lib/app.ts.
 */
export class FunctionDefaultsAspect implements IAspect {
  public visit(node: IConstruct): void {
    if (node instanceof CfnFunction) {
      if (!isExempt(node)) this.checkFunction(node);
    } else if (node instanceof CfnLogGroup && node.retentionInDays === undefined) {
      Annotations.of(node).addError('[FunctionDefaults] log group has no retention');
    }
  }

  private checkFunction(fn: CfnFunction): void {
    const problems: string[] = [];
    const architectures = Stack.of(fn).resolve(fn.architectures) as unknown;
    if (fn.runtime !== FUNCTION_DEFAULTS.runtime.name) problems.push(`runtime is ${fn.runtime}, not ${FUNCTION_DEFAULTS.runtime.name}`);
    if (!Array.isArray(architectures) || !architectures.includes(FUNCTION_DEFAULTS.architecture.name)) {
      problems.push('architecture is not arm64');
    }
    const tracing = Stack.of(fn).resolve(fn.tracingConfig) as { mode?: string } | undefined;
    if (tracing?.mode !== 'Active') problems.push('X-Ray tracing is not Active');
    const logging = Stack.of(fn).resolve(fn.loggingConfig) as { logGroup?: unknown } | undefined;
    if (!logging?.logGroup) problems.push('no explicit log group');
    if (fn.memorySize === undefined) problems.push('no memory size');
    if (fn.timeout === undefined) problems.push('no timeout');
    const environment = Stack.of(fn).resolve(fn.environment) as { variables?: Record<string, unknown> } | undefined;
    const env = environment?.variables as Record<string, string> | undefined;
    if (!env?.NODE_OPTIONS?.includes('--enable-source-maps')) problems.push('source maps are not enabled (NODE_OPTIONS)');
    for (const name of ['POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_LOG_LEVEL', 'STAGE']) {
      if (!env?.[name]) problems.push(`environment variable ${name} is missing`);
    }
    if (problems.length > 0) {
      Annotations.of(fn).addError(`[FunctionDefaults] ${problems.join('; ')} (build functions with ClaimsFunction)`);
    }
  }
}
