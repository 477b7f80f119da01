/**
 * The HTTP API (v2) middy stack every route group shares, without any AWS client: error mapping (outermost,
 * so it sees every error) → the Lambda authorizer's claims checked (401 for a request it let through
 * unauthenticated) → logger context → [what http.ts adds: the PII data key, then the request guards, the
 * caller's resolution and rate limit, idempotency] → the route. Route errors that are HttpProblems become
 * responses inside the handler, so a replayed Idempotency-Key returns them too; anything else is an
 * infrastructure error: logged, answered 500, never stored as a result.
 *
 * `publicHttpHandler` is this stack with the request guards and nothing else, for a route group whose routes
 * are all public GETs (functions/public: no caller, no personal data, nothing to replay): its bundle then
 * carries no DynamoDB or KMS client (issue 18, cold start). Every other group uses `httpHandler` (http.ts).
 */
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { MAX_REQUEST_BODY_BYTES } from '../../manifest/api.ts';
import type * as z from './zod.ts';
import { principalFromClaims, type Principal } from './auth.ts';
import { badRequest, fieldErrors, HttpProblem, unauthorized, type ProblemBody } from './problem.ts';
import { logger } from './observability.ts';

/** The claims the API's Lambda authorizer hands over (functions/authorizer): strings, `[a b]` for arrays. */
export type AuthorizerClaims = Record<string, string | string[] | undefined>;

/**
 * The v2 event behind the API's Lambda authorizer: its context in `requestContext.authorizer.lambda`.
 * Public routes have no `authorizer` at all, whatever the type says: read claims through `claimsOf`.
 */
export type HttpEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<AuthorizerClaims>;
export type HttpResult = APIGatewayProxyStructuredResultV2;

/**
 * The one place handlers read the caller's claims from: `requestContext.authorizer.lambda`, as API Gateway
 * HTTP API passes a Lambda authorizer's context (and the local adapter, which runs the same authorizer).
 * Undefined on public routes.
 */
export const claimsOf = (event: HttpEvent): AuthorizerClaims | undefined => {
  const lambda: unknown = (event.requestContext?.authorizer as HttpEvent['requestContext']['authorizer'] | undefined)?.lambda;
  return lambda && typeof lambda === 'object' ? (lambda as AuthorizerClaims) : undefined;
};

export interface RouteContext {
  readonly event: HttpEvent;
  /** The authenticated caller (401/403 when the claims are missing or carry no role). */
  principal(): Principal;
  /** A path parameter (present by construction of the route); one over `MAX_PATH_VALUE_BYTES` is `OVERSIZED_PATH_VALUE`. */
  path(name: string): string;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** Parses the JSON body against a schema: 400 problem+json naming each bad field. */
  body<S extends z.ZodMiniType>(schema: S): z.infer<S>;
  /** The parsed JSON body without validation (batch envelopes validate items one by one). */
  rawBody(): unknown;
}

interface RouteResult {
  readonly status: number;
  /** A JSON body. */
  readonly body?: unknown;
  /** A body that is not JSON (a bank file), sent as it is: `headers` give its content type. */
  readonly text?: string;
  /** A binary body (an Excel workbook), sent base64-encoded (`isBase64Encoded`): `headers` give its content type. */
  readonly binary?: Uint8Array;
  readonly headers?: Record<string, string>;
}

export type Route = (ctx: RouteContext) => Promise<RouteResult>;

const json = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResult => ({
  statusCode: status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(body),
});

/**
 * The origin the request reached (`https://api.example.com`): a problem's `type` is the absolute URI of its
 * catalogue entry there (`GET /errors/{code}`). API Gateway sets `domainName` (the custom domain or the
 * execute-api one) and `x-forwarded-proto`; without a domain the `type` stays relative (RFC 9457 §3.1.1).
 */
const originOf = (event: HttpEvent | undefined): string => {
  const domain = event?.requestContext?.domainName;
  if (!domain) return '';
  const proto = event.headers?.['x-forwarded-proto']?.split(',')[0]?.trim();
  return `${proto === 'http' ? 'http' : 'https'}://${domain}`;
};

