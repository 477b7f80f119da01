/**
 * Fuzzing the enrolment endpoints through the HTTP API (fast-check): mutated bodies (missing, extra and
 * wrongly typed fields, huge strings, impossible dates), invalid JSON, wrong content types, odd headers,
 * path segments and query strings. Never a 5xx; every 4xx is problem+json with a matching `status`; and no
 * state changes: every mutation below invalidates the request, so the registry, orders and ledger hold
 * exactly what was seeded (item counts, the platform's profile, its declaration, a worker's enrolment days).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import fc from 'fast-check';
import { badDate, huge, invalidBody, type Body, type Shape } from '../support/fuzz-arbitraries.ts';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { adminClaims, orderItem, platformBody, platformClaims, workerClaims, workerItem } from '../support/fixtures.ts';
import { reopenMonths } from '../support/months.ts';

let stack: TestStack;
let client: DynamoDBClient;
let P: string;
let W1: string;
let platform: Record<string, unknown>;
const failures: string[] = [];
let requests = 0;

/** Runs per endpoint: bounded so the file stays well under a minute. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 80);
const SEED = Number(process.env.FUZZ_SEED ?? 20250801);

type Snapshot = Record<string, unknown>;
const snapshot = async (): Promise<Snapshot> => {
  const counts: Record<string, number> = {};
  for (const [envVar, table] of Object.entries(stack.tables)) {
    if (envVar.startsWith('IDEMPOTENCY') || envVar.startsWith('CASES')) continue; // replays of 4xx are stored by design
    let n = 0;
    let ExclusiveStartKey: Record<string, never> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: table, Select: 'COUNT', ExclusiveStartKey }));
      n += page.Count ?? 0;
      ExclusiveStartKey = page.LastEvaluatedKey as typeof ExclusiveStartKey;
    } while (ExclusiveStartKey);
    counts[envVar] = n;
  }
  const get = async (path: string, token: Record<string, unknown>) => {
    const res = await stack.api('GET', path, { token });
    return { status: res.status, body: res.body };
  };
  return {
    counts,
    platform: await get(`/v1/platforms/${P}`, adminClaims),
    declaration: await get(`/v1/platforms/${P}/declarations/2025-08`, platform),
    // D19: the month the administrator routes are fuzzed on, and the credit records.
    closedMonth: await get(`/v1/platforms/${P}/declarations/2026-10`, adminClaims),
    credit: await get('/v1/credit-records', adminClaims),
    days: await get(`/v1/workers/${W1}/enrolment-days?from=2025-08-01&to=2025-08-31`, workerClaims(W1)),
    calendar2031: await get('/v1/calendars/2031', adminClaims),
    rate: await get('/v1/parameters/resolve?name=contributionRateFen&on=2032-01-01&province=110000&industry=INSTANT_DELIVERY', adminClaims),
  };
};
let before: Snapshot;

beforeAll(async () => {
  stack = await startTestStack();
  client = new DynamoDBClient({ endpoint: inject('ddbEndpoint'), region: 'cn-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  P = (await stack.api('POST', '/v1/platforms', { token: adminClaims, body: platformBody() })).body.platformId;
  platform = platformClaims(P);
  W1 = (await stack.api('PUT', `/v1/platforms/${P}/workers`, { token: platform, body: { workers: [workerItem(1), workerItem(2)] } })).body.results[0].workerId;
  // D19: orderItem's August 2025 has closed; an administrator reopens it (补报) for the seeded orders.
  await reopenMonths(stack.api, adminClaims, P, ['2025-08']);
  const seeded = await stack.api('POST', `/v1/platforms/${P}/orders`, {
    token: platform,
    body: { orders: [orderItem(1), orderItem(2, { platformWorkerId: 'rider-2' })] },
  });
  expect(seeded.body.accepted).toBe(2);
  before = await snapshot();
  expect(before.declaration).toMatchObject({ status: 200 });
  expect((before.days as { body: { days: unknown[] } }).body.days).toHaveLength(1);
});

afterAll(async () => {
  client?.destroy();
  await stack?.stop();
});

// ----------------------------------------------------------------------------------------- mutations

/** Raw request bodies: not JSON, JSON of the wrong shape, a valid body under another content type. */
const rawRequest = (valid: () => Body) =>
  fc.oneof(
    fc
      .string({ maxLength: 200 })
      .filter((s) => {
        try {
          JSON.parse(s);
          return false;
        } catch {
          return true;
        }
      })
      .map((text) => ({ how: `not JSON ${JSON.stringify(text).slice(0, 40)}`, body: text, contentType: 'application/json' })),
    fc
      .jsonValue({ maxDepth: 3 })
      .map((v) => ({ how: `JSON ${JSON.stringify(v).slice(0, 40)}`, body: JSON.stringify(v), contentType: 'application/json; charset=utf-8' })),
    fc
      .constantFrom(
        'text/plain',
        'application/xml',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/json-patch+json',
        'application/jsonx',
      )
      .map((contentType) => ({
        how: `valid body as ${contentType}`,
        body: JSON.stringify(valid()),
        contentType,
      })),
    fc.constant({ how: 'body over 1 MiB', body: JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }), contentType: 'application/json' }),
  );

