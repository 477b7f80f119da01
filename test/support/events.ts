/**
 * API Gateway HTTP API (v2) events as they reach a handler behind the API's Lambda authorizer, for handler
 * tests: the claims in `requestContext.authorizer.lambda`, rendered as the authorizer renders them (strings,
 * `[a b]` for arrays), with an `exp` an hour ahead unless given. Without claims: no authorizer (a public route).
 */
import type { Context } from 'aws-lambda';
import type { HttpEvent } from '../../functions/_shared/http.ts';

export interface EventOptions {
  readonly claims?: Record<string, string | string[]> | undefined;
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/** The Lambda authorizer's context for these claims (functions/authorizer/verify.ts `renderClaims`). */
const authorizerContext = (claims: Record<string, string | string[]>): Record<string, string> => ({
  exp: String(Math.floor(Date.now() / 1000) + 3600),
  ...Object.fromEntries(Object.entries(claims).map(([name, value]) => [name, Array.isArray(value) ? `[${value.join(' ')}]` : value])),
});

/** `routeKey` like `POST /v1/platforms/{platformId}/orders`; path parameters are substituted into rawPath. */
export const httpEvent = (routeKey: string, options: EventOptions = {}): HttpEvent => {
  const [method, template] = routeKey.split(' ') as [string, string];
  const rawPath = template.replace(/\{(\w+)\}/g, (_, name: string) => options.pathParameters?.[name] ?? name);
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'req-1',
      routeKey,
      stage: '$default',
      time: '01/Aug/2025:10:00:00 +0000',
      timeEpoch: 1754042400000,
      ...(options.claims ? { authorizer: { lambda: authorizerContext(options.claims) } } : {}),
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: false,
  } as unknown as HttpEvent;
};

export const lambdaContext = {
  functionName: 'test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:cn-north-1:000000000000:function:test',
  memoryLimitInMB: '512',
  awsRequestId: 'aws-req-1',
  logGroupName: '/aws/lambda/test',
  logStreamName: 'stream',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as unknown as Context;

/** Parses a handler result's JSON body. */
export const bodyOf = (result: { body?: string }) => JSON.parse(result.body ?? 'null');
