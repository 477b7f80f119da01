/**
 * Function configuration: the only place in functions/ that touches process.env.
 *
 * The env var names come from the manifest (manifest/tables.ts, manifest/buckets.ts,
 * manifest/state-machines.ts, manifest/functions.ts): a function receives a table's name only when its
 * manifest entry grants it the table, a bucket's name only when it grants it the bucket, a state machine's
 * ARN only when it starts it, the PII key only when it handles personal data. A grant a function lacks is an
 * error at first use, naming the missing grant, never at module init (modules read `config` at init;
 * repositories shared by several functions must load in all of them).
 *
 * Values are read when used and validated then: the same in Lambda, where the env is fixed for the
 * container, and in the local runtime, which gives each function's invocations its own env
 * (local/function-env.ts).
 */
import { AUDIT_ANCHOR_ENV, AUDIT_MAC_ENV } from '../../manifest/audit.ts';
import { BUCKETS, type BucketId, LOCAL_S3_ENV } from '../../manifest/buckets.ts';
import { PII_ENV } from '../../manifest/pii.ts';
import { EVENT_BUS_ENV, QUEUES, type QueueId } from '../../manifest/events.ts';
import { STATE_MACHINES, type StateMachineId } from '../../manifest/state-machines.ts';
import { TABLES, type TableId } from '../../manifest/tables.ts';
// Straight from its module, not the core/index.ts barrel: the barrel would bring every core module with
// module-level tables (rule tables, parameters, calendars, provinces) into every Lambda bundle with config.ts.
import { WEBHOOK_RULES } from '../../core/webhooks.ts';
import * as z from './zod.ts';

const value = (name: string): string | undefined => {
  const v = process.env[name];
  return v === undefined || v === '' ? undefined : v;
};

const missing = (name: string, grant: string): Error =>
  new Error(`Configuration error: ${name} is not set for this function: its manifest entry (manifest/functions.ts) lacks ${grant}`);

const tableName = (id: TableId): string => {
  const { envVar } = TABLES.find((t) => t.id === id)!;
  const name = value(envVar);
  if (!name) throw missing(envVar, `the table grant \`tables.${id}\``);
  return name;
};

const bucketName = (id: BucketId): string => {
  const { envVar } = BUCKETS[id];
  const name = value(envVar);
  if (!name) throw missing(envVar, `the bucket grant \`buckets.${id}\``);
  return name;
};

const [, S3_FORCE_PATH_STYLE] = LOCAL_S3_ENV;

const stateMachineArn = (id: StateMachineId): string => {
  const { envVar } = STATE_MACHINES[id];
  const arn = value(envVar);
  if (!arn) throw missing(envVar, `\`starts: ['${id}']\``);
  return arn;
};

const queueUrl = (id: QueueId): string => {
  const url = value(QUEUES[id].envVar);
  if (!url) throw missing(QUEUES[id].envVar, `the queue grant \`queues.${id}\``);
  return url;
};

/** Parses one setting when read: a malformed value is a configuration error naming the variable. */
const setting = <S extends z.ZodMiniType>(name: string, schema: S): z.infer<S> => {
  const result = schema.safeParse(value(name));
  if (!result.success) throw new Error(`Configuration error: ${name} is not valid (${result.error.issues.map((i) => i.message).join('; ')})`);
  return result.data;
};

const PiiMode = z._default(z.enum(['local', 'kms']), 'local');
const RateLimit = z.optional(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(100_000)));
const ClientsMode = z._default(z.enum(['local', 'cognito']), 'local');
const OptionalUrl = z.optional(z.url());
const TokenSeconds = z.optional(z.coerce.number().check(z.int(), z.minimum(60), z.maximum(86_400)));
const SmsSender = z._default(z.enum(['sns', 'none']), 'sns');
const Flag = z._default(z.enum(['true', 'false']), 'false');
const Compression = z._default(z.coerce.number().check(z.minimum(1), z.maximum(1_000_000)), 1);
// The contract's receiver timeout is a rule (WEBHOOK_RULES.timeoutMs): a stage may only shorten it (the local tests do).
const TimeoutMs = z._default(z.coerce.number().check(z.int(), z.minimum(100), z.maximum(WEBHOOK_RULES.timeoutMs)), WEBHOOK_RULES.timeoutMs);

const [PII_LOCAL_KEY, PII_KMS_KEY_ID, PII_DATA_KEY_CIPHERTEXT, PII_KEYRING, PII_V1_CIPHERTEXTS] = PII_ENV;
const V1Ciphertexts = z._default(z.enum(['accept', 'refuse']), 'accept');

