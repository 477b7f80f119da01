/**
 * Who calls the API: the roles a token may carry, and the user pool's resource server and the scope a
 * platform's app client is allowed. Read by functions/_shared/auth.ts (role checks), the Lambda authorizer
 * (platform scope), the CDK stack (user-pool groups, the resource server with exactly this identifier and
 * scope) and the local token issuer.
 */
import type { FunctionSpec } from './functions.ts';

export const ROLES = ['platform', 'worker', 'handler', 'reviewer', 'assessor', 'admin', 'finance'] as const;
export type Role = (typeof ROLES)[number];

/** Staff roles: user-pool groups in AWS (`cognito:groups`), the `role` claim of a local token. */
export const STAFF_ROLES = ['handler', 'reviewer', 'assessor', 'admin'] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLES)[number];

/**
 * Roles that work for provinces (their `provinces` claim): the staff, and finance (资金管理, D15), which
 * handles payments and bank batches but is not a case role (it sees no case).
 */
export const PROVINCE_ROLES = [...STAFF_ROLES, 'finance'] as const satisfies readonly Role[];

export const PLATFORM_RESOURCE_SERVER = 'claims-api';
export const PLATFORM_SCOPE_NAME = 'platform';
export const PLATFORM_SCOPE = `${PLATFORM_RESOURCE_SERVER}/${PLATFORM_SCOPE_NAME}`;
export const PLATFORM_SCOPES: readonly string[] = [PLATFORM_SCOPE];
/**
 * Every registered platform's app client is named `platform-{platformId}` (functions/platforms/clients.ts);
 * the platforms function deletes no client whose name does not start so (the pilot client's does not).
 */
export const PLATFORM_CLIENT_NAME_PREFIX = 'platform-';

/**
 * The roles of people (user-pool users), as user-pool groups: the staff pool holds the province roles, the
 * workers' pool the `worker` group. `platform` is no group: a platform is a machine client of the platform
 * pool, its platform looked up in the registry (functions/_shared/principal.ts).
 */
export const WORKER_GROUPS = ['worker'] as const satisfies readonly Role[];
export const STAFF_GROUPS = [...PROVINCE_ROLES] as const;
export const PERSON_ROLES = [...STAFF_GROUPS, ...WORKER_GROUPS] as const satisfies readonly Role[];

/*
 * The pre-token-generation trigger (functions/identity/pre-token.ts, event V2) puts into a person's access
 * token the claims the contract names: `role` from the user's one role group, `provinces` (province roles)
 * from `custom:provinces`, `workerId` (workers) from `custom:workerId`. The authorizer accepts a person's
 * token only when it carries `role` (functions/authorizer/verify.ts).
 */

/**
 * The longest a person's access token may live (seconds): Cognito's minimum, 5 minutes. A disabled user, or
 * one removed from a group or a province, keeps access at most this long: the app refreshes its token
 * every 5 minutes, and the refresh of a disabled user fails while a changed user gets the new claims from
 * the trigger (docs/security.md, "Revocation within 5 minutes"). The authorizer refuses a person's token that
 * lives longer (`AUTH_MAX_TOKEN_SECONDS`), so a misconfigured app client cannot widen the bound.
 */
export const PERSON_ACCESS_TOKEN_SECONDS = 300;

/**
 * Workers' sign-in code (custom auth flow, functions/identity): digits, lifetime, wrong answers allowed, and
 * how many codes one user may be sent per hour (SMS pumping; counted on the idempotency table).
 */
export const SIGN_IN_CODE = { digits: 6, ttlSeconds: 300, maxAttempts: 3, maxPerUserPerHour: 5 } as const;

/**
 * The user pools' Lambda triggers (lib/constructs/identity.ts): the pre-token-generation trigger of each
 * people pool (one function per pool: Cognito invokes it with that pool's permission), and the custom auth
 * flow of the workers' pool — the code goes out by SMS through the project's SMS port (`sms`).
 */
export const IDENTITY_FUNCTIONS = {
  staffPreToken: {
    entry: 'functions/identity/pre-token.ts',
    description: 'Staff pool pre-token generation (V2): role and provinces into the access token',
    tables: {},
    memorySize: 256,
    timeoutSeconds: 5,
  },
  workerPreToken: {
    entry: 'functions/identity/pre-token.ts',
    description: "Workers' pool pre-token generation (V2): role and workerId into the access token",
    tables: {},
    memorySize: 256,
    timeoutSeconds: 5,
  },
  defineAuthChallenge: {
    entry: 'functions/identity/define-auth-challenge.ts',
    description: "Workers' sign-in by SMS code: the challenge sequence",
    tables: {},
    memorySize: 256,
    timeoutSeconds: 5,
  },
  createAuthChallenge: {
    entry: 'functions/identity/create-auth-challenge.ts',
    description: "Workers' sign-in by SMS code: draws the code and sends it by SMS",
    // Counts the codes sent per user and hour (SIGN_IN_CODE.maxPerUserPerHour) on the idempotency table.
    tables: { idempotency: 'readwrite' },
    sms: true,
    settings: ['SMS_SENDER'],
    memorySize: 256,
    timeoutSeconds: 5,
  },
  verifyAuthChallenge: {
    entry: 'functions/identity/verify-auth-challenge.ts',
    description: "Workers' sign-in by SMS code: checks the answer",
    tables: {},
    memorySize: 256,
    timeoutSeconds: 5,
  },
} as const satisfies Record<string, FunctionSpec>;
export type IdentityFunctionName = keyof typeof IDENTITY_FUNCTIONS;
