/**
 * Typed stage configuration: the only place the CDK app reads context, the environment or a stage file at
 * synth.
 *
 * The values of a stage live in `config/stages/<name>.json` (no source edit to add a stage or change its
 * domain prefix, callback URLs or throttles), validated here with zod when the app synthesizes: a bad file
 * fails synth with every bad field named. Constructs and stacks receive a `StageConfig` and never look
 * anything up themselves, so a synth is a pure function of (source, stage file, context). Select a stage
 * with `cdk synth -c stage=prod` (`npm run deploy -- --stage prod`); the default is dev. Context `account`,
 * `region` and `piiDataKeyCiphertext` override the file's values (docs/deploy.md).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy, type Environment } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as z from 'zod';
import { SCHEDULES } from '../../manifest/schedules.ts';
import { fromRepoRoot } from './paths.ts';

/**
 * A stage name: the file name under config/stages and part of every resource name. 1–10 lowercase letters
 * and digits, starting with a letter: the documents bucket's name (`injury-claims-<stage>-documents-
 * <account>-<region>`) must stay within S3's 63 characters in every region.
 */
export type StageName = string;
const STAGE_NAME = /^[a-z][a-z0-9]{0,9}$/;

/** Where the stage files live. */
export const STAGES_DIR = fromRepoRoot('config/stages');

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
   * base64 KMS ciphertext of the PII data key (the stage file's `piiDataKeyCiphertext`, or context of that
   * name), created once per stage by an operator with `aws kms generate-data-key` (docs/deploy.md). Without it, functions that handle
   * personal data refuse to at runtime with a configuration error; synth still works.
   */
  readonly piiDataKeyCiphertext?: string;
  /**
   * Field encryption v2 (docs/security.md): the PII key ring, `{ encryption: { active, keys }, lookup: { active,
   * keys } }` with each key a base64 KMS ciphertext made with its own encryption context (use, keyId). Passed
   * to the personal-data functions as PII_KEYRING; absent: the ring derived from the data key.
   */
  readonly piiKeyring?: { readonly encryption: PiiKeySet; readonly lookup: PiiKeySet };
  /** `refuse` once every v1 ciphertext is re-encrypted (PII_V1_CIPHERTEXTS; default accept). */
  readonly piiV1Ciphertexts?: 'accept' | 'refuse';
  /**
   * Stages with the edge (lib/constructs/api-edge.ts): the version id of the origin secret CloudFront sends
   * (stage file `originSecretVersionId`). CloudFormation reads a secret only when the distribution changes:
   * after a rotation (docs/security.md, "Origin secret") the new version id here makes the next deploy send
   * the new value. Absent: the secret's current value at the distribution's last update.
   */
  readonly originSecretVersionId?: string;
  /**
   * The paying account of each province (D15): the debtor of its bank files, copied into each batch when it
   * is created. Handed to the payment-batches function as the `PAYING_ACCOUNTS` setting (JSON). A province
   * without one gets no bank batch (422 PAYING_ACCOUNT_MISSING).
   */
  readonly payingAccounts: Readonly<Record<string, PayingAccount>>;
  /**
   * How long each audit anchor is locked (S3 Object Lock, compliance mode: nobody, not even the account's
   * root, can delete or overwrite it before). Stage file `auditAnchorRetentionDays`; default 3,653 days (10
   * years) for a retained stage, 1 day for a stage torn down freely (dev).
   */
  readonly auditAnchorRetentionDays: number;
}

/** A province's paying account: the agency's account its bank files pay from. */
interface PayingAccount {
  readonly name: string;
  readonly account: string;
  readonly bankName: string;
  /** 12-digit CNAPS code of the paying bank. */
  readonly bankCode: string;
}

const base64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** One key set of the PII key ring (functions/_shared/pii-keyring.ts): key ids to base64 KMS ciphertexts. */
const PiiKeySetFile = z.strictObject({
  active: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be a key id (letters, digits, _ or -, at most 32)'),
  keys: z.record(
    z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
    z.string().regex(base64, 'must be the base64 CiphertextBlob of `aws kms generate-data-key-without-plaintext`'),
  ),
});
type PiiKeySet = z.infer<typeof PiiKeySetFile>;
const RETENTION_DAYS = Object.values(RetentionDays).filter((v): v is RetentionDays => typeof v === 'number');
const httpUrl = z.url({ protocol: /^https?$/ });
const clockTime = { hour: z.int().min(0).max(23), minute: z.int().min(0).max(59) };

