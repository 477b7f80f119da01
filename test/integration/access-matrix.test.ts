/**
 * Access matrix of the enrolment slice (contract: Conventions, Visibility): every route of
 * manifest/routes.ts served by public/admin/platforms/workers/orders/declarations/enrolment × every kind
 * of caller → the exact status. 401 without a token; 403 for a role the route does not allow; 404 for a
 * resource the caller may not see (never revealing it exists); 2xx otherwise. Each route is one `it` that
 * lists every mismatch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, routeKey } from '../../manifest/index.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { adminClaims, orderItem, platformBody, platformClaims, workerClaims, workerItem } from '../support/fixtures.ts';
import { reopenMonths } from '../support/months.ts';

const ENROLMENT_FUNCTIONS = new Set(['public', 'admin', 'platforms', 'workers', 'orders', 'declarations', 'enrolment', 'statistics']);
const CALLERS = ['none', 'platformOwn', 'platformOther', 'workerOwn', 'workerOther', 'handler', 'reviewer', 'assessor', 'admin'] as const;
type Caller = (typeof CALLERS)[number];
/** An exact status, or '2xx'. */
type Expected = number | '2xx';

let stack: TestStack;
let P: string; // the platform the requests are about
let Q: string; // another platform
let W1: string; // a worker of P
let W2: string; // a worker of Q only
const tokens = {} as Record<Caller, Record<string, unknown> | undefined>;

beforeAll(async () => {
  stack = await startTestStack();
  P = (await stack.api('POST', '/v1/platforms', { token: adminClaims, body: platformBody() })).body.platformId;
  Q = (await stack.api('POST', '/v1/platforms', { token: adminClaims, body: platformBody() })).body.platformId;
  W1 = (await stack.api('PUT', `/v1/platforms/${P}/workers`, { token: platformClaims(P), body: { workers: [workerItem(1)] } })).body.results[0].workerId;
  W2 = (await stack.api('PUT', `/v1/platforms/${Q}/workers`, { token: platformClaims(Q), body: { workers: [workerItem(2)] } })).body.results[0].workerId;
  expect(W1).toMatch(/^wkr_/);
  expect(W2).toMatch(/^wkr_/);
  // D19: orderItem's August 2025 has closed; an administrator reopens it (补报) for P's orders.
  await reopenMonths(stack.api, adminClaims, P, ['2025-08']);
  expect((await stack.api('POST', `/v1/platforms/${P}/orders`, { token: platformClaims(P), body: { orders: [orderItem(1)] } })).body.accepted).toBe(1);
  Object.assign(tokens, {
    none: undefined,
    platformOwn: platformClaims(P),
    platformOther: platformClaims(Q),
    workerOwn: workerClaims(W1),
    workerOther: workerClaims(W2),
    handler: { role: 'handler', sub: 'handler-1', provinces: ['110000'] },
    reviewer: { role: 'reviewer', sub: 'reviewer-1', provinces: ['110000'] },
    assessor: { role: 'assessor', sub: 'assessor-1', provinces: ['110000'] },
    admin: adminClaims,
  });
});

afterAll(async () => {
  await stack?.stop();
});

/** Shorthand: every caller gets `rest` unless listed. 'none' is always 401 for authenticated routes. */
const matrix = (rest: Expected, overrides: Partial<Record<Caller, Expected>>, auth = true): Record<Caller, Expected> =>
  Object.fromEntries(CALLERS.map((c) => [c, overrides[c] ?? (c === 'none' && auth ? 401 : rest)])) as Record<Caller, Expected>;

const STAFF = { handler: '2xx', reviewer: '2xx', assessor: '2xx', admin: '2xx' } as const;

interface Case {
  /** The concrete request; `body` may be a function for routes that create something per call. */
  readonly path: () => string;
  readonly body?: () => unknown;
  readonly expected: Record<Caller, Expected>;
}

const at = encodeURIComponent('2025-08-01T10:20:00+08:00');
/** A month the D19 close has closed by its date (October 2026, due 2026-11-15) and nothing here reopens beforehand. */
const CLOSED_MONTH = '2026-10';

