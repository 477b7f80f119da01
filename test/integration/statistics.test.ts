/**
 * Statistics (D20) end to end on the local stack with the cases table's stream running: orders in two
 * provinces and industries of two platforms, reports, cases confirmed, deemed, refused and left past their
 * deadline, a payment paid by the bank. `GET /v1/statistics` must equal the figures this test counts itself
 * from what it sent — for everything, and filtered by province, industry and platform — and its CSV the same;
 * a stream replayed after a crash counts nothing twice; a platform sees only its own figures.
 */
import { randomBytes } from 'node:crypto';
import { DeleteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { reconcileStatistics } from '../../scripts/reconcile-statistics.ts';
import { chargedIndustry, injuriesPerMillion, shanghaiMonth } from '../../core/index.ts';
import { approvedMinor, PAYEE } from './payment-batches-fixtures.ts';
import { handInDocuments, openCaseBody, openedCase, PROVINCE, registerWorker, settleByBank, waitForStatus, type World } from './cases-fixtures.ts';
import { useCaseStack } from './cases-stack.ts';
import { platformBody } from '../support/fixtures.ts';

const ctx = useCaseStack({ events: { pollIntervalMs: 50 } });

const OTHER_PROVINCE = '310000';
const hex = (n: number) => randomBytes(n).toString('hex');

interface SentOrder {
  platformId: string;
  province: string;
  industry: string;
  acceptedAt: string;
}
type Dims = { month: string; province: string; industry: string; platformId: string };
type Filter = Partial<Omit<Dims, 'month'>>;

/** Everything the test sent, with its dimensions, to count the figures independently. */
const sent = {
  orders: [] as SentOrder[],
  reports: [] as Dims[],
  confirmed: [] as Dims[],
  decisions: [] as (Dims & { days: number })[],
  firstPayments: [] as (Dims & { days: number })[],
  overdue: [] as Dims[],
  payments: [] as (Dims & { item: string; fen: number })[],
};

const nearestRank = (values: number[], p: number): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(p * sorted.length) - 1]!;
};

const expectedFigures = (month: string, f: Filter) => {
  const ok = (d: Omit<Dims, 'month'>) =>
    (f.province === undefined || d.province === f.province) &&
    (f.industry === undefined || d.industry === f.industry) &&
    (f.platformId === undefined || d.platformId === f.platformId);
  const of = <T extends Dims>(list: T[]) => list.filter((d) => d.month === month && ok(d));
  const orders = sent.orders.filter((o) => shanghaiMonth(o.acceptedAt) === month && ok(o)).length;
  const confirmedCases = of(sent.confirmed).length;
  const decisions = of(sent.decisions).map((d) => d.days);
  const firstPayments = of(sent.firstPayments).map((d) => d.days);
  const paymentsByItemFen: Record<string, number> = {};
  for (const p of of(sent.payments)) paymentsByItemFen[p.item] = (paymentsByItemFen[p.item] ?? 0) + p.fen;
  return {
    month,
    orders,
    reports: of(sent.reports).length,
    confirmedCases,
    // Computed here from the counts (the rounding itself is unit-tested in test/unit/core/statistics.test.ts).
    injuriesPerMillionOrders: injuriesPerMillion(confirmedCases, orders),
    daysToDecision: { median: nearestRank(decisions, 0.5), p90: nearestRank(decisions, 0.9) },
    daysToFirstPayment: { median: nearestRank(firstPayments, 0.5), p90: nearestRank(firstPayments, 0.9) },
    overdueCases: of(sent.overdue).length,
    paymentsByItemFen,
  };
};

/** Asia/Shanghai calendar days between two instants. */
const days = (from: string, to: string) =>
  Math.round(
    (Date.parse(`${new Date(to).toLocaleDateString('sv', { timeZone: 'Asia/Shanghai' })}T00:00:00Z`) -
      Date.parse(`${new Date(from).toLocaleDateString('sv', { timeZone: 'Asia/Shanghai' })}T00:00:00Z`)) /
      86_400_000,
  );

