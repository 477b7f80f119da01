/**
 * The decision of the API's Lambda authorizer (docs/security.md, "Platform identity from the app client" and
 * "Identity in AWS").
 *
 * A bearer token is accepted when it is a Cognito **access** token of a trusted issuer — signature against
 * that issuer's JWKS, issuer, expiry, `token_use` `access` — issued to an accepted app client. In AWS there
 * are three issuers, each a user pool of its own (lib/constructs/identity.ts):
 * - `people` (the staff pool, the workers' pool): only their static app clients, and only a token that
 *   carries the `role` claim the pre-token-generation trigger adds (with `provinces` / `workerId`), living
 *   at most `maxPersonTokenSeconds` (the revocation bound);
 * - `platforms` (the platform pool, machine clients only): the pilot client (static), or a client the
 *   registry maps to a platform (`CLIENT#{clientId}`), whose access token must carry the platform scope;
 * - `any` (one issuer for everything: the local issuer, `npm start`): a static client, or a registered
 *   platform client as above.
 *
 * Three outcomes, so that API Gateway keeps the contract's statuses:
 * - `allow`: the claims go to the function (rendered as strings, like the JWT authorizer does);
 * - `unauthenticated` (no, malformed, forged, expired or foreign token, an ID or refresh token): the request
 *   is let through with no claims, and the function answers 401 problem+json before any other work
 *   (http.ts). An HTTP API Lambda authorizer can only answer 403 itself, and a client refreshes on 401;
 * - `forbidden` (a valid token of a client that is not, or no longer, accepted, or a person's token without
 *   its role or living too long): API Gateway answers 403 and the function is not invoked.
 */
import { decodeJwt, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { PERSON_ROLES, PLATFORM_SCOPE } from '../../manifest/identity.ts';

export type Decision =
  | { readonly kind: 'allow'; readonly clientId: string; readonly claims: Record<string, string> }
  | { readonly kind: 'unauthenticated'; readonly reason: string }
  | { readonly kind: 'forbidden'; readonly reason: string; readonly clientId: string };

export type IssuerKind = 'people' | 'platforms' | 'any';

export interface TrustedIssuer {
  /** `https://cognito-idp.{region}.amazonaws.com/{userPoolId}` */
  readonly issuer: string;
  /** The pool's signing keys (createRemoteJWKSet of `{issuer}/.well-known/jwks.json` in AWS). */
  readonly keys: JWTVerifyGetKey;
  readonly kind: IssuerKind;
}

export interface AuthorizerOptions {
  readonly issuers: readonly TrustedIssuer[];
  /** App clients accepted without a registry look-up: the staff and workers' apps, the pilot platform client. */
  readonly staticClients: ReadonlySet<string>;
  /** The platform a registered client belongs to (cached registry read), or undefined. */
  readonly platformOf: (clientId: string) => Promise<string | undefined>;
  /** The longest a person's token (issuer kind `people`) may live, `exp - iat` in seconds; undefined: no bound. */
  readonly maxPersonTokenSeconds?: number;
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

/** The trusted issuer a token names (read before verification only to pick the keys; verified after). */
const issuerOf = (token: string, issuers: readonly TrustedIssuer[]): TrustedIssuer | undefined => {
  let iss: unknown;
  try {
    iss = decodeJwt(token).iss;
  } catch {
    return undefined;
  }
  return issuers.find((trusted) => trusted.issuer === iss);
};

const personDecision = (payload: JWTPayload, clientId: string, options: AuthorizerOptions): Decision => {
  if (!options.staticClients.has(clientId)) return { kind: 'forbidden', clientId, reason: 'not an app client of this pool' };
  if (typeof payload.role !== 'string' || !(PERSON_ROLES as readonly string[]).includes(payload.role))
    return { kind: 'forbidden', clientId, reason: 'no role claim (pre-token-generation trigger)' };
  const lifetime = Number(payload.exp) - Number(payload.iat);
  if (options.maxPersonTokenSeconds !== undefined && !(lifetime <= options.maxPersonTokenSeconds))
    return { kind: 'forbidden', clientId, reason: 'token lives longer than the revocation bound' };
  return { kind: 'allow', clientId, claims: renderClaims(payload) };
};

const clientDecision = async (payload: JWTPayload, clientId: string, options: AuthorizerOptions): Promise<Decision> => {
  if (options.staticClients.has(clientId)) return { kind: 'allow', clientId, claims: renderClaims(payload) };
  const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
  if (!scopes.includes(PLATFORM_SCOPE)) return { kind: 'forbidden', clientId, reason: 'not a platform access token' };
  const platformId = await options.platformOf(clientId);
  if (!platformId) return { kind: 'forbidden', clientId, reason: 'client not registered to a platform' };
  return { kind: 'allow', clientId, claims: renderClaims(payload) };
};

export const decide = async (authorization: string | undefined, options: AuthorizerOptions): Promise<Decision> => {
  const token = bearerToken(authorization);
  if (!token) return { kind: 'unauthenticated', reason: 'no token' };
  const trusted = issuerOf(token, options.issuers);
  if (!trusted) return { kind: 'unauthenticated', reason: 'issuer not trusted or token malformed' };
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, trusted.keys, {
      issuer: trusted.issuer,
      algorithms: ['RS256'],
      requiredClaims: ['sub', 'exp', 'iat', 'token_use'],
    }));
  } catch (error) {
    if (error instanceof errors.JOSEError) return { kind: 'unauthenticated', reason: error.code };
    throw error; // the JWKS could not be fetched, …: an infrastructure error (API Gateway answers 500)
  }
  // The API reads access tokens only: an ID token is for the app, a refresh token for Cognito.
  const clientId = payload.client_id;
  if (payload.token_use !== 'access' || typeof clientId !== 'string' || clientId === '')
    return { kind: 'unauthenticated', reason: `token_use ${String(payload.token_use)} or its client is not accepted` };
  if (trusted.kind === 'people') return personDecision(payload, clientId, options);
  return clientDecision(payload, clientId, options);
};
