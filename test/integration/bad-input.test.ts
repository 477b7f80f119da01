/**
 * Issue 17 (trust, round two): bad input that answered 500. Each answer here is a 4xx problem+json naming
 * the field, and nothing is written:
 * - a path value over DynamoDB's key sizes (2,048 bytes for a partition key, 1,024 for a sort key), on
 *   every route that takes one, for every kind of caller;
 * - a forged or garbled `nextToken` on the paged route (`GET /v1/cases`, the only one);
 * - expense batches that would grow a case past DynamoDB's 400 KB item: 422 CASE_TOO_LARGE, the case
 *   still writable afterwards.
 */
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../manifest/routes.ts';
import { openedCase } from './cases-fixtures.ts';
import { useCaseStack } from './cases-stack.ts';

const env = useCaseStack();

const isProblem = (res: { status: number; headers: Headers; body: any }, status?: number) => {
  if (status !== undefined) expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body.status).toBe(res.status);
};

describe('path values over DynamoDB key sizes', () => {
  // Just over a sort key (1,024), just under and over a partition key (2,048) with a key prefix, far over,
  // and multi-byte characters (3 bytes each in UTF-8: 2,100 bytes).
  const OVERSIZED = ['x'.repeat(1_030), 'x'.repeat(2_040), 'x'.repeat(3_000), '中'.repeat(700)];

  it('never answer 5xx on any route with a path parameter, for any caller (each parameter in turn, the others valid)', async () => {
    const valid: Record<string, string> = {
      platformId: env.world.platformId,
      year: '2026',
      month: '2026-01',
      workerId: 'W0000000000000001',
      caseId: 'C0000000000000001',
      documentId: 'D0000000000000001',
      runId: 'run-2026-01-x',
      batchId: 'B0000000000000001',
      deliveryId: 'd0000000000000001',
      code: 'NOT_FOUND',
    };
    const query = (path: string) =>
      path.endsWith('enrolment-days')
        ? '?from=2026-01-01&to=2026-01-31'
        : path.endsWith('coverage')
          ? `?at=2026-01-01T10:00:00%2B08:00&platformId=${env.world.platformId}`
          : '';
    const callers: Record<string, string | undefined> = {
      ...env.world.tokens,
      finance: await env.world.mint({ role: 'finance', sub: 'finance-1', provinces: ['110000'] }),
      worker: await env.world.mint({ role: 'worker', sub: 'worker-x', workerId: valid.workerId }),
      none: undefined,
    };
    const routes = ROUTES.filter((r) => r.path.includes('{'));
    let requests = 0;
    for (const long of OVERSIZED) {
      for (const route of routes) {
        for (const [, name] of route.path.matchAll(/\{([^}]+)\}/g)) {
          const path = route.path.replace(/\{([^}]+)\}/g, (_, k: string) => (k === name ? encodeURIComponent(long) : valid[k]!)) + query(route.path);
          for (const [caller, token] of Object.entries(callers)) {
            const res = await env.stack.api(route.method, path, {
              ...(token ? { token } : {}),
              ...(route.method === 'POST' || route.method === 'PUT' ? { body: {} } : {}),
            });
            expect(res.status, `${caller} ${route.method} ${route.path} (${name}: ${long.length} chars) → ${JSON.stringify(res.body)}`).toBeLessThan(500);
            isProblem(res);
            requests++;
          }
        }
      }
    }
    expect(requests).toBe(OVERSIZED.length * routes.reduce((n, r) => n + (r.path.match(/\{/g)?.length ?? 0), 0) * Object.keys(callers).length);
  });

  it('are unknown ids: 404 where the caller may look (the routes that answered 500)', async () => {
    const platform = env.world.tokens.platform;
    for (const long of OVERSIZED) {
      const id = encodeURIComponent(long);
      isProblem(await env.stack.api('GET', `/v1/platforms/${id}`, { token: env.world.tokens.admin }), 404);
      isProblem(await env.stack.api('POST', `/v1/platforms/${id}/client`, { token: env.world.tokens.admin }), 404);
      isProblem(await env.stack.api('GET', `/v1/platforms/${id}/declarations/2026-01`, { token: env.world.tokens.admin }), 404);
      isProblem(await env.stack.api('POST', `/v1/platforms/${env.world.platformId}/webhook/deliveries/${id}/redelivery`, { token: platform }), 404);
      // The role check still comes first (403), and a value with a format names its field (400).
      isProblem(await env.stack.api('GET', `/v1/platforms/${id}`, { token: env.world.tokens.handler }), 403);
      const month = await env.stack.api('GET', `/v1/platforms/${env.world.platformId}/declarations/${id}`, { token: env.world.tokens.admin });
      isProblem(month, 400);
      expect(month.body.errors.map((e: { path: string }) => e.path)).toContain('month');
    }
  });
});