const caseOf = async (world: World, caseId: string, token = world.tokens.handler) => (await world.api('GET', `/v1/cases/${caseId}`, { token })).body;

/** The second platform: ride-hailing in Shanghai, with the province's benefit parameters. */
const secondPlatform = async (world: World): Promise<World> => {
  const { api, tokens } = world;
  const created = await api('POST', '/v1/platforms', {
    token: tokens.admin,
    body: {
      ...platformBody(),
      name: `Ride ${hex(3)}`,
      industries: ['RIDE_HAILING'],
      provinces: [{ code: OTHER_PROVINCE, joinedOn: '2024-01-01' }],
    },
  });
  return {
    ...world,
    platformId: created.body.platformId,
    tokens: { ...tokens, platform: await world.mint({ role: 'platform', sub: `p-${created.body.platformId}`, platformId: created.body.platformId }) },
  };
};

describe('GET /v1/statistics (D20)', () => {
  it('equals the counts of the orders, reports, decisions, payments and missed deadlines the test sent', async () => {
    const world = ctx.world;
    const P = world.platformId;

    // Case A (P, 110000, instant delivery): confirmed, approved, paid by the bank. approvedMinor sends one order and one report.
    const a = await approvedMinor(world, 80_000);
    const paid = await settleByBank(world, a.caseId);
    const aCase = await caseOf(world, a.caseId);
    const aReport = aCase.evidence?.orders ?? [];
    expect(aReport.length).toBeGreaterThanOrEqual(1);
    sent.orders.push(
      ...aReport.map((o: { acceptedAt: string }) => ({ platformId: P, province: PROVINCE, industry: 'INSTANT_DELIVERY', acceptedAt: o.acceptedAt })),
    );
    const dimsP = (month: string) => ({
      month,
      province: PROVINCE,
      industry: chargedIndustry('INSTANT_DELIVERY', aCase.injuryDate ?? aCase.occurredAt.slice(0, 10)),
      platformId: P,
    });
    const injuryMonth = (c: { occurredAt: string }) => shanghaiMonth(c.occurredAt);
    sent.reports.push(dimsP(injuryMonth(aCase)));
    sent.confirmed.push(dimsP(injuryMonth(aCase)));
    const aReportedAt = aCase.timeline[0].at as string; // opened right after its report: the same Shanghai day
    const confirmationA = aCase.confirmation.recordedAt as string;
    sent.decisions.push({ ...dimsP(shanghaiMonth(confirmationA)), days: days(aReportedAt, confirmationA) });
    const paidPayment = paid.payments.find((p: { status: string }) => p.status === 'PAID');
    expect(paidPayment, JSON.stringify(paid.payments)).toBeDefined();
    const paidAt = paidPayment.settledAt as string;
    sent.firstPayments.push({ ...dimsP(shanghaiMonth(paidAt)), days: days(aReportedAt, paidAt) });
    for (const item of paidPayment.items as { item: string; amountFen: number }[])
      sent.payments.push({ ...dimsP(shanghaiMonth(paidAt)), item: item.item, fen: item.amountFen });
    expect(paidPayment.items.reduce((s: number, i: { amountFen: number }) => s + i.amountFen, 0)).toBe(80_000);

    // Case B (P): refused — counts a decision, not a confirmed case.
    const b = await openedCase(world);
    const refusal = { outcome: 'NOT_CONFIRMED', basis: 'NOT_IN_ORDER_TASK', reasons: ['非平台派单任务期间'], assessmentRequired: false };
    expect((await world.api('POST', `/v1/cases/${b.caseId}/confirmation`, { token: world.tokens.handler, body: refusal })).status).toBe(202);
    const bCase = await waitForStatus(world, b.caseId, 'NOT_CONFIRMED');
    sent.orders.push(
      ...bCase.evidence.orders.map((o: { acceptedAt: string }) => ({
        platformId: P,
        province: PROVINCE,
        industry: 'INSTANT_DELIVERY',
        acceptedAt: o.acceptedAt,
      })),
    );
    sent.reports.push(dimsP(injuryMonth(bCase)));
    sent.decisions.push({ ...dimsP(shanghaiMonth(bCase.confirmation.recordedAt)), days: days(bCase.timeline[0].at, bCase.confirmation.recordedAt) });

    // Case C (P): left under review; the sweep 75 days on records its missed confirmation deadline (D7).
    const c = await openedCase(world);
    let cCase = await caseOf(world, c.caseId);
    sent.orders.push(
      ...cCase.evidence.orders.map((o: { acceptedAt: string }) => ({
        platformId: P,
        province: PROVINCE,
        industry: 'INSTANT_DELIVERY',
        acceptedAt: o.acceptedAt,
      })),
    );
    sent.reports.push(dimsP(injuryMonth(cCase)));
    await ctx.sfn.sweepNow(new Date(Date.now() + 75 * 86_400_000));
    cCase = await caseOf(world, c.caseId);
    const missed = cCase.escalations.find((e: { kind: string }) => e.kind === 'CONFIRMATION_OVERDUE');
    expect(missed, JSON.stringify(cCase.escalations)).toBeDefined();
    sent.overdue.push(dimsP((missed.due as string).slice(0, 7)));

    // Platform Q (310000, ride-hailing): 3 orders, a report without a case, and a case deemed (D7).
    const q = await secondPlatform(world);
    for (const [name, value] of [
      ['averageMonthlyWageFen', 1_100_000],
      ['minimumMonthlyWageFen', 254_000],
      ['inpatientMealFenPerDay', 10_000],
    ] as const) {
      const res = await world.api('PUT', '/v1/parameters', {
        token: world.tokens.admin,
        body: { name, scope: { province: OTHER_PROVINCE }, effectiveFrom: '2024-01-01', value },
      });
      expect([200, 201]).toContain(res.status);
    }
    const qWorker = await registerWorker(q);
    const now = Date.now();
    const qOrders = [0, 1, 2].map((k) => ({
      orderId: `q-${hex(5)}`,
      platformWorkerId: qWorker.platformWorkerId,
      industry: 'RIDE_HAILING',
      province: OTHER_PROVINCE,
      acceptedAt: new Date(now - (3 - k) * 3_600_000).toISOString(),
    }));
    const ordered = await world.api('POST', `/v1/platforms/${q.platformId}/orders`, { token: q.tokens.platform, body: { orders: qOrders } });
    expect(ordered.body.accepted, JSON.stringify(ordered.body)).toBe(3);
    const dimsQ = (month: string) => ({
      month,
      province: OTHER_PROVINCE,
      industry: chargedIndustry('RIDE_HAILING', new Date().toISOString().slice(0, 10)),
      platformId: q.platformId,
    });
    sent.orders.push(...qOrders.map((o) => ({ platformId: q.platformId, province: OTHER_PROVINCE, industry: dimsQ('').industry, acceptedAt: o.acceptedAt })));
    const qReport = async (minutesAgo: number) => {
      const at = new Date(now - minutesAgo * 60_000).toISOString();
      const r = await world.api('POST', '/v1/injury-reports', {
        token: q.tokens.platform,
        body: {
          platformId: q.platformId,
          platformWorkerId: qWorker.platformWorkerId,
          occurredAt: at,
          province: OTHER_PROVINCE,
          place: '浦东新区',
          description: '接送乘客途中受伤',
        },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      sent.reports.push(dimsQ(shanghaiMonth(at)));
      return { reportId: r.body.reportId as string, at };
    };
    await qReport(20);
    const deemedReport = await qReport(10);
    const opened = await world.api('POST', '/v1/cases', {
      token: q.tokens.platform,
      body: openCaseBody(deemedReport.reportId, 'injury', 'platform', { payee: { name: PAYEE.name, bankAccount: PAYEE.bankAccount } }),
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const dCaseId = opened.body.caseId as string;
    await handInDocuments(world, dCaseId, 'waive', world.tokens.otherProvince);
    const deemed = { outcome: 'DEEMED', basis: 'SUDDEN_ILLNESS_48H', assessmentRequired: false };
    const confirmed = await world.api('POST', `/v1/cases/${dCaseId}/confirmation`, { token: world.tokens.otherProvince, body: deemed });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(202);
    const dCase = await waitForCase(world, dCaseId, world.tokens.otherProvince);
    sent.confirmed.push(dimsQ(shanghaiMonth(deemedReport.at)));
    sent.decisions.push({ ...dimsQ(shanghaiMonth(dCase.confirmation.recordedAt)), days: days(dCase.timeline[0].at, dCase.confirmation.recordedAt) });

    await ctx.events.settled();

    // Every month the data touches, and one before and after (empty).
    const months = [
      ...new Set([
        ...sent.orders.map((o) => shanghaiMonth(o.acceptedAt)),
        ...sent.reports.map((r) => r.month),
        ...sent.decisions.map((d) => d.month),
        ...sent.overdue.map((d) => d.month),
        ...sent.firstPayments.map((d) => d.month),
      ]),
    ].sort();
    const from = addMonth(months[0]!, -1);
    const to = addMonth(months.at(-1)!, 1);
    const monthList: string[] = [];
    for (let m = from; m <= to; m = addMonth(m, 1)) monthList.push(m);

    const filters: Filter[] = [
      {},
      { province: PROVINCE },
      { province: OTHER_PROVINCE },
      { industry: dimsQ('').industry },
      { platformId: P },
      { platformId: q.platformId, province: OTHER_PROVINCE },
      { platformId: P, province: OTHER_PROVINCE },
    ];
    for (const filter of filters) {
      const query = new URLSearchParams({ from, to, ...filter } as Record<string, string>).toString();
      const res = await world.api('GET', `/v1/statistics?${query}`, { token: world.tokens.admin });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body, `filter ${JSON.stringify(filter)}`).toEqual({ months: monthList.map((m) => expectedFigures(m, filter)) });
    }
    // The data is not trivial: every figure has a non-zero month.
    const all = monthList.map((m) => expectedFigures(m, {}));
    expect(all.reduce((s, m) => s + m.orders, 0)).toBe(sent.orders.length);
    expect(all.reduce((s, m) => s + m.reports, 0)).toBe(5);
    expect(all.reduce((s, m) => s + m.confirmedCases, 0)).toBe(2);
    expect(all.reduce((s, m) => s + m.overdueCases, 0)).toBe(1);
    expect(all.some((m) => m.daysToFirstPayment.median !== null && m.paymentsByItemFen.medical === 80_000)).toBe(true);

    // The CSV carries the same figures, one row per month and figure.
    const csv = await world.api('GET', `/v1/statistics?from=${from}&to=${to}&format=csv`, { token: world.tokens.admin });
    expect(csv.status).toBe(200);
    expect(String(csv.body).startsWith('\uFEFF月份,指标,项目,数值\r\n') || String(csv.body).startsWith('月份,指标,项目,数值\r\n')).toBe(true);
    const text = String(csv.body);
    for (const m of all) {
      expect(text).toContain(`\r\n${m.month},订单数,,${m.orders}\r\n`);
      expect(text).toContain(`\r\n${m.month},认定（视同）工伤案件数,,${m.confirmedCases}\r\n`);
      expect(text).toContain(`\r\n${m.month},每百万单工伤数,,${m.injuriesPerMillionOrders ?? ''}\r\n`);
      expect(text).toContain(`\r\n${m.month},超过法定时限案件数,,${m.overdueCases}\r\n`);
    }

    // The platform: without platformId its own figures; another platform's → 403 (problem+json naming nothing personal).
    const own = await world.api('GET', `/v1/statistics?from=${from}&to=${to}`, { token: q.tokens.platform });
    expect(own.status).toBe(200);
    expect(own.body).toEqual({ months: monthList.map((m) => expectedFigures(m, { platformId: q.platformId })) });
    const other = await world.api('GET', `/v1/statistics?from=${from}&to=${to}&platformId=${P}`, { token: q.tokens.platform });
    expect(other.status).toBe(403);

    // Bad input names the field and changes nothing.
    const bad = await world.api('GET', `/v1/statistics?from=${to}&to=${from}`, { token: world.tokens.admin });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toContain('to');

    // A stream replayed after a crash (its batches counted, then read again) counts nothing twice.
    ctx.events.crashAfterPublish(5);
    const beforeReplay = (await world.api('GET', `/v1/statistics?from=${from}&to=${to}`, { token: world.tokens.admin })).body;
    const extra = await qReport(5);
    const replayDeadline = Date.now() + 15_000;
    while (ctx.events.replayedBatches < 1) {
      if (Date.now() > replayDeadline) throw new Error('the stream batch was not replayed within 15 s');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await ctx.events.settled();
    const afterReplay = (await world.api('GET', `/v1/statistics?from=${from}&to=${to}`, { token: world.tokens.admin })).body;
    expect(ctx.events.replayedBatches).toBeGreaterThanOrEqual(1);
    expect(afterReplay).toEqual({ months: monthList.map((m) => expectedFigures(m, {})) });
    const reportsOf = (body: { months: { month: string; reports: number }[] }) => body.months.find((m) => m.month === shanghaiMonth(extra.at))!.reports;
    expect(reportsOf(afterReplay) - reportsOf(beforeReplay)).toBe(1);

    // The reconciliation (scripts/reconcile-statistics.ts) finds no drift; as a backfill it restores counters
    // that records stored before the counter existed never got (here: a bucket and a first payment deleted).
    const tables = { casesTable: ctx.stack.tables.CASES_TABLE!, ledgerTable: ctx.stack.tables.LEDGER_TABLE!, endpoint: inject('ddbEndpoint') };
    const lines: string[] = [];
    expect(await reconcileStatistics({ ...tables, write: false, print: (l) => lines.push(l) }), lines.join('\n')).toBe(0);
    const ddb = new DynamoDBClient({ endpoint: tables.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const qMonth = shanghaiMonth(deemedReport.at);
    await ddb.send(
      new DeleteItemCommand({
        TableName: tables.ledgerTable,
        Key: { pk: { S: `STAT#${qMonth}` }, sk: { S: `${OTHER_PROVINCE}#${dimsQ('').industry}#${q.platformId}` } },
      }),
    );
    await ddb.send(new DeleteItemCommand({ TableName: tables.ledgerTable, Key: { pk: { S: `STATFP#${a.caseId}` }, sk: { S: 'STATFP' } } }));
    ddb.destroy();
    const drifted = (await world.api('GET', `/v1/statistics?from=${from}&to=${to}`, { token: world.tokens.admin })).body;
    expect(drifted).not.toEqual({ months: monthList.map((m) => expectedFigures(m, {})) });
    expect(await reconcileStatistics({ ...tables, write: false, print: () => {} })).toBeGreaterThan(0);
    expect(await reconcileStatistics({ ...tables, write: true, print: () => {} })).toBeGreaterThan(0);
    expect(await reconcileStatistics({ ...tables, write: false, print: () => {} })).toBe(0);
    const restored = (await world.api('GET', `/v1/statistics?from=${from}&to=${to}`, { token: world.tokens.admin })).body;
    expect(restored).toEqual({ months: monthList.map((m) => expectedFigures(m, {})) });
  });
});

const addMonth = (month: string, n: number) => {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
};

/** The case once its confirmation is applied (no step pending), as the caller sees it. */
const waitForCase = async (world: World, caseId: string, token: string) => {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const c = await caseOf(world, caseId, token);
    if (c.confirmation && !c.pendingStep && c.status !== 'UNDER_REVIEW') return c;
    if (Date.now() > deadline) throw new Error(`case ${caseId} not decided: ${c.status}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};
