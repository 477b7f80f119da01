/**
 * API Gateway HTTP API Lambda authorizer (REQUEST, simple responses, payload 2.0), in front of every
 * authenticated route in AWS. The decision is verify.ts; this wires it to the trusted issuers' JWKS (the
 * staff pool `AUTH_ISSUER`, the workers' pool `AUTH_WORKER_ISSUER`, the platform pool `AUTH_PLATFORM_ISSUER`)
 * and the registry. API Gateway caches the answer per Authorization header (lib/stacks/stateless-stack.ts).
 *
 * `AUTH_ISSUER` alone (the local runtime) is one issuer of every kind; with `AUTH_PLATFORM_ISSUER` set, it and
 * `AUTH_WORKER_ISSUER` issue people's tokens only.
 *
 * Where the stage has the edge, a request without CloudFront's origin header value is refused first
 * (functions/_shared/origin-verify.ts). Logs carry the outcome, a reason code and the client id, never the
 * token or the header's value.
 */
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { createRemoteJWKSet } from 'jose';
import { ORIGIN_VERIFY_HEADER } from '../../manifest/api.ts';
import { config } from '../_shared/config.ts';
import { logger } from '../_shared/observability.ts';
import { cameThroughEdge } from '../_shared/origin-verify.ts';
import { platformOfClient } from '../_shared/principal.ts';
import { type AuthorizerOptions, decide, type IssuerKind, type TrustedIssuer } from './verify.ts';

const trusted = (issuer: string, kind: IssuerKind): TrustedIssuer => ({
  issuer,
  kind,
  keys: createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 }),
});

let options: AuthorizerOptions | undefined;
const authorizerOptions = (): AuthorizerOptions => {
  if (options) return options;
  const { issuer, workerIssuer, platformIssuer, maxPersonTokenSeconds } = config.authorizer;
  const split = platformIssuer !== undefined;
  options = {
    issuers: [
      trusted(issuer, split ? 'people' : 'any'),
      ...(workerIssuer ? [trusted(workerIssuer, 'people')] : []),
      ...(platformIssuer ? [trusted(platformIssuer, 'platforms')] : []),
    ],
    staticClients: new Set(config.authorizer.staticClientIds),
    platformOf: (clientId) => platformOfClient(clientId),
    ...(maxPersonTokenSeconds !== undefined ? { maxPersonTokenSeconds } : {}),
  };
  return options;
};

export type AuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<Record<string, string>>;

export const handler = async (event: APIGatewayRequestAuthorizerEventV2): Promise<AuthorizerResult> => {
  // Where the stage has the edge: only requests CloudFront forwarded (its origin header; API Gateway already
  // answered 401 to those without one). Part of the cache key, so an answer cached for the right value is
  // never served to a request with another.
  if (!(await cameThroughEdge(event.headers?.[ORIGIN_VERIFY_HEADER]))) {
    logger.warn('Request not through the edge: refused', { reason: 'ORIGIN_NOT_VERIFIED', routeArn: event.routeArn });
    return { isAuthorized: false, context: {} };
  }
  const authorization = event.headers?.authorization ?? event.identitySource?.[0];
  const decision = await decide(authorization, authorizerOptions());
  switch (decision.kind) {
    case 'allow':
      return { isAuthorized: true, context: decision.claims };
    case 'unauthenticated':
      logger.info('Token not accepted; the function answers 401', { reason: decision.reason, routeArn: event.routeArn });
      // Not refused here: an HTTP API Lambda authorizer can only refuse with 403, the contract says 401.
      return { isAuthorized: true, context: { tokenError: decision.reason } };
    case 'forbidden':
      logger.warn('Token not accepted', { reason: decision.reason, clientId: decision.clientId, routeArn: event.routeArn });
      return { isAuthorized: false, context: {} };
  }
};
