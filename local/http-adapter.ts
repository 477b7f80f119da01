/**
 * A node:http server that plays API Gateway HTTP API (payload format 2.0) in front of the Lambda handlers.
 *
 * Per request: match ROUTES (local/http/routing.ts) → build the v2 event (local/http/event.ts) → on
 * `auth: true` routes, run the real Lambda authorizer (local/http/authorizer.ts) and pass its context as
 * `requestContext.authorizer.lambda` → call the route's function (local/lambda.ts: imported once, invoked
 * with only the env its manifest entry grants) → write the result back (local/http/response.ts). Plus
 * `POST /local/tokens` (the local issuer). What it does differently from AWS is listed in
 * docs/local-runtime.md.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { API_GATEWAY_INTEGRATION_TIMEOUT_MS, API_GATEWAY_MAX_PAYLOAD_BYTES } from '../manifest/api.ts';
import { AUTHORIZER_FUNCTION, FUNCTIONS } from '../manifest/functions.ts';
import { type HttpMethod, ROUTES } from '../manifest/routes.ts';
import { AUTHORIZER, type AuthorizerAnswer, authorize } from './http/authorizer.ts';
import { serveConsole } from './console.ts';
import { buildEvent } from './http/event.ts';
import { BodyTooLarge, readBody, sendJson, sendProblem, writeResult } from './http/response.ts';
import { type CompiledRoute, compile, matchPath, type RouteDefinition } from './http/routing.ts';
import { handlerLoader, type LambdaHandler, lambdaContext, REPO_ROOT, runAs } from './lambda.ts';
import { problem } from './problem.ts';
import { type LocalIssuer, parseTokenRequest } from './tokens.ts';

type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

/** A route served by a handler given inline (tests, or later local-only endpoints) instead of a function entry. */
export interface InlineRoute {
  readonly method: HttpMethod;
  readonly path: string;
  readonly auth: boolean;
  readonly handler: LambdaHandler<HttpEvent>;
  /** Reported as the function name in the context. Default `inline`. */
  readonly fn?: string;
}

export interface HttpAdapterOptions {
  readonly issuer: LocalIssuer;
  readonly routes?: readonly RouteDefinition[];
  /** Function name → entry file relative to `root`. */
  readonly functions?: Readonly<Record<string, { readonly entry: string }>>;
  readonly extraRoutes?: readonly InlineRoute[];
  readonly root?: string;
  /** Default API Gateway's payload limit (manifest/api.ts). */
  readonly maxBodyBytes?: number;
  readonly timeoutMs?: number;
  /** Called once before the first handler module is imported (the env must be final by then). */
  readonly beforeFirstLoad?: () => void;
  readonly log?: (entry: Record<string, unknown>) => void;
  /** The built web console (console/dist) served at `/` for what no API route matches; none when undefined. */
  readonly consoleDist?: string;
  /** Origins beyond its own the console's pages may connect to (its CSP's connect-src): the local S3. */
  readonly consoleSources?: readonly string[];
}

export interface HttpAdapter {
  readonly server: Server;
  listen(port: number, host: string): Promise<{ port: number; url: string }>;
  close(): Promise<void>;
}

