/**
 * Appeals (D17) and assistance between provinces (D18) through the HTTP API on the local stack: an appeal
 * on time and a late one, each result's effect on the status and the payments (already paid amounts
 * netted), on the case view and its timeline; an assistance request seen and answered by the other
 * province's staff, who see no personal field and for whom the case itself stays 404.
 */
import { describe, expect, it } from 'vitest';
import { addDays, SEEDED_CALENDARS, shanghaiDate, WorkingDayCalendar } from '../../core/index.ts';
import { approve, openCaseBody, openedCase, payMinorInjury, registerWorker, report, settleByBank, waitForCase, waitForStatus } from './cases-fixtures.ts';
import { useCaseStack } from './cases-stack.ts';

const env = useCaseStack();

const calendar = new WorkingDayCalendar(SEEDED_CALENDARS);
const today = () => shanghaiDate(new Date());
const post = (path: string, token: string, body: unknown) => env.world.api('POST', path, { token, body });
const get = (path: string, token = env.world.tokens.handler) => env.world.api('GET', path, { token });
const fileAppeal = (caseId: string, token: string, body: Record<string, unknown>) => post(`/v1/cases/${caseId}/appeals`, token, body);
const decide = (caseId: string, appealId: string, result: string, token = env.world.tokens.handler) =>
  post(`/v1/cases/${caseId}/appeals/${appealId}/result`, token, { result, decidedOn: today(), summary: `复议决定：${result}` });
const sumFen = (payments: { amountFen: number }[]) => payments.reduce((s, p) => s + p.amountFen, 0);

/** A minor injury approved and paid by the bank: one payment of 80,000 fen (payMinorInjury's expenses). */
async function paidMinorInjury() {
  const opened = await openedCase(env.world);
  await payMinorInjury(env.world, opened.caseId);
  const paid = await settleByBank(env.world, opened.caseId);
  expect(paid.status).toBe('PAID');
  expect(paid.payments.map((p: any) => [p.amountFen, p.status])).toEqual([[80_000, 'PAID']]);
  return { ...opened, paid };
}

/** An injury confirmed with an assessment concluded on `concludedOn` (grade `grade`), awaiting approval. */
async function assessedCase(concludedOn: string, grade = 9) {
  const opened = await openedCase(env.world);
  const { caseId } = opened;
  expect(
    (await post(`/v1/cases/${caseId}/confirmation`, env.world.tokens.handler, { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: true }))
      .status,
  ).toBe(202);
  await waitForStatus(env.world, caseId, 'AWAITING_ASSESSMENT');
  expect((await post(`/v1/cases/${caseId}/assessment`, env.world.tokens.assessor, { grade, nursing: null, concludedOn })).status).toBe(202);
  await waitForStatus(env.world, caseId, 'AWAITING_APPROVAL');
  return opened;
}

