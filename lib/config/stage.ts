/**
 * Typed stage configuration: the only place the CDK app reads context or the environment at synth.
 *
 * Constructs and stacks receive a `StageConfig` and never look anything up themselves, so a synth is a
 * pure function of (source, stage name). Select a stage with `cdk synth -c stage=prod`; the default is dev.
 */
import { Duration, RemovalPolicy, type Environment } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { SCHEDULES } from '../../manifest/schedules.ts';

const STAGE_NAMES = ['dev', 'prod'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

export interface StageConfig {
  readonly name: StageName;
  /** Account/region to pin the stacks to; undefined synthesises environment-agnostic stacks. */
  readonly env?: Environment;
  /** Data that must survive a stack deletion (tables, keys, user pool) is retained outside dev. */
  readonly removalPolicy: RemovalPolicy;
  /** DynamoDB and Cognito deletion protection. */
  readonly deletionProtection: boolean;
  /** Retention of function and API access logs. */
  readonly logRetention: RetentionDays;
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** `$default` stage throttling of the HTTP API (requests per second, burst). */
  readonly apiThrottle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Requests per second accepted from one platform (`PLATFORM_RATE_LIMIT_PER_SECOND`; docs/security.md). */
  readonly platformRateLimitPerSecond: number;
  /**
   * Cognito Plus feature plan with threat protection (cdk-nag AwsSolutions-COG8). Off only in dev, whose
   * pool holds test users and where the per-MAU charge of Plus buys nothing.
   */
  readonly cognitoPlus: boolean;
  /** Prefix of the Cognito hosted domain (token endpoint for the client-credentials flow); globally unique. */
  readonly cognitoDomainPrefix: string;
  /** OAuth redirect URLs of the staff/worker app client. */
  readonly appCallbackUrls: readonly string[];
  readonly appLogoutUrls: readonly string[];
  /**
   * Origins of the browser consoles that upload and download documents with presigned URLs directly to and
   * from the documents bucket (its CORS rule allows PUT and GET from these). None: no CORS rule.
   */
  readonly consoleOrigins?: readonly string[];
  /** Lifetime of access tokens issued to staff apps and platforms. */
  readonly accessTokenValidity: Duration;
  /**
   * Backstop timeout of every wait for a person in the case workflow (the `HumanStepTimeoutSeconds` placeholder).
   * Statutory deadlines are escalated much earlier by the daily deadline sweep; this only ends a wait that
   * nobody ever resumes. 180 days: well under the one year a Standard execution may run, so that a wait
   * starting late in a case still ends in the workflow's own timeout path (an escalation on the case).
   */
  readonly humanStepTimeoutSeconds: number;
  /** Local time (Asia/Shanghai) of the daily deadline sweep (default: manifest/schedules.ts). */
  readonly deadlineSweepAt: { readonly hour: number; readonly minute: number };
  /**
   * Day of month (1–28, so every month has it) and local time (Asia/Shanghai) of the monthly payment run
   * schedule (default: manifest/schedules.ts, which the local runtime's timer reads too).
   */
  readonly paymentRunAt: { readonly day: number; readonly hour: number; readonly minute: number };
  /**
   * base64 KMS ciphertext of the PII data key (context `piiDataKeyCiphertext`), created once per stage by an
   * operator with `aws kms generate-data-key` (docs/infrastructure.md). Without it, functions that handle
   * personal data refuse to at runtime with a configuration error; synth still works.
   */
  readonly piiDataKeyCiphertext?: string;
}

const STAGES: Readonly<Record<StageName, Omit<StageConfig, 'env'>>> = {
  dev: {
    name: 'dev',
    removalPolicy: RemovalPolicy.DESTROY,
    deletionProtection: false,
    logRetention: RetentionDays.ONE_MONTH,
    logLevel: 'DEBUG',
    apiThrottle: { rateLimit: 50, burstLimit: 100 },
    platformRateLimitPerSecond: 10,
    cognitoPlus: false,
    cognitoDomainPrefix: 'injury-claims-dev',
    appCallbackUrls: ['http://localhost:5173/callback'],
    appLogoutUrls: ['http://localhost:5173/'],
    accessTokenValidity: Duration.hours(1),
    humanStepTimeoutSeconds: 15_552_000,
    deadlineSweepAt: SCHEDULES.deadlineSweep.at,
    paymentRunAt: SCHEDULES.paymentRun.at,
  },
  prod: {
    name: 'prod',
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
    logRetention: RetentionDays.ONE_YEAR,
    logLevel: 'INFO',
    apiThrottle: { rateLimit: 500, burstLimit: 1000 },
    platformRateLimitPerSecond: 50,
    cognitoPlus: true,
    cognitoDomainPrefix: 'injury-claims-prod',
    appCallbackUrls: ['https://claims.example.cn/callback'],
    appLogoutUrls: ['https://claims.example.cn/'],
    accessTokenValidity: Duration.hours(1),
    humanStepTimeoutSeconds: 15_552_000,
    deadlineSweepAt: SCHEDULES.deadlineSweep.at,
    paymentRunAt: SCHEDULES.paymentRun.at,
  },
};

const isStageName = (value: unknown): value is StageName => typeof value === 'string' && (STAGE_NAMES as readonly string[]).includes(value);

/** The configuration of a named stage, optionally pinned to an account/region. */
export const stageConfig = (name: StageName, env?: Environment, overrides: { piiDataKeyCiphertext?: string } = {}): StageConfig => ({
  ...STAGES[name],
  ...(env && (env.account || env.region) ? { env } : {}),
  ...(overrides.piiDataKeyCiphertext ? { piiDataKeyCiphertext: overrides.piiDataKeyCiphertext } : {}),
});

/** Minimal view of the context lookups we need, so tests can pass a plain object. */
export interface ContextSource {
  tryGetContext(key: string): unknown;
}

/**
 * Reads the stage from CDK context (`-c stage=prod`, default dev) and, optionally, `-c account=… -c
 * region=…`. Fails on an unknown stage name rather than silently synthesising dev.
 */
export const stageFromContext = (node: ContextSource): StageConfig => {
  const raw = node.tryGetContext('stage') ?? 'dev';
  if (!isStageName(raw)) {
    throw new Error(`Unknown stage ${JSON.stringify(raw)}; expected one of ${STAGE_NAMES.join(', ')}`);
  }
  const account = node.tryGetContext('account');
  const region = node.tryGetContext('region');
  const ciphertext = node.tryGetContext('piiDataKeyCiphertext');
  if (ciphertext !== undefined && (typeof ciphertext !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(ciphertext))) {
    throw new Error('Context piiDataKeyCiphertext must be the base64 CiphertextBlob of `aws kms generate-data-key`');
  }
  return stageConfig(
    raw,
    {
      ...(typeof account === 'string' ? { account } : {}),
      ...(typeof region === 'string' ? { region } : {}),
    },
    typeof ciphertext === 'string' ? { piiDataKeyCiphertext: ciphertext } : {},
  );
};
