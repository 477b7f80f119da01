/**
 * A node:http server that plays API Gateway HTTP API (payload format 2.0) in front of the Lambda handlers.
 *
 * Per request: match ROUTES → (auth routes) verify the Bearer token like the JWT authorizer → build the v2
 * event and a Lambda-like context → call the route's function handler (imported lazily, once) → write the
 * structured result back. What it does differently from AWS is listed in docs/local-runtime.md.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { FUNCTIONS } from '../manifest/functions.ts';
import { ROUTES, type HttpMethod } from '../manifest/routes.ts';
import { problem, type Problem } from './problem.ts';
import { parseTokenRequest, type LocalIssuer } from './tokens.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** API Gateway's payload limit. The handlers enforce the contract's 1 MiB themselves. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** API Gateway HTTP API's maximum integration timeout. */
export const INTEGRATION_TIMEOUT_MS = 30_000;
export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_API_ID = 'local';

export type LambdaHandler = (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => Promise<unknown>;

/** A route served by a handler given inline (tests, or later local-only endpoints) instead of a function entry. */
export interface InlineRoute {
  readonly method: HttpMethod;
  readonly path: string;
  readonly auth: boolean;
  readonly handler: LambdaHandler;
  /** Reported as the function name in the context. Default `inline`. */
  readonly fn?: string;
}

export interface RouteDefinition {
  readonly method: string;
  readonly path: string;
  readonly fn: string;
  readonly auth: boolean;
}

export interface HttpAdapterOptions {
  readonly issuer: LocalIssuer;
  readonly routes?: readonly RouteDefinition[];
  /** Function name → entry file relative to `root`. */
  readonly functions?: Readonly<Record<string, { readonly entry: string }>>;
  readonly extraRoutes?: readonly InlineRoute[];
  readonly root?: string;
  readonly maxBodyBytes?: number;
  readonly timeoutMs?: number;
  /** Called once before the first handler module is imported (the env must be final by then). */
  readonly beforeFirstLoad?: () => void;
  readonly log?: (entry: Record<string, unknown>) => void;
}

export interface HttpAdapter {
  readonly server: Server;
  listen(port: number, host: string): Promise<{ port: number; url: string }>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------- routing

interface CompiledRoute {
  readonly method: string;
  readonly path: string;
  readonly routeKey: string;
  readonly auth: boolean;
  readonly fn: string;
  readonly handler?: LambdaHandler;
  readonly segments: readonly ({ kind: 'static'; value: string } | { kind: 'param'; name: string; greedy: boolean })[];
  readonly specificity: number;
}

function compile(route: RouteDefinition & { handler?: LambdaHandler }): CompiledRoute {
  const segments = route.path
    .split('/')
    .slice(1)
    .map((part) => {
      const param = /^\{([A-Za-z0-9_.-]+)(\+)?\}$/.exec(part);
      return param ? { kind: 'param' as const, name: param[1]!, greedy: param[2] === '+' } : { kind: 'static' as const, value: part };
    });
  return {
    method: route.method,
    path: route.path,
    routeKey: `${route.method} ${route.path}`,
    auth: route.auth,
    fn: route.fn,
    ...(route.handler ? { handler: route.handler } : {}),
    segments,
    specificity: segments.filter((s) => s.kind === 'static').length * 2 - segments.filter((s) => s.kind === 'param' && s.greedy).length,
  };
}

function decodeSegment(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function matchPath(route: CompiledRoute, parts: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < route.segments.length; i++) {
    const segment = route.segments[i]!;
    const part = parts[i];
    if (segment.kind === 'param' && segment.greedy) {
      if (i >= parts.length) return undefined;
      params[segment.name] = parts.slice(i).map(decodeSegment).join('/');
      return params;
    }
    if (part === undefined) return undefined;
    if (segment.kind === 'static') {
      if (decodeSegment(part) !== segment.value) return undefined;
    } else {
      if (part === '') return undefined;
      params[segment.name] = decodeSegment(part);
    }
  }
  return parts.length === route.segments.length ? params : undefined;
}

// ---------------------------------------------------------------------------------------------- event

/** `12/Mar/2020:19:03:58 +0000`, as in API Gateway's requestContext.time. */
function clfTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())} +0000`;
}

/**
 * How the HTTP API JWT authorizer hands claims to the function: every value becomes a string. Numbers
 * and booleans are stringified (`exp` → "1767225600"), arrays become their items space-separated in
 * brackets (`provinces: ["110000","310000"]` → "[110000 310000]"), nested objects become JSON text, and
 * null claims are left out.
 */
export function renderClaimValue(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `[${value.map((item) => renderClaimValue(item) ?? '').join(' ')}]`;
  return JSON.stringify(value);
}

export function renderClaims(payload: Record<string, unknown>): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    const rendered = renderClaimValue(value);
    if (rendered !== undefined) claims[name] = rendered;
  }
  return claims;
}

function splitQuery(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === '') return undefined;
  const params: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    params[name] = name in params ? `${params[name]},${value}` : value;
  }
  return Object.keys(params).length > 0 ? params : undefined;
}

interface EventInput {
  readonly req: IncomingMessage;
  readonly route: CompiledRoute;
  readonly rawPath: string;
  readonly rawQueryString: string;
  readonly pathParameters: Record<string, string>;
  readonly body: Buffer;
  readonly requestId: string;
  readonly claims?: Record<string, string>;
  readonly localPort: number;
}

function buildEvent(input: EventInput): APIGatewayProxyEventV2WithJWTAuthorizer {
  const { req, route } = input;
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    if (name === 'cookie') {
      // Payload 2.0 moves cookies out of the headers into `cookies`.
      cookies = [
        ...(cookies ?? []),
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter((c) => c !== ''),
      ];
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  headers['x-forwarded-for'] ??= sourceIp;
  headers['x-forwarded-port'] ??= String(input.localPort);
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-amzn-trace-id'] ??= `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
  const domainName = headers.host ?? `127.0.0.1:${input.localPort}`;
  const now = new Date();
  const queryStringParameters = splitQuery(input.rawQueryString);
  const event: APIGatewayProxyEventV2WithJWTAuthorizer = {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath: input.rawPath,
    rawQueryString: input.rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: LOCAL_API_ID,
      domainName,
      domainPrefix: domainName.split('.')[0]!.split(':')[0]!,
      http: {
        method: req.method ?? 'GET',
        path: input.rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: input.requestId,
      routeKey: route.routeKey,
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
      // Public routes have no authorizer in AWS; the type insists on one, hence the cast below.
      ...(input.claims ? { authorizer: { jwt: { claims: input.claims, scopes: null } } } : {}),
    } as APIGatewayProxyEventV2WithJWTAuthorizer['requestContext'],
    ...(Object.keys(input.pathParameters).length > 0 ? { pathParameters: input.pathParameters } : {}),
    ...(input.body.length > 0 ? { body: input.body.toString('utf8') } : {}),
    isBase64Encoded: false,
  };
  return event;
}

