/**
 * The caller, resolved once per request before the route runs (http.ts) from the Lambda authorizer's
 * claims (`requestContext.authorizer.lambda`). Tokens that carry a role (local issuer, user-pool tokens
 * with groups or custom claims) are read as they are (auth.ts). A
 * client-credentials token from Cognito carries `client_id` and scopes but no role and no platformId:
 * its platform comes from the registry (`CLIENT#{clientId}`, written when the platform's app client was
 * registered), cached per container. An unknown client is 403.
 */
import { principalFromClaims, type Principal } from './auth.ts';
import { forbidden } from './problem.ts';
import { platformClientsRepository } from './repositories/platform-clients.ts';

type Claims = Parameters<typeof principalFromClaims>[0];

/** A client's platform never changes: keep it 10 minutes; an unknown client only 30 s (it may be registered meanwhile). */
export const CLIENT_CACHE_MS = 10 * 60_000;
export const UNKNOWN_CLIENT_CACHE_MS = 30_000;
const MAX_CACHED = 10_000;

const cache = new Map<string, { platformId: string | undefined; until: number }>();
let lookups = 0;

/** Test hooks: the number of registry look-ups made, and a way to start cold. */
export const clientCacheStats = () => ({ lookups, size: cache.size });
export const clearClientCache = () => {
  cache.clear();
  lookups = 0;
};

export const platformOfClient = async (clientId: string, now = Date.now()): Promise<string | undefined> => {
  const hit = cache.get(clientId);
  if (hit && hit.until > now) return hit.platformId;
  lookups++;
  const platformId = await platformClientsRepository.platformOf(clientId);
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(clientId, { platformId, until: now + (platformId ? CLIENT_CACHE_MS : UNKNOWN_CLIENT_CACHE_MS) });
  return platformId;
};

const carriesRole = (claims: NonNullable<Claims>) => claims.role !== undefined || claims['custom:role'] !== undefined || claims['cognito:groups'] !== undefined;

export const resolvePrincipal = async (claims: Claims): Promise<Principal> => {
  const clientId = claims?.client_id;
  if (!claims || carriesRole(claims) || typeof clientId !== 'string' || clientId === '') return principalFromClaims(claims);
  if (typeof claims.sub !== 'string' || claims.sub === '') return principalFromClaims(claims); // 401
  const platformId = await platformOfClient(clientId);
  if (!platformId) throw forbidden('CLIENT_NOT_REGISTERED');
  return { sub: claims.sub, role: 'platform', platformId, provinces: [] };
};