describe('appeals (D17)', () => {
  it('on time: filed by the worker against the confirmation, due 60 days after it (D12), late false, on the case and its timeline', async () => {
    const { caseId, worker } = await paidMinorInjury();
    const res = await fileAppeal(caseId, worker.token, { kind: 'RECONSIDERATION', against: 'CONFIRMATION', filedOn: today() });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ appealId: 'A1', due: calendar.addCalendarDaysShifted(today(), 60), late: false });
    // One open appeal per case and kind of decision; no assessment to appeal on a fast-track case.
    const again = await fileAppeal(caseId, env.world.tokens.platform, { kind: 'LITIGATION', against: 'CONFIRMATION', filedOn: today() });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('APPEAL_OPEN');
    const none = await fileAppeal(caseId, env.world.tokens.handler, { kind: 'RECONSIDERATION', against: 'ASSESSMENT', filedOn: today() });
    expect(none.status).toBe(409);
    expect(none.body.code).toBe('NO_DECISION_TO_APPEAL');

    // UPHELD: nothing changes — the status, the payments.
    expect((await decide(caseId, 'A1', 'UPHELD')).status).toBe(202);
    const c = await waitForCase(env.world, caseId, () => true);
    expect(c.status).toBe('PAID');
    expect(c.payments.map((p: any) => [p.amountFen, p.status])).toEqual([[80_000, 'PAID']]);
    expect(c.appeals).toEqual([
      expect.objectContaining({ appealId: 'A1', kind: 'RECONSIDERATION', against: 'CONFIRMATION', late: false, result: 'UPHELD', decidedOn: today() }),
    ]);
    const actions = c.timeline.map((e: any) => e.action);
    expect(actions.slice(-2)).toEqual(['appeal.filed', 'appeal.decided']);
    expect(c.timeline.at(-2)).toMatchObject({ actor: `worker-${worker.workerId}`, after: { appealId: 'A1', late: false } });
    // A second result of the same appeal → 409; litigation now runs 15 days from the reconsideration result.
    expect((await decide(caseId, 'A1', 'OVERTURNED')).body.code).toBe('APPEAL_DECIDED');
    const litigation = await fileAppeal(caseId, env.world.tokens.platform, { kind: 'LITIGATION', against: 'CONFIRMATION', filedOn: today() });
    expect(litigation.status).toBe(201);
    expect(litigation.body).toEqual({ appealId: 'A2', due: calendar.addCalendarDaysShifted(today(), 15), late: false });
  });

  it('late: an appeal against an assessment concluded 100 days ago is recorded with late: true', async () => {
    const concludedOn = addDays(today(), -100);
    const { caseId } = await assessedCase(concludedOn);
    const res = await fileAppeal(caseId, env.world.tokens.handler, { kind: 'RECONSIDERATION', against: 'ASSESSMENT', filedOn: today() });
    expect(res.status).toBe(201);
    const due = calendar.addCalendarDaysShifted(concludedOn, 60);
    expect(res.body).toEqual({ appealId: 'A1', due, late: true });
    expect(due.date < today()).toBe(true);
    const c = (await get(`/v1/cases/${caseId}`)).body;
    expect(c.appeals[0]).toMatchObject({ against: 'ASSESSMENT', decisionOn: concludedOn, late: true });
    expect(c.status).toBe('AWAITING_APPROVAL');
  });

  it('OVERTURNED confirmation of a refused case: back UNDER_REVIEW, its clock from the result, confirmed again and paid', async () => {
    const { caseId, worker } = await openedCase(env.world);
    await post(`/v1/cases/${caseId}/confirmation`, env.world.tokens.handler, {
      outcome: 'NOT_CONFIRMED',
      basis: 'INTOXICATION',
      reasons: ['血液酒精含量 120mg/100ml'],
      assessmentRequired: false,
    });
    await waitForStatus(env.world, caseId, 'NOT_CONFIRMED');
    const filed = await fileAppeal(caseId, worker.token, { kind: 'RECONSIDERATION', against: 'CONFIRMATION', filedOn: today() });
    expect(filed.status).toBe(201);
    // Only a handler records the result (403 for the worker).
    expect((await decide(caseId, 'A1', 'OVERTURNED', worker.token)).status).toBe(403);
    expect((await decide(caseId, 'A1', 'OVERTURNED')).status).toBe(202);
    const c = await waitForStatus(env.world, caseId, 'UNDER_REVIEW');
    expect(c.confirmation).toBeUndefined();
    expect(c.deadlines.confirmationDue).toEqual(calendar.addCalendarDaysShifted(today(), 60));
    expect(c.timeline.at(-1)).toMatchObject({
      actor: 'workflow',
      action: 'status.changed',
      step: 'appeal-result',
      before: { status: 'NOT_CONFIRMED' },
      after: { status: 'UNDER_REVIEW' },
    });
    expect(c.timeline.at(-2)).toMatchObject({ action: 'appeal.decided', after: { result: 'OVERTURNED', returnsTo: 'UNDER_REVIEW' } });
    const paid = await payMinorInjury(env.world, caseId);
    expect(paid.payments.map((p: any) => p.amountFen)).toEqual([80_000]);
  });

  it('OVERTURNED confirmation of a paid case: decided again; the new approval pays nothing already paid', async () => {
    const { caseId } = await paidMinorInjury();
    await fileAppeal(caseId, env.world.tokens.platform, { kind: 'RECONSIDERATION', against: 'CONFIRMATION', filedOn: today() });
    expect((await decide(caseId, 'A1', 'OVERTURNED')).status).toBe(202);
    await waitForStatus(env.world, caseId, 'UNDER_REVIEW');
    await post(`/v1/cases/${caseId}/confirmation`, env.world.tokens.handler, { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: false });
    await waitForStatus(env.world, caseId, 'AWAITING_APPROVAL');
    expect((await approve(env.world, caseId)).status).toBe(202);
    // Nothing more is owed: no new payment, and the case is paid at once (contract: an approval with no one-off amount).
    const c = await waitForStatus(env.world, caseId, 'PAID');
    expect(c.payments.map((p: any) => [p.amountFen, p.status])).toEqual([[80_000, 'PAID']]);
  });

  it('VARIED assessment: back to AWAITING_ASSESSMENT; the new grade is paid only for the difference', async () => {
    const { caseId } = await assessedCase(addDays(today(), -10), 9);
    const before = (await get(`/v1/cases/${caseId}/benefits`)).body;
    expect((await approve(env.world, caseId)).status).toBe(202);
    await waitForStatus(env.world, caseId, 'APPROVED');
    const paid = await settleByBank(env.world, caseId);
    expect(paid.status).toBe('PAID');
    expect(sumFen(paid.payments)).toBe(before.oneOffTotalFen);

    await fileAppeal(caseId, env.world.tokens.handler, { kind: 'LITIGATION', against: 'ASSESSMENT', filedOn: today() });
    expect((await decide(caseId, 'A1', 'VARIED')).status).toBe(202);
    const back = await waitForStatus(env.world, caseId, 'AWAITING_ASSESSMENT');
    expect(back.deadlines.assessmentDue).toEqual(calendar.addCalendarDaysShifted(today(), 60));
    expect(back.timeline.at(-1)).toMatchObject({ step: 'appeal-result', before: { status: 'PAID' }, after: { status: 'AWAITING_ASSESSMENT' } });

    await post(`/v1/cases/${caseId}/assessment`, env.world.tokens.assessor, { grade: 7, nursing: null, concludedOn: today() });
    await waitForStatus(env.world, caseId, 'AWAITING_APPROVAL');
    const after = (await get(`/v1/cases/${caseId}/benefits`)).body;
    expect(after.oneOffTotalFen).toBeGreaterThan(before.oneOffTotalFen);
    expect((await approve(env.world, caseId)).status).toBe(202);
    const c = await waitForCase(env.world, caseId, (x) => x.payments.length === 2);
    expect(c.payments[1].amountFen).toBe(after.oneOffTotalFen - before.oneOffTotalFen);
    expect(sumFen(c.payments)).toBe(after.oneOffTotalFen);
  });

  it('VARIED benefits: recalculated and AWAITING_APPROVAL; an added expense is all the new approval pays', async () => {
    const { caseId, paid } = await paidMinorInjury();
    const approvedCalc = paid.benefits.calculationId;
    await fileAppeal(caseId, env.world.tokens.platform, { kind: 'RECONSIDERATION', against: 'BENEFITS', filedOn: today() });
    expect((await decide(caseId, 'A1', 'VARIED')).status).toBe(202);
    const back = await waitForStatus(env.world, caseId, 'AWAITING_APPROVAL');
    expect(back.benefits.calculationId).not.toBe(approvedCalc);
    expect(back.benefits.oneOffTotalFen).toBe(80_000);
    expect(back.timeline.at(-1)).toMatchObject({
      step: 'appeal-result',
      before: { status: 'PAID' },
      after: { status: 'AWAITING_APPROVAL', oneOffTotalFen: 80_000 },
    });
    // The reconsideration found a missed bill: added, recalculated, approved; only it is paid.
    await post(`/v1/cases/${caseId}/expenses`, env.world.tokens.handler, {
      items: [{ description: '复查门诊', amountFen: 20_000, inCatalogue: true }],
      inpatientDays: 0,
    });
    expect((await approve(env.world, caseId)).status).toBe(202);
    const c = await waitForCase(env.world, caseId, (x) => x.payments.length === 2);
    expect(c.payments.map((p: any) => p.amountFen)).toEqual([80_000, 20_000]);
  });

  it('refuses an unknown appeal (404), a bad body (400) and a filing date before the decision (400)', async () => {
    const { caseId } = await paidMinorInjury();
    expect((await decide(caseId, 'A9', 'UPHELD')).status).toBe(404);
    const bad = await fileAppeal(caseId, env.world.tokens.handler, { kind: 'APPEAL', against: 'CONFIRMATION', filedOn: today(), extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(['extra', 'kind']);
    const early = await fileAppeal(caseId, env.world.tokens.handler, { kind: 'RECONSIDERATION', against: 'BENEFITS', filedOn: addDays(today(), -1) });
    expect(early.status).toBe(400);
    expect(early.body.errors[0].path).toBe('filedOn');
    expect((await get(`/v1/cases/${caseId}`)).body.appeals).toBeUndefined();
  });
});

