/**
 * Function configuration, read from the environment once at module initialisation and validated.
 * The only place in functions/ that touches process.env.
 */
import { casesTable, idempotencyTable, ledgerTable, ordersTable, registryTable } from '../../lib/config/tables.ts';
import * as z from './zod.ts';

const optionalName = () => z.optional(z.string().check(z.minLength(1)));

const EnvSchema = z.object({
  STAGE: z._default(z.string(), 'dev'),
  [registryTable.envVar]: optionalName(),
  [ordersTable.envVar]: optionalName(),
  [ledgerTable.envVar]: optionalName(),
  [idempotencyTable.envVar]: optionalName(),
  [casesTable.envVar]: optionalName(),
  /** State machine ARNs (cases slice): set by CDK, or by the local Step Functions runner. */
  CASE_WORKFLOW_ARN: optionalName(),
  PAYMENT_RUN_ARN: optionalName(),
  PII_KEY_MODE: z._default(z.enum(['local', 'kms']), 'local'),
  PII_LOCAL_KEY: z.optional(z.string()),
  PII_KMS_KEY_ID: z.optional(z.string()),
  /** base64 of the KMS-encrypted 32-byte data key (PII_KEY_MODE=kms; docs/security.md). */
  PII_DATA_KEY_CIPHERTEXT: optionalName(),
  /** Requests per second accepted from one platform (docs/security.md); unset or 0 = no limit. */
  PLATFORM_RATE_LIMIT_PER_SECOND: z.optional(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(100_000))),
  /** How platform app clients are registered: `local` (ids only) or `cognito` (CreateUserPoolClient). */
  PLATFORM_CLIENTS_MODE: z._default(z.enum(['local', 'cognito']), 'local'),
  PLATFORM_USER_POOL_ID: optionalName(),
  /** Lambda authorizer: the user pool's issuer URL (`https://cognito-idp.{region}.amazonaws.com/{poolId}`). */
  AUTH_ISSUER: z.optional(z.url()),
  /** Lambda authorizer: app clients accepted without a registry look-up (staff/worker app, pilot platform), comma-separated. */
  AUTH_STATIC_CLIENT_IDS: z._default(z.string(), ''),
});

const env = EnvSchema.parse(process.env);

const table = (envVar: string): string => {
  const name = (env as Record<string, unknown>)[envVar];
  if (typeof name !== 'string' || name.length === 0) {
    throw new Error(`Configuration error: ${envVar} is not set for this function`);
  }
  return name;
};

export const config = {
  stage: env.STAGE,
  tables: {
    get registry() {
      return table(registryTable.envVar);
    },
    get orders() {
      return table(ordersTable.envVar);
    },
    get ledger() {
      return table(ledgerTable.envVar);
    },
    get idempotency() {
      return table(idempotencyTable.envVar);
    },
    get cases() {
      return table(casesTable.envVar);
    },
  },
  stateMachines: {
    get caseWorkflow() {
      return table('CASE_WORKFLOW_ARN');
    },
    get paymentRun() {
      return table('PAYMENT_RUN_ARN');
    },
  },
  idempotencyEnabled: typeof (env as Record<string, unknown>)[idempotencyTable.envVar] === 'string',
  pii: { mode: env.PII_KEY_MODE, localKey: env.PII_LOCAL_KEY, kmsKeyId: env.PII_KMS_KEY_ID, dataKeyCiphertext: env.PII_DATA_KEY_CIPHERTEXT },
  platformRateLimitPerSecond: env.PLATFORM_RATE_LIMIT_PER_SECOND ?? 0,
  platformClients: { mode: env.PLATFORM_CLIENTS_MODE, userPoolId: env.PLATFORM_USER_POOL_ID },
  authorizer: {
    get issuer() {
      return table('AUTH_ISSUER');
    },
    staticClientIds: env.AUTH_STATIC_CLIENT_IDS.split(',')
      .map((id) => id.trim())
      .filter(Boolean),
  },
} as const;
