/**
 * The decision of the API's Lambda authorizer (docs/security.md, "Platform identity from the app client").
 *
 * A bearer token is accepted when it is a Cognito token of this user pool — signature against the pool's
 * JWKS, issuer, expiry, `token_use` of `access` or `id` — issued to an accepted app client:
 * - a static client (the staff/worker app, the pilot platform client), or
 * - a client registered to a platform in the registry (`CLIENT#{clientId}`), whose access token must then
 *   carry the platform scope.
 *
 * Three outcomes, so that API Gateway keeps the contract's statuses:
 * - `allow`: the claims go to the function (rendered as strings, like the JWT authorizer does);
 * - `unauthenticated` (no, malformed, forged, expired or foreign token): the request is let through with
 *   no claims, and the function answers 401 problem+json before any other work (http.ts). An HTTP API
 *   Lambda authorizer can only answer 403 itself, and a client refreshes its token on 401;
 * - `forbidden` (a valid token of a client that is not, or no longer, accepted): API Gateway answers 403
 *   and the function is not invoked.
 */
import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { PLATFORM_SCOPE } from '../../manifest/identity.ts';

export type Decision =
  | { readonly kind: 'allow'; readonly clientId: string; readonly claims: Record<string, string> }
  | { readonly kind: 'unauthenticated'; readonly reason: string }
  | { readonly kind: 'forbidden'; readonly reason: string; readonly clientId: string };

export interface AuthorizerOptions {
  /** `https://cognito-idp.{region}.amazonaws.com/{userPoolId}` */
  readonly issuer: string;
  /** The pool's signing keys (createRemoteJWKSet of `{issuer}/.well-known/jwks.json` in AWS). */
  readonly keys: JWTVerifyGetKey;
  readonly staticClients: ReadonlySet<string>;
  /** The platform a registered client belongs to (cached registry read), or undefined. */
  readonly platformOf: (clientId: string) => Promise<string | undefined>;
}

/** Claims as API Gateway's JWT authorizer hands them over: strings; arrays as `[a b]`; objects as JSON. */
export const renderClaims = (payload: JWTPayload): Record<string, string> => {
  const render = (value: unknown): string | undefined => {
    if (value === null || value === undefined) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (Array.isArray(value)) return `[${value.map((item) => render(item) ?? '').join(' ')}]`;
    return JSON.stringify(value);
  };
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    const rendered = render(value);
    if (rendered !== undefined) claims[name] = rendered;
  }
  return claims;
};

/** The token of an `Authorization` header, with or without the `Bearer ` prefix (as the JWT authorizer). */
const bearerToken = (header: string | undefined): string | undefined => {
  const value = header?.trim();
  if (!value) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(value);
  return (match ? match[1]! : value).trim() || undefined;
};

export const decide = async (authorization: string | undefined, options: AuthorizerOptions): Promise<Decision> => {
  const token = bearerToken(authorization);
  if (!token) return { kind: 'unauthenticated', reason: 'no token' };
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, options.keys, {
      issuer: options.issuer,
      algorithms: ['RS256'],
      requiredClaims: ['sub', 'exp', 'token_use'],
    }));
  } catch (error) {
    if (error instanceof errors.JOSEError) return { kind: 'unauthenticated', reason: error.code };
    throw error; // the JWKS could not be fetched, …: an infrastructure error (API Gateway answers 500)
  }
  const tokenUse = payload.token_use;
  const clientId = tokenUse === 'access' ? payload.client_id : tokenUse === 'id' ? payload.aud : undefined;
  if (typeof clientId !== 'string' || clientId === '')
    return { kind: 'unauthenticated', reason: `token_use ${String(tokenUse)} or its client is not accepted` };
  if (options.staticClients.has(clientId)) return { kind: 'allow', clientId, claims: renderClaims(payload) };
  const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
  if (tokenUse !== 'access' || !scopes.includes(PLATFORM_SCOPE)) return { kind: 'forbidden', clientId, reason: 'not a platform access token' };
  const platformId = await options.platformOf(clientId);
  if (!platformId) return { kind: 'forbidden', clientId, reason: 'client not registered to a platform' };
  return { kind: 'allow', clientId, claims: renderClaims(payload) };
};