export function createHttpAdapter(options: HttpAdapterOptions): HttpAdapter {
  const root = options.root ?? REPO_ROOT;
  const functions: Readonly<Record<string, { readonly entry: string }>> = options.functions ?? FUNCTIONS;
  const maxBodyBytes = options.maxBodyBytes ?? API_GATEWAY_MAX_PAYLOAD_BYTES;
  const timeoutMs = options.timeoutMs ?? API_GATEWAY_INTEGRATION_TIMEOUT_MS;
  const log = options.log ?? ((entry) => console.error(JSON.stringify({ level: 'ERROR', timestamp: new Date().toISOString(), ...entry })));
  const routes = [
    ...(options.extraRoutes ?? []).map((r) => compile({ ...r, fn: r.fn ?? 'inline' })),
    ...(options.routes ?? ROUTES).map((r) => compile(r)),
  ].sort((a, b) => b.specificity - a.specificity);
  const load = handlerLoader({ ...functions, [AUTHORIZER]: AUTHORIZER_FUNCTION }, root, options.beforeFirstLoad);

  async function localTokens(_req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    let input: unknown;
    try {
      input = JSON.parse(body.toString('utf8'));
    } catch {
      sendProblem(res, problem('MALFORMED_JSON', undefined, [{ path: '(body)', message: '请求体不是有效的 JSON。' }]));
      return;
    }
    const parsed = parseTokenRequest(input);
    if (!parsed.ok) {
      sendProblem(res, problem('VALIDATION_FAILED', 'The token request is not valid.', parsed.errors));
      return;
    }
    sendJson(res, 200, { token: await options.issuer.sign(parsed.claims) });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomBytes(10).toString('base64');
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    const rawQueryString = q === -1 ? '' : url.slice(q + 1);
    const method = (req.method ?? 'GET').toUpperCase();
    res.setHeader('apigw-requestid', requestId);

    let body: Buffer;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        sendProblem(res, problem('BODY_TOO_LARGE', `The request body exceeds ${maxBodyBytes} bytes.`));
      } else {
        res.destroy();
      }
      return;
    }

    if (rawPath === '/local/tokens') {
      if (method !== 'POST') return sendProblem(res, problem('METHOD_NOT_ALLOWED', `${method} is not allowed on ${rawPath}.`), { allow: 'POST' });
      return localTokens(req, res, body);
    }

    const parts = rawPath.split('/').slice(1);
    let route: CompiledRoute | undefined;
    let pathParameters: Record<string, string> = {};
    const allowed = new Set<string>();
    for (const candidate of routes) {
      const params = matchPath(candidate, parts);
      if (!params) continue;
      if (candidate.method === method || candidate.method === 'ANY') {
        route = candidate;
        pathParameters = params;
        break;
      }
      allowed.add(candidate.method);
    }
    if (!route) {
      if (allowed.size === 0 && options.consoleDist && serveConsole(options.consoleDist, req, res, rawPath, options.consoleSources)) return;
      if (allowed.size > 0) {
        return sendProblem(res, problem('METHOD_NOT_ALLOWED', `${method} is not allowed on ${rawPath}.`), { allow: [...allowed].sort().join(', ') });
      }
      return sendProblem(res, problem('ROUTE_NOT_FOUND', `No route for ${method} ${rawPath}.`));
    }

    const functionName = route.fn;
    const deadline = Date.now() + timeoutMs;
    const eventInput = { req, route, rawPath, rawQueryString, pathParameters, body, requestId, localPort: req.socket.localPort ?? 0 };
    let event = buildEvent(eventInput);
    if (route.auth) {
      let answer: AuthorizerAnswer;
      try {
        answer = await authorize(load, runAs, req, event, requestId);
      } catch (error) {
        // API Gateway answers 500 when the authorizer fails (e.g. its JWKS cannot be fetched).
        const e = error as Error;
        log({ message: 'authorizer failed', routeKey: route.routeKey, requestId, error: { name: e?.name, message: e?.message, stack: e?.stack } });
        return sendProblem(res, problem('INTERNAL_ERROR', 'The authorizer failed; see the server log.'));
      }
      if (answer.kind === 'missing') {
        return sendProblem(res, problem('UNAUTHENTICATED', 'An Authorization: Bearer token is required.'), { 'www-authenticate': 'Bearer' });
      }
      if (answer.kind === 'deny') return sendProblem(res, problem('TOKEN_NOT_ACCEPTED'));
      event = buildEvent({ ...eventInput, authorizer: answer.context });
    }
    const context = lambdaContext(`local-${functionName}`, randomUUID(), deadline);
    let timer: NodeJS.Timeout | undefined;
    let handler: LambdaHandler<HttpEvent>;
    try {
      handler = (route.handler as LambdaHandler<HttpEvent> | undefined) ?? (await load<HttpEvent, unknown>(route.fn));
    } catch (error) {
      // Like a Lambda init failure: API Gateway answers 500.
      const e = error as Error;
      log({
        message: 'function could not be loaded',
        routeKey: route.routeKey,
        function: functionName,
        requestId,
        error: { name: e?.name, message: e?.message, stack: e?.stack },
      });
      return sendProblem(res, problem('INTERNAL_ERROR', `The function ${functionName} could not be loaded; see the server log.`));
    }
    try {
      const timeout = new Promise<'timeout'>((done) => {
        timer = setTimeout(() => done('timeout'), Math.max(0, deadline - Date.now()));
      });
      const invocation = route.handler ? handler(event, context) : runAs(functionName, () => handler(event, context));
      const result = await Promise.race([invocation, timeout]);
      if (result === 'timeout') {
        log({ message: 'handler timed out', routeKey: route.routeKey, requestId, awsRequestId: context.awsRequestId, timeoutMs });
        return sendProblem(res, problem('SERVICE_UNAVAILABLE', `The function did not answer within ${timeoutMs} ms.`));
      }
      writeResult(res, result, requestId);
    } catch (error) {
      // Never the body: it may hold personal data.
      const e = error as Error;
      log({
        message: 'handler failed',
        routeKey: route.routeKey,
        function: functionName,
        requestId,
        awsRequestId: context.awsRequestId,
        error: { name: e?.name, message: e?.message, stack: e?.stack },
      });
      if (!res.headersSent) sendProblem(res, problem('INTERNAL_ERROR', 'The function failed; see the server log.'));
      else res.destroy();
    } finally {
      clearTimeout(timer);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      log({ message: 'adapter failed', error: { name: error.name, message: error.message, stack: error.stack } });
      if (!res.headersSent) sendProblem(res, problem('INTERNAL_ERROR', 'The local adapter failed.'));
      else res.destroy();
    });
  });

  return {
    server,
    listen(port, host) {
      return new Promise((done, fail) => {
        server.once('error', fail);
        server.listen(port, host, () => {
          server.off('error', fail);
          const actual = (server.address() as AddressInfo).port;
          const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
          done({ port: actual, url: `http://${shown}:${actual}` });
        });
      });
    },
    close() {
      return new Promise((done) => {
        if (!server.listening) return done();
        server.close(() => done());
        server.closeAllConnections();
      });
    },
  };
}