describe('a forged or garbled nextToken', () => {
  const token = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('is 400 naming nextToken on GET /v1/cases, whatever it holds, never 500 and never a read outside the caller’s provinces', async () => {
    await openedCase(env.world);
    await openedCase(env.world);
    const page = await env.stack.api('GET', '/v1/cases?province=110000&limit=1', { token: env.world.tokens.handler });
    expect(page.status).toBe(200);
    const issued = JSON.parse(Buffer.from(page.body.nextToken, 'base64url').toString('utf8')) as { p: number; k: Record<string, string> };
    const forged = {
      garbage: 'garbage',
      'not JSON': Buffer.from('{"p":0,').toString('base64url'),
      'an unknown attribute': token({ p: 0, k: { foo: 'bar' } }),
      'a number for a key': token({ p: 0, k: { pk: 1 } }),
      'a partition past the query': token({ p: 7 }),
      'a negative partition': token({ p: -1 }),
      'another province’s partition': token({ p: 0, k: { ...issued.k, gsi2pk: 'PROVINCE#310000' } }),
      'a key of another index': token({ p: 0, k: { pk: issued.k.pk, sk: 'CASE', gsi1pk: 'STATUS#UNDER_REVIEW', gsi1sk: 'x' } }),
      'an extra attribute': token({ p: 0, k: { ...issued.k, extra: 'x' } }),
      'a key over the size limit': token({ p: 0, k: { ...issued.k, gsi2sk: 'x'.repeat(1_500) } }),
      'a key of another item': token({ p: 0, k: { ...issued.k, sk: 'EVENT#1' } }),
    };
    for (const [what, value] of Object.entries(forged)) {
      for (const query of ['province=110000', 'status=UNDER_REVIEW', 'status=UNDER_REVIEW&province=110000', '']) {
        const res = await env.stack.api('GET', `/v1/cases?${query}&nextToken=${encodeURIComponent(value)}`, { token: env.world.tokens.handler });
        expect(res.status, `${what} (${query}): ${JSON.stringify(res.body)}`).toBe(400);
        isProblem(res, 400);
        expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['nextToken']);
      }
    }
    // The token issued for this query still continues it; reused on another query it is refused.
    expect((await env.stack.api('GET', `/v1/cases?province=110000&limit=1&nextToken=${page.body.nextToken}`, { token: env.world.tokens.handler })).status).toBe(
      200,
    );
    isProblem(await env.stack.api('GET', `/v1/cases?status=UNDER_REVIEW&nextToken=${page.body.nextToken}`, { token: env.world.tokens.handler }), 400);
  });
});

describe("a case's stored size", () => {
  it('refuses expense batches past the cap with 422 CASE_TOO_LARGE naming items; nothing recorded, the case still writable', async () => {
    const { caseId } = await openedCase(env.world);
    // The largest batch the API accepts: 200 lines of 1,000 characters (~200 KB stored).
    const batch = {
      items: Array.from({ length: 200 }, (_, i) => ({ description: `门诊 ${i} `.padEnd(1_000, 'x'), amountFen: 100, inCatalogue: true })),
      inpatientDays: 0,
    };
    const path = `/v1/cases/${caseId}/expenses`;
    const first = await env.stack.api('POST', path, { token: env.world.tokens.handler, body: batch });
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    const before = await env.stack.api('GET', `/v1/cases/${caseId}`, { token: env.world.tokens.handler });
    for (let i = 0; i < 3; i++) {
      const res = await env.stack.api('POST', path, { token: env.world.tokens.handler, body: batch });
      isProblem(res, 422);
      expect(res.body.code).toBe('CASE_TOO_LARGE');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['items']);
    }
    const after = await env.stack.api('GET', `/v1/cases/${caseId}`, { token: env.world.tokens.handler });
    expect(after.body.version).toBe(before.body.version);
    expect(after.body.timeline).toHaveLength(before.body.timeline.length);
    // A step that fits is still recorded (the item was never grown past what DynamoDB takes).
    const small = await env.stack.api('POST', path, {
      token: env.world.tokens.handler,
      body: { items: [{ description: '复诊', amountFen: 100, inCatalogue: true }], inpatientDays: 0 },
    });
    expect(small.status, JSON.stringify(small.body)).toBe(202);
  });
});

describe('a month or a date before the year 1000', () => {
  it('is 400 naming the field on every month route (the schema let 0999-12 through to a core RangeError: 500)', async () => {
    const { world } = env;
    const month = (m: string) =>
      [
        ['GET', `/v1/platforms/${world.platformId}/declarations/${m}`, undefined],
        ['GET', `/v1/platforms/${world.platformId}/employment-reports/${m}`, undefined],
        ['POST', `/v1/platforms/${world.platformId}/declarations/${m}/reopening`, { reason: '补报' }],
        ['POST', `/v1/platforms/${world.platformId}/declarations/${m}/closing`, {}],
        ['POST', `/v1/platforms/${world.platformId}/declarations/${m}/settlements`, { amountFen: 100, paidOn: '2026-01-05' }],
      ] as const;
    for (const [method, path, body] of month('0999-12')) {
      const res = await env.stack.api(method, path, { token: world.tokens.admin, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(400);
      isProblem(res, 400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['month']);
    }
    const settlement = await env.stack.api('POST', `/v1/platforms/${world.platformId}/declarations/2026-01/settlements`, {
      token: world.tokens.admin,
      body: { amountFen: 100, paidOn: '0999-12-31' },
    });
    expect(settlement.status, JSON.stringify(settlement.body)).toBe(400);
    expect(settlement.body.errors.map((e: { path: string }) => e.path)).toEqual(['paidOn']);
  });
});