/** The contract's answer for each enrolment route (keyed by routeKey, as in manifest/routes.ts). */
const CASES: Record<string, Case> = {
  'GET /health': { path: () => '/health', expected: matrix('2xx', {}, false) },
  'GET /openapi.json': { path: () => '/openapi.json', expected: matrix('2xx', {}, false) },
  'GET /errors': { path: () => '/errors', expected: matrix('2xx', {}, false) },
  'GET /errors/{code}': { path: () => '/errors/MAKER_CHECKER', expected: matrix('2xx', {}, false) },
  'PUT /v1/parameters': {
    path: () => '/v1/parameters',
    body: () => ({
      name: 'contributionRateFen',
      scope: { platformId: P, province: '110000', industry: 'INSTANT_DELIVERY' },
      effectiveFrom: '2027-01-01',
      value: 9,
    }),
    expected: matrix(403, { admin: '2xx' }),
  },
  'GET /v1/parameters/resolve': {
    path: () => '/v1/parameters/resolve?name=contributionRateFen&on=2025-08-01&industry=FREIGHT',
    expected: matrix(403, STAFF),
  },
  'PUT /v1/calendars/{year}': {
    path: () => '/v1/calendars/2029',
    body: () => ({ holidays: ['2029-01-01'], workdays: [] }),
    expected: matrix(403, { admin: '2xx' }),
  },
  'GET /v1/calendars/{year}': { path: () => '/v1/calendars/2026', expected: matrix('2xx', {}) },
  'POST /v1/platforms': { path: () => '/v1/platforms', body: () => platformBody(), expected: matrix(403, { admin: '2xx' }) },
  'GET /v1/platforms/{platformId}': {
    path: () => `/v1/platforms/${P}`,
    expected: matrix(403, { platformOwn: '2xx', platformOther: 404, admin: '2xx' }),
  },
  'POST /v1/platforms/{platformId}/provinces': {
    path: () => `/v1/platforms/${P}/provinces`,
    body: () => ({ code: '310000', joinedOn: '2025-09-01' }),
    expected: matrix(403, { admin: '2xx' }),
  },
  'POST /v1/platforms/{platformId}/client': {
    path: () => `/v1/platforms/${P}/client`,
    expected: matrix(403, { admin: '2xx' }),
  },
  'PUT /v1/platforms/{platformId}/workers': {
    path: () => `/v1/platforms/${P}/workers`,
    body: () => ({ workers: [workerItem(1)] }),
    expected: matrix(403, { platformOwn: '2xx', platformOther: 404 }),
  },
  'POST /v1/platforms/{platformId}/orders': {
    path: () => `/v1/platforms/${P}/orders`,
    body: () => ({ orders: [orderItem(1)] }),
    expected: matrix(403, { platformOwn: '2xx', platformOther: 404 }),
  },
  'GET /v1/platforms/{platformId}/declarations/{month}': {
    path: () => `/v1/platforms/${P}/declarations/2025-08`,
    expected: matrix(403, { platformOwn: '2xx', platformOther: 404, admin: '2xx' }),
  },
  // D19: CLOSED_MONTH is closed by its date (as every month is); the rows run in route
  // order, so the administrator's reopening comes before the closing of the same month.
  'POST /v1/platforms/{platformId}/declarations/{month}/reopening': {
    path: () => `/v1/platforms/${P}/declarations/${CLOSED_MONTH}/reopening`,
    body: () => ({ reason: '故障补报' }),
    expected: matrix(403, { admin: '2xx' }),
  },
  'POST /v1/platforms/{platformId}/declarations/{month}/closing': {
    path: () => `/v1/platforms/${P}/declarations/${CLOSED_MONTH}/closing`,
    expected: matrix(403, { admin: '2xx' }),
  },
  'POST /v1/platforms/{platformId}/declarations/{month}/settlements': {
    path: () => `/v1/platforms/${P}/declarations/${CLOSED_MONTH}/settlements`,
    body: () => ({ amountFen: 100, paidOn: '2026-11-20' }),
    expected: matrix(403, { admin: '2xx' }),
  },
  'GET /v1/platforms/{platformId}/employment-reports/{month}': {
    path: () => `/v1/platforms/${P}/employment-reports/2025-08`,
    expected: matrix('2xx', { platformOther: 404, workerOwn: 403, workerOther: 403 }),
  },
  'GET /v1/credit-records': {
    path: () => '/v1/credit-records',
    expected: matrix('2xx', { workerOwn: 403, workerOther: 403 }),
  },
  // D20: staff and admin; a platform for itself only (another platform's figures → 403); workers never.
  'GET /v1/statistics': {
    path: () => `/v1/statistics?from=2025-08&to=2025-09&platformId=${P}`,
    expected: matrix('2xx', { platformOther: 403, workerOwn: 403, workerOther: 403 }),
  },
  'GET /v1/workers/{workerId}/enrolment-days': {
    path: () => `/v1/workers/${W1}/enrolment-days?from=2025-08-01&to=2025-08-31`,
    expected: matrix('2xx', { platformOther: 404, workerOther: 404 }),
  },
  'GET /v1/workers/{workerId}/coverage': {
    path: () => `/v1/workers/${W1}/coverage?at=${at}&platformId=${P}`,
    expected: matrix('2xx', { platformOther: 404, workerOther: 404 }),
  },
};