describe('the province a case belongs to (D18)', () => {
  it("is the covering order's: a report filed from Beijing about a Shanghai order is covered and its case is Shanghai's", async () => {
    const { world } = env;
    const joined = await world.api('POST', `/v1/platforms/${world.platformId}/provinces`, {
      token: world.tokens.admin,
      body: { code: '310000', joinedOn: '2024-01-01' },
    });
    expect([200, 201, 409]).toContain(joined.status);
    const worker = await registerWorker(world);
    const at = new Date(Date.now() - 30 * 60_000);
    const orderId = `o-sh-${Date.now().toString(36)}`;
    const order = await world.api('POST', `/v1/platforms/${world.platformId}/orders`, {
      token: world.tokens.platform,
      body: {
        orders: [
          {
            orderId,
            platformWorkerId: worker.platformWorkerId,
            industry: 'INSTANT_DELIVERY',
            province: '310000',
            acceptedAt: new Date(at.getTime() - 3_600_000).toISOString(),
          },
        ],
      },
    });
    expect(order.body.results[0].status).toBe('accepted');
    // Filed with province 110000 (where the rider lives): before D18 routing this was NO_ORDER_AT_TIME.
    const filed = await report(world, worker, at);
    expect(filed.status).toBe(201);
    expect(filed.body.coverage).toEqual({ covered: true, orderId, reason: 'COVERED' });
    const opened = await world.api('POST', '/v1/cases', { token: world.tokens.platform, body: openCaseBody(filed.body.reportId) });
    expect(opened.status).toBe(201);
    const caseId = opened.body.caseId as string;
    // Shanghai's staff decide it; Beijing's handler does not see it.
    const shanghai = await world.api('GET', `/v1/cases/${caseId}`, { token: world.tokens.otherProvince });
    expect(shanghai.status).toBe(200);
    expect(shanghai.body.province).toBe('310000');
    expect((await world.api('GET', `/v1/cases/${caseId}`, { token: world.tokens.handler })).status).toBe(404);
  });
});

