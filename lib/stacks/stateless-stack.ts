/**
 * Stateless resources: identity, functions and the HTTP API. Everything here can be replaced without
 * losing data; the tables and their key come from the stateful stack.
 *
 * Data-driven from the manifest (manifest/): one ClaimsFunction per function entry (HTTP groups, workflow
 * functions, the authorizer) holding exactly the grants and env its entry declares, and one route per
 * ROUTES row, so the local HTTP adapter and AWS serve the same routes with the same handlers and the same
 * permissions. lib/ knows functions only by entry path. The case workflow (state machines from statemachines/*.asl.json, the workflow and sweep
 * functions, schedules, alarms and the PII data key wiring) is the `Workflows` construct (./workflows.ts).
 */
import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CorsHttpMethod, HttpApi, HttpMethod, HttpNoneAuthorizer, type HttpStage, LogGroupLogDestination, type HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  UserPoolOperation,
} from 'aws-cdk-lib/aws-cognito';
import { Table, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { ORIGIN_VERIFY_HEADER } from '../../manifest/api.ts';
import { settingsOf } from '../../manifest/env.ts';
import { type BucketAccess, BUCKETS, type BucketId } from '../../manifest/buckets.ts';
import {
  type AnyFunctionName,
  AUTHORIZER_FUNCTION,
  DOMAIN_EVENT_FUNCTIONS,
  type DomainEventFunctionName,
  EVENT_FUNCTIONS,
  type EventFunctionName,
  FUNCTIONS,
  type FunctionName,
  type FunctionSpec,
  type SettingName,
  WORKFLOW_FUNCTIONS,
  type WorkflowFunctionName,
} from '../../manifest/functions.ts';
import { IDENTITY_FUNCTIONS, type IdentityFunctionName, PERSON_ACCESS_TOKEN_SECONDS, STAFF_GROUPS } from '../../manifest/identity.ts';
import { ROUTES, type Route } from '../../manifest/routes.ts';
import { type TableAccess, type TableId, writes } from '../../manifest/tables.ts';
import type { StageConfig } from '../config/stage.ts';
import { ApiEdge } from '../constructs/api-edge.ts';
import { ConsoleHosting } from '../constructs/console-hosting.ts';
import { type BucketGrant, ClaimsFunction, type TableGrant } from '../constructs/function.ts';
import { issuerOf, PERSON_TOKEN_VALIDITY, PlatformIdentity, WorkerIdentity } from '../constructs/identity.ts';
import { Monitoring } from '../constructs/monitoring.ts';
import { DocumentEvents } from './document-events.ts';
import { DomainEvents } from './domain-events.ts';
import { AuditWiring, type AuditKeys } from './audit.ts';
import { bucketName, type DeployedBucket, type DeployedTable, functionRoleName } from './stateful-stack.ts';
import { Workflows } from './workflows.ts';

/**
 * How long API Gateway keeps the Lambda authorizer's answer for one Authorization header. Bounds how long
 * a revoked platform client's unexpired token may still pass the gateway (functions re-check `exp`).
 */
const AUTHORIZER_CACHE_TTL = Duration.minutes(5);

/** Request headers a browser console sends (contract: Authorization, JSON bodies, Idempotency-Key). */
const CORS_ALLOW_HEADERS = ['authorization', 'content-type', 'idempotency-key'] as const;
/** Response headers the console reads: the bank file's name, when to retry after 429/503. */
const CORS_EXPOSE_HEADERS = ['content-disposition', 'retry-after'] as const;
/** How long a browser may reuse a preflight answer (browsers cap it: Chromium at 2 h, Firefox at 24 h). */
const CORS_MAX_AGE = Duration.hours(1);

/** The OAuth scopes the console asks for (the app client's scopes). */
const APP_SCOPES = [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE];

export interface StatelessStackProps extends StackProps {
  readonly stage: StageConfig;
  /** The stateful tables; referenced here by physical name, not through CloudFormation exports. */
  readonly tables: Readonly<Record<TableId, DeployedTable>>;
  /** Customer-managed key of the tables (its ARN is a cross-stack reference). */
  readonly dataKey: IKey;
  /** The stateful stack's PII key: the PII data key is encrypted under it (ClaimsFunction roles named by piiRoleName). */
  readonly piiKey: IKey;
  /** The stateful buckets; referenced here by physical name, their keys by ARN (cross-stack references). */
  readonly buckets: Readonly<Record<BucketId, Pick<DeployedBucket, 'key'>>>;
  /** Directory of the built console to deploy; undefined: the console's bucket and distribution without content. */
  readonly consoleAssets?: string;
  /**
   * The edge stack's WAF web ACL (us-east-1, lib/stacks/edge-stack.ts): CloudFront with this ACL goes in front
   * of the API. Undefined (stacks without a pinned region, China regions): no edge (docs/security.md).
   */
  readonly apiWebAclArn?: string;
  /** The audit's keys and anchor bucket (key ARNs and the bucket's name are cross-stack references). */
  readonly audit: Pick<AuditKeys, 'macKey' | 'signingKey'>;
}

export class StatelessStack extends Stack {
  /** The staff pool (staff and finance; TOTP required). */
  public readonly userPool: UserPool;
  /** The pilot platform's client, in the platform pool. */
  public readonly platformClient: UserPoolClient;
  /** The staff app client (the console's hosted sign-in). */
  public readonly appClient: UserPoolClient;
  /** The workers' pool: phone number and SMS code (issue 17). */
  public readonly workerIdentity: WorkerIdentity;
  /** The platform pool: machine clients only; the platforms function manages clients here and nowhere else. */
  public readonly platformIdentity: PlatformIdentity;
  /** The user pools' Lambda triggers (manifest/identity.ts IDENTITY_FUNCTIONS). */
  public readonly identityFunctions: Readonly<Record<IdentityFunctionName, ClaimsFunction>>;
  public readonly api: HttpApi;
  public readonly apiStage: HttpStage;
  public readonly functions: Readonly<Record<FunctionName, ClaimsFunction>>;
  /** The route constructs by route key (`GET /health`), for acknowledgements and later wiring. */
  public readonly routes: ReadonlyMap<string, HttpRoute>;
  /** Non-HTTP functions: the workflow Task Lambda and the deadline sweep. */
  public readonly workflowFunctions: Readonly<Record<WorkflowFunctionName, ClaimsFunction>>;
  /** Functions invoked by events (S3 object-created through EventBridge): the document check. */
  public readonly eventFunctions: Readonly<Record<EventFunctionName, ClaimsFunction>>;
  public readonly workflows: Workflows;
  /** The object-created rule of the documents bucket, its DLQ and alarms. */
  public readonly documentEvents: DocumentEvents;
  /** Functions of the domain events: the stream publisher, the consumer, the webhook sender. */
  public readonly domainEventFunctions: Readonly<Record<DomainEventFunctionName, ClaimsFunction>>;
  /** The domain bus, its rule, the webhook delivery queue, their DLQs and alarms (docs/events.md). */
  public readonly domainEvents: DomainEvents;
  /** The audit's grants, the chainer's stream mapping and DLQ, the hourly anchor schedule and alarms. */
  public readonly audit: AuditWiring;
  /** Verifies Cognito tokens and accepts the app clients of registered platforms (functions/authorizer). */
  public readonly authorizerFunction: ClaimsFunction;
  /** The web console: private bucket, CloudFront distribution, security headers, its deployment. */
  public readonly console: ConsoleHosting;
  /** Browser origins the API answers CORS for: the console's distribution and the stage's `consoleOrigins`. */
  public readonly corsOrigins: readonly string[];
  /** The dashboard and the cross-cutting alarms: API 5xx, authorizer errors, table throttling, dead letters. */
  public readonly monitoring: Monitoring;
  /** CloudFront with the WAF web ACL in front of the API, when the app has an edge stack. */
  public readonly apiEdge?: ApiEdge;
  /** The value CloudFront sends in the origin header (Secrets Manager), when the app has an edge stack. */
  public readonly originSecret?: Secret;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { stage } = props;

    // ---- Identity -------------------------------------------------------------------------------
    this.userPool = new UserPool(this, 'UserPool', {
      userPoolName: `injury-claims-${stage.name}`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
      },
      // Staff see personal data of injured workers: a second factor is mandatory (AwsSolutions-COG2).
      // TOTP only: SMS would need an SNS role and is the weaker factor.
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: stage.cognitoPlus ? FeaturePlan.PLUS : FeaturePlan.ESSENTIALS,
      ...(stage.cognitoPlus ? { standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION } : {}),
      customAttributes: {
        // Read by functions/_shared/auth.ts as custom:workerId / custom:provinces; set by administrators.
        workerId: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
        provinces: new StringAttribute({ minLen: 0, maxLen: 2048, mutable: true }),
      },
      deletionProtection: stage.deletionProtection,
      removalPolicy: stage.removalPolicy,
    });
    if (!stage.cognitoPlus) {
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions-COG8',
        reason:
          'Dev stage only: the pool holds synthetic test users, so the per-user charge of the Plus plan (threat protection) buys nothing; prod runs on Plus with threat protection enforced.',
      });
    }

    // Staff roles as groups; the pre-token trigger turns the one group into the access token's `role`.
    for (const group of STAFF_GROUPS) {
      this.userPool.addGroup(`${group[0]!.toUpperCase()}${group.slice(1)}Group`, {
        groupName: group,
        description: `Staff role ${group}`,
      });
    }

    // Hosted domain: the console's sign-in (authorisation code with PKCE).
    const domain = this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: stage.cognitoDomainPrefix } });

    // ---- Console hosting (before the app client, whose callback URLs name its domain) -------------
    // connect-src names the API by its regional pattern, not its exact origin: the API's CORS names the
    // distribution and the distribution's headers policy would name the API, a cycle CloudFormation refuses
    // (docs/infrastructure.md, "Console hosting").
    const documentsBucket = bucketName(stage.name, 'documents', this.account, this.region);
    this.console = new ConsoleHosting(this, 'Console', {
      stage,
      ...(props.consoleAssets ? { assets: props.consoleAssets } : {}),
      sources: {
        connect: [
          `https://*.execute-api.${this.region}.${this.urlSuffix}`,
          domain.baseUrl(),
          `https://${documentsBucket}.s3.${this.region}.${this.urlSuffix}`,
          // Workers sign in through the user-pool API (InitiateAuth / RespondToAuthChallenge, custom auth flow).
          `https://cognito-idp.${this.region}.${this.urlSuffix}`,
        ],
        formAction: [domain.baseUrl()],
      },
    });
    this.corsOrigins = [this.console.url, ...(stage.consoleOrigins ?? [])];

    // Workers and platforms have pools of their own (lib/constructs/identity.ts, docs/security.md).
    this.workerIdentity = new WorkerIdentity(this, 'WorkerIdentity', { stage });
    this.platformIdentity = new PlatformIdentity(this, 'PlatformIdentity', { stage });

    // Users may edit their profile name only; role-bearing attributes (groups, custom:*) are admin-set.
    const userWritable = new ClientAttributes().withStandardAttributes({ fullname: true });
    const readable = new ClientAttributes()
      .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
      .withCustomAttributes('workerId', 'provinces');

    // The pilot platform's client is in the platform pool; each registered platform gets its own client there
    // at run time (POST /v1/platforms, functions/platforms/clients.ts).
    this.platformClient = this.platformIdentity.pilotClient;

    // The staff app: public client, SRP sign-in, authorisation code (PKCE) for hosted UI. The console on its
    // distribution signs in and out there, besides the stage's own URLs. 5-minute tokens: the revocation
    // bound (a disabled user's refresh fails; a changed user gets new claims at the next refresh).
    const appCallbackUrls = [`${this.console.url}/callback`, ...stage.appCallbackUrls];
    const appLogoutUrls = [`${this.console.url}/`, ...stage.appLogoutUrls];
    this.appClient = this.userPool.addClient('AppClient', {
      userPoolClientName: `staff-and-worker-apps-${stage.name}`,
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: APP_SCOPES,
        callbackUrls: appCallbackUrls,
        logoutUrls: appLogoutUrls,
      },
      accessTokenValidity: PERSON_TOKEN_VALIDITY,
      idTokenValidity: PERSON_TOKEN_VALIDITY,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      readAttributes: readable,
      writeAttributes: userWritable,
    });

    // ---- Functions ------------------------------------------------------------------------------
    const tables = importTables(this, props.tables);
    const tableGrants = (owner: string, spec: Readonly<Partial<Record<TableId, TableAccess>>>): TableGrant[] =>
      Object.entries(spec).map(([tableId, access]) => {
        const deployed = props.tables[tableId as TableId];
        if (!deployed) throw new Error(`${owner} uses table "${tableId}", which manifest/tables.ts does not define`);
        return { table: tables[tableId as TableId], envVar: deployed.definition.envVar, access: access! };
      });
    const bucketGrants = (spec: Readonly<Partial<Record<BucketId, BucketAccess>>>): BucketGrant[] =>
      (Object.entries(spec) as [BucketId, BucketAccess][]).map(([id, access]) => {
        const name = bucketName(stage.name, id, this.account, this.region);
        return {
          envVar: BUCKETS[id].envVar,
          bucketName: name,
          bucketArn: `arn:${this.partition}:s3:::${name}`,
          objectPrefix: BUCKETS[id].objectPrefix,
          key: props.buckets[id].key,
          access,
        };
      });
    // The origin secret CloudFront sends to the API (issue 17, "Abuse"), only where the edge is built: the
    // authorizer refuses a request without it (functions/_shared/origin-verify.ts).
    // Generated by Secrets Manager, never in the template; rotated by hand (docs/security.md, "Origin secret").
    const originSecret = props.apiWebAclArn
      ? new Secret(this, 'OriginVerifySecret', {
          secretName: `injury-claims-${stage.name}/origin-verify`,
          description: `Value of the ${ORIGIN_VERIFY_HEADER} header CloudFront sends to the ${stage.name} API (requests without it are refused)`,
          generateSecretString: { passwordLength: 48, excludePunctuation: true },
        })
      : undefined;
    this.originSecret = originSecret;
    if (originSecret) {
      Validations.of(originSecret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'Rotated by the documented two-step procedure (put a new value; the functions accept current and previous; then deploy the distribution with the new version id): an automatic rotation Lambda would have to update CloudFront itself.',
      });
    }

    // The values of the settings a manifest entry may declare (manifest/functions.ts SETTINGS).
    const settingValues: Readonly<Record<SettingName, string>> = {
      PLATFORM_RATE_LIMIT_PER_SECOND: String(stage.platformRateLimitPerSecond),
      PLATFORM_CLIENTS_MODE: 'cognito',
      PLATFORM_USER_POOL_ID: this.platformIdentity.pool.userPoolId,
      AUTH_ISSUER: issuerOf(this.userPool),
      AUTH_WORKER_ISSUER: issuerOf(this.workerIdentity.pool),
      AUTH_PLATFORM_ISSUER: issuerOf(this.platformIdentity.pool),
      AUTH_MAX_TOKEN_SECONDS: String(PERSON_ACCESS_TOKEN_SECONDS),
      AUTH_STATIC_CLIENT_IDS: [this.appClient.userPoolClientId, this.workerIdentity.appClient.userPoolClientId, this.platformClient.userPoolClientId].join(','),
      PAYING_ACCOUNTS: JSON.stringify(stage.payingAccounts),
      SMS_SENDER: 'sns',
      // Only https receivers on public addresses in AWS; the full retry schedule; the contract's 10 s.
      WEBHOOK_ALLOW_LOOPBACK: 'false',
      WEBHOOK_RETRY_COMPRESSION: '1',
      WEBHOOK_TIMEOUT_MS: '10000',
      // Empty without the edge: no origin check (China regions, stacks without a pinned region).
      ORIGIN_VERIFY_SECRET_ARN: originSecret?.secretArn ?? '',
    };
    /** One function from its manifest entry: its table grants and their env, its settings; state machines and PII in Workflows. */
    const build = (name: string, spec: FunctionSpec): ClaimsFunction => {
      if (spec.platformFacing && spec.tables.idempotency !== 'readwrite') {
        throw new Error(`${name} is platform-facing: its rate limit needs idempotency: 'readwrite'`);
      }
      const grants = tableGrants(name, spec.tables);
      const fn = new ClaimsFunction(this, `${pascal(name)}Function`, {
        entry: spec.entry,
        description: spec.description,
        serviceName: `injury-claims-${name}`,
        stage,
        tables: grants,
        tableKey: props.dataKey,
        // A fixed name where a key policy names the role (PII key, audit keys).
        ...(functionRoleName(stage.name, name) ? { roleName: functionRoleName(stage.name, name)! } : {}),
        buckets: bucketGrants(spec.buckets ?? {}),
        ...(spec.memorySize ? { memorySize: spec.memorySize } : {}),
        ...(spec.timeoutSeconds ? { timeout: Duration.seconds(spec.timeoutSeconds) } : {}),
        environment: Object.fromEntries(settingsOf(spec).map((setting) => [setting, settingValues[setting]])),
      });
      acknowledgeFunctionFindings(fn, grants, props.tables);
      acknowledgeBucketFindings(fn, stage.name, spec.buckets ?? {});
      return fn;
    };
    const functions = {} as Record<FunctionName, ClaimsFunction>;
    for (const [name, spec] of Object.entries(FUNCTIONS) as [FunctionName, FunctionSpec][]) functions[name] = build(name, spec);
    this.functions = functions;
    const workflowFunctions = {} as Record<WorkflowFunctionName, ClaimsFunction>;
    for (const [name, spec] of Object.entries(WORKFLOW_FUNCTIONS) as [WorkflowFunctionName, FunctionSpec][]) workflowFunctions[name] = build(name, spec);
    this.workflowFunctions = workflowFunctions;
    const eventFunctions = {} as Record<EventFunctionName, ClaimsFunction>;
    for (const [name, spec] of Object.entries(EVENT_FUNCTIONS) as [EventFunctionName, FunctionSpec][]) eventFunctions[name] = build(name, spec);
    this.eventFunctions = eventFunctions;
    const domainEventFunctions = {} as Record<DomainEventFunctionName, ClaimsFunction>;
    for (const [name, spec] of Object.entries(DOMAIN_EVENT_FUNCTIONS) as [DomainEventFunctionName, FunctionSpec][])
      domainEventFunctions[name] = build(name, spec);
    this.domainEventFunctions = domainEventFunctions;
    // The API's Lambda authorizer: verifies the pool's tokens (AUTH_ISSUER) and accepts the static clients plus
    // any client registered to a platform in the registry.
    this.authorizerFunction = build('authorizer', AUTHORIZER_FUNCTION);
    if (originSecret) {
      // The authorizer checks the origin header: it reads the secret's current and previous values.
      originSecret.grantRead(this.authorizerFunction.role);
    }

    // The user pools' triggers: the contract's claims into people's access tokens (V2 events), workers' SMS sign-in.
    const identityFunctions = {} as Record<IdentityFunctionName, ClaimsFunction>;
    for (const [name, spec] of Object.entries(IDENTITY_FUNCTIONS) as [IdentityFunctionName, FunctionSpec][]) identityFunctions[name] = build(name, spec);
    this.identityFunctions = identityFunctions;
    this.userPool.addTrigger(UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, identityFunctions.staffPreToken.function, LambdaVersion.V2_0);
    this.workerIdentity.addTriggers({
      preToken: identityFunctions.workerPreToken,
      defineAuthChallenge: identityFunctions.defineAuthChallenge,
      createAuthChallenge: identityFunctions.createAuthChallenge,
      verifyAuthChallenge: identityFunctions.verifyAuthChallenge,
    });

    // Platforms' app clients: the platforms function creates, describes and deletes them in the platform pool
    // only, which holds no person's app client (item 3 of issue 17).
    this.platformIdentity.grantClientAdministration(functions.platforms);

    // ---- Case workflow, payment run, schedules, alarms, PII key ---------------------------------
    this.workflows = new Workflows(this, 'Workflows', {
      stage,
      httpFunctions: functions,
      workflowFunctions,
      eventFunctions,
      domainEventFunctions,
      authorizerFunction: this.authorizerFunction,
      piiKey: props.piiKey,
    });

    // ---- Documents: the check after upload, on the bucket's object-created events ---------------
    this.documentEvents = new DocumentEvents(this, 'DocumentEvents', { stage, eventFunctions, alarmTopic: this.workflows.alarmTopic });

    // ---- Domain events: stream → bus → notifications and webhooks (docs/events.md) -----------------
    const casesStream = Table.fromTableAttributes(this, 'CasesTableStreamRef', {
      tableName: props.tables.cases.tableName,
      tableStreamArn: props.tables.cases.table.tableStreamArn!,
    });
    const ordersStream = Table.fromTableAttributes(this, 'OrdersTableStreamRef', {
      tableName: props.tables.orders.tableName,
      tableStreamArn: props.tables.orders.table.tableStreamArn!,
    });
    // The streams are encrypted with the tables' key: their readers (the publisher, the statistics counter, the
    // orders projector and archiver) may use it only through DynamoDB, like every table grant.
    for (const reader of [
      domainEventFunctions.eventPublisher,
      domainEventFunctions.statisticsCounter,
      domainEventFunctions.ordersProjector,
      domainEventFunctions.ordersArchiver,
    ])
      reader.role.addToPrincipalPolicy(
        new PolicyStatement({
          sid: 'StreamKeyViaDynamoDB',
          effect: Effect.ALLOW,
          actions: ['kms:Decrypt'],
          resources: [props.dataKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${this.region}.${this.urlSuffix}` } },
        }),
      );
    this.domainEvents = new DomainEvents(this, 'DomainEvents', {
      stage,
      casesTable: casesStream,
      ordersTable: ordersStream,
      functions: domainEventFunctions,
      all: [
        ...(Object.entries(FUNCTIONS) as [FunctionName, FunctionSpec][]).map(([name, spec]) => ({ fn: functions[name], spec })),
        ...(Object.entries(DOMAIN_EVENT_FUNCTIONS) as [DomainEventFunctionName, FunctionSpec][]).map(([name, spec]) => ({
          fn: domainEventFunctions[name],
          spec,
        })),
      ],
      alarmTopic: this.workflows.alarmTopic,
    });

    // ---- Audit: keys to the chain writers and the anchor job, the chainer's stream, the anchor schedule ----
    this.audit = new AuditWiring(this, 'Audit', {
      stage,
      macKeyArn: props.audit.macKey.keyArn,
      signingKeyArn: props.audit.signingKey.keyArn,
      casesTable: casesStream,
      dataKeyArn: props.dataKey.keyArn,
      functionNamed: (name) =>
        name === 'authorizer'
          ? this.authorizerFunction
          : ((functions as Record<string, ClaimsFunction>)[name] ??
            (workflowFunctions as Record<string, ClaimsFunction>)[name] ??
            (eventFunctions as Record<string, ClaimsFunction>)[name] ??
            (domainEventFunctions as Record<string, ClaimsFunction>)[name]!),
      scheduleDlq: this.workflows.scheduleDlq,
      alarmTopic: this.workflows.alarmTopic,
    });

    // ---- HTTP API -------------------------------------------------------------------------------
    // A Lambda authorizer, not the JWT authorizer: a JWT authorizer accepts a fixed audience list, and
    // every platform gets its own app client at run time (docs/security.md, "API Gateway and per-platform
    // clients"). It verifies the pool's tokens itself and accepts the static clients below plus any client
    // registered to a platform in the registry.
    const authorizer = new HttpLambdaAuthorizer('LambdaAuthorizer', this.authorizerFunction.function, {
      authorizerName: 'cognito-clients',
      // With the edge, CloudFront's origin header is an identity source too: API Gateway answers 401 without
      // invoking the authorizer when it is missing, and the cached answer is keyed on its value as well.
      identitySource: ['$request.header.Authorization', ...(originSecret ? [`$request.header.${ORIGIN_VERIFY_HEADER}`] : [])],
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      resultsCacheTtl: AUTHORIZER_CACHE_TTL,
    });

    this.api = new HttpApi(this, 'HttpApi', {
      apiName: `injury-claims-${stage.name}`,
      description: 'Occupational-injury protection for platform workers: claims processor API',
      createDefaultStage: false,
      // Fail closed: a route that does not say otherwise goes through the authorizer.
      defaultAuthorizer: authorizer,
      // The console's origins only (contract, v2 additions). API Gateway answers the preflight itself and
      // sets the CORS headers of every response, whatever the function returns.
      corsPreflight: {
        allowOrigins: [...this.corsOrigins],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PUT, CorsHttpMethod.DELETE],
        allowHeaders: [...CORS_ALLOW_HEADERS],
        exposeHeaders: [...CORS_EXPOSE_HEADERS],
        maxAge: CORS_MAX_AGE,
      },
    });

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: stage.logRetention,
      removalPolicy: stage.removalPolicy,
    });
    this.apiStage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: stage.apiThrottle.rateLimit, burstLimit: stage.apiThrottle.burstLimit },
      // Route-level 4xx/5xx/latency metrics (dimensions Method and Resource) for the dashboard.
      detailedMetricsEnabled: true,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    const integrationFor = (name: FunctionName): HttpLambdaIntegration => {
      let integration = integrations.get(name);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${pascal(name)}Integration`, functions[name].function);
        integrations.set(name, integration);
      }
      return integration;
    };

    const routes = new Map<string, HttpRoute>();
    const noAuth = new HttpNoneAuthorizer();
    for (const route of ROUTES) {
      const [httpRoute] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrationFor(route.fn),
        ...(route.auth ? {} : { authorizer: noAuth }),
      });
      if (!httpRoute) throw new Error(`No route created for ${routeKeyOf(route)}`);
      if (!route.auth) {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${routeKeyOf(route)} is public by contract (health check / OpenAPI document): it serves no personal data and is throttled by the stage.`,
        });
      }
      routes.set(routeKeyOf(route), httpRoute);
    }
    this.routes = routes;

    // ---- Edge: CloudFront + AWS WAF in front of the API (issue 17, "Abuse") ----------------------
    if (props.apiWebAclArn) {
      this.apiEdge = new ApiEdge(this, 'ApiEdge', {
        stage,
        api: this.api,
        webAclArn: props.apiWebAclArn,
        logBucket: this.console.logBucket,
        originSecret: originSecret!,
      });
      new CfnOutput(this, 'ApiEdgeUrl', { value: this.apiEdge.url, description: 'The API through CloudFront and AWS WAF (rate per source IP, managed rules)' });
    }

    // ---- Operations: dashboard and alarms (docs/operations.md) ----------------------------------
    this.monitoring = new Monitoring(this, 'Monitoring', {
      stage,
      alarmTopic: this.workflows.alarmTopic,
      api: this.api,
      apiStageName: this.apiStage.stageName,
      routes: ROUTES,
      authorizer: this.authorizerFunction.function,
      functions: Object.fromEntries(
        [
          ...Object.entries(functions),
          ...Object.entries(workflowFunctions),
          ...Object.entries(eventFunctions),
          ...Object.entries(domainEventFunctions),
          ['authorizer', this.authorizerFunction] as const,
          ...Object.entries(identityFunctions),
        ].map(([name, fn]) => [name, fn.function]),
      ),
      tables: Object.fromEntries((Object.keys(tables) as TableId[]).map((id) => [id, { table: tables[id], definition: props.tables[id].definition }])),
      stateMachines: {
        caseWorkflow: this.workflows.stateMachines.caseWorkflow.stateMachine,
        paymentRun: this.workflows.stateMachines.paymentRun.stateMachine,
      },
      // One line per dead-letter queue: each is alarmed on any message and shown with its age (docs/operations.md).
      deadLetterQueues: [
        {
          name: 'ScheduleDlq',
          queue: this.workflows.scheduleDlq,
          description: 'A scheduled invocation (deadline sweep, monthly payment run) could not be delivered (EventBridge Scheduler DLQ).',
        },
        {
          name: 'ObjectCreatedDlq',
          queue: this.documentEvents.dlq,
          description: 'An object-created event could not be delivered to its check (the document stays UPLOAD_PENDING): redrive it from the DLQ.',
        },
      ],
      // The webhooks' work queue, and the domain events' dead-letter queues (alarmed by DomainEvents itself) for their depth and age.
      queues: [
        {
          name: 'WebhookDeliveries',
          queue: this.domainEvents.queues.webhookDeliveries,
          description: 'Webhook deliveries waiting for their next attempt (docs/events.md)',
        },
        { name: 'StreamDlq', queue: this.domainEvents.streamDlq, description: 'Cases-table stream records not published as domain events' },
        { name: 'ProjectionDlq', queue: this.domainEvents.projectionDlq, description: 'Orders-table stream records not projected into the counters' },
        { name: 'ArchiveDlq', queue: this.domainEvents.archiveDlq, description: 'Expired orders not written to the order archive' },
        { name: 'ConsumerDlq', queue: this.domainEvents.consumerDlq, description: 'Domain events the consumer failed on' },
        { name: 'WebhookDlq', queue: this.domainEvents.deliveryDlq, description: 'Webhook delivery messages the sender crashed on' },
      ],
      otherAlarms: [...this.workflows.alarms, ...this.documentEvents.alarms, ...this.domainEvents.alarms, ...this.audit.alarms],
    });

    // ---- The console's files and its config.json (values of this deployment) ------------------
    this.console.publish({
      stage: stage.name,
      apiUrl: this.api.apiEndpoint,
      auth: {
        domain: domain.baseUrl(),
        clientId: this.appClient.userPoolClientId,
        scopes: APP_SCOPES.map((scope) => scope.scopeName),
        redirectUris: appCallbackUrls,
        logoutUris: appLogoutUrls,
      },
      workerAuth: { region: this.region, clientId: this.workerIdentity.appClient.userPoolClientId },
    });

    // ---- Outputs --------------------------------------------------------------------------------
    new CfnOutput(this, 'ConsoleUrl', { value: this.console.url, description: 'The web console (CloudFront)' });
    new CfnOutput(this, 'ConsoleBucketName', { value: this.console.bucket.bucketName, description: 'Bucket of the console files' });
    new CfnOutput(this, 'ApiUrl', { value: this.apiStage.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'PlatformClientId', { value: this.platformClient.userPoolClientId });
    new CfnOutput(this, 'AppClientId', { value: this.appClient.userPoolClientId });
    new CfnOutput(this, 'WorkerUserPoolId', { value: this.workerIdentity.pool.userPoolId, description: "Workers' pool (phone number and SMS code)" });
    new CfnOutput(this, 'WorkerAppClientId', { value: this.workerIdentity.appClient.userPoolClientId, description: "Workers' app client (custom auth flow)" });
    new CfnOutput(this, 'PlatformUserPoolId', { value: this.platformIdentity.pool.userPoolId, description: 'Platform machine clients' });
    new CfnOutput(this, 'CaseWorkflowArn', { value: this.workflows.stateMachines.caseWorkflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'PaymentRunArn', { value: this.workflows.stateMachines.paymentRun.stateMachine.stateMachineArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.workflows.alarmTopic.topicArn, description: 'Subscribe the on-call address here' });
    new CfnOutput(this, 'DashboardName', { value: this.monitoring.dashboard.dashboardName, description: 'CloudWatch dashboard (docs/operations.md)' });
    new CfnOutput(this, 'TokenEndpoint', {
      value: `${this.platformIdentity.domain.baseUrl()}/oauth2/token`,
      description: 'OAuth token endpoint for the platform client-credentials flow',
    });
  }

  /** The function of a manifest entry, whichever list it is in. */
  public functionNamed(name: AnyFunctionName): ClaimsFunction {
    if (name === 'authorizer') return this.authorizerFunction;
    if (Object.hasOwn(this.workflowFunctions, name)) return this.workflowFunctions[name as WorkflowFunctionName];
    if (Object.hasOwn(this.eventFunctions, name)) return this.eventFunctions[name as EventFunctionName];
    if (Object.hasOwn(this.domainEventFunctions, name)) return this.domainEventFunctions[name as DomainEventFunctionName];
    return this.functions[name as FunctionName];
  }
}

/** HTTP API access-log record (JSON, so Logs Insights can query it; AwsSolutions-APIGW1). */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  clientId: '$context.authorizer.client_id',
} as const;

const routeKeyOf = (route: Pick<Route, 'method' | 'path'>): string => `${route.method} ${route.path}`;

const pascal = (id: string): string => id.replace(/(^|[-_])(\w)/g, (_m, _sep, c: string) => c.toUpperCase());

/** Table references by physical name (same account and region as the stateful stack). */
/**
 * The tables, imported without their key: a grant on them is DynamoDB actions only, and each function gets
 * the key separately, through DynamoDB only (ClaimsFunction `tableKey`, `kms:ViaService`).
 */
const importTables = (scope: Construct, deployed: Readonly<Record<TableId, DeployedTable>>): Record<TableId, ITable> => {
  const imported = {} as Record<TableId, ITable>;
  for (const [id, { tableName, definition }] of Object.entries(deployed) as [TableId, DeployedTable][]) {
    imported[id] = Table.fromTableAttributes(scope, `${pascal(id)}TableRef`, {
      tableName,
      globalIndexes: (definition.globalSecondaryIndexes ?? []).map((index) => index.indexName),
    });
  }
  return imported;
};

/** The bucket grants' object wildcard (`<bucket>/<objectPrefix>*`), acknowledged for exactly that resource. */
const acknowledgeBucketFindings = (fn: ClaimsFunction, stage: StageConfig['name'], buckets: Readonly<Partial<Record<BucketId, BucketAccess>>>): void => {
  for (const id of Object.keys(buckets) as BucketId[]) {
    const name = bucketName(stage, id, '<AWS::AccountId>', '<AWS::Region>');
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${name}/${BUCKETS[id].objectPrefix}*]`,
      reason: `Object access in the ${id} bucket is granted on its object prefix (${BUCKETS[id].objectPrefix}*): object keys are created at run time (per case and document; per month, platform and stream batch in the order archive); no other prefix, no bucket-level action.`,
    });
  }
};