/** A paying account as the bank files carry it (pain.001 Max140Text names, Max34Text account, CNAPS code). */
const PayingAccountFile = z.strictObject({
  name: z.string().min(1).max(140),
  account: z.string().regex(/^\d{6,34}$/, 'must be the account number: 6–34 digits'),
  bankName: z.string().min(1).max(140),
  bankCode: z.string().regex(/^\d{12}$/, 'must be the 12-digit CNAPS code of the paying bank'),
});

/** The schema of `config/stages/<name>.json`. Unknown fields are refused (a typo is not silently ignored). */
const StageFile = z.strictObject({
  /** Pin the stacks to an account and region (context `account` / `region` override). */
  account: z
    .string()
    .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
    .optional(),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as cn-north-1')
    .optional(),
  removalPolicy: z.enum(['destroy', 'retain']),
  deletionProtection: z.boolean(),
  logRetentionDays: z.int().refine((d) => (RETENTION_DAYS as number[]).includes(d), {
    message: `must be a CloudWatch Logs retention: one of ${RETENTION_DAYS.join(', ')}`,
  }),
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']),
  apiThrottle: z.strictObject({ rateLimit: z.int().positive(), burstLimit: z.int().positive() }),
  platformRateLimitPerSecond: z.int().min(0),
  cognitoPlus: z.boolean(),
  cognitoDomainPrefix: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be 1–63 lowercase letters, digits and hyphens, not starting or ending with a hyphen')
    .refine((p) => !/aws|amazon|cognito/.test(p), { message: 'must not contain aws, amazon or cognito (Cognito refuses such prefixes)' }),
  appCallbackUrls: z.array(httpUrl).min(1),
  appLogoutUrls: z.array(httpUrl).min(1),
  consoleOrigins: z
    .array(z.url({ protocol: /^https?$/ }).refine((u) => new URL(u).origin === u, { message: 'must be an origin (scheme://host[:port], no path)' }))
    .optional(),
  accessTokenValidityMinutes: z.int().min(5).max(1440),
  humanStepTimeoutSeconds: z.int().positive().max(31_536_000),
  deadlineSweepAt: z.strictObject(clockTime).optional(),
  paymentRunAt: z.strictObject({ day: z.int().min(1).max(28), ...clockTime }).optional(),
  piiDataKeyCiphertext: z.string().regex(base64, 'must be the base64 CiphertextBlob of `aws kms generate-data-key`').optional(),
  piiKeyring: z.strictObject({ encryption: PiiKeySetFile, lookup: PiiKeySetFile }).optional(),
  piiV1Ciphertexts: z.enum(['accept', 'refuse']).optional(),
  originSecretVersionId: z
    .string()
    .regex(/^[A-Za-z0-9-]{32,64}$/, 'must be a Secrets Manager version id')
    .optional(),
  payingAccounts: z.record(z.string().regex(/^\d{2}0000$/, 'must be a province code (GB/T 2260, e.g. 110000)'), PayingAccountFile),
  auditAnchorRetentionDays: z.int().min(1).max(36_500).optional(),
});
type StageFile = z.infer<typeof StageFile>;

/** Thrown for a stage that cannot be loaded: names the file and every bad field. */
export class StageConfigError extends Error {
  override readonly name = 'StageConfigError';
}

const stageNamesIn = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.slice(0, -'.json'.length))
        .sort()
    : [];