/** Headers a client might send: any Idempotency-Key, a garbage or missing token sometimes, odd extras. */
const headersArb = fc.record({
  idempotencyKey: fc.option(fc.stringMatching(/^[\x20-\x7e]{0,80}$/), { nil: undefined }),
  // Rarely: most requests carry a valid token so that they reach validation.
  badAuth: fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 9 },
    {
      arbitrary: fc.constantFrom(
        'Bearer',
        'Bearer x.y.z',
        'Basic YWRtaW46YWRtaW4=',
        'bearer    ',
        'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIn0.',
      ),
      weight: 1,
    },
  ),
  extra: fc.option(fc.stringMatching(/^[\x21-\x7e]{0,40}$/), { nil: undefined }),
});

/** How often each status was seen: the run must have reached every guard, not only one. */
const statuses = new Map<number, number>();

const check = async (
  label: string,
  method: string,
  path: string,
  init: { token?: Record<string, unknown>; body?: string; contentType?: string; headers?: { idempotencyKey?: string; badAuth?: string; extra?: string } },
) => {
  const headers: Record<string, string> = {};
  if (init.contentType) headers['content-type'] = init.contentType;
  if (init.headers?.idempotencyKey !== undefined) headers['idempotency-key'] = init.headers.idempotencyKey;
  if (init.headers?.extra !== undefined) headers['x-fuzz'] = init.headers.extra;
  let token: string | Record<string, unknown> | undefined = init.token;
  if (init.headers?.badAuth !== undefined) {
    headers.authorization = init.headers.badAuth;
    token = undefined;
  }
  requests++;
  const res = await stack.api(method, path, { ...(token ? { token } : {}), ...(init.body !== undefined ? { body: init.body } : {}), headers });
  statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  const type = res.headers.get('content-type') ?? '';
  const problem = res.status >= 400;
  const ok =
    res.status < 500 &&
    (!problem ||
      (type.startsWith('application/problem+json') && typeof res.body === 'object' && res.body?.status === res.status && typeof res.body?.title === 'string'));
  if (!ok) failures.push(`${label.slice(0, 160)}: ${method} ${path.slice(0, 120)} → ${res.status} ${type} ${res.text.slice(0, 200)}`);
  return ok;
};

// ----------------------------------------------------------------------------------------- endpoints

