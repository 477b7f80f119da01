/**
 * Month close, settlement, credit records and employment reports (D19) on the local stack: the daily close
 * (invoked as EventBridge Scheduler would, with its scheduled time) closes a month on its day, once; a late
 * order is rejected MONTH_CLOSED item by item; an administrator reopens the month with a reason, the late
 * order is accepted, the month is closed again (both on the audit record); the unpaid bill's credit record
 * is resolved by the settlement that completes it and stays listed; a platform's late injury report
 * creates a LATE_INJURY_REPORT record; the employment report (JSON, CSV, xlsx) equals counts made here
 * from the data this test sent.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addDays, addMonthsToMonth, closesOn, shanghaiDate, shanghaiMonth, shanghaiStartOfDay } from '../../core/index.ts';
import { localStepFunctions, type LocalStepFunctions } from '../../local/stepfunctions/index.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { adminClaims, platformBody, platformClaims, workerItem } from '../support/fixtures.ts';
import { openCaseBody, PROVINCE, registerWorker, report, setUpWorld, type Worker, type World } from './cases-fixtures.ts';

let stack: TestStack;
let sfn: LocalStepFunctions;
let world: World;
const now = new Date();
/** The month this test bills: the current one (open by its date), closed here by the scheduled close on its day. */
const month = shanghaiMonth(now);
const DUE_DAY = 15;
const closeDay = closesOn(month, DUE_DAY);
/** 00:00 Asia/Shanghai after closesOn: the moment the month becomes CLOSED. */
const closingMoment = shanghaiStartOfDay(addDays(closeDay, 1));

const hex = (n: number) => randomBytes(n).toString('hex');
const post = (path: string, token: string, body?: unknown) => world.api('POST', path, { token, ...(body === undefined ? {} : { body }) });
const get = (path: string, token = world.tokens.admin) => world.api('GET', path, { token });
const declarationPath = () => `/v1/platforms/${world.platformId}/declarations/${month}`;

/** What this test sent, to count independently of the service. */
const sent: { worker: Worker; acceptedAt: string; order?: ReturnType<typeof orderAt> }[] = [];

/** Orders accepted `hoursAgo` before now (this month: the test keeps them after the 1st, 00:00 Shanghai). */
const orderAt = (worker: Worker, acceptedAt: Date) => ({
  orderId: `o-${hex(5)}`,
  platformWorkerId: worker.platformWorkerId,
  industry: 'INSTANT_DELIVERY',
  province: PROVINCE,
  acceptedAt: acceptedAt.toISOString(),
});

/** Moments inside this month and not in the future: the month's first day at 09:00 plus `hours`, capped at now. */
const inMonth = (hours: number) => {
  const start = new Date(`${month}-01T09:00:00+08:00`).getTime();
  return new Date(Math.min(start + hours * 3_600_000, now.getTime() - 60_000));
};

let rateFen: number;
let workers: Worker[];

beforeAll(async () => {
  sfn = localStepFunctions({ sweepIntervalMs: 0 });
  stack = await startTestStack({ services: [sfn] });
  world = await setUpWorld(
    (m, p, o) => stack.api(m, p, o),
    (c) => stack.token(c),
  );
  rateFen = (
    await get(`/v1/parameters/resolve?name=contributionRateFen&on=${month}-01&province=${PROVINCE}&industry=INSTANT_DELIVERY&platformId=${world.platformId}`)
  ).body.value;
  expect(rateFen).toBeGreaterThan(0);
  workers = [await registerWorker(world), await registerWorker(world), await registerWorker(world)];
  // Worker 0: three orders on two days; worker 1: one order; worker 2: none (registered, not enrolled).
  const orders = [
    { worker: workers[0]!, at: inMonth(0) },
    { worker: workers[0]!, at: inMonth(1) },
    { worker: workers[0]!, at: inMonth(25) },
    { worker: workers[1]!, at: inMonth(2) },
  ];
  const bodies = orders.map((o) => orderAt(o.worker, o.at));
  const res = await post(`/v1/platforms/${world.platformId}/orders`, world.tokens.platform, { orders: bodies });
  expect(res.status).toBe(200);
  expect(res.body.accepted).toBe(orders.length);
  for (const [i, o] of orders.entries()) sent.push({ worker: o.worker, acceptedAt: o.at.toISOString(), order: bodies[i]! });
});
afterAll(async () => {
  await stack?.stop();
});

