/**
 * The local app started in-process for an integration test file, against the run's shared DynamoDB Local,
 * with a table prefix unique to the file (isolation without another java).
 *
 * One stack per test file: the handler modules read their table names once, at import, and a test file
 * runs in its own worker process.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { startLocalApp, type LocalApp, type LocalAppOptions } from '../../local/app.ts';
import { type LocalEvents, type LocalProjection, localProjection } from '../../local/events/index.ts';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { ERROR_CODES } from '../../core/error-codes.ts';
import { NATIONAL_DEFAULT_PARAMETERS } from '../../core/parameters.ts';
import { localDynamoDbClient } from '../../local/dynamodb.ts';

interface ApiResponse<T = any> {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON, or the text when the body is not JSON, or undefined when empty. */
  readonly body: T;
  readonly text: string;
}

interface ApiOptions {
  /** An object is sent as JSON; a string or Buffer as it is. */
  readonly body?: unknown;
  /** A token, or claims to mint one for. */
  readonly token?: string | Record<string, unknown>;
  /**
   * After a POST of orders, wait for the projection (issue 18: counters and rider-days follow the orders
   * by seconds) before answering, so that reads right after see the orders. Default true; false for
   * tests of the projection itself.
   */
  readonly waitForProjection?: boolean;
  readonly headers?: Record<string, string>;
}

export interface TestStack {
  readonly url: string;
  readonly app: LocalApp;
  readonly tables: LocalApp['tables'];
  token(claims: Record<string, unknown>): Promise<string>;
  api<T = any>(method: string, path: string, options?: ApiOptions): Promise<ApiResponse<T>>;
  /** Waits until every order written so far is projected (enrolment days, fees, rider-days): issue 18. */
  projected(): Promise<void>;
  stop(): Promise<void>;
}

export type TestStackOptions = Omit<LocalAppOptions, 'ddbEndpoint' | 'port' | 'persistDir'> & {
  /**
   * Issue 18: orders expire to the archive `orderHotDaysAfterClose` days after their month's close, and a
   * month past that cannot be reopened (MONTH_ARCHIVED). The tests send orders of fixed past months (e.g.
   * August 2025, reopened as for 补报), so every test stack stores a national version of
   * HISTORICAL_HOT_DAYS at the seeded default's key, as a stage loading historical orders would. `false`
   * keeps the seeded default (the archive's own tests).
   */
  readonly keepHistoricalOrdersHot?: boolean;
};

/** Ten years: August 2025's orders stay hot until 2035. */
const HISTORICAL_HOT_DAYS = 3650;

const CJK = /[\u4e00-\u9fff]/;

/**
 * Every 4xx of the API carries a code of the error catalogue (core/error-codes.ts) and a Chinese `detail`
 * (issue 19): checked here, once, for every answer an integration test receives, whatever it asserts.
 */
function checkProblem(method: string, path: string, status: number, body: unknown): void {
  const problem = body as { code?: unknown; detail?: unknown; status?: unknown } | undefined;
  const code = typeof problem?.code === 'string' ? problem.code : undefined;
  const entry = code !== undefined && Object.hasOwn(ERROR_CODES, code) ? ERROR_CODES[code as keyof typeof ERROR_CODES] : undefined;
  const where = `${method} ${path} → ${status}`;
  if (!entry) throw new Error(`${where}: the problem's code ${JSON.stringify(problem?.code)} is not in the error catalogue: ${JSON.stringify(body)}`);
  if (entry.status !== status || problem?.status !== status)
    throw new Error(`${where}: ${code} is a ${entry.status} in the catalogue: ${JSON.stringify(body)}`);
  if (typeof problem?.detail !== 'string' || !CJK.test(problem.detail)) {
    throw new Error(`${where}: the problem's detail is not in Chinese: ${JSON.stringify(problem?.detail)}`);
  }
}

/**
 * Stores a national `orderHotDaysAfterClose` of HISTORICAL_HOT_DAYS at the seeded default's key (stored
 * versions win over seeded ones), so months of the tests' fixed past dates can still be reopened (补报).
 */
export async function keepOrdersHot(ddbEndpoint: string, tables: LocalApp['tables']): Promise<void> {
  const client = localDynamoDbClient(ddbEndpoint);
  try {
    const version = NATIONAL_DEFAULT_PARAMETERS.find((v) => v.name === 'orderHotDaysAfterClose')!;
    await client.send(
      new PutItemCommand({
        TableName: tables.REGISTRY_TABLE,
        Item: marshall({ pk: `PARAM#${version.name}`, sk: `national#${version.effectiveFrom}`, type: 'Parameter', ...version, value: HISTORICAL_HOT_DAYS }),
      }),
    );
  } finally {
    client.destroy();
  }
}

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const ddbEndpoint = inject('ddbEndpoint');
  if (!ddbEndpoint) throw new Error('no ddbEndpoint provided: run this in the vitest integration project');
  // The orders projection runs in every test stack: the domain events' service polls the orders stream
  // too; a stack without either (or a projection the test controls) gets the projection alone.
  const given = options.services ?? [];
  const events = given.find((s) => s.name === 'events' || s.name === 'projection') as LocalEvents | LocalProjection | undefined;
  const projection: LocalEvents | LocalProjection = events ?? localProjection();
  const { keepHistoricalOrdersHot = true, ...appOptions } = options;
  const app = await startLocalApp({
    tablePrefix: `t${randomBytes(4).toString('hex')}_`,
    ...(process.env.PII_LOCAL_KEY ? { piiKey: process.env.PII_LOCAL_KEY } : {}),
    stage: process.env.STAGE ?? 'test',
    ...appOptions,
    services: events ? given : [...given, projection],
    ddbEndpoint,
    port: 0,
  });
  if (keepHistoricalOrdersHot) await keepOrdersHot(ddbEndpoint, app.tables);

  async function api<T = any>(method: string, path: string, opts: ApiOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    let body: string | Buffer | undefined;
    if (opts.body !== undefined) {
      if (typeof opts.body === 'string' || Buffer.isBuffer(opts.body)) body = opts.body;
      else body = JSON.stringify(opts.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    }
    if (opts.token !== undefined) {
      const token = typeof opts.token === 'string' ? opts.token : await app.token(opts.token);
      headers.authorization = `Bearer ${token}`;
    }
    // Redirects are answers to test (a document's content is a 302), not to follow.
    const res = await fetch(`${app.url}${path}`, { method, headers, redirect: 'manual', ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (res.status >= 400 && res.status < 500) checkProblem(method, path, res.status, parsed);
    if (method === 'POST' && /^\/v1\/platforms\/[^/]+\/orders$/.test(path) && opts.waitForProjection !== false) await projection.projected();
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  return { url: app.url, app, tables: app.tables, token: (claims) => app.token(claims), api, projected: () => projection.projected(), stop: () => app.stop() };
}