describe('assistance between provinces (D18)', () => {
  const PERSONAL = ['张三', '6222020200112230', 'payee', 'workerId', 'idNumber', 'name', 'phone', 'bankAccount', 'diagnosis', 'expenses'];

  it("is seen and answered by the other province's staff, with the case's non-personal facts only; the case stays 404 to them", async () => {
    const { caseId, worker } = await paidMinorInjury();
    const sh = env.world.tokens.otherProvince; // a handler of 310000
    // Asking one's own province is not assistance (400); only a handler of the case's province asks.
    expect((await post(`/v1/cases/${caseId}/assistance-requests`, env.world.tokens.handler, { province: '110000', task: '调查' })).status).toBe(400);
    expect((await post(`/v1/cases/${caseId}/assistance-requests`, sh, { province: '310000', task: '调查' })).status).toBe(404);
    const created = await post(`/v1/cases/${caseId}/assistance-requests`, env.world.tokens.handler, {
      province: '310000',
      task: '请调取上海某医院的门诊病历。',
    });
    expect(created.status).toBe(201);
    const { requestId } = created.body;

    const received = await get('/v1/assistance-requests', sh);
    expect(received.status).toBe(200);
    const item = received.body.items.find((i: any) => i.requestId === requestId);
    expect(Object.keys(item).sort()).toEqual(['caseId', 'fromProvince', 'kind', 'occurredOn', 'place', 'province', 'requestId', 'requestedAt', 'task']);
    expect(item).toMatchObject({ caseId, fromProvince: '110000', province: '310000', kind: 'injury', place: '朝阳区建国路' });
    const seen = JSON.stringify(received.body);
    for (const field of [...PERSONAL, worker.idNumber, worker.workerId]) expect(seen).not.toContain(field);

    // The case and its parts stay 404 to the assisting staff.
    for (const path of [`/v1/cases/${caseId}`, `/v1/cases/${caseId}/benefits`, `/v1/cases/${caseId}/payments`, `/v1/cases/${caseId}/documents`])
      expect((await get(path, sh)).status).toBe(404);
    // The deciding province does not answer its own request (not addressed to it: 404), nor see it as received.
    expect((await post(`/v1/assistance-requests/${requestId}/answer`, env.world.tokens.handler, { answer: '自答' })).status).toBe(404);
    expect((await get('/v1/assistance-requests')).body.items.some((i: any) => i.requestId === requestId)).toBe(false);

    const answered = await post(`/v1/assistance-requests/${requestId}/answer`, sh, { answer: '病历已调取，与申报一致。' });
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ requestId, answer: '病历已调取，与申报一致。' });
    for (const field of PERSONAL) expect(JSON.stringify(answered.body)).not.toContain(field);
    const twice = await post(`/v1/assistance-requests/${requestId}/answer`, sh, { answer: '再答' });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('ASSISTANCE_ANSWERED');

    // The deciding province sees the answer among the requests it sent.
    const sent = await get('/v1/assistance-requests?direction=sent');
    expect(sent.body.items.find((i: any) => i.requestId === requestId)).toMatchObject({ answer: '病历已调取，与申报一致。', answeredAt: expect.any(String) });
    expect((await get(`/v1/cases/${caseId}`, sh)).status).toBe(404);
  });

  it('is accepted in every status (here NOT_CONFIRMED) and refuses unknown requests (404) and bad queries (400)', async () => {
    const { caseId } = await openedCase(env.world);
    await post(`/v1/cases/${caseId}/confirmation`, env.world.tokens.handler, {
      outcome: 'NOT_CONFIRMED',
      basis: 'INTOXICATION',
      reasons: ['醉酒'],
      assessmentRequired: false,
    });
    await waitForStatus(env.world, caseId, 'NOT_CONFIRMED');
    expect((await post(`/v1/cases/${caseId}/assistance-requests`, env.world.tokens.handler, { province: '440000', task: '走访调查' })).status).toBe(201);
    expect((await post('/v1/assistance-requests/AR0000000000000000/answer', env.world.tokens.otherProvince, { answer: 'x' })).status).toBe(404);
    expect((await get('/v1/assistance-requests?direction=both', env.world.tokens.otherProvince)).status).toBe(400);
  });
});