const readStageFile = (name: StageName, dir: string): StageFile => {
  if (!STAGE_NAME.test(name)) {
    throw new StageConfigError(`Invalid stage name ${JSON.stringify(name)}: 1–10 lowercase letters and digits, starting with a letter`);
  }
  const path = join(dir, `${name}.json`);
  if (!existsSync(path)) {
    throw new StageConfigError(`Unknown stage ${JSON.stringify(name)}: no ${path}; stages: ${stageNamesIn(dir).join(', ') || '(none)'}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new StageConfigError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  const result = StageFile.safeParse(json);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const field = issue.path.join('.') || '(file)';
      const message = issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : issue.message;
      return `  ${field}: ${message}`;
    });
    throw new StageConfigError(`${path}: invalid stage configuration\n${lines.join('\n')}`);
  }
  return result.data;
};

const fromFile = (name: StageName, file: StageFile): StageConfig => ({
  name,
  ...(file.account || file.region ? { env: { ...(file.account ? { account: file.account } : {}), ...(file.region ? { region: file.region } : {}) } } : {}),
  removalPolicy: file.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  deletionProtection: file.deletionProtection,
  logRetention: file.logRetentionDays as RetentionDays,
  logLevel: file.logLevel,
  apiThrottle: file.apiThrottle,
  platformRateLimitPerSecond: file.platformRateLimitPerSecond,
  cognitoPlus: file.cognitoPlus,
  cognitoDomainPrefix: file.cognitoDomainPrefix,
  appCallbackUrls: file.appCallbackUrls,
  appLogoutUrls: file.appLogoutUrls,
  ...(file.consoleOrigins ? { consoleOrigins: file.consoleOrigins } : {}),
  accessTokenValidity: Duration.minutes(file.accessTokenValidityMinutes),
  humanStepTimeoutSeconds: file.humanStepTimeoutSeconds,
  deadlineSweepAt: file.deadlineSweepAt ?? SCHEDULES.deadlineSweep.at,
  paymentRunAt: file.paymentRunAt ?? SCHEDULES.paymentRun.at,
  ...(file.piiDataKeyCiphertext ? { piiDataKeyCiphertext: file.piiDataKeyCiphertext } : {}),
  ...(file.piiKeyring ? { piiKeyring: file.piiKeyring } : {}),
  ...(file.piiV1Ciphertexts ? { piiV1Ciphertexts: file.piiV1Ciphertexts } : {}),
  ...(file.originSecretVersionId ? { originSecretVersionId: file.originSecretVersionId } : {}),
  payingAccounts: file.payingAccounts,
  auditAnchorRetentionDays: file.auditAnchorRetentionDays ?? (file.removalPolicy === 'retain' ? 3653 : 1),
});

/**
 * The configuration of a named stage from `config/stages/<name>.json` (or `dir`), optionally pinned to an
 * account/region and given the PII data key's ciphertext (both override the file's values).
 */
export const stageConfig = (name: StageName, env?: Environment, overrides: { piiDataKeyCiphertext?: string } = {}, dir: string = STAGES_DIR): StageConfig => {
  const config = fromFile(name, readStageFile(name, dir));
  const pinned = { ...config.env, ...(env?.account ? { account: env.account } : {}), ...(env?.region ? { region: env.region } : {}) };
  return {
    ...config,
    ...(pinned.account || pinned.region ? { env: pinned } : {}),
    ...(overrides.piiDataKeyCiphertext ? { piiDataKeyCiphertext: overrides.piiDataKeyCiphertext } : {}),
  };
};

/** Minimal view of the context lookups we need, so tests can pass a plain object. */
export interface ContextSource {
  tryGetContext(key: string): unknown;
}

/**
 * Reads the stage from CDK context (`-c stage=prod`, default dev), its file, and, optionally, `-c
 * account=… -c region=… -c piiDataKeyCiphertext=…`. Fails on an unknown stage or a bad file rather than
 * silently synthesising dev.
 */
export const stageFromContext = (node: ContextSource, dir: string = STAGES_DIR): StageConfig => {
  const raw = node.tryGetContext('stage') ?? 'dev';
  if (typeof raw !== 'string') throw new StageConfigError(`Context stage must be a stage name, got ${JSON.stringify(raw)}`);
  const account = node.tryGetContext('account');
  const region = node.tryGetContext('region');
  const ciphertext = node.tryGetContext('piiDataKeyCiphertext');
  if (ciphertext !== undefined && (typeof ciphertext !== 'string' || !base64.test(ciphertext))) {
    throw new StageConfigError('Context piiDataKeyCiphertext must be the base64 CiphertextBlob of `aws kms generate-data-key`');
  }
  return stageConfig(
    raw,
    {
      ...(typeof account === 'string' ? { account } : {}),
      ...(typeof region === 'string' ? { region } : {}),
    },
    typeof ciphertext === 'string' ? { piiDataKeyCiphertext: ciphertext } : {},
    dir,
  );
};
