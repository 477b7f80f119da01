/**
 * The API's Lambda authorizer in front of the `auth: true` routes, as API Gateway HTTP API runs it: the
 * real functions/authorizer/handler.ts (REQUEST, simple responses, identity source the Authorization
 * header), invoked as its own function with its own env (local/lambda.ts). What it answers:
 * - no Authorization header: API Gateway answers 401 without invoking it (identity source missing);
 * - `isAuthorized: false`: API Gateway answers 403 and the route's function is not invoked;
 * - `isAuthorized: true`: its `context` goes to the function as `requestContext.authorizer.lambda`
 *   (with `tokenError` only, for a token it let through unauthenticated: the function answers 401).
 * Not reproduced: API Gateway's cache of the answer per Authorization header (5 minutes in AWS).
 */
import type { IncomingMessage } from 'node:http';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID, type LambdaHandler, lambdaContext } from '../lambda.ts';

export const AUTHORIZER = 'authorizer';

export type AuthorizerAnswer = { readonly kind: 'missing' } | { readonly kind: 'deny' } | { readonly kind: 'allow'; readonly context: Record<string, unknown> };

type Result = APIGatewaySimpleAuthorizerWithContextResult<Record<string, unknown>>;

/** The authorizer's REQUEST event (payload 2.0) for the request the route's event describes. */
const authorizerEvent = (event: APIGatewayProxyEventV2WithJWTAuthorizer, authorization: string): APIGatewayRequestAuthorizerEventV2 =>
  ({
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:${process.env.AWS_REGION ?? 'us-east-1'}:${LOCAL_ACCOUNT_ID}:${event.requestContext.apiId}/$default/${event.requestContext.http.method}${event.rawPath}`,
    identitySource: [authorization],
    routeKey: event.routeKey,
    rawPath: event.rawPath,
    rawQueryString: event.rawQueryString,
    ...(event.cookies ? { cookies: event.cookies } : {}),
    headers: event.headers,
    ...(event.queryStringParameters ? { queryStringParameters: event.queryStringParameters } : {}),
    requestContext: event.requestContext,
    ...(event.pathParameters ? { pathParameters: event.pathParameters } : {}),
  }) as unknown as APIGatewayRequestAuthorizerEventV2;

export async function authorize(
  load: (name: string) => Promise<LambdaHandler<APIGatewayRequestAuthorizerEventV2, Result>>,
  run: <T>(name: string, fn: () => T) => T,
  req: IncomingMessage,
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  requestId: string,
): Promise<AuthorizerAnswer> {
  const authorization = req.headers.authorization;
  if (authorization === undefined || authorization.trim() === '') return { kind: 'missing' };
  const handler = await load(AUTHORIZER);
  const result = await run(AUTHORIZER, () =>
    handler(authorizerEvent(event, authorization), lambdaContext(`local-${AUTHORIZER}`, requestId, Date.now() + 5_000)),
  );
  return result.isAuthorized ? { kind: 'allow', context: result.context ?? {} } : { kind: 'deny' };
}