const problemResult = (problem: HttpProblem, event?: HttpEvent): HttpResult => ({
  statusCode: problem.status,
  headers: { ...problem.headers, 'content-type': 'application/problem+json; charset=utf-8' },
  body: JSON.stringify(problem.toBody(originOf(event)) satisfies ProblemBody),
});

const parseJson = (event: HttpEvent): unknown => {
  if (event.body === undefined || event.body === null || event.body === '') {
    throw badRequest([{ path: '', message: '缺少请求体：请发送 JSON 请求体。' }]);
  }
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpProblem('MALFORMED_JSON', { errors: [{ path: '', message: '请求体不是有效的 JSON：请检查引号、逗号和括号。' }] });
  }
};

/**
 * Path parameters may arrive decoded already (API Gateway, the local adapter): a value that is not valid
 * percent-encoding (`%` followed by anything but two hex digits) is used as it is, never a 500.
 */
const decodePathParameter = (value: string): string => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

/**
 * No path value of the API is longer than this (ids are 1–64 characters, months and years shorter). Keys
 * are built from path values, and DynamoDB refuses a partition key over 2,048 bytes or a sort key over
 * 1,024 bytes with a ValidationException (a 500); a value over this is therefore never handed to a route.
 */
const MAX_PATH_VALUE_BYTES = 256;

/**
 * What a route gets instead of a path value over `MAX_PATH_VALUE_BYTES`: a value that names no resource
 * and fits every key. The route keeps its precedence (401 → 403 role → 404 visibility → 400): a look-up
 * finds nothing (404), a validated value (a month, a year) fails its schema (400 naming the field).
 */
const OVERSIZED_PATH_VALUE = '-';

const pathValue = (raw: string | undefined): string => {
  const value = decodePathParameter(raw ?? '');
  return Buffer.byteLength(value, 'utf8') > MAX_PATH_VALUE_BYTES ? OVERSIZED_PATH_VALUE : value;
};

/** The caller resolved by `callerResolution` (a principal, or the 401/403 to answer when a route asks). */
export const resolvedCallers = new WeakMap<HttpEvent, { principal: Principal } | { problem: HttpProblem }>();

const context = (event: HttpEvent): RouteContext => {
  let principal: Principal | undefined;
  let parsed: { value: unknown } | undefined;
  const raw = () => (parsed ??= { value: parseJson(event) }).value;
  return {
    event,
    principal: () => {
      const resolved = resolvedCallers.get(event);
      if (resolved && 'problem' in resolved) throw resolved.problem;
      return (principal ??= resolved?.principal ?? principalFromClaims(claimsOf(event)));
    },
    path: (name) => pathValue(event.pathParameters?.[name]),
    query: event.queryStringParameters ?? {},
    rawBody: raw,
    body: (schema) => {
      const result = schema.safeParse(raw());
      if (!result.success) throw badRequest(fieldErrors(result.error.issues as never));
      return result.data;
    },
  };
};

/**
 * Checks the claims of the API's Lambda authorizer (functions/authorizer), handed over as
 * `requestContext.authorizer.lambda`.
 *
 * A request the authorizer let through without claims (a forged, expired or foreign token: see
 * functions/authorizer/verify.ts) is answered 401 here, before any other work. Because API Gateway caches
 * the authorizer's answer per token for minutes, `exp` is checked again here: a cached token past its
 * expiry is 401 too.
 */
const authorizerClaims = (now: () => number = Date.now): middy.MiddlewareObj<HttpEvent, HttpResult> => ({
  before: (request) => {
    const claims = claimsOf(request.event);
    if (!claims) return;
    if (typeof claims.sub !== 'string' || claims.sub === '') {
      throw unauthorized(claims.tokenError === 'ERR_JWT_EXPIRED' ? 'TOKEN_EXPIRED' : 'UNAUTHENTICATED');
    }
    const exp = Number(claims.exp);
    if (!Number.isFinite(exp) || exp * 1000 <= now()) throw unauthorized('TOKEN_EXPIRED');
  },
});

