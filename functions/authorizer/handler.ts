/**
 * API Gateway HTTP API Lambda authorizer (REQUEST, simple responses, payload 2.0), in front of every
 * authenticated route in AWS. The decision is verify.ts; this wires it to the user pool's JWKS and the
 * registry. API Gateway caches the answer per Authorization header (lib/stacks/stateless-stack.ts).
 *
 * Logs carry the outcome, a reason code and the client id, never the token.
 */
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { createRemoteJWKSet } from 'jose';
import { config } from '../_shared/config.ts';
import { logger } from '../_shared/observability.ts';
import { platformOfClient } from '../_shared/principal.ts';
import { decide, type AuthorizerOptions } from './verify.ts';

let options: AuthorizerOptions | undefined;
const authorizerOptions = (): AuthorizerOptions =>
  (options ??= {
    issuer: config.authorizer.issuer,
    keys: createRemoteJWKSet(new URL(`${config.authorizer.issuer}/.well-known/jwks.json`), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 }),
    staticClients: new Set(config.authorizer.staticClientIds),
    platformOf: (clientId) => platformOfClient(clientId),
  });

export type AuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<Record<string, string>>;

export const handler = async (event: APIGatewayRequestAuthorizerEventV2): Promise<AuthorizerResult> => {
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
      logger.warn('App client not accepted', { reason: decision.reason, clientId: decision.clientId, routeArn: event.routeArn });
      return { isAuthorized: false, context: {} };
  }
};