/**
 * cdk-nag findings that follow from the house defaults and the table grants, acknowledged on the role of
 * the one function they concern and only for the exact finding.
 */
const acknowledgeFunctionFindings = (fn: ClaimsFunction, grants: readonly TableGrant[], deployed: Readonly<Record<TableId, DeployedTable>>): void => {
  const ack = Validations.of(fn.role);
  ack.acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'X-Ray tracing (a house default): xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so their resource must be "*".',
  });
  if (grants.some((grant) => writes(grant.access))) {
    for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
      ack.acknowledge({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: `${action} on the tables' customer-managed key (the actions Table.grantReadWriteData gives), limited to that one key ARN and to calls through DynamoDB (kms:ViaService); DynamoDB needs these to write encrypted items.`,
      });
    }
  }
  for (const [id, entry] of Object.entries(deployed) as [TableId, DeployedTable][]) {
    if (!entry.definition.globalSecondaryIndexes?.length) continue;
    if (!grants.some((grant) => grant.envVar === entry.definition.envVar)) continue;
    ack.acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:dynamodb:<AWS::Region>:<AWS::AccountId>:table/${entry.tableName}/index/*]`,
      reason: `The table grant covers the ${id} table's GSIs (${entry.definition.globalSecondaryIndexes
        .map((index) => index.indexName)
        .join(', ')}) through ${entry.tableName}/index/*: indexes of this one named table only.`,
    });
  }
};