/** Rejects what no route accepts: bodies over the contract's limit (413) and bodies that are not JSON (415). */
export const requestGuards = (): middy.MiddlewareObj<HttpEvent, HttpResult> => ({
  before: (request) => {
    const { body, isBase64Encoded, headers } = request.event;
    if (body === undefined || body === null || body === '') return;
    const bytes = isBase64Encoded ? Buffer.byteLength(body, 'base64') : Buffer.byteLength(body, 'utf8');
    if (bytes > MAX_REQUEST_BODY_BYTES)
      throw new HttpProblem('BODY_TOO_LARGE', {
        detail: `请求体为 ${bytes} 字节，最多接受 ${MAX_REQUEST_BODY_BYTES} 字节。`,
        detailEn: `The body is ${bytes} bytes; at most ${MAX_REQUEST_BODY_BYTES} are accepted.`,
      });
    const type = (headers?.['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      throw new HttpProblem('UNSUPPORTED_MEDIA_TYPE', {
        detail: `不接受内容类型“${type || '（无）'}”：请发送 application/json。`,
        detailEn: `Content type "${type || '(none)'}" is not accepted; send application/json.`,
      });
    }
  },
});

/** Maps errors that escaped the route (guards, idempotency, infrastructure) to problem+json. */
const errorMapper = (): middy.MiddlewareObj<HttpEvent, HttpResult> => ({
  onError: (request) => {
    const error = request.error as Error & { name?: string };
    if (error instanceof HttpProblem) {
      request.response = problemResult(error, request.event);
    } else if (error?.name === 'IdempotencyValidationError') {
      request.response = problemResult(
        new HttpProblem('IDEMPOTENCY_KEY_REUSED', {
          errors: [{ path: 'Idempotency-Key', message: '此键已用于不同的请求体：请为新请求使用新的键。' }],
        }),
        request.event,
      );
    } else if (error?.name === 'IdempotencyAlreadyInProgressError') {
      request.response = problemResult(new HttpProblem('IDEMPOTENCY_IN_PROGRESS'), request.event);
    } else {
      logger.error('Unhandled error', { errorName: error?.name, errorMessage: error?.message, stack: error?.stack });
      request.response = problemResult(new HttpProblem('INTERNAL_ERROR'), request.event);
    }
    return request.response;
  },
});

/**
 * The shared part of a route group's handler: `routes` maps API Gateway route keys
 * (`POST /v1/platforms/{platformId}/orders`) to route functions; error mapping, header normalisation, the
 * authorizer's claims and the logger context. http.ts adds the rest.
 */
export const routeStack = (routes: Readonly<Record<string, Route>>) => {
  const dispatch = async (event: HttpEvent, _context: Context): Promise<HttpResult> => {
    const route = routes[event.routeKey];
    if (!route) return problemResult(new HttpProblem('ROUTE_NOT_FOUND', { detailEn: `No route for ${event.routeKey}.` }), event);
    try {
      const result = await route(context(event));
      if (result.binary !== undefined)
        return { statusCode: result.status, headers: result.headers ?? {}, body: Buffer.from(result.binary).toString('base64'), isBase64Encoded: true };
      if (result.text !== undefined) return { statusCode: result.status, headers: result.headers ?? {}, body: result.text };
      return result.body === undefined ? { statusCode: result.status, headers: result.headers ?? {} } : json(result.status, result.body, result.headers);
    } catch (error) {
      if (error instanceof HttpProblem) return problemResult(error, event);
      throw error;
    }
  };
  return middy<HttpEvent, HttpResult>(dispatch)
    .use(errorMapper())
    .use(httpHeaderNormalizer())
    .use(authorizerClaims())
    .use(injectLambdaContext(logger, { resetKeys: true }));
};

/** The handler of a route group whose routes are all public GETs (see above): the shared stack and the request guards. */
export const publicHttpHandler = (routes: Readonly<Record<string, Route>>) => routeStack(routes).use(requestGuards());
