/**
 * The whole system on one machine: DynamoDB Local (or a given endpoint) → the tables of
 * manifest/tables.ts → the env the Lambda handlers expect → optional services (the local Step Functions
 * runner) → the HTTP adapter serving ROUTES behind the real authorizer. `stop()` undoes it in reverse.
 *
 * The env built here is the pool every function draws from: each invocation sees only the variables its
 * manifest entry grants (local/lambda.ts).
 *
 * The handlers run in this process and read their configuration from `process.env` at module init, so the
 * env is final before the first handler module is imported, and one process serves one configuration
 * (a second app in the same process with other table names is refused once handlers are loaded).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { auditKeysEnv, loadOrCreateAuditKeys } from './audit-keys.ts';
import { CONSOLE_DIST } from './console.ts';
import { LOCAL_CREDENTIALS, localDynamoDbClient, startDynamoDbLocal, type DynamoDbLocal, type DynamoDbLocalOptions } from './dynamodb.ts';
import { createHttpAdapter, type HttpAdapterOptions, type InlineRoute } from './http-adapter.ts';
import { LOCAL_PAYING_ACCOUNTS } from './paying-accounts.ts';
import { createTables, type TableNames } from './tables.ts';
import { LOCAL_APP_CLIENT_ID, type LocalIssuer, localIssuer, parseTokenRequest } from './tokens.ts';

const DEFAULT_REGION = 'cn-north-1';
const SERVICE_NAME = 'platform-injury-claims';

export interface ServiceContext {
  readonly ddbEndpoint: string;
  readonly region: string;
  /** `{ [envVar]: tableName }` */
  readonly tables: TableNames;
  /** The env applied so far (also in process.env). */
  readonly env: Readonly<Record<string, string>>;
  readonly dynamodb: DynamoDBClient;
}

/**
 * Something started with the app after the tables and before the HTTP server, stopped before DynamoDB
 * Local, in reverse order. It may contribute env for the handlers (e.g. state machine ARNs and an endpoint).
 */
export interface LocalService {
  readonly name: string;
  start(context: ServiceContext): Promise<undefined | { readonly env?: Readonly<Record<string, string>> }>;
  stop(): Promise<void>;
}

export interface LocalAppOptions {
  /** Default 3000; 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Use this DynamoDB (e.g. the test run's shared DynamoDB Local) instead of starting one. */
  readonly ddbEndpoint?: string;
  /** Keep DynamoDB data (`DIR/dynamodb`) and the PII key (`DIR/local-keys.json`) across restarts. */
  readonly persistDir?: string;
  readonly tablePrefix?: string;
  /** Options for the DynamoDB Local this app starts (not used with `ddbEndpoint`). */
  readonly dynamodb?: Pick<DynamoDbLocalOptions, 'jvmOptions' | 'readyTimeoutMs'>;
  /** Default cn-north-1. */
  readonly region?: string;
  /** base64 of 32 bytes; default from persistDir, else random per start. */
  readonly piiKey?: string;
  /** Default `local`. */
  readonly stage?: string;
  readonly services?: readonly LocalService[];
  /** Extra env for the handlers, applied last. */
  readonly env?: Readonly<Record<string, string>>;
  /** Test-only routes served by inline handlers. */
  readonly extraRoutes?: readonly InlineRoute[];
  readonly adapter?: Pick<HttpAdapterOptions, 'timeoutMs' | 'maxBodyBytes' | 'log' | 'routes' | 'functions' | 'root'>;
  /** The built console served at `/` (default console/dist, when it has been built; `false`: none). */
  readonly consoleDist?: string | false;
}

export interface LocalApp {
  readonly url: string;
  readonly port: number;
  readonly ddbEndpoint: string;
  readonly tables: TableNames;
  /** Everything set in process.env for the handlers. */
  readonly env: Readonly<Record<string, string>>;
  readonly issuer: LocalIssuer;
  /** A token for these claims, validated as `POST /local/tokens` validates them. */
  token(claims: Record<string, unknown>): Promise<string>;
  stop(): Promise<void>;
}

/** The env the handler modules were loaded with, if any were: they keep it until the process ends. */
let loadedWithEnv: Readonly<Record<string, string>> | undefined;

function loadOrCreatePiiKey(persistDir: string): string {
  const file = join(persistDir, 'local-keys.json');
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { piiLocalKey?: unknown };
    if (typeof stored.piiLocalKey !== 'string' || Buffer.from(stored.piiLocalKey, 'base64').length !== 32) {
      throw new Error(`${file} has no valid piiLocalKey (base64 of 32 bytes)`);
    }
    return stored.piiLocalKey;
  }
  const key = randomBytes(32).toString('base64');
  writeFileSync(file, `${JSON.stringify({ piiLocalKey: key, createdAt: new Date().toISOString() }, null, 2)}\n`, { mode: 0o600 });
  return key;
}