/** The paying account of a province (D15): the debtor of its bank files (pain.001 Max140Text / Max34Text, a CNAPS code). */
const PayingAccount = z.strictObject({
  name: z.string().check(z.minLength(1), z.maxLength(140)),
  account: z.string().check(z.regex(/^\d{6,34}$/)),
  bankName: z.string().check(z.minLength(1), z.maxLength(140)),
  bankCode: z.string().check(z.regex(/^\d{12}$/)),
});
export type PayingAccount = z.infer<typeof PayingAccount>;
const PayingAccounts = z.record(z.string().check(z.regex(/^\d{6}$/)), PayingAccount);

export const config = {
  /** Fixed for the process (the same for every function of a stage). */
  stage: value('STAGE') ?? 'dev',
  tables: {
    get registry() {
      return tableName('registry');
    },
    get orders() {
      return tableName('orders');
    },
    get ledger() {
      return tableName('ledger');
    },
    get idempotency() {
      return tableName('idempotency');
    },
    get cases() {
      return tableName('cases');
    },
    get events() {
      return tableName('events');
    },
    get audit() {
      return tableName('audit');
    },
  },
  /** Bucket names: set by CDK for the functions granted the bucket, or by the local runtime. */
  buckets: {
    get documents() {
      return bucketName('documents');
    },
    get archive() {
      return bucketName('archive');
    },
  },
  /**
   * S3 client settings. Path-style addressing only where the local runtime sets S3_FORCE_PATH_STYLE=true
   * (s3rver, whose URL comes in AWS_ENDPOINT_URL_S3, read by the SDK itself); virtual-hosted in AWS.
   */
  s3: {
    get forcePathStyle(): boolean {
      return value(S3_FORCE_PATH_STYLE) === 'true';
    },
  },
  /** State machine ARNs: set by CDK for the functions that start them, or by the local runtime. */
  stateMachines: {
    get caseWorkflow() {
      return stateMachineArn('caseWorkflow');
    },
    get paymentRun() {
      return stateMachineArn('paymentRun');
    },
  },
  /** The domain events bus (functions that `publishes`). */
  get eventBusName(): string {
    const name = value(EVENT_BUS_ENV);
    if (!name) throw missing(EVENT_BUS_ENV, '`publishes: true`');
    return name;
  },
  /** Queue URLs: set by CDK for the functions granted the queue, or by the local runtime. */
  queues: {
    get webhookDeliveries() {
      return queueUrl('webhookDeliveries');
    },
  },
  /** `SMS_SENDER`: `sns` (default) or `none` (inbox only). */
  get smsSender(): 'sns' | 'none' {
    return setting('SMS_SENDER', SmsSender);
  },
  /** Webhook delivery settings (docs/events.md): loopback receivers (local only), schedule compression, timeout. */
  webhooks: {
    get allowLoopback(): boolean {
      return setting('WEBHOOK_ALLOW_LOOPBACK', Flag) === 'true';
    },
    get retryCompression(): number {
      return setting('WEBHOOK_RETRY_COMPRESSION', Compression);
    },
    get timeoutMs(): number {
      return setting('WEBHOOK_TIMEOUT_MS', TimeoutMs);
    },
  },
  /** Whether this function may store Idempotency-Key records (it is granted the idempotency table). */
  get idempotencyEnabled() {
    return value(TABLES.find((t) => t.id === 'idempotency')!.envVar) !== undefined;
  },
  /** The PII key: `local` (PII_LOCAL_KEY) or `kms` (the encrypted data key; docs/security.md). */
  get pii() {
    return {
      mode: setting('PII_KEY_MODE', PiiMode),
      localKey: value(PII_LOCAL_KEY),
      kmsKeyId: value(PII_KMS_KEY_ID),
      /** base64 of the KMS-encrypted 32-byte data key (PII_KEY_MODE=kms; docs/security.md). */
      dataKeyCiphertext: value(PII_DATA_KEY_CIPHERTEXT),
      /** The key ring of field encryption v2 (JSON; keys in base64 locally, KMS-wrapped in AWS; functions/_shared/pii-keyring.ts). */
      keyring: value(PII_KEYRING),
      /** Whether v1 ciphertexts are still read (`accept`, the default during the migration) or refused. */
      v1Ciphertexts: setting(PII_V1_CIPHERTEXTS, V1Ciphertexts),
    };
  },
  /**
   * The audit keys (manifest/audit.ts): the chain's MAC key (`audit: 'chain'`) and the anchor's signing key
   * and bucket (`audit: 'anchor'`). A KMS key id wins over a local key; neither is a configuration error at use.
   */
  audit: {
    get mac(): { readonly kmsKeyId?: string; readonly localKey?: string } {
      const [localName, kmsName] = AUDIT_MAC_ENV;
      const kmsKeyId = value(kmsName);
      const localKey = value(localName);
      if (!kmsKeyId && !localKey) throw missing(`${kmsName} (or ${localName} locally)`, "`audit: 'chain'`");
      return kmsKeyId ? { kmsKeyId } : { localKey: localKey! };
    },
    get signing(): { readonly kmsKeyId?: string; readonly localKey?: string } {
      const [localName, kmsName] = AUDIT_ANCHOR_ENV;
      const kmsKeyId = value(kmsName);
      const localKey = value(localName);
      if (!kmsKeyId && !localKey) throw missing(`${kmsName} (or ${localName} locally)`, "`audit: 'anchor'`");
      return kmsKeyId ? { kmsKeyId } : { localKey: localKey! };
    },
    get anchorBucket(): string {
      const name = AUDIT_ANCHOR_ENV[2];
      const bucket = value(name);
      if (!bucket) throw missing(name, "`audit: 'anchor'`");
      return bucket;
    },
  },
  /** Requests per second accepted from one platform (docs/security.md); unset or 0 = no limit. */
  get platformRateLimitPerSecond(): number {
    return setting('PLATFORM_RATE_LIMIT_PER_SECOND', RateLimit) ?? 0;
  },
  /** How platform app clients are registered: `local` (ids only) or `cognito` (CreateUserPoolClient). */
  get platformClients() {
    return { mode: setting('PLATFORM_CLIENTS_MODE', ClientsMode), userPoolId: value('PLATFORM_USER_POOL_ID') };
  },
  /**
   * `PAYING_ACCOUNTS`: JSON, province code → its paying account (stage configuration `payingAccounts`; an
   * embedded default for the pilot provinces locally). Validated when read: a malformed value is a
   * configuration error naming the variable and the bad field.
   */
  get payingAccounts(): Readonly<Record<string, PayingAccount>> {
    const raw = value('PAYING_ACCOUNTS');
    if (raw === undefined) throw missing('PAYING_ACCOUNTS', "`settings: ['PAYING_ACCOUNTS']`");
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new Error('Configuration error: PAYING_ACCOUNTS is not valid JSON');
    }
    const result = PayingAccounts.safeParse(json);
    if (!result.success) {
      const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ');
      throw new Error(`Configuration error: PAYING_ACCOUNTS is not valid (${issues})`);
    }
    return result.data;
  },
  authorizer: {
    /** The issuer the Lambda authorizer trusts (`https://cognito-idp.{region}.amazonaws.com/{poolId}`). */
    get issuer(): string {
      const issuer = setting('AUTH_ISSUER', OptionalUrl);
      if (!issuer) throw missing('AUTH_ISSUER', "`settings: ['AUTH_ISSUER']`");
      return issuer;
    },
    /** The workers' pool (`AUTH_WORKER_ISSUER`), people's tokens only; unset locally. */
    get workerIssuer(): string | undefined {
      return setting('AUTH_WORKER_ISSUER', OptionalUrl);
    },
    /** The platform pool (`AUTH_PLATFORM_ISSUER`), machine clients only; unset locally (AUTH_ISSUER issues everything). */
    get platformIssuer(): string | undefined {
      return setting('AUTH_PLATFORM_ISSUER', OptionalUrl);
    },
    /** The longest a person's access token may live (`AUTH_MAX_TOKEN_SECONDS`, the revocation bound); unset: no bound. */
    get maxPersonTokenSeconds(): number | undefined {
      return setting('AUTH_MAX_TOKEN_SECONDS', TokenSeconds);
    },
    /**
     * The origin secret CloudFront sends (`ORIGIN_VERIFY_SECRET_ARN`, manifest/api.ts `ORIGIN_VERIFY_HEADER`):
     * undefined where the stage has no edge (locally, China regions), and then no origin check runs.
     */
    get originVerifySecretArn(): string | undefined {
      return value('ORIGIN_VERIFY_SECRET_ARN') || undefined;
    },
    /** App clients accepted without a registry look-up (staff/worker app, pilot platform), comma-separated. */
    get staticClientIds(): string[] {
      return (value('AUTH_STATIC_CLIENT_IDS') ?? '')
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean);
    },
  },
};
