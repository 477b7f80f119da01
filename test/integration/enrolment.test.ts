/**
 * The enrolment and contributions slice through the HTTP API on the local stack (DynamoDB Local, the
 * same handlers behind the local adapter): platforms, parameters, calendars, workers, orders,
 * declarations, enrolment days and coverage — contract paths, per-record verdicts and problem+json.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { localDynamoDbClient } from '../../local/dynamodb.ts';
import { decodeRiderDayEntry } from '../../core/index.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { adminClaims, handlerClaims, idNumber, orderItem, platformBody, platformClaims, workerClaims, workerItem } from '../support/fixtures.ts';
import { reopenMonths } from '../support/months.ts';

let stack: TestStack;
let platformId: string;
let platform: Record<string, unknown>;
const workerIds: Record<string, string> = {};

beforeAll(async () => {
  stack = await startTestStack();
  const res = await stack.api('POST', '/v1/platforms', { token: adminClaims, body: platformBody() });
  expect(res.status).toBe(201);
  platformId = res.body.platformId;
  platform = platformClaims(platformId);
  const workers = await stack.api('PUT', `/v1/platforms/${platformId}/workers`, {
    token: platform,
    body: { workers: [workerItem(1), workerItem(2), workerItem(3)] },
  });
  expect(workers.status).toBe(200);
  for (const r of workers.body.results) workerIds[r.platformWorkerId] = r.workerId;
  // D19: the months this file sends orders of (fixed dates, asserted on below) have closed; an administrator
  // reopens them (补报) so their new orders are accepted.
  await reopenMonths(stack.api, adminClaims, platformId, ['2025-08', '2025-10']);
});

afterAll(async () => {
  await stack?.stop();
});

describe('public routes', () => {
  it('answers /health without a token', async () => {
    const res = await stack.api('GET', '/health');
    expect(res).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('serves an OpenAPI 3.1 document describing every contract path', async () => {
    const res = await stack.api('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/v1/platforms/{platformId}/orders', '/v1/workers/{workerId}/coverage', '/v1/parameters/resolve']),
    );
  });
});

describe('platforms (D2)', () => {
  it('registers a platform and lets that platform read it, but not another platform (404)', async () => {
    const own = await stack.api('GET', `/v1/platforms/${platformId}`, { token: platform });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ platformId, industries: ['INSTANT_DELIVERY'] });
    const other = await stack.api('GET', `/v1/platforms/${platformId}`, { token: platformClaims('plt_other') });
    expect(other.status).toBe(404);
    expect(other.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses a second platform with the same credit code (409)', async () => {
    const body = platformBody();
    expect((await stack.api('POST', '/v1/platforms', { token: adminClaims, body })).status).toBe(201);
    const again = await stack.api('POST', '/v1/platforms', { token: adminClaims, body: { ...body, name: 'Another name' } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'PLATFORM_ALREADY_REGISTERED', errors: [{ path: 'creditCode', message: '此统一社会信用代码已登记。' }] });
  });

  it('rejects a bad credit-code check character and unknown fields, naming each field (400)', async () => {
    const good = platformBody();
    const bad = { ...good, creditCode: `${good.creditCode.slice(0, 17)}${good.creditCode[17] === '0' ? '1' : '0'}`, colour: 'red' };
    const res = await stack.api('POST', '/v1/platforms', { token: adminClaims, body: bad });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['colour', 'creditCode']);
  });

  it('answers 403 to a platform registering platforms, before looking at the body', async () => {
    const res = await stack.api('POST', '/v1/platforms', { token: platform, body: '{not json' });
    expect(res.status).toBe(403);
  });

  it('lets a platform join another province, once, and not before the pilot started there (D2)', async () => {
    const joined = await stack.api('POST', `/v1/platforms/${platformId}/provinces`, { token: adminClaims, body: { code: '310000', joinedOn: '2025-09-01' } });
    expect(joined.status).toBe(201);
    expect(joined.body.provinces).toContainEqual({ code: '310000', joinedOn: '2025-09-01' });
    const twice = await stack.api('POST', `/v1/platforms/${platformId}/provinces`, { token: adminClaims, body: { code: '310000', joinedOn: '2025-10-01' } });
    expect(twice.status).toBe(409);
    const early = await stack.api('POST', `/v1/platforms/${platformId}/provinces`, { token: adminClaims, body: { code: '120000', joinedOn: '2025-06-01' } });
    expect(early.status).toBe(422);
    expect(early.body.errors[0].path).toBe('joinedOn');
  });
});

describe('parameters (contract: Parameters; D5 precedence)', () => {
  it('serves the seeded national default rates and adds versions without editing history', async () => {
    const seeded = await stack.api('GET', '/v1/parameters/resolve?name=contributionRateFen&on=2025-08-01&industry=FREIGHT', { token: adminClaims });
    expect(seeded.body).toEqual({ name: 'contributionRateFen', value: 18, effectiveFrom: '2025-07-01', scope: { industry: 'FREIGHT' } });

    const version = {
      name: 'contributionRateFen',
      scope: { platformId, province: '110000', industry: 'INSTANT_DELIVERY' },
      effectiveFrom: '2026-01-01',
      value: 25,
    };
    expect((await stack.api('PUT', '/v1/parameters', { token: adminClaims, body: version })).status).toBe(201);
    expect((await stack.api('PUT', '/v1/parameters', { token: adminClaims, body: version })).status).toBe(200);
    const changed = await stack.api('PUT', '/v1/parameters', { token: adminClaims, body: { ...version, value: 26 } });
    expect(changed.status).toBe(409);

    const resolved = await stack.api(
      'GET',
      `/v1/parameters/resolve?name=contributionRateFen&on=2026-02-01&platformId=${platformId}&province=110000&industry=INSTANT_DELIVERY`,
      { token: adminClaims },
    );
    expect(resolved.body).toMatchObject({ value: 25, effectiveFrom: '2026-01-01' });
    const before = await stack.api(
      'GET',
      `/v1/parameters/resolve?name=contributionRateFen&on=2025-12-31&platformId=${platformId}&province=110000&industry=INSTANT_DELIVERY`,
      { token: adminClaims },
    );
    expect(before.body).toMatchObject({ value: 7, effectiveFrom: '2025-07-01' });
  });

  it('answers 404 when no version is in force and 400 for a scope the parameter cannot carry', async () => {
    const none = await stack.api('GET', '/v1/parameters/resolve?name=contributionRateFen&on=2025-06-30&industry=FREIGHT', { token: adminClaims });
    expect(none.status).toBe(404);
    const badScope = await stack.api('PUT', '/v1/parameters', {
      token: adminClaims,
      body: { name: 'urbanDisposableIncomeFen', scope: { province: '110000' }, effectiveFrom: '2026-01-01', value: 1 },
    });
    expect(badScope.status).toBe(400);
    expect(badScope.body.errors[0].path).toBe('scope.province');
  });

  it('is for administrators: a platform gets 403', async () => {
    const res = await stack.api('PUT', '/v1/parameters', { token: platform, body: {} });
    expect(res.status).toBe(403);
  });
});

describe('calendars (D12)', () => {
  it('serves the seeded 2026 arrangement and loads a further year', async () => {
    const seeded = await stack.api('GET', '/v1/calendars/2026', { token: adminClaims });
    expect(seeded.body.source).toBe('seeded');
    expect(seeded.body.workdays).toContain('2026-02-14');
    const put = await stack.api('PUT', '/v1/calendars/2027', { token: adminClaims, body: { holidays: ['2027-01-01'], workdays: [] } });
    expect(put.status).toBe(200);
    expect((await stack.api('GET', '/v1/calendars/2027', { token: platform })).body).toMatchObject({ source: 'loaded', holidays: ['2027-01-01'] });
  });

  it('rejects a make-up working day that is not a weekend day (400)', async () => {
    const res = await stack.api('PUT', '/v1/calendars/2028', { token: adminClaims, body: { holidays: [], workdays: ['2028-01-05'] } });
    expect(res.status).toBe(400);
  });
});

describe('worker registration (D3, 实名)', () => {
  it('accepts good items and rejects bad ones alone, each with its path', async () => {
    const good = workerItem(10);
    const badCheck = workerItem(11, { idNumber: `${idNumber(11).slice(0, 17)}${idNumber(11)[17] === '1' ? '2' : '1'}` });
    const impossibleBirth = workerItem(12, { idNumber: '110101199002300012' });
    const unknownField = { ...workerItem(13), email: 'x@example.com' };
    const wrongType = workerItem(14, { name: 42 });
    const res = await stack.api('PUT', `/v1/platforms/${platformId}/workers`, {
      token: platform,
      body: { workers: [good, badCheck, impossibleBirth, unknownField, wrongType] },
    });
    expect(res.status).toBe(200);
    const [r0, r1, r2, r3, r4] = res.body.results;
    expect(r0).toMatchObject({ index: 0, status: 'accepted', workerId: expect.stringMatching(/^wkr_/) });
    expect(r1).toMatchObject({ status: 'rejected', errors: [{ path: 'workers.1.idNumber' }] });
    expect(r2).toMatchObject({ status: 'rejected', errors: [{ path: 'workers.2.idNumber' }] });
    expect(r3).toMatchObject({ status: 'rejected', errors: [{ path: 'workers.3.email' }] });
    expect(r4).toMatchObject({ status: 'rejected', errors: [{ path: 'workers.4.name' }] });
  });

  it('keeps one workerId per person across re-sends and platforms, and refuses the ID under another name', async () => {
    const again = await stack.api('PUT', `/v1/platforms/${platformId}/workers`, { token: platform, body: { workers: [workerItem(1)] } });
    expect(again.body.results[0]).toMatchObject({ status: 'accepted', workerId: workerIds['rider-1'] });

    const other = await stack.api('POST', '/v1/platforms', { token: adminClaims, body: platformBody() });
    const otherToken = platformClaims(other.body.platformId);
    const elsewhere = await stack.api('PUT', `/v1/platforms/${other.body.platformId}/workers`, {
      token: otherToken,
      body: { workers: [workerItem(1, { platformWorkerId: 'd-77' }), workerItem(2, { platformWorkerId: 'd-78', name: '另一个名字' })] },
    });
    expect(elsewhere.body.results[0]).toMatchObject({ status: 'accepted', workerId: workerIds['rider-1'] });
    expect(elsewhere.body.results[1]).toMatchObject({ status: 'rejected', errors: [{ path: 'workers.1.name' }] });
  });

  it('rejects a platformWorkerId already registered with another ID number', async () => {
    const res = await stack.api('PUT', `/v1/platforms/${platformId}/workers`, {
      token: platform,
      body: { workers: [workerItem(1, { idNumber: idNumber(500) })] },
    });
    expect(res.body.results[0]).toMatchObject({ status: 'rejected', errors: [{ path: 'workers.0.idNumber' }] });
  });

  it('answers 400 for an envelope with no items or too many, and changes nothing', async () => {
    expect((await stack.api('PUT', `/v1/platforms/${platformId}/workers`, { token: platform, body: { workers: [] } })).status).toBe(400);
    const tooMany = Array.from({ length: 501 }, (_, i) => workerItem(1000 + i));
    const res = await stack.api('PUT', `/v1/platforms/${platformId}/workers`, { token: platform, body: { workers: tooMany } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('workers');
    const probe = await stack.api('PUT', `/v1/platforms/${platformId}/workers`, { token: platform, body: { workers: [workerItem(1000)] } });
    expect(probe.body.results[0].status).toBe('accepted');
  });
});

describe('orders, enrolment days and the declaration (D1, D3, D4, D5)', () => {
  const ordersPath = () => `/v1/platforms/${platformId}/orders`;

  it('accepts, counts once, updates a missing finishedAt and rejects a changed order', async () => {
    const first = await stack.api('POST', ordersPath(), {
      token: platform,
      body: {
        orders: [
          orderItem(1),
          orderItem(2, { acceptedAt: '2025-08-01T11:00:00+08:00', finishedAt: undefined }),
          orderItem(3, { platformWorkerId: 'rider-2', acceptedAt: '2025-08-02T09:00:00+08:00', finishedAt: '2025-08-02T09:30:00+08:00' }),
        ],
      },
    });
    expect(first.body).toMatchObject({ accepted: 3, duplicates: 0, updated: 0, rejected: 0 });

    const second = await stack.api('POST', ordersPath(), {
      token: platform,
      body: {
        orders: [
          orderItem(1),
          orderItem(2, { acceptedAt: '2025-08-01T03:00:00Z', finishedAt: '2025-08-01T11:30:00+08:00' }),
          orderItem(3, { platformWorkerId: 'rider-3', acceptedAt: '2025-08-02T09:00:00+08:00', finishedAt: '2025-08-02T09:30:00+08:00' }),
        ],
      },
    });
    expect(second.body).toMatchObject({ accepted: 0, duplicates: 1, updated: 1, rejected: 1 });
    expect(second.body.results[2].errors[0].path).toBe('orders.2.platformWorkerId');

    const days = await stack.api('GET', `/v1/workers/${workerIds['rider-1']}/enrolment-days?from=2025-08-01&to=2025-08-31`, {
      token: workerClaims(workerIds['rider-1']!),
    });
    expect(days.body.days).toEqual([{ date: '2025-08-01', platformId, province: '110000', orders: 2 }]);
  });

  it('rejects, item by item: finishedAt before acceptedAt, a future order, a province joined later, an unknown worker', async () => {
    const future = new Date(Date.now() + 10 * 60_000).toISOString();
    const res = await stack.api('POST', ordersPath(), {
      token: platform,
      body: {
        orders: [
          orderItem(20, { finishedAt: '2025-08-01T09:00:00+08:00' }),
          orderItem(21, { acceptedAt: future, finishedAt: undefined }),
          orderItem(22, { province: '130000', acceptedAt: '2025-06-30T12:00:00+08:00', finishedAt: undefined }),
          orderItem(23, { platformWorkerId: 'nobody' }),
          orderItem(24, { industry: 'FREIGHT' }),
          orderItem(25, { acceptedAt: '2025-08-01 10:00' }),
          orderItem(26),
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1, rejected: 6 });
    const paths = res.body.results.filter((r: { status: string }) => r.status === 'rejected').map((r: { errors: { path: string }[] }) => r.errors[0]!.path);
    expect(paths).toEqual([
      'orders.0.finishedAt',
      'orders.1.acceptedAt',
      'orders.2.province',
      'orders.3.platformWorkerId',
      'orders.4.industry',
      'orders.5.acceptedAt',
    ]);
  });

  it('accepts FOOD_DELIVERY from an INSTANT_DELIVERY platform and charges it as INSTANT_DELIVERY (D1)', async () => {
    const res = await stack.api('POST', ordersPath(), {
      token: platform,
      body: {
        orders: [
          orderItem(30, {
            industry: 'FOOD_DELIVERY',
            province: '130000',
            platformWorkerId: 'rider-3',
            acceptedAt: '2025-08-20T12:00:00+08:00',
            finishedAt: '2025-08-20T12:20:00+08:00',
          }),
        ],
      },
    });
    expect(res.body.accepted).toBe(1);
  });

  it('counts an order once when the same batch is sent concurrently', async () => {
    const batch = {
      orders: Array.from({ length: 50 }, (_, i) =>
        orderItem(100 + i, {
          platformWorkerId: `rider-${1 + (i % 3)}`,
          acceptedAt: `2025-08-10T${String(8 + (i % 10)).padStart(2, '0')}:0${i % 6}:00+08:00`,
          finishedAt: undefined,
        }),
      ),
    };
    const results = await Promise.all([1, 2, 3].map(() => stack.api('POST', ordersPath(), { token: platform, body: batch })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.reduce((n, r) => n + r.body.accepted, 0)).toBe(50);
    expect(results.reduce((n, r) => n + r.body.duplicates, 0)).toBe(100);
  });

  it('prints the declaration from the counters: orders × rate per province and industry (D5)', async () => {
    const res = await stack.api('GET', `/v1/platforms/${platformId}/declarations/2025-08`, { token: platform });
    expect(res.status).toBe(200);
    // Reopened (beforeAll): not CLOSED, so provisional (D19).
    expect(res.body).toMatchObject({ platformId, month: '2025-08', status: 'REOPENED', closesOn: '2025-09-15', provisional: true });
    const lines = res.body.lines.map(({ province, industry, orders, rateFen, amountFen }: Record<string, unknown>) => ({
      province,
      industry,
      orders,
      rateFen,
      amountFen,
    }));
    expect(lines).toEqual([
      { province: '110000', industry: 'INSTANT_DELIVERY', orders: 3 + 1 + 50, rateFen: 7, amountFen: 54 * 7 },
      { province: '130000', industry: 'INSTANT_DELIVERY', orders: 1, rateFen: 7, amountFen: 7 },
    ]);
    expect(res.body.totalFen).toBe(55 * 7);
  });

  it('answers 422 naming each (province, industry) without a configured rate, rather than inventing one (D5)', async () => {
    const early = await stack.api('POST', '/v1/platforms', {
      token: adminClaims,
      body: platformBody({ industries: ['FREIGHT'], provinces: [{ code: '110000', joinedOn: '2025-01-01' }] }),
    });
    const token = platformClaims(early.body.platformId);
    await stack.api('PUT', `/v1/platforms/${early.body.platformId}/workers`, { token, body: { workers: [workerItem(1)] } });
    // March 2025 closed on 2025-04-15 (D19): an administrator reopens it (still empty, so its declaration
    // has no line needing a rate) before the late order.
    await reopenMonths(stack.api, adminClaims, early.body.platformId, ['2025-03']);
    const sent = await stack.api('POST', `/v1/platforms/${early.body.platformId}/orders`, {
      token,
      body: { orders: [orderItem(1, { industry: 'FREIGHT', acceptedAt: '2025-03-03T10:00:00+08:00', finishedAt: undefined })] },
    });
    expect(sent.body.accepted).toBe(1);
    const res = await stack.api('GET', `/v1/platforms/${early.body.platformId}/declarations/2025-03`, { token });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      code: 'MISSING_RATE',
      errors: [{ path: 'rates.110000.FREIGHT', message: expect.stringContaining('contributionRateFen') }],
    });
  });

  it('answers 400 for an invalid envelope and changes nothing', async () => {
    const tooMany = { orders: Array.from({ length: 1001 }, (_, i) => orderItem(5000 + i)) };
    expect((await stack.api('POST', ordersPath(), { token: platform, body: tooMany })).status).toBe(400);
    expect((await stack.api('POST', ordersPath(), { token: platform, body: { orders: 'x' } })).status).toBe(400);
    expect((await stack.api('POST', ordersPath(), { token: platform, body: '{"orders": [' })).status).toBe(400);
    expect((await stack.api('POST', ordersPath(), { token: platform, body: { orders: [orderItem(5000)], extra: 1 } })).status).toBe(400);
    const probe = await stack.api('POST', ordersPath(), { token: platform, body: { orders: [orderItem(5000)] } });
    expect(probe.body.accepted).toBe(1);
  });

  it('answers 415 for another content type and 413 for a body over 1 MiB', async () => {
    const wrongType = await stack.api('POST', ordersPath(), { token: platform, body: 'orders=1', headers: { 'content-type': 'text/plain' } });
    expect(wrongType.status).toBe(415);
    const huge = await stack.api('POST', ordersPath(), { token: platform, body: JSON.stringify({ orders: ['x'.repeat(1024 * 1024)] }) });
    expect(huge.status).toBe(413);
  });

  it('replays the first response for the same Idempotency-Key and refuses the key with another body (422)', async () => {
    const headers = { 'idempotency-key': 'batch-2025-08-15-a' };
    const body = { orders: [orderItem(900, { acceptedAt: '2025-08-15T10:00:00+08:00', finishedAt: undefined })] };
    const first = await stack.api('POST', ordersPath(), { token: platform, body, headers });
    const replay = await stack.api('POST', ordersPath(), { token: platform, body, headers });
    expect(first.body.accepted).toBe(1);
    expect(replay.body).toEqual(first.body);
    const other = await stack.api('POST', ordersPath(), { token: platform, body: { orders: [orderItem(901)] }, headers });
    expect(other.status).toBe(422);
    const third = await stack.api('POST', ordersPath(), { token: platform, body, headers });
    expect(third.body).toEqual(first.body);
  });
});

describe('coverage at a moment (D4) and visibility', () => {
  const coverage = (workerId: string, query: string, token: Record<string, unknown>) =>
    stack.api('GET', `/v1/workers/${workerId}/coverage?${query}`, { token });

  it('names the covering order, or says why none covers', async () => {
    const w = workerIds['rider-1']!;
    const during = await coverage(w, `at=${encodeURIComponent('2025-08-01T10:20:00+08:00')}&platformId=${platformId}`, platform);
    expect(during.body).toEqual({ covered: true, orderId: 'o-1', reason: 'COVERED' });
    const after = await coverage(w, `at=${encodeURIComponent('2025-08-01T15:00:00+08:00')}&platformId=${platformId}`, platform);
    expect(after.body).toEqual({ covered: false, reason: 'NO_ORDER_AT_TIME' });
    const province = await coverage(w, `at=${encodeURIComponent('2025-08-01T10:20:00+08:00')}&platformId=${platformId}&province=440000`, handlerClaims());
    expect(province.body).toEqual({ covered: false, reason: 'PLATFORM_NOT_ENROLLED' });
    const unknown = await coverage(w, `at=${encodeURIComponent('2025-08-01T10:20:00+08:00')}&platformId=plt_never`, handlerClaims());
    expect(unknown.body).toEqual({ covered: false, reason: 'UNKNOWN_WORKER' });
  });

  it('covers an unfinished order for openOrderCoverHours after acceptance (default 6)', async () => {
    const w = workerIds['rider-1']!;
    // o-100 (accepted 08:00, open) covers until 14:00; after that the earliest covering order is o-121 (09:03).
    const inside = await coverage(w, `at=${encodeURIComponent('2025-08-10T13:59:00+08:00')}&platformId=${platformId}`, handlerClaims());
    expect(inside.body).toEqual({ covered: true, orderId: 'o-100', reason: 'COVERED' });
    const later = await coverage(w, `at=${encodeURIComponent('2025-08-10T14:01:00+08:00')}&platformId=${platformId}`, handlerClaims());
    expect(later.body).toEqual({ covered: true, orderId: 'o-121', reason: 'COVERED' });
  });

  it('answers with and without orders in the window, and sees a province joined just now (cached profile dropped)', async () => {
    const created = await stack.api('POST', '/v1/platforms', {
      token: adminClaims,
      body: platformBody({ provinces: [{ code: '110000', joinedOn: '2025-07-01' }] }),
    });
    expect(created.status).toBe(201);
    const pid: string = created.body.platformId;
    const token = platformClaims(pid);
    await reopenMonths(stack.api, adminClaims, pid, ['2025-09']);
    const registered = await stack.api('PUT', `/v1/platforms/${pid}/workers`, { token, body: { workers: [workerItem(41), workerItem(42)] } });
    const [w41, w42] = registered.body.results.map((r: { workerId: string }) => r.workerId) as [string, string];
    const sent = await stack.api('POST', `/v1/platforms/${pid}/orders`, {
      token,
      body: { orders: [orderItem(4100, { platformWorkerId: 'rider-41', acceptedAt: '2025-09-10T09:00:00+08:00', finishedAt: '2025-09-10T09:40:00+08:00' })] },
    });
    expect(sent.body).toMatchObject({ accepted: 1 });
    const at = `at=${encodeURIComponent('2025-09-10T09:20:00+08:00')}&platformId=${pid}`;

    expect((await coverage(w41, at, token)).body).toEqual({ covered: true, orderId: 'o-4100', reason: 'COVERED' });
    // No order of this platform in the window: the worker's partition decides (registered here, or not).
    expect((await coverage(w42, at, token)).body).toEqual({ covered: false, reason: 'NO_ORDER_AT_TIME' });
    expect((await coverage(workerIds['rider-1']!, at, token)).status).toBe(404);
    expect((await coverage(w42, at, handlerClaims())).body).toEqual({ covered: false, reason: 'NO_ORDER_AT_TIME' });

    expect((await coverage(w41, `${at}&province=130000`, token)).body).toEqual({ covered: false, reason: 'PLATFORM_NOT_ENROLLED' });
    const joined = await stack.api('POST', `/v1/platforms/${pid}/provinces`, { token: adminClaims, body: { code: '130000', joinedOn: '2025-07-01' } });
    expect(joined.status).toBe(201);
    expect((await coverage(w41, `${at}&province=130000`, token)).body).toEqual({ covered: false, reason: 'NO_ORDER_AT_TIME' });
  });

  it('hides other workers: 404 for another worker, an unknown worker and another platform', async () => {
    const w = workerIds['rider-1']!;
    const q = `at=${encodeURIComponent('2025-08-01T10:20:00+08:00')}&platformId=${platformId}`;
    expect((await coverage(w, q, workerClaims(workerIds['rider-2']!))).status).toBe(404);
    expect((await coverage('wkr_unknown', q, handlerClaims())).status).toBe(404);
    expect((await coverage(w, q.replace(platformId, 'plt_other'), platformClaims('plt_other'))).status).toBe(404);
    expect((await coverage(w, 'at=yesterday&platformId=x', handlerClaims())).status).toBe(400);
  });

  describe('orders longer than a day: on every rider-day they span (the projection, docs/data-model.md A14)', () => {
    const at = (t: string) => `at=${encodeURIComponent(t)}&platformId=${platformId}`;
    const send = (orders: Record<string, unknown>[]) => stack.api('POST', `/v1/platforms/${platformId}/orders`, { token: platform, body: { orders } });
    /** The rider-days (ledger RIDERDAY# items) that carry the order, with its entry's finishedAt: read by key. */
    const indexItems = async (workerId: string, orderId: string) => {
      const client = localDynamoDbClient(inject('ddbEndpoint'));
      try {
        const res = await client.send(
          new QueryCommand({
            TableName: stack.tables.LEDGER_TABLE,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': { S: `RIDERDAY#${workerId}` } },
          }),
        );
        // The entry as stored (a compact string, core encodeRiderDayEntry), read back as the order.
        return (res.Items ?? [])
          .filter((i) => i[`O#${orderId}`])
          .map((i) => `${i.sk!.S!} ${decodeRiderDayEntry(orderId, i[`O#${orderId}`]!.S)?.finishedAt ?? 'open'}`);
      } finally {
        client.destroy();
      }
    };

    it('covers the late part of a 30 h order, not after its finishedAt, and re-sending it doubles nothing', async () => {
      const w = workerIds['rider-3']!;
      const order = orderItem(7000, { platformWorkerId: 'rider-3', acceptedAt: '2025-10-01T08:00:00+08:00', finishedAt: '2025-10-02T14:00:00+08:00' });
      expect((await send([order])).body).toMatchObject({ accepted: 1 });

      expect((await coverage(w, at('2025-10-02T12:00:00+08:00'), platform)).body).toEqual({ covered: true, orderId: 'o-7000', reason: 'COVERED' });
      expect((await coverage(w, at('2025-10-02T14:00:00+08:00'), handlerClaims())).body).toEqual({ covered: true, orderId: 'o-7000', reason: 'COVERED' });
      expect((await coverage(w, at('2025-10-02T14:01:00+08:00'), handlerClaims())).body).toEqual({ covered: false, reason: 'NO_ORDER_AT_TIME' });
      const spanned = [`${platformId}#2025-10-01 2025-10-02T14:00:00+08:00`, `${platformId}#2025-10-02 2025-10-02T14:00:00+08:00`];
      expect(await indexItems(w, 'o-7000')).toEqual(spanned);

      const again = await send([order, { ...order, acceptedAt: '2025-10-01T00:00:00Z' }]);
      expect(again.body).toMatchObject({ accepted: 0, duplicates: 2, updated: 0, rejected: 0 });
      expect(await indexItems(w, 'o-7000')).toEqual(spanned);
      const days = await stack.api('GET', `/v1/workers/${w}/enrolment-days?from=2025-10-01&to=2025-10-31`, { token: handlerClaims() });
      expect(days.body.days).toEqual([{ date: '2025-10-01', platformId, province: '110000', orders: 1 }]);
      const declaration = await stack.api('GET', `/v1/platforms/${platformId}/declarations/2025-10`, { token: platform });
      expect(declaration.body.lines.map((l: { orders: number }) => l.orders)).toEqual([1]);
    });

    it('covers the late part of an order whose finishedAt came later (update path)', async () => {
      const w = workerIds['rider-3']!;
      const { finishedAt: _open, ...open } = orderItem(7001, { platformWorkerId: 'rider-3', acceptedAt: '2025-10-05T08:00:00+08:00' });
      expect((await send([open])).body).toMatchObject({ accepted: 1 });
      // Open: covered for openOrderCoverHours (6) only.
      expect((await coverage(w, at('2025-10-06T12:00:00+08:00'), platform)).body).toEqual({ covered: false, reason: 'NO_ORDER_AT_TIME' });
      expect(await indexItems(w, 'o-7001')).toEqual([`${platformId}#2025-10-05 open`]);

      const finished = { ...open, finishedAt: '2025-10-06T14:00:00+08:00' };
      expect((await send([finished])).body).toMatchObject({ updated: 1 });
      expect((await coverage(w, at('2025-10-06T12:00:00+08:00'), platform)).body).toEqual({ covered: true, orderId: 'o-7001', reason: 'COVERED' });
      expect((await coverage(w, at('2025-10-06T14:01:00+08:00'), platform)).body).toEqual({ covered: false, reason: 'NO_ORDER_AT_TIME' });
      expect((await send([finished])).body).toMatchObject({ duplicates: 1, updated: 0 });
      expect(await indexItems(w, 'o-7001')).toEqual([
        `${platformId}#2025-10-05 2025-10-06T14:00:00+08:00`,
        `${platformId}#2025-10-06 2025-10-06T14:00:00+08:00`,
      ]);
      const days = await stack.api('GET', `/v1/workers/${w}/enrolment-days?from=2025-10-05&to=2025-10-06`, { token: handlerClaims() });
      expect(days.body.days).toEqual([{ date: '2025-10-05', platformId, province: '110000', orders: 1 }]);
    });
  });
});