let fresh = 10_000;
const WRITES: { name: string; method: string; path: () => string; token: () => Record<string, unknown>; valid: () => Body; shape: Shape }[] = [
  {
    name: 'PUT /v1/parameters',
    method: 'PUT',
    path: () => '/v1/parameters',
    token: () => adminClaims,
    valid: () => ({ name: 'contributionRateFen', scope: { province: '110000', industry: 'INSTANT_DELIVERY' }, effectiveFrom: '2032-01-01', value: 11 }),
    shape: {
      required: ['name', 'scope', 'effectiveFrom', 'value'],
      strings: ['name', 'effectiveFrom', 'scope.province', 'scope.industry'],
      dates: ['effectiveFrom'],
      objects: ['', 'scope'],
    },
  },
  {
    name: 'PUT /v1/calendars/{year}',
    method: 'PUT',
    path: () => '/v1/calendars/2031',
    token: () => adminClaims,
    valid: () => ({ holidays: ['2031-01-01'], workdays: [] }),
    shape: { required: ['holidays', 'workdays'], strings: ['holidays.0'], dates: ['holidays.0'], objects: [''] },
  },
  {
    name: 'POST /v1/platforms',
    method: 'POST',
    path: () => '/v1/platforms',
    token: () => adminClaims,
    valid: () => platformBody({ name: 'Fuzz platform' }),
    shape: {
      required: ['name', 'creditCode', 'industries', 'provinces', 'provinces.0.code', 'provinces.0.joinedOn'],
      strings: ['name', 'creditCode', 'industries.0', 'provinces.0.code', 'provinces.0.joinedOn'],
      dates: ['provinces.0.joinedOn'],
      objects: ['', 'provinces.0'],
    },
  },
  {
    name: 'POST /v1/platforms/{platformId}/provinces',
    method: 'POST',
    path: () => `/v1/platforms/${P}/provinces`,
    token: () => adminClaims,
    valid: () => ({ code: '320000', joinedOn: '2025-09-01' }),
    shape: { required: ['code', 'joinedOn'], strings: ['code', 'joinedOn'], dates: ['joinedOn'], objects: [''] },
  },
  {
    name: 'PUT /v1/platforms/{platformId}/workers',
    method: 'PUT',
    path: () => `/v1/platforms/${P}/workers`,
    token: () => platform,
    valid: () => ({ workers: [workerItem(fresh)] }),
    shape: {
      required: ['workers', 'workers.0.platformWorkerId', 'workers.0.name', 'workers.0.idNumber'],
      strings: ['workers.0.platformWorkerId', 'workers.0.name', 'workers.0.idNumber', 'workers.0.phone'],
      dates: [],
      objects: ['', 'workers.0'],
    },
  },
  {
    name: 'POST /v1/platforms/{platformId}/orders',
    method: 'POST',
    path: () => `/v1/platforms/${P}/orders`,
    token: () => platform,
    valid: () => ({ orders: [orderItem(fresh, { acceptedAt: '2025-08-03T10:00:00+08:00', finishedAt: '2025-08-03T10:30:00+08:00' })] }),
    shape: {
      required: ['orders', 'orders.0.orderId', 'orders.0.platformWorkerId', 'orders.0.industry', 'orders.0.province', 'orders.0.acceptedAt'],
      strings: ['orders.0.orderId', 'orders.0.platformWorkerId', 'orders.0.industry', 'orders.0.province', 'orders.0.acceptedAt', 'orders.0.finishedAt'],
      dates: ['orders.0.acceptedAt', 'orders.0.finishedAt'],
      objects: ['', 'orders.0'],
    },
  },
  // D19: an administrator's month changes. Every mutation is invalid (400/413/415), so no month changes.
  {
    name: 'POST /v1/platforms/{platformId}/declarations/{month}/reopening',
    method: 'POST',
    path: () => `/v1/platforms/${P}/declarations/2026-10/reopening`,
    token: () => adminClaims,
    valid: () => ({ reason: '故障补报' }),
    shape: { required: ['reason'], strings: ['reason'], dates: [], objects: [''] },
  },
  {
    name: 'POST /v1/platforms/{platformId}/declarations/{month}/closing',
    method: 'POST',
    path: () => `/v1/platforms/${P}/declarations/2026-10/closing`,
    token: () => adminClaims,
    valid: () => ({ reason: '补报完成' }),
    shape: { required: [], strings: ['reason'], dates: [], objects: [''] },
  },
  {
    name: 'POST /v1/platforms/{platformId}/declarations/{month}/settlements',
    method: 'POST',
    path: () => `/v1/platforms/${P}/declarations/2026-10/settlements`,
    token: () => adminClaims,
    valid: () => ({ amountFen: 100, paidOn: '2026-11-20' }),
    shape: { required: ['amountFen', 'paidOn'], strings: ['paidOn'], dates: ['paidOn'], objects: [''] },
  },
];

const segment = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('..', '.', '%', '%00', '%2F', `plt_${'x'.repeat(300)}`, '2025-13', '99999', '-1', ' ', '\u202e', '<script>'),
);
const enc = (s: string) => encodeURIComponent(s);
// Long values, but under Node's 16 KiB header limit (a longer URL is refused before any handler: 431/414).
const queryArb = fc.dictionary(
  fc.constantFrom('from', 'to', 'at', 'platformId', 'province', 'name', 'on', 'industry', 'format', 'x', ''),
  fc.oneof(
    fc.string({ maxLength: 30 }),
    badDate,
    huge.map((s) => s.slice(0, 1200)),
  ),
  { maxKeys: 3 },
);
const qs = (q: Record<string, string>) => new URLSearchParams(q).toString();