/** Unknown or not-visible resources answer 404 to callers the route allows (never revealing existence). */
const UNKNOWN: Record<string, { path: () => string; body?: () => unknown; callers: readonly Caller[] }> = {
  'GET /v1/platforms/{platformId}': { path: () => '/v1/platforms/plt_does_not_exist', callers: ['admin', 'platformOwn'] },
  'POST /v1/platforms/{platformId}/provinces': {
    path: () => '/v1/platforms/plt_does_not_exist/provinces',
    body: () => ({ code: '320000', joinedOn: '2025-09-01' }),
    callers: ['admin'],
  },
  'GET /v1/platforms/{platformId}/declarations/{month}': { path: () => '/v1/platforms/plt_does_not_exist/declarations/2025-08', callers: ['admin'] },
  'POST /v1/platforms/{platformId}/client': { path: () => '/v1/platforms/plt_does_not_exist/client', callers: ['admin'] },
  'POST /v1/platforms/{platformId}/declarations/{month}/reopening': {
    path: () => `/v1/platforms/plt_does_not_exist/declarations/${CLOSED_MONTH}/reopening`,
    body: () => ({ reason: '补报' }),
    callers: ['admin'],
  },
  'POST /v1/platforms/{platformId}/declarations/{month}/settlements': {
    path: () => `/v1/platforms/plt_does_not_exist/declarations/${CLOSED_MONTH}/settlements`,
    body: () => ({ amountFen: 1, paidOn: '2026-11-20' }),
    callers: ['admin'],
  },
  'GET /v1/platforms/{platformId}/employment-reports/{month}': {
    path: () => '/v1/platforms/plt_does_not_exist/employment-reports/2025-08',
    callers: ['admin', 'handler'],
  },
  'GET /v1/credit-records#other-platform': { path: () => `/v1/credit-records?platformId=${P}`, callers: ['platformOther'] },
  'GET /v1/workers/{workerId}/enrolment-days': {
    path: () => '/v1/workers/wkr_does_not_exist/enrolment-days?from=2025-08-01&to=2025-08-31',
    callers: ['admin', 'handler', 'platformOwn'],
  },
  'GET /v1/workers/{workerId}/coverage': {
    path: () => `/v1/workers/wkr_does_not_exist/coverage?at=${at}&platformId=${P}`,
    callers: ['admin', 'assessor', 'platformOwn'],
  },
  // Visibility: a platform asking about a worker it never registered (W2 works for Q only).
  'GET /v1/workers/{workerId}/enrolment-days#W2': { path: () => `/v1/workers/${W2}/enrolment-days?from=2025-08-01&to=2025-08-31`, callers: ['platformOwn'] },
  'GET /v1/workers/{workerId}/coverage#W2': { path: () => `/v1/workers/${W2}/coverage?at=${at}&platformId=${P}`, callers: ['platformOwn'] },
  // 404 (visibility) wins over 400 (validation): another platform's resource with a broken body or query.
  'PUT /v1/platforms/{platformId}/workers#bad-body': { path: () => `/v1/platforms/${P}/workers`, body: () => '{not json', callers: ['platformOther'] },
  'GET /v1/workers/{workerId}/coverage#bad-query': { path: () => `/v1/workers/${W1}/coverage?at=yesterday&platformId=${P}`, callers: ['workerOther'] },
};

const enrolmentRoutes = ROUTES.filter((r) => ENROLMENT_FUNCTIONS.has(r.fn));

const matches = (status: number, expected: Expected) => (expected === '2xx' ? status >= 200 && status < 300 : status === expected);

describe('access matrix of the enrolment routes', () => {
  it('covers every enrolment route of manifest/routes.ts, and nothing else', () => {
    expect(Object.keys(CASES).sort()).toEqual(enrolmentRoutes.map(routeKey).sort());
  });

  for (const route of enrolmentRoutes) {
    const key = routeKey(route);
    it(`${key}: ${CALLERS.length} callers get the contract's status`, async () => {
      const c = CASES[key];
      expect(c, `no matrix row for ${key}`).toBeDefined();
      const mismatches: string[] = [];
      for (const caller of CALLERS) {
        const res = await stack.api(route.method, c!.path(), { ...(tokens[caller] ? { token: tokens[caller] } : {}), ...(c!.body ? { body: c!.body() } : {}) });
        const expected = c!.expected[caller];
        if (!matches(res.status, expected)) mismatches.push(`${caller}: expected ${expected}, got ${res.status} ${res.text.slice(0, 160)}`);
        if (res.status >= 400 && !String(res.headers.get('content-type')).startsWith('application/problem+json'))
          mismatches.push(`${caller}: ${res.status} is not problem+json`);
      }
      expect(mismatches, `${key}\n  ${mismatches.join('\n  ')}`).toEqual([]);
    });
  }

  it('answers 404 for unknown or not-visible platforms and workers, before validating the request', async () => {
    const mismatches: string[] = [];
    for (const [key, u] of Object.entries(UNKNOWN)) {
      const [method] = key.split(/[ #]/) as [string];
      for (const caller of u.callers) {
        const res = await stack.api(method, u.path(), { token: tokens[caller]!, ...(u.body ? { body: u.body() } : {}) });
        if (res.status !== 404) mismatches.push(`${key} as ${caller}: expected 404, got ${res.status} ${res.text.slice(0, 160)}`);
      }
    }
    expect(mismatches, mismatches.join('\n')).toEqual([]);
  });
});
