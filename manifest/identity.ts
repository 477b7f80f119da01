/**
 * Who calls the API: the roles a token may carry, and the user pool's resource server and the scope a
 * platform's app client is allowed. Read by functions/_shared/auth.ts (role checks), the Lambda authorizer
 * (platform scope), the CDK stack (user-pool groups, the resource server with exactly this identifier and
 * scope) and the local token issuer.
 */
export const ROLES = ['platform', 'worker', 'handler', 'reviewer', 'assessor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Staff roles: user-pool groups in AWS (`cognito:groups`), the `role` claim of a local token. */
export const STAFF_ROLES = ['handler', 'reviewer', 'assessor', 'admin'] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLES)[number];

export const PLATFORM_RESOURCE_SERVER = 'claims-api';
export const PLATFORM_SCOPE_NAME = 'platform';
export const PLATFORM_SCOPE = `${PLATFORM_RESOURCE_SERVER}/${PLATFORM_SCOPE_NAME}`;
export const PLATFORM_SCOPES: readonly string[] = [PLATFORM_SCOPE];