function buildContext(functionName: string, requestId: string, deadline: number): Context {
  const unsupported = () => {
    throw new Error('callback-style completion is not supported: return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION ?? 'us-east-1'}:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

// ---------------------------------------------------------------------------------------------- response

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendProblem(res: ServerResponse, p: Problem, headers: Record<string, string> = {}): void {
  sendJson(res, p.status, p, headers, 'application/problem+json');
}

function isStructured(result: unknown): result is APIGatewayProxyStructuredResultV2 {
  return typeof result === 'object' && result !== null && 'statusCode' in result;
}

/** Writes a handler result the way API Gateway interprets payload format 2.0 responses. */
function writeResult(res: ServerResponse, result: unknown, requestId: string): void {
  res.setHeader('apigw-requestid', requestId);
  if (!isStructured(result)) {
    // No statusCode: API Gateway assumes 200, JSON, and the whole result as the body.
    const text = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  const body = result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  headers['content-length'] = String(body.length);
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(body);
}

// ---------------------------------------------------------------------------------------------- server

class BodyTooLarge extends Error {}

/** Reads the body up to `limit` bytes. Beyond it, keeps draining (so the client sees the 413) but drops the data. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => (tooLarge ? fail(new BodyTooLarge()) : done(Buffer.concat(chunks))));
    req.on('error', fail);
  });
}

export function createHttpAdapter(options: HttpAdapterOptions): HttpAdapter {
  const root = options.root ?? REPO_ROOT;
  const functions: Readonly<Record<string, { readonly entry: string }>> = options.functions ?? FUNCTIONS;
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const timeoutMs = options.timeoutMs ?? INTEGRATION_TIMEOUT_MS;
  const log = options.log ?? ((entry) => console.error(JSON.stringify({ level: 'ERROR', timestamp: new Date().toISOString(), ...entry })));
  const routes = [
    ...(options.extraRoutes ?? []).map((r) => compile({ ...r, fn: r.fn ?? 'inline' })),
    ...(options.routes ?? ROUTES).map((r) => compile(r)),
  ].sort((a, b) => b.specificity - a.specificity);
  const modules = new Map<string, Promise<LambdaHandler>>();
  let loadedOnce = false;

  function loadHandler(fn: string): Promise<LambdaHandler> {
    let loading = modules.get(fn);
    if (!loading) {
      const definition = functions[fn];
      if (!definition) return Promise.reject(new Error(`no function named ${fn}`));
      if (!loadedOnce) {
        loadedOnce = true;
        options.beforeFirstLoad?.();
      }
      loading = import(pathToFileURL(resolve(root, definition.entry)).href).then((mod: { handler?: unknown }) => {
        if (typeof mod.handler !== 'function') throw new Error(`${definition.entry} does not export a handler function`);
        return mod.handler as LambdaHandler;
      });
      // A failed import is retried on the next request (the file may not exist yet).
      loading.catch(() => modules.delete(fn));
      modules.set(fn, loading);
    }
    return loading;
  }

  async function localTokens(_req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    let input: unknown;
    try {
      input = JSON.parse(body.toString('utf8'));
    } catch {
      sendProblem(res, problem(400, 'The body is not valid JSON.', [{ path: '(body)', message: 'not valid JSON' }]));
      return;
    }
    const parsed = parseTokenRequest(input);
    if (!parsed.ok) {
      sendProblem(res, problem(400, 'The token request is not valid.', parsed.errors));
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
        sendProblem(res, problem(413, `The request body exceeds ${maxBodyBytes} bytes.`));
      } else {
        res.destroy();
      }
      return;
    }

    if (rawPath === '/local/tokens') {
      if (method !== 'POST') return sendProblem(res, problem(405, `${method} is not allowed on ${rawPath}.`), { allow: 'POST' });
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
      if (allowed.size > 0) {
        return sendProblem(res, problem(405, `${method} is not allowed on ${rawPath}.`), { allow: [...allowed].sort().join(', ') });
      }
      return sendProblem(res, problem(404, `No route for ${method} ${rawPath}.`));
    }

    let claims: Record<string, string> | undefined;
    if (route.auth) {
      const header = req.headers.authorization;
      if (!header) {
        return sendProblem(res, problem(401, 'An Authorization: Bearer token is required.'), { 'www-authenticate': 'Bearer' });
      }
      // Like the JWT authorizer, accept the token with or without the "Bearer " prefix.
      const token = header.replace(/^Bearer\s+/i, '').trim();
      try {
        claims = renderClaims(await options.issuer.verify(token));
      } catch (error) {
        const reason = (error as { code?: string }).code === 'ERR_JWT_EXPIRED' ? 'the token has expired' : 'the token is not valid';
        return sendProblem(res, problem(401, `The bearer token was refused: ${reason}.`), {
          'www-authenticate': `Bearer error="invalid_token", error_description="${reason}"`,
        });
      }
    }

    const functionName = route.fn;
    const deadline = Date.now() + timeoutMs;
    const event = buildEvent({
      req,
      route,
      rawPath,
      rawQueryString,
      pathParameters,
      body,
      requestId,
      ...(claims ? { claims } : {}),
      localPort: req.socket.localPort ?? 0,
    });
    const context = buildContext(`local-${functionName}`, randomUUID(), deadline);
    let timer: NodeJS.Timeout | undefined;
    let handler: LambdaHandler;
    try {
      handler = route.handler ?? (await loadHandler(route.fn));
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
      return sendProblem(res, problem(500, `The function ${functionName} could not be loaded; see the server log.`));
    }
    try {
      const timeout = new Promise<'timeout'>((done) => {
        timer = setTimeout(() => done('timeout'), Math.max(0, deadline - Date.now()));
      });
      const result = await Promise.race([handler(event, context), timeout]);
      if (result === 'timeout') {
        log({ message: 'handler timed out', routeKey: route.routeKey, requestId, awsRequestId: context.awsRequestId, timeoutMs });
        return sendProblem(res, problem(503, `The function did not answer within ${timeoutMs} ms.`));
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
      if (!res.headersSent) sendProblem(res, problem(500, 'The function failed; see the server log.'));
      else res.destroy();
    } finally {
      clearTimeout(timer);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      log({ message: 'adapter failed', error: { name: error.name, message: error.message, stack: error.stack } });
      if (!res.headersSent) sendProblem(res, problem(500, 'The local adapter failed.'));
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