const READS: { name: string; token: () => Record<string, unknown>; path: fc.Arbitrary<string> }[] = [
  { name: 'GET /v1/parameters/resolve', token: () => adminClaims, path: queryArb.map((q) => `/v1/parameters/resolve?${qs(q)}`) },
  { name: 'GET /v1/calendars/{year}', token: () => platform, path: segment.map((s) => `/v1/calendars/${enc(s)}`) },
  { name: 'GET /v1/platforms/{platformId}', token: () => adminClaims, path: segment.map((s) => `/v1/platforms/${enc(s)}`) },
  {
    name: 'GET /v1/platforms/{platformId}/declarations/{month}',
    token: () => platform,
    path: fc.tuple(fc.oneof(fc.constant('P'), segment), segment).map(([p, m]) => `/v1/platforms/${p === 'P' ? P : enc(p)}/declarations/${enc(m)}`),
  },
  {
    name: 'GET /v1/platforms/{platformId}/employment-reports/{month}',
    token: () => platform,
    path: fc
      .tuple(fc.oneof(fc.constant('P'), segment), segment, queryArb)
      .map(([p, m, q]) => `/v1/platforms/${p === 'P' ? P : enc(p)}/employment-reports/${enc(m)}?${qs(q)}`),
  },
  // D20: odd months, ranges, filters and formats, as staff and as the platform (its own figures, or 403).
  { name: 'GET /v1/statistics', token: () => adminClaims, path: queryArb.map((q) => `/v1/statistics?${qs(q)}`) },
  {
    name: 'GET /v1/statistics (platform)',
    token: () => platform,
    path: fc.tuple(fc.constantFrom('2025-08', '2025-13', '', '2025-8'), queryArb).map(([from, q]) => `/v1/statistics?${qs({ from, to: '2025-09', ...q })}`),
  },
  { name: 'GET /v1/credit-records', token: () => adminClaims, path: queryArb.map((q) => `/v1/credit-records?${qs(q)}`) },
  {
    name: 'GET /v1/credit-records (paging)',
    token: () => adminClaims,
    path: fc
      .dictionary(
        fc.constantFrom('platformId', 'status', 'nextToken', 'limit'),
        fc.oneof(
          fc.string({ maxLength: 30 }),
          fc.constantFrom('open', 'resolved', '0', '1', '500', '501', '-1', '1e2', '{P}'),
          // Forged tokens: well-formed base64url JSON whose start key is not one this list issued.
          fc
            .record({
              p: fc.oneof(fc.nat(3), fc.string({ maxLength: 3 })),
              k: fc.option(
                fc.dictionary(
                  fc.constantFrom('pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'),
                  fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('CREDITS', 'CREDIT', 'CREDITS#{P}', 'CREDIT#x')),
                ),
              ),
            })
            .map((t) => Buffer.from(JSON.stringify(t).replaceAll('{P}', P)).toString('base64url')),
        ),
        { maxKeys: 4 },
      )
      // `{P}`: the seeded platform, known only once the stack runs.
      .map((q) => `/v1/credit-records?${qs(Object.fromEntries(Object.entries(q).map(([k, v]) => [k, v === '{P}' ? P : v])))}`),
  },
  {
    name: 'GET /v1/workers/{workerId}/enrolment-days',
    token: () => workerClaims(W1),
    path: fc.tuple(fc.oneof(fc.constant('W1'), segment), queryArb).map(([w, q]) => `/v1/workers/${w === 'W1' ? W1 : enc(w)}/enrolment-days?${qs(q)}`),
  },
  {
    name: 'GET /v1/workers/{workerId}/coverage',
    token: () => platform,
    path: fc.tuple(fc.oneof(fc.constant('W1'), segment), queryArb).map(([w, q]) => `/v1/workers/${w === 'W1' ? W1 : enc(w)}/coverage?${qs(q)}`),
  },
];

describe('fuzzing the enrolment endpoints', () => {
  for (const target of WRITES) {
    it(`${target.name}: invalid bodies, raw bodies and headers never give a 5xx; 4xx are problem+json`, async () => {
      const before = failures.length;
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            invalidBody(target.valid, target.shape).map((m) => ({ ...m, raw: false as const })),
            rawRequest(target.valid).map((r) => ({ ...r, raw: true as const })),
          ),
          headersArb,
          async (req, headers) => {
            fresh++;
            const body = req.raw ? req.body : JSON.stringify(req.body);
            await check(`${target.name} [${req.how}]`, target.method, target.path(), {
              token: target.token(),
              body,
              contentType: req.raw ? req.contentType : 'application/json',
              headers,
            });
          },
        ),
        { numRuns: RUNS, seed: SEED },
      );
      const mine = failures.slice(before);
      expect(mine, mine.join('\n')).toEqual([]);
    });
  }

  for (const target of READS) {
    it(`${target.name}: odd paths and query strings never give a 5xx; 4xx are problem+json`, async () => {
      const before = failures.length;
      await fc.assert(
        fc.asyncProperty(target.path, fc.option(headersArb, { nil: undefined }), async (path, headers) => {
          await check(target.name, 'GET', path, { token: target.token(), ...(headers ? { headers } : {}) });
        }),
        { numRuns: RUNS, seed: SEED },
      );
      const mine = failures.slice(before);
      expect(mine, mine.join('\n')).toEqual([]);
    });
  }

  it('left the seeded state exactly as it was, and saw no failure', async () => {
    expect(failures, failures.join('\n')).toEqual([]);
    expect(requests).toBeGreaterThanOrEqual(RUNS * (WRITES.length + READS.length));
    const seen = [...statuses.keys()].sort();
    expect(seen, JSON.stringify([...statuses].sort())).toEqual(expect.arrayContaining([200, 400, 401, 404, 413, 415]));
    expect(await snapshot()).toEqual(before);
  });
});