export async function startLocalApp(options: LocalAppOptions = {}): Promise<LocalApp> {
  const cleanup: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const step of cleanup.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        console.error(`local app: stop step failed: ${(error as Error).message}`);
      }
    }
  };
  try {
    const persistDir = options.persistDir ? resolve(options.persistDir) : undefined;
    if (persistDir) mkdirSync(persistDir, { recursive: true });
    const region = options.region ?? DEFAULT_REGION;

    let ddbEndpoint = options.ddbEndpoint;
    let ddb: DynamoDbLocal | undefined;
    if (!ddbEndpoint) {
      ddb = await startDynamoDbLocal({ ...options.dynamodb, ...(persistDir ? { dbPath: join(persistDir, 'dynamodb') } : {}) });
      cleanup.push(() => ddb!.stop());
      ddbEndpoint = ddb.endpoint;
    }

    const dynamodb = localDynamoDbClient(ddbEndpoint, region);
    cleanup.push(async () => dynamodb.destroy());
    const tables = await createTables(dynamodb, options.tablePrefix ? { prefix: options.tablePrefix } : {});

    const piiKey = options.piiKey ?? (persistDir ? loadOrCreatePiiKey(persistDir) : randomBytes(32).toString('base64'));
    const env: Record<string, string> = {
      ...tables,
      AWS_ENDPOINT_URL_DYNAMODB: ddbEndpoint,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
      PII_KEY_MODE: 'local',
      PII_LOCAL_KEY: piiKey,
      // The audit chain's MAC key and the anchor key pair (local/audit-keys.ts; KMS keys in AWS).
      ...auditKeysEnv(loadOrCreateAuditKeys(persistDir)),
      POWERTOOLS_SERVICE_NAME: process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME,
      // No X-Ray here: the Tracer leaves the SDK clients untouched (functions/_shared/tracing.ts). Business
      // metrics print as EMF JSON lines on stdout unless POWERTOOLS_METRICS_DISABLED=true (docs/operations.md).
      POWERTOOLS_TRACE_ENABLED: 'false',
      STAGE: options.stage ?? 'local',
      // The stage configuration's paying accounts in AWS (config/stages/*.json); a default per pilot province here.
      PAYING_ACCOUNTS: JSON.stringify(LOCAL_PAYING_ACCOUNTS),
    };
    const apply = (extra: Readonly<Record<string, string>>) => {
      Object.assign(env, extra);
      Object.assign(process.env, extra);
    };
    delete process.env.AWS_SESSION_TOKEN; // never mix a real session token with the dummy keys
    delete process.env.AWS_PROFILE;
    apply(env);

    for (const service of options.services ?? []) {
      const started = await service.start({ ddbEndpoint, region, tables, env: { ...env }, dynamodb });
      cleanup.push(() => service.stop());
      if (started?.env) apply(started.env);
    }
    if (options.env) apply(options.env);

    if (loadedWithEnv) {
      const changed = Object.keys(env).filter((k) => loadedWithEnv![k] !== undefined && loadedWithEnv![k] !== env[k]);
      if (changed.length > 0) {
        throw new Error(
          `handler modules in this process were already loaded with other values of ${changed.join(', ')}; ` +
            'run one local app configuration per process (per test file)',
        );
      }
    }

    // The authorizer trusts the local issuer, through the settings its manifest entry declares.
    const issuer = await localIssuer();
    apply({ AUTH_ISSUER: issuer.issuer, AUTH_STATIC_CLIENT_IDS: LOCAL_APP_CLIENT_ID });
    const adapter = createHttpAdapter({
      issuer,
      ...(options.consoleDist !== false ? { consoleDist: options.consoleDist ?? CONSOLE_DIST } : {}),
      // Presigned uploads and previews go from the browser to the local S3, as to the documents bucket in AWS.
      ...(env.AWS_ENDPOINT_URL_S3 ? { consoleSources: [env.AWS_ENDPOINT_URL_S3] } : {}),
      ...options.adapter,
      ...(options.extraRoutes ? { extraRoutes: options.extraRoutes } : {}),
      beforeFirstLoad: () => {
        loadedWithEnv ??= { ...env };
      },
    });
    const { port, url } = await adapter.listen(options.port ?? 3000, options.host ?? '127.0.0.1');
    cleanup.push(() => adapter.close());

    let stopping: Promise<void> | undefined;
    return {
      url,
      port,
      ddbEndpoint,
      tables,
      env: { ...env },
      issuer,
      async token(claims) {
        const parsed = parseTokenRequest(claims);
        if (!parsed.ok) throw new Error(`invalid token claims: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
        return issuer.sign(parsed.claims);
      },
      stop() {
        stopping ??= stopAll();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
