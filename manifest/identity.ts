/**
 * Who calls the API: the roles a token may carry, and the user pool's resource server and the scope a
 * platform's app client is allowed. Read by functions/_shared/auth.ts (role checks), the Lambda authorizer
 * (platform scope), the CDK stack (user-pool groups, the resource server with exactly this identifier and
 * scope) and the local token issuer.
 */
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
