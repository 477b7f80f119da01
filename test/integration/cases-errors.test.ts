/**
 * Every 400/403/404/409/422 of the report, case and payment-run endpoints through the HTTP API, in the
 * contract's precedence (401, 403 role, 404 visibility, 400, 409, 422).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '../../core/index.ts';
import { localStepFunctions } from '../../local/stepfunctions/index.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import {
  approvalBody,
  openCaseBody,
  openedCase,
  orderAround,
  PROVINCE,
  registerWorker,
  report,
  setUpWorld,
  waitForStatus,
  type World,
} from './cases-fixtures.ts';

let stack: TestStack;
let world: World;

beforeAll(async () => {
  stack = await startTestStack({ services: [localStepFunctions({ sweepIntervalMs: 0 })] });
  world = await setUpWorld(
    (m, p, o) => stack.api(m, p, o),
    (c) => stack.token(c),
  );
});
afterAll(async () => {
  await stack?.stop();
});

const post = (path: string, token: string | undefined, body?: unknown) =>
  world.api('POST', path, { ...(token ? { token } : {}), ...(body === undefined ? {} : { body }) });
const problem = (res: { status: number; body: any }, status: number, path?: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.status).toBe(status);
  if (path) expect(res.body.errors.map((e: any) => e.path)).toContain(path);
};

describe('POST /v1/injury-reports', () => {
  it('answers 201 with the coverage verdict and the order snapshot (D4, D11)', async () => {
    const worker = await registerWorker(world);
    const at = new Date(Date.now() - 20 * 60_000);
    const orderId = await orderAround(world, worker, at);
    const res = await report(world, worker, at);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ reportId: expect.any(String), coverage: { covered: true, orderId, reason: 'COVERED' }, orders: 1 });
    const byWorker = await world.api('POST', '/v1/injury-reports', {
      token: worker.token,
      body: {
        platformId: world.platformId,
        workerId: worker.workerId,
        occurredAt: new Date(at.getTime() - 5 * 3_600_000 - 1).toISOString(),
        province: '110000',
        place: 'x',
        description: 'y',
      },
    });
    expect(byWorker.status).toBe(201);
    expect(byWorker.body.coverage).toEqual({ covered: false, reason: 'NO_ORDER_AT_TIME' });
  });

  it("lets a worker report by the platform's id for them; another worker's or an unknown platformWorkerId → 404 (contract, A4)", async () => {
    const worker = await registerWorker(world);
    const other = await registerWorker(world);
    const at = new Date(Date.now() - 20 * 60_000);
    const orderId = await orderAround(world, worker, at);
    const own = await report(world, worker, at, worker.token);
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    expect(own.body.coverage).toEqual({ covered: true, orderId, reason: 'COVERED' });
    problem(await report(world, other, at, worker.token), 404);
    const body = {
      platformId: world.platformId,
      platformWorkerId: 'never-registered',
      occurredAt: at.toISOString(),
      province: PROVINCE,
      place: 'x',
      description: 'y',
    };
    problem(await post('/v1/injury-reports', worker.token, body), 404);
    problem(await post('/v1/injury-reports', worker.token, { ...body, platformWorkerId: undefined, workerId: other.workerId }), 404);
  });

  it('snapshots every order overlapping the injury day, one accepted before midnight included; a later finishedAt leaves the snapshot as it was (D11)', async () => {
    const worker = await registerWorker(world);
    const day = addDays(shanghaiDate(new Date()), -2);
    const eve = addDays(day, -1);
    const send = (orders: Record<string, unknown>[]) =>
      post(`/v1/platforms/${world.platformId}/orders`, world.tokens.platform, {
        orders: orders.map((o) => ({ platformWorkerId: worker.platformWorkerId, industry: 'INSTANT_DELIVERY', province: PROVINCE, ...o })),
      });
    const ids = { across: `o-across-${worker.workerId}`, open: `o-open-${worker.workerId}`, before: `o-before-${worker.workerId}` };
    const sent = await send([
      { orderId: ids.across, acceptedAt: `${eve}T23:30:00+08:00`, finishedAt: `${day}T00:40:00+08:00` },
      { orderId: ids.open, acceptedAt: `${eve}T23:00:00+08:00` },
      { orderId: ids.before, acceptedAt: `${eve}T20:00:00+08:00`, finishedAt: `${eve}T21:00:00+08:00` },
    ]);
    expect(sent.body.accepted).toBe(3);
    const occurredAt = new Date(`${day}T00:20:00+08:00`);
    const filed = await report(world, worker, occurredAt);
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({ coverage: { covered: true, orderId: ids.open }, orders: 2 });
    const opened = await post('/v1/cases', world.tokens.platform, openCaseBody(filed.body.reportId, 'injury', 'platform', { lateExplanation: '测试' }));
    expect(opened.status).toBe(201);
    const evidence = async () => (await world.api('GET', `/v1/cases/${opened.body.caseId}`, { token: world.tokens.handler })).body.evidence.orders;
    const before = await evidence();
    expect(before.map((o: any) => o.orderId).sort()).toEqual([ids.across, ids.open].sort());
    expect(before.find((o: any) => o.orderId === ids.open).finishedAt).toBeUndefined();

    const update = await send([{ orderId: ids.open, acceptedAt: `${eve}T23:00:00+08:00`, finishedAt: `${eve}T23:50:00+08:00` }]);
    expect(update.body.updated).toBe(1);
    expect(await evidence()).toEqual(before);
    // the update itself took effect: a report filed now no longer finds that order on the day
    expect((await report(world, worker, occurredAt)).body).toMatchObject({ coverage: { covered: true, orderId: ids.across }, orders: 1 });
  });

  it('covers an injury in the late part of a 30 h order and snapshots that order (D4, D11; continuation items, A14)', async () => {
    const worker = await registerWorker(world);
    const day = addDays(shanghaiDate(new Date()), -2);
    const eve = addDays(day, -1);
    const orderId = `o-long-${worker.workerId}`;
    const sent = await post(`/v1/platforms/${world.platformId}/orders`, world.tokens.platform, {
      orders: [
        {
          orderId,
          platformWorkerId: worker.platformWorkerId,
          industry: 'INSTANT_DELIVERY',
          province: PROVINCE,
          acceptedAt: `${eve}T08:00:00+08:00`,
          finishedAt: `${day}T14:00:00+08:00`,
        },
      ],
    });
    expect(sent.body.accepted).toBe(1);
    const filed = await report(world, worker, new Date(`${day}T12:00:00+08:00`));
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({ coverage: { covered: true, orderId, reason: 'COVERED' }, orders: 1 });
    const opened = await post('/v1/cases', world.tokens.platform, openCaseBody(filed.body.reportId, 'injury', 'platform', { lateExplanation: '测试' }));
    expect(opened.status).toBe(201);
    const evidence = (await world.api('GET', `/v1/cases/${opened.body.caseId}`, { token: world.tokens.handler })).body.evidence.orders;
    expect(evidence).toEqual([expect.objectContaining({ orderId, acceptedAt: `${eve}T08:00:00+08:00`, finishedAt: `${day}T14:00:00+08:00` })]);
    // After its finishedAt (no grace by default) the order covers nothing.
    expect((await report(world, worker, new Date(`${day}T14:01:00+08:00`))).body.coverage).toEqual({ covered: false, reason: 'NO_ORDER_AT_TIME' });
  });

  it('keeps a report naming an unknown worker, not covered (D4 UNKNOWN_WORKER)', async () => {
    const res = await world.api('POST', '/v1/injury-reports', {
      token: world.tokens.platform,
      body: {
        platformId: world.platformId,
        platformWorkerId: 'never-registered',
        occurredAt: new Date().toISOString(),
        province: '110000',
        place: 'x',
        description: 'y',
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.coverage).toEqual({ covered: false, reason: 'UNKNOWN_WORKER' });
  });

  it('401 without a token, 403 for staff, 404 for another platform, 400 for a bad body', async () => {
    const body = {
      platformId: world.platformId,
      platformWorkerId: 'p',
      occurredAt: new Date().toISOString(),
      province: '110000',
      place: 'x',
      description: 'y',
    };
    problem(await post('/v1/injury-reports', undefined, body), 401);
    problem(await post('/v1/injury-reports', world.tokens.handler, body), 403);
    const other = await world.mint({ role: 'platform', sub: 'other', platformId: 'plt_other' });
    problem(await post('/v1/injury-reports', other, body), 404);
    problem(await post('/v1/injury-reports', world.tokens.platform, { ...body, extra: 1 }), 400, 'extra');
    problem(await post('/v1/injury-reports', world.tokens.platform, { ...body, workerId: 'w' }), 400, 'workerId');
  });
});

describe('POST /v1/cases', () => {
  it('403 when applicant.type does not fit the caller (D6)', async () => {
    const worker = await registerWorker(world);
    const at = new Date(Date.now() - 10 * 60_000);
    await orderAround(world, worker, at);
    const r = (await report(world, worker, at)).body.reportId;
    problem(await post('/v1/cases', world.tokens.platform, openCaseBody(r, 'injury', 'worker')), 403);
    problem(await post('/v1/cases', worker.token, openCaseBody(r, 'injury', 'platform')), 403);
    problem(await post('/v1/cases', world.tokens.handler, openCaseBody(r, 'injury', 'platform')), 403);
    const byWorker = await post('/v1/cases', worker.token, openCaseBody(r, 'injury', 'worker'));
    expect(byWorker.status).toBe(201);
    expect(byWorker.body).toMatchObject({ status: 'UNDER_REVIEW', late: false, payee: { bankAccount: '****2230' } });
    expect(JSON.stringify(byWorker.body)).not.toContain('6222020200112230');
  });

  it('404 for an unknown or invisible report, 400 without consent, 409 for a second case', async () => {
    problem(await post('/v1/cases', world.tokens.platform, openCaseBody('R-unknown')), 404);
    const { reportId, worker } = await openedCase(world);
    const stranger = await registerWorker(world);
    problem(await post('/v1/cases', stranger.token, openCaseBody(reportId, 'injury', 'worker')), 404);
    problem(await post('/v1/cases', world.tokens.platform, { ...openCaseBody(reportId), consent: false }), 400, 'consent');
    problem(await post('/v1/cases', world.tokens.platform, openCaseBody(reportId)), 409);
    problem(await post('/v1/cases', worker.token, openCaseBody(reportId, 'injury', 'worker')), 409);
  });

  it('422 past the deadline without lateExplanation; 201 late: true with one (D6)', async () => {
    const worker = await registerWorker(world);
    const at = new Date(Date.now() - 10 * 86_400_000);
    await orderAround(world, worker, at);
    const r = (await report(world, worker, at)).body.reportId;
    problem(await post('/v1/cases', world.tokens.platform, openCaseBody(r)), 422, 'lateExplanation');
    const late = await post('/v1/cases', world.tokens.platform, openCaseBody(r, 'injury', 'platform', { lateExplanation: '骑手住院，平台未及时获知' }));
    expect(late.status).toBe(201);
    expect(late.body.late).toBe(true);
    // the worker's 30-day deadline has not passed for the same injury date (D6)
  });

  it('opens a case past a provisional deadline without explanation, flagged; loading the year recomputes it (D6, D12)', async () => {
    // 2024 has no arrangement loaded: injury Mon 2024-06-03 → platform deadline Thu 2024-06-06, provisional
    const worker = await registerWorker(world);
    const at = new Date('2024-06-03T10:00:00+08:00');
    await orderAround(world, worker, at);
    const r = (await report(world, worker, at)).body.reportId;
    const opened = await post('/v1/cases', world.tokens.platform, openCaseBody(r));
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect(opened.body).toMatchObject({ late: true, lateExplanationMissing: true, deadlines: { applicationDue: { date: '2024-06-06', provisional: true } } });
    expect(opened.body.timeline[0].after).toMatchObject({ late: true, lateProvisional: true, applicationDue: '2024-06-06' });

    const loaded = await world.api('PUT', '/v1/calendars/2024', { token: world.tokens.admin, body: { holidays: ['2024-06-10'], workdays: [] } });
    expect(loaded.status, JSON.stringify(loaded.body)).toBe(200);
    const c = (await world.api('GET', `/v1/cases/${opened.body.caseId}`, { token: world.tokens.handler })).body;
    expect(c.deadlines.applicationDue).toEqual({ date: '2024-06-06', provisional: false });
    expect(c).toMatchObject({ late: true, lateExplanationMissing: true });
    const listed = await world.api('GET', '/v1/cases?status=UNDER_REVIEW&province=110000&limit=100', { token: world.tokens.handler });
    expect(listed.body.items.find((i: any) => i.caseId === opened.body.caseId)?.late).toBe(true);
  });
});

describe('reading cases', () => {
  it('lists up to 500 cases a page (the work queue reads 1,000 in two requests); 501 is refused naming limit', async () => {
    const ok = await world.api('GET', '/v1/cases?province=110000&limit=500', { token: world.tokens.handler });
    expect(ok.status).toBe(200);
    expect(Array.isArray(ok.body.items)).toBe(true);
    const refused = await world.api('GET', '/v1/cases?province=110000&limit=501', { token: world.tokens.handler });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e: any) => e.path)).toContain('limit');
  });

  it('shows a case to its worker, its platform and staff of its province; 404 to everyone else', async () => {
    const { caseId, worker } = await openedCase(world);
    for (const token of [worker.token, world.tokens.platform, world.tokens.handler]) {
      expect((await world.api('GET', `/v1/cases/${caseId}`, { token })).status).toBe(200);
    }
    const stranger = await registerWorker(world);
    const otherPlatform = await world.mint({ role: 'platform', sub: 'x', platformId: 'plt_other' });
    for (const token of [stranger.token, otherPlatform, world.tokens.otherProvince]) {
      for (const path of [`/v1/cases/${caseId}`, `/v1/cases/${caseId}/benefits`, `/v1/cases/${caseId}/payments`]) {
        problem(await world.api('GET', path, { token }), 404);
      }
    }
    problem(await world.api('GET', '/v1/cases/C-unknown', { token: world.tokens.handler }), 404);
  });

  it('lists cases for staff by status and province with nextToken; 403 for others; 400 for a bad token', async () => {
    await openedCase(world);
    await openedCase(world);
    const seen = new Set<string>();
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const res = await world.api('GET', `/v1/cases?status=UNDER_REVIEW&province=110000&limit=1${nextToken ? `&nextToken=${nextToken}` : ''}`, {
        token: world.tokens.reviewer,
      });
      expect(res.status).toBe(200);
      for (const item of res.body.items) {
        expect(item.status).toBe('UNDER_REVIEW');
        seen.add(item.caseId);
      }
      nextToken = res.body.nextToken;
      pages++;
    } while (nextToken && pages < 100);
    expect(seen.size).toBeGreaterThanOrEqual(2);
    expect(pages).toBeGreaterThanOrEqual(2);
    const other = await world.api('GET', '/v1/cases?province=110000', { token: world.tokens.otherProvince });
    expect(other.body.items).toEqual([]);
    problem(await world.api('GET', '/v1/cases', { token: world.tokens.platform }), 403);
    problem(await world.api('GET', '/v1/cases?status=NOPE', { token: world.tokens.handler }), 400, 'status');
    problem(await world.api('GET', '/v1/cases?nextToken=garbage', { token: world.tokens.handler }), 400, 'nextToken');
  });
});

describe('case steps', () => {
  it('confirmation: 403 for a reviewer, 404 out of province, 400 basis of another outcome or a refusal without reasons, 409 twice', async () => {
    const { caseId } = await openedCase(world);
    const ok = { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: true };
    problem(await post(`/v1/cases/${caseId}/confirmation`, world.tokens.reviewer, ok), 403);
    problem(await post(`/v1/cases/${caseId}/confirmation`, world.tokens.otherProvince, ok), 404);
    problem(await post(`/v1/cases/${caseId}/confirmation`, world.tokens.handler, { ...ok, basis: 'INTOXICATION' }), 400, 'basis');
    problem(
      await post(`/v1/cases/${caseId}/confirmation`, world.tokens.handler, { outcome: 'NOT_CONFIRMED', basis: 'INTOXICATION', assessmentRequired: false }),
      400,
      'reasons',
    );
    problem(
      await post(`/v1/cases/${caseId}/confirmation`, world.tokens.handler, {
        outcome: 'NOT_CONFIRMED',
        basis: 'INTOXICATION',
        reasons: ['   '],
        assessmentRequired: false,
      }),
      400,
      'reasons',
    );
    problem(
      await post(`/v1/cases/${caseId}/confirmation`, world.tokens.handler, {
        outcome: 'NOT_CONFIRMED',
        basis: 'INTOXICATION',
        reasons: [' ', '  '],
        assessmentRequired: false,
      }),
      400,
      'reasons',
    );
    expect((await post(`/v1/cases/${caseId}/confirmation`, world.tokens.handler, ok)).status).toBe(202);
    problem(await post(`/v1/cases/${caseId}/confirmation`, world.tokens.handler, ok), 409);
    await waitForStatus(world, caseId, 'AWAITING_ASSESSMENT');
    problem(await post(`/v1/cases/${caseId}/confirmation`, world.tokens.handler, ok), 409);
    problem(await post(`/v1/cases/${caseId}/suspension`, world.tokens.handler, { reason: 'x' }), 409);
  });

  it('assessment: 403 for a handler, 400 for grade 11, 409 before AWAITING_ASSESSMENT (also for a reassessment)', async () => {
    const { caseId } = await openedCase(world);
    const body = { grade: 5, nursing: null, concludedOn: '2026-11-01' };
    problem(await post(`/v1/cases/${caseId}/assessment`, world.tokens.handler, body), 403);
    problem(await post(`/v1/cases/${caseId}/assessment`, world.tokens.assessor, { ...body, grade: 11 }), 400, 'grade');
    problem(await post(`/v1/cases/${caseId}/assessment`, world.tokens.assessor, body), 409);
    problem(await post(`/v1/cases/${caseId}/assessment`, world.tokens.assessor, { ...body, type: 'reassessment' }), 409);
  });

  it('dependants: 400 without birthDate for a child, 409 on an injury case (D9)', async () => {
    const { caseId } = await openedCase(world);
    problem(
      await post(`/v1/cases/${caseId}/dependants`, world.tokens.handler, { dependants: [{ name: '张小', relation: 'child', orphanOrAlone: false }] }),
      400,
      'dependants.0.birthDate',
    );
    problem(
      await post(`/v1/cases/${caseId}/dependants`, world.tokens.handler, { dependants: [{ name: '李四', relation: 'spouse', orphanOrAlone: false }] }),
      409,
    );
  });

  it('approval: 409 out of status, 403 for any maker (D14), 400 without the calculation or with a bad decision', async () => {
    const { caseId } = await openedCase(world);
    problem(await post(`/v1/cases/${caseId}/approval`, world.tokens.reviewer, { decision: 'approve', calculationId: 'calc-000001' }), 409);
    const maker = await world.mint({ role: 'handler', sub: 'person-x', provinces: ['110000'] });
    const makerAsReviewer = await world.mint({ role: 'reviewer', sub: 'person-x', provinces: ['110000'] });
    await post(`/v1/cases/${caseId}/expenses`, maker, { items: [{ description: '门诊', amountFen: 1000, inCatalogue: true }], inpatientDays: 0 });
    await post(`/v1/cases/${caseId}/confirmation`, world.tokens.handler, { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: false });
    await waitForStatus(world, caseId, 'AWAITING_APPROVAL');
    const body = await approvalBody(world, caseId);
    problem(await post(`/v1/cases/${caseId}/approval`, makerAsReviewer, body), 403);
    const handlerAsReviewer = await world.mint({ role: 'reviewer', sub: 'handler-1', provinces: ['110000'] });
    problem(await post(`/v1/cases/${caseId}/approval`, handlerAsReviewer, body), 403);
    problem(await post(`/v1/cases/${caseId}/approval`, world.tokens.handler, body), 403);
    problem(await post(`/v1/cases/${caseId}/approval`, world.tokens.reviewer, { ...body, decision: 'maybe' }), 400, 'decision');
    problem(await post(`/v1/cases/${caseId}/approval`, world.tokens.reviewer, { decision: 'approve' }), 400, 'calculationId');
    problem(await post(`/v1/cases/${caseId}/resubmission`, world.tokens.handler, {}), 409);
  });
});

describe('payment runs', () => {
  it('403 for non-admins, 400 for a bad month, 422 for a month other than the current or next, 404 for an unknown run', async () => {
    problem(await post('/v1/payment-runs', world.tokens.handler, { month: '2026-11' }), 403);
    problem(await post('/v1/payment-runs', world.tokens.admin, { month: '2026-13' }), 400, 'month');
    problem(await post('/v1/payment-runs', world.tokens.admin, { month: '2020-01' }), 422, 'month');
    problem(await world.api('GET', '/v1/payment-runs/run-unknown', { token: world.tokens.admin }), 404);
  });
});