describe('month close (D19)', () => {
  it('the declaration shows OPEN, its closesOn and what is due before the close', async () => {
    const d = (await get(declarationPath())).body;
    expect(d).toMatchObject({
      status: 'OPEN',
      closesOn: closeDay,
      provisional: true,
      settledFen: 0,
      totalFen: sent.length * rateFen,
      dueFen: sent.length * rateFen,
    });
  });

  it('the scheduled close does nothing on closesOn itself, closes the month at 00:00 after it, and only once', async () => {
    const before = await sfn.monthCloseNow(new Date(closingMoment.getTime() - 60_000));
    expect(before.months).not.toContain(month);
    expect((await get(declarationPath())).body.status).toBe('OPEN');

    const first = await sfn.monthCloseNow(closingMoment);
    expect(first.months).toContain(month);
    expect(first.closed).toBeGreaterThanOrEqual(1);
    const closed = (await get(declarationPath())).body;
    expect(closed).toMatchObject({ status: 'CLOSED', provisional: false, totalFen: sent.length * rateFen, settledFen: 0 });

    const again = await sfn.monthCloseNow(closingMoment);
    expect(again.closed).toBe(0);
    expect(again.already).toBe(first.closed + first.already);
    expect((await get(declarationPath())).body).toEqual(closed);
  });

  it('an unpaid bill has created one UNPAID_CONTRIBUTIONS record for the platform and month', async () => {
    const records = (await get(`/v1/credit-records?platformId=${world.platformId}&status=open`)).body.items;
    const unpaid = records.filter((r: any) => r.type === 'UNPAID_CONTRIBUTIONS');
    expect(unpaid).toEqual([
      {
        recordId: `CR-UNPAID-${world.platformId}-${month}`,
        platformId: world.platformId,
        type: 'UNPAID_CONTRIBUTIONS',
        status: 'open',
        fact: { month, dueOn: closeDay, totalFen: sent.length * rateFen },
        since: addDays(closeDay, 1),
      },
    ]);
  });

  it('a late order for the closed month is rejected MONTH_CLOSED on its item; a re-sent stored order stays a duplicate', async () => {
    const late = orderAt(workers[1]!, inMonth(3));
    const resent = sent[0]!.order!;
    const res = await post(`/v1/platforms/${world.platformId}/orders`, world.tokens.platform, { orders: [late, resent, { ...resent, finishedAt: 'x' }] });
    expect(res.status).toBe(200);
    expect(res.body.results[0]).toEqual({
      index: 0,
      orderId: late.orderId,
      status: 'rejected',
      errors: [{ path: 'orders.0.acceptedAt', code: 'MONTH_CLOSED', message: expect.stringContaining('关账') }],
    });
    expect(res.body.results[1]).toEqual({ index: 1, orderId: resent.orderId, status: 'duplicate' });
    // A bad item is rejected for what is wrong with it, not for the month.
    expect(res.body.results[2].status).toBe('rejected');
    expect(res.body.results[2].errors[0].code).toBeUndefined();
    expect(res.body).toMatchObject({ accepted: 0, duplicates: 1, rejected: 2 });
    expect((await get(declarationPath())).body.totalFen).toBe(sent.length * rateFen);
    lateOrder = late;
  });

  it('an administrator reopens the month with a reason; the late order is then accepted and counted once', async () => {
    expect((await post(`${declarationPath()}/reopening`, world.tokens.platform, { reason: '故障补报' })).status).toBe(403);
    expect((await post(`${declarationPath()}/reopening`, world.tokens.admin, {})).status).toBe(400);
    expect((await post(`${declarationPath()}/closing`, world.tokens.admin)).status).toBe(409);
    const reopened = await post(`${declarationPath()}/reopening`, world.tokens.admin, { reason: '平台接口故障，补报订单' });
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({ status: 'REOPENED', provisional: true });
    expect((await post(`${declarationPath()}/reopening`, world.tokens.admin, { reason: '再次' })).status).toBe(409);

    const res = await post(`/v1/platforms/${world.platformId}/orders`, world.tokens.platform, { orders: [lateOrder, lateOrder] });
    expect(res.body.results.map((r: any) => r.status)).toEqual(['accepted', 'duplicate']);
    sent.push({ worker: workers[1]!, acceptedAt: lateOrder.acceptedAt });
    expect((await get(declarationPath())).body.totalFen).toBe(sent.length * rateFen);
  });

  it('closing it again makes it CLOSED with the late order in the total; both changes are on the audit record', async () => {
    const closed = await post(`${declarationPath()}/closing`, world.tokens.admin, { reason: '补报完成' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'CLOSED', provisional: false, totalFen: sent.length * rateFen, dueFen: sent.length * rateFen });
    const again = await post(`/v1/platforms/${world.platformId}/orders`, world.tokens.platform, { orders: [orderAt(workers[1]!, inMonth(4))] });
    expect(again.body.results[0].errors[0].code).toBe('MONTH_CLOSED');
    // The open record of the first close now says the new total (the late order is due too).
    const records = (await get(`/v1/credit-records?platformId=${world.platformId}&status=open`)).body.items;
    expect(records.filter((r: any) => r.type === 'UNPAID_CONTRIBUTIONS').map((r: any) => r.fact)).toEqual([
      { month, dueOn: closeDay, totalFen: sent.length * rateFen },
    ]);

    const audit = await import('../../functions/_shared/audit.ts');
    const store = {
      client: DynamoDBDocumentClient.from(
        new DynamoDBClient({ endpoint: inject('ddbEndpoint'), region: 'cn-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
      ),
      table: stack.tables.REGISTRY_TABLE!,
    };
    const chain = await audit.readAuditChain('declaration', `${world.platformId}#${month}`, store);
    expect(chain.map((r) => [r.action, r.actor])).toEqual([
      ['declaration.reopened', 'admin-1'],
      ['declaration.closed', 'admin-1'],
    ]);
    expect(chain[0]!.after).toEqual({ status: 'REOPENED', reason: '平台接口故障，补报订单' });
    expect(chain[1]!.after).toEqual({ status: 'CLOSED', totalFen: sent.length * rateFen, reason: '补报完成' });
    expect((await audit.verifyAuditChain('declaration', `${world.platformId}#${month}`, store)).ok).toBe(true);
  });

  it('a partial settlement leaves the record open; the one completing the bill resolves it, and the record stays', async () => {
    const total = sent.length * rateFen;
    expect((await post(`${declarationPath()}/settlements`, world.tokens.admin, { amountFen: 0, paidOn: '2026-01-01' })).status).toBe(400);
    expect((await post(`${declarationPath()}/settlements`, world.tokens.platform, { amountFen: 1, paidOn: '2026-01-01' })).status).toBe(403);
    const part = await post(`${declarationPath()}/settlements`, world.tokens.admin, { amountFen: total - 1, paidOn: addDays(closeDay, 2) });
    expect(part.status).toBe(201);
    expect(part.body).toMatchObject({ platformId: world.platformId, month, amountFen: total - 1 });
    expect((await get(`/v1/credit-records?platformId=${world.platformId}&status=open`)).body.items.some((r: any) => r.type === 'UNPAID_CONTRIBUTIONS')).toBe(
      true,
    );
    expect((await get(declarationPath())).body).toMatchObject({ settledFen: total - 1, dueFen: 1 });

    const rest = await post(`${declarationPath()}/settlements`, world.tokens.admin, { amountFen: 1, paidOn: addDays(closeDay, 5) });
    expect(rest.status).toBe(201);
    expect((await get(declarationPath())).body).toMatchObject({ settledFen: total, dueFen: 0 });
    const resolved = (await get(`/v1/credit-records?platformId=${world.platformId}&status=resolved`)).body.items;
    expect(resolved).toEqual([
      expect.objectContaining({ recordId: `CR-UNPAID-${world.platformId}-${month}`, status: 'resolved', resolvedOn: addDays(closeDay, 5) }),
    ]);
  });
});

let lateOrder: ReturnType<typeof orderAt>;
let lateCaseId: string;
const reportIds: { reportId: string; occurredAt: string }[] = [];

describe('late platform injury report (D6, D19)', () => {
  it('a case the platform opens after its 3-working-day deadline creates a LATE_INJURY_REPORT record, listed for the platform', async () => {
    // Ten days ago: past 3 working days whatever the calendar; the order and the report sit in that month.
    const at = new Date(now.getTime() - 10 * 86_400_000);
    const worker = await registerWorker(world);
    const orderMonth = shanghaiMonth(at);
    // That month may be closed already (early in a month): reopen it for the order, as an administrator would.
    const state = (await get(`/v1/platforms/${world.platformId}/declarations/${orderMonth}`)).body.status;
    if (state === 'CLOSED') await post(`/v1/platforms/${world.platformId}/declarations/${orderMonth}/reopening`, world.tokens.admin, { reason: '测试补报' });
    const ordered = await post(`/v1/platforms/${world.platformId}/orders`, world.tokens.platform, {
      orders: [orderAt(worker, new Date(at.getTime() - 3_600_000))],
    });
    expect(ordered.body.accepted).toBe(1);
    const r = await report(world, worker, at);
    expect(r.status).toBe(201);
    reportIds.push({ reportId: r.body.reportId, occurredAt: at.toISOString() });
    const opened = await post('/v1/cases', world.tokens.platform, openCaseBody(r.body.reportId, 'injury', 'platform', { lateExplanation: '骑手未及时告知' }));
    expect(opened.status).toBe(201);
    expect(opened.body.late).toBe(true);
    lateCaseId = opened.body.caseId;
    const mine = (await get('/v1/credit-records', world.tokens.platform)).body.items;
    const late = mine.filter((x: any) => x.type === 'LATE_INJURY_REPORT');
    expect(late).toEqual([
      {
        recordId: `CR-LATE-${lateCaseId}`,
        platformId: world.platformId,
        type: 'LATE_INJURY_REPORT',
        status: 'open',
        fact: { caseId: lateCaseId, dueOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), filedOn: shanghaiDate(new Date()) },
        since: shanghaiDate(new Date()),
      },
    ]);
    expect(late[0].fact.dueOn < late[0].fact.filedOn).toBe(true);
  });

  it('a worker opening their own late case creates none; another platform sees none of these records', async () => {
    const worker = await registerWorker(world);
    const at = new Date(now.getTime() - 10 * 86_400_000);
    const r = await report(world, worker, at, worker.token);
    expect(r.status).toBe(201);
    reportIds.push({ reportId: r.body.reportId, occurredAt: at.toISOString() });
    const before = (await get('/v1/credit-records')).body.items.length;
    const opened = await post('/v1/cases', worker.token, openCaseBody(r.body.reportId, 'injury', 'worker', { lateExplanation: '住院' }));
    expect(opened.status).toBe(201);
    expect((await get('/v1/credit-records')).body.items.length).toBe(before);
    const other = await world.mint({ role: 'platform', sub: 'platform-other', platformId: 'plt_other' });
    expect((await get('/v1/credit-records', other)).body.items).toEqual([]);
    expect((await get(`/v1/credit-records?platformId=${world.platformId}`, other)).status).toBe(404);
    expect((await get('/v1/credit-records', world.tokens.handler)).body.items.length).toBe(before);
    expect((await get('/v1/credit-records?status=bogus')).status).toBe(400);
  });
});

describe('employment report (D19)', () => {
  it('equals the counts made here from the orders, reports and cases this test sent', async () => {
    // A report and case inside the billed month (when the month has begun long enough ago), counted here too.
    const inThisMonth = reportIds.filter((r) => shanghaiMonth(r.occurredAt) === month);
    const res = await get(`/v1/platforms/${world.platformId}/employment-reports/${month}`, world.tokens.platform);
    expect(res.status).toBe(200);
    const days = new Set(sent.map((s) => `${s.worker.workerId}|${shanghaiDate(s.acceptedAt)}`));
    const expected = {
      workers: new Set(sent.map((s) => s.worker.workerId)).size,
      enrolmentDays: days.size,
      orders: sent.length,
      feeFen: sent.length * rateFen,
      injuryReports: inThisMonth.length,
    };
    expect(res.body.totals).toEqual(expected);
    expect(res.body.byProvince).toEqual([{ province: PROVINCE, workers: expected.workers, enrolmentDays: expected.enrolmentDays }]);
    expect(res.body.byProvinceIndustry).toEqual([{ province: PROVINCE, industry: 'INSTANT_DELIVERY', orders: sent.length, feeFen: sent.length * rateFen }]);
    const cases = Object.values(res.body.casesByStatus as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(cases).toBe(inThisMonth.length);
    report0 = res.body;
  });

  it('the previous month reports the late injury report and its case by status', async () => {
    const lateMonth = shanghaiMonth(reportIds[0]!.occurredAt);
    const res = await get(`/v1/platforms/${world.platformId}/employment-reports/${lateMonth}`, world.tokens.handler);
    expect(res.status).toBe(200);
    const expectedReports = reportIds.filter((r) => shanghaiMonth(r.occurredAt) === lateMonth).length;
    expect(res.body.totals.injuryReports).toBe(expectedReports);
    expect(res.body.casesByStatus.UNDER_REVIEW).toBe(expectedReports);
  });

  it('downloads as CSV and as an Excel workbook with Chinese headers and the same figures', async () => {
    const csv = await world.api('GET', `/v1/platforms/${world.platformId}/employment-reports/${month}?format=csv`, { token: world.tokens.admin });
    expect(csv.status).toBe(200);
    const text = typeof csv.body === 'string' ? csv.body : String(csv.body);
    const lines = text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe('月份,指标,省份,行业,案件状态,数值');
    const figure = (rows: string[][], name: string) => Number(rows.find((r) => r[1] === name && r[2] === '合计' && r[3] === '合计')?.[5]);
    const csvRows = lines.slice(1).map((l) => l.split(','));
    expect(figure(csvRows, '参保劳动者人数')).toBe(report0.totals.workers);
    expect(figure(csvRows, '参保天数')).toBe(report0.totals.enrolmentDays);
    expect(figure(csvRows, '订单数')).toBe(sent.length);
    expect(figure(csvRows, '缴费金额（分）')).toBe(sent.length * rateFen);

    const xlsx = await fetch(`${stack.url}/v1/platforms/${world.platformId}/employment-reports/${month}?format=xlsx`, {
      headers: { authorization: `Bearer ${world.tokens.admin}` },
    });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    const sheet = workbook.getWorksheet('用工情况报告')!;
    const rows: string[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
    expect(rows[0]).toEqual(['月份', '指标', '省份', '行业', '案件状态', '数值']);
    expect(rows.slice(1)).toEqual(csvRows);
  });

  it('is the platform’s own: another platform gets 404, a worker 403, a bad month or format 400', async () => {
    const other = await world.mint({ role: 'platform', sub: 'platform-other', platformId: 'plt_other' });
    expect((await get(`/v1/platforms/${world.platformId}/employment-reports/${month}`, other)).status).toBe(404);
    expect((await get(`/v1/platforms/${world.platformId}/employment-reports/${month}`, workers[0]!.token)).status).toBe(403);
    expect((await get(`/v1/platforms/${world.platformId}/employment-reports/2025-13`)).status).toBe(400);
    expect((await get(`/v1/platforms/${world.platformId}/employment-reports/${month}?format=pdf`)).status).toBe(400);
  });
});

let report0: any;

describe('the one-off backfill of months the daily close never reached (D19, docs/settlement.md)', () => {
  it('closes every month from its first, with the unpaid record the daily close did not create, and only once', async () => {
    const created = await stack.api('POST', '/v1/platforms', { token: adminClaims, body: platformBody() });
    expect(created.status).toBe(201);
    const pid: string = created.body.platformId;
    const token = platformClaims(pid);
    expect((await stack.api('PUT', `/v1/platforms/${pid}/workers`, { token, body: { workers: [workerItem(1)] } })).status).toBe(200);
    const at = inMonth(0);
    const billed = shanghaiMonth(at);
    const order = { orderId: `o-${hex(5)}`, platformWorkerId: 'rider-1', industry: 'INSTANT_DELIVERY', province: '110000', acceptedAt: at.toISOString() };
    expect((await stack.api('POST', `/v1/platforms/${pid}/orders`, { token, body: { orders: [order] } })).body.accepted).toBe(1);
    const rate = (await get(`/v1/parameters/resolve?name=contributionRateFen&on=${billed}-01&province=110000&industry=INSTANT_DELIVERY&platformId=${pid}`)).body
      .value as number;
    const m = (n: number) => addMonthsToMonth(billed, n);
    const records = async () => (await get(`/v1/credit-records?platformId=${pid}`)).body.items;

    // Three months on, the daily close looks at the two latest months only: the billed month is CLOSED by
    // its date, but nothing stores its close or its unpaid record.
    const later = shanghaiStartOfDay(addDays(closesOn(m(2), DUE_DAY), 1));
    const daily = await sfn.monthCloseNow(later);
    expect(daily.months).toEqual([m(1), m(2)]);
    expect(await records()).toEqual([]);

    const first = await sfn.monthCloseNow(later, { from: m(-1) });
    expect(first.months).toEqual([m(-1), m(0), m(1), m(2)]);
    expect(first.failed).toBe(0);
    expect(first.closed).toBeGreaterThanOrEqual(2); // at least this platform's m(-1) and billed month
    const dueOn = closesOn(billed, DUE_DAY);
    expect(await records()).toEqual([
      {
        recordId: `CR-UNPAID-${pid}-${billed}`,
        platformId: pid,
        type: 'UNPAID_CONTRIBUTIONS',
        status: 'open',
        fact: { month: billed, dueOn, totalFen: rate },
        since: addDays(dueOn, 1),
      },
    ]);
    // The close is stored: CLOSED even read today, when the date alone would leave the month open.
    expect((await get(`/v1/platforms/${pid}/declarations/${billed}`)).body).toMatchObject({
      status: 'CLOSED',
      closesOn: dueOn,
      provisional: false,
      totalFen: rate,
      dueFen: rate,
    });

    const again = await sfn.monthCloseNow(later, { from: m(-1) });
    expect(again).toMatchObject({ closed: 0, already: first.closed + first.already, failed: 0 });
    expect(await records()).toHaveLength(1);

    // `to` bounds a run (ranges of months when many platforms would not fit one invocation).
    expect((await sfn.monthCloseNow(later, { from: m(-3), to: m(-2) })).months).toEqual([m(-3), m(-2)]);
    await expect(sfn.monthCloseNow(later, { from: '2025-13' })).rejects.toThrow(/backfill/);
  });
});
