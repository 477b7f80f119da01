/**
 * Function configuration, read from the environment once at module initialisation and validated.
 * The only place in functions/ that touches process.env.
 */
import { z } from 'zod';
import { casesTable, idempotencyTable, ledgerTable, ordersTable, registryTable } from '../../lib/config/tables.ts';

const EnvSchema = z.object({
  STAGE: z.string().default('dev'),
  [registryTable.envVar]: z.string().min(1).optional(),
  [ordersTable.envVar]: z.string().min(1).optional(),
  [ledgerTable.envVar]: z.string().min(1).optional(),
  [idempotencyTable.envVar]: z.string().min(1).optional(),
  [casesTable.envVar]: z.string().min(1).optional(),
  /** State machine ARNs (cases slice): set by CDK, or by the local Step Functions runner. */
  CASE_WORKFLOW_ARN: z.string().min(1).optional(),
  PAYMENT_RUN_ARN: z.string().min(1).optional(),
  PII_KEY_MODE: z.enum(['local', 'kms']).default('local'),
  PII_LOCAL_KEY: z.string().optional(),
  PII_KMS_KEY_ID: z.string().optional(),
  /** base64 of the KMS-encrypted 32-byte data key (PII_KEY_MODE=kms; docs/security.md). */
  PII_DATA_KEY_CIPHERTEXT: z.string().min(1).optional(),
  /** Requests per second accepted from one platform (docs/security.md); unset or 0 = no limit. */
  PLATFORM_RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(0).max(100_000).optional(),
  /** How platform app clients are registered: `local` (ids only) or `cognito` (CreateUserPoolClient). */
  PLATFORM_CLIENTS_MODE: z.enum(['local', 'cognito']).default('local'),
  PLATFORM_USER_POOL_ID: z.string().min(1).optional(),
  /** Lambda authorizer: the user pool's issuer URL (`https://cognito-idp.{region}.amazonaws.com/{poolId}`). */
  AUTH_ISSUER: z.url().optional(),
  /** Lambda authorizer: app clients accepted without a registry look-up (staff/worker app, pilot platform), comma-separated. */
  AUTH_STATIC_CLIENT_IDS: z.string().default(''),
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
    staticClientIds: env.AUTH_STATIC_CLIENT_IDS.split(',').map((id) => id.trim()).filter(Boolean),
  },
} as const;
