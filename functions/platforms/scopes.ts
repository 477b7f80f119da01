/**
 * The user pool's resource server and the scope a platform's app client is allowed (plain constants:
 * read by the platforms function, the Lambda authorizer and the CDK stack, which creates the resource
 * server with exactly this identifier and scope).
 */
export const PLATFORM_RESOURCE_SERVER = 'claims-api';
export const PLATFORM_SCOPE_NAME = 'platform';
export const PLATFORM_SCOPE = `${PLATFORM_RESOURCE_SERVER}/${PLATFORM_SCOPE_NAME}`;
export const PLATFORM_SCOPES: readonly string[] = [PLATFORM_SCOPE];
