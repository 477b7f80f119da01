/**
 * 统计看板 (D20; issue 16) in chromium against the local stack with the cases table's stream running: a
 * director (admin) opens the dashboards for a range, compared across two provinces and two platforms, and
 * every figure the tables show is the API's answer to the same query (GET /v1/statistics); the CSV downloads.
 * No console error, no failed request, no serious or critical axe violation, a screenshot at 1280 px
 * (`dashboard-01-director`) and no horizontal scrolling at 375 px.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalEvents, localEvents } from '../../local/events/index.ts';
import { localStepFunctions } from '../../local/stepfunctions/index.ts';
import { openedCase, PROVINCE, payMinorInjury, registerWorker, settleByBank, setUpWorld, waitForStatus, type World } from '../integration/cases-fixtures.ts';
import { platformBody } from '../support/fixtures.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { launch, openPage, signIn } from './browser.ts';
import { fitsPhone } from './phone.ts';

let stack: TestStack;
let events: LocalEvents;
let sfn: ReturnType<typeof localStepFunctions>;
let world: World;
let browser: Browser;
let other: string;
let from = '';
let to = '';

const OTHER_PROVINCE = '310000';
const shanghaiMonth = (at = new Date()) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(at).slice(0, 7);
const addMonth = (month: string, n: number) => {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
};
const yuan = (fen: number) => `${Math.trunc(fen / 100).toLocaleString('en-US')}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;
const shown = (v: number | null) => (v === null ? '—' : String(v));

beforeAll(async () => {
  events = localEvents({ pollIntervalMs: 50 });
  sfn = localStepFunctions({ sweepIntervalMs: 0 });
  stack = await startTestStack({ services: [sfn, events] });
  world = await setUpWorld(
    (m, p, o) => stack.api(m, p, o),
    (c) => stack.token(c),
  );
  // Beijing, instant delivery: a case confirmed and paid, one refused, one left past its deadline.
  const paid = await openedCase(world);
  await payMinorInjury(world, paid.caseId);
  await settleByBank(world, paid.caseId);
  const refused = await openedCase(world);
  const refusal = { outcome: 'NOT_CONFIRMED', basis: 'NOT_IN_ORDER_TASK', reasons: ['非平台派单任务期间'], assessmentRequired: false };
  expect((await stack.api('POST', `/v1/cases/${refused.caseId}/confirmation`, { token: world.tokens.handler, body: refusal })).status).toBe(202);
  await waitForStatus(world, refused.caseId, 'NOT_CONFIRMED');
  // Left under review: the sweep 75 days on records its missed confirmation deadline (D7), in the month it was due.
  const late = await openedCase(world);
  await sfn.sweepNow(new Date(Date.now() + 75 * 86_400_000));
  const overdue = (await stack.api('GET', `/v1/cases/${late.caseId}`, { token: world.tokens.handler })).body;
  const dueMonth = (overdue.escalations.find((e: { kind: string }) => e.kind === 'CONFIRMATION_OVERDUE').due as string).slice(0, 7);
  // Shanghai, ride-hailing: another platform's orders and an injury report.
  const created = await stack.api('POST', '/v1/platforms', {
    token: world.tokens.admin,
    body: {
      ...platformBody(),
      name: `Ride ${randomBytes(3).toString('hex')}`,
      industries: ['RIDE_HAILING'],
      provinces: [{ code: OTHER_PROVINCE, joinedOn: '2024-01-01' }],
    },
  });
  other = created.body.platformId;
  const q = {
    ...world,
    platformId: other,
    tokens: { ...world.tokens, platform: await stack.token({ role: 'platform', sub: `p-${other}`, platformId: other }) },
  };
  const rider = await registerWorker(q);
  const now = Date.now();
  const orders = [1, 2, 3, 4].map((k) => ({
    orderId: `q-${randomBytes(5).toString('hex')}`,
    platformWorkerId: rider.platformWorkerId,
    industry: 'RIDE_HAILING',
    province: OTHER_PROVINCE,
    acceptedAt: new Date(now - k * 3_600_000).toISOString(),
  }));
  expect((await stack.api('POST', `/v1/platforms/${other}/orders`, { token: q.tokens.platform, body: { orders } })).body.accepted).toBe(4);
  const report = await stack.api('POST', '/v1/injury-reports', {
    token: q.tokens.platform,
    body: {
      platformId: other,
      platformWorkerId: rider.platformWorkerId,
      occurredAt: new Date(now - 30 * 60_000).toISOString(),
      province: OTHER_PROVINCE,
      place: '浦东新区',
      description: '接送乘客途中受伤',
    },
  });
  expect(report.status).toBe(201);
  await events.settled();
  from = addMonth(shanghaiMonth(), -1);
  to = dueMonth;
  browser = await launch();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** The rows of the table inside the panel titled `title`, as their cells' texts. */
const rowsOf = async (panel: Locator): Promise<string[][]> => {
  const rows = panel.locator('.ant-table-tbody tr.ant-table-row');
  const out: string[][] = [];
  for (let i = 0; i < (await rows.count()); i++) out.push((await rows.nth(i).locator('td').allTextContents()).map((t) => t.trim()));
  return out;
};

describe('统计看板 in chromium (D20)', () => {
  it('shows a director the figures the API answers for the same query, with charts and a CSV download', async () => {
    const w = await openPage(browser, stack.url);
    const { page } = w;
    await signIn(w, 'admin', 'director-1', '管理员（admin）');
    await page.getByRole('link', { name: '统计看板' }).click();
    await page.getByRole('heading', { name: '统计看板' }).waitFor();
    // The same query through the form: the range, two provinces and two platforms to compare.
    await page.goto(`/dashboards?from=${from}&to=${to}&provinces=${PROVINCE},${OTHER_PROVINCE}&platforms=${world.platformId},${other}`);
    const panel = (title: string) => page.locator('.dashboard-panel').filter({ has: page.getByRole('heading', { name: title, exact: true }) });
    await panel('每百万单工伤数（按月）').locator('.ant-table-row').first().waitFor();

    const api = async (query: Record<string, string>) => {
      const res = await stack.api('GET', `/v1/statistics?${new URLSearchParams({ from, to, ...query })}`, { token: world.tokens.admin });
      expect(res.status).toBe(200);
      return res.body as { months: any[] };
    };
    const all = await api({});
    expect(all.months[0].month).toBe(from);
    expect(all.months.at(-1).month).toBe(to);
    // The data is there: orders, reports, a confirmed case, a decision, a payment, and a PAID item, a missed deadline.
    const current = all.months.find((m) => m.month === shanghaiMonth());
    expect(current.orders).toBeGreaterThanOrEqual(7);
    expect(current.confirmedCases).toBeGreaterThanOrEqual(1);
    expect(all.months.find((m) => m.month === to).overdueCases).toBe(1);

    expect(await rowsOf(panel('每百万单工伤数（按月）'))).toEqual(
      all.months.map((m) => [m.month, String(m.orders), String(m.reports), String(m.confirmedCases), shown(m.injuriesPerMillionOrders)]),
    );
    expect(await rowsOf(panel('办理时效（天）'))).toEqual(
      all.months.map((m) => [
        m.month,
        shown(m.daysToDecision.median),
        shown(m.daysToDecision.p90),
        shown(m.daysToFirstPayment.median),
        shown(m.daysToFirstPayment.p90),
      ]),
    );
    expect(await rowsOf(panel('超过法定时限的案件'))).toEqual(all.months.map((m) => [m.month, String(m.overdueCases)]));
    const items = new Map<string, number>();
    for (const m of all.months)
      for (const [item, fen] of Object.entries(m.paymentsByItemFen as Record<string, number>)) items.set(item, (items.get(item) ?? 0) + fen);
    expect(items.size).toBeGreaterThan(0);
    const paymentRows = await rowsOf(panel('待遇支付（按项目）'));
    expect(paymentRows.map((r) => r[1])).toEqual([...items.values()].sort((a, b) => b - a).map(yuan));

    // Breakdowns: each row is the range's totals of the API's answer for that province / platform / industry.
    const totals = (body: { months: any[] }) => {
      const orders = body.months.reduce((s, m) => s + m.orders, 0);
      const confirmed = body.months.reduce((s, m) => s + m.confirmedCases, 0);
      return [String(orders), String(confirmed), orders === 0 ? '—' : String(Math.round((confirmed * 1e8) / orders) / 100)];
    };
    expect(await rowsOf(panel('按省份'))).toEqual([
      ['北京市', ...totals(await api({ province: PROVINCE }))],
      ['上海市', ...totals(await api({ province: OTHER_PROVINCE }))],
    ]);
    expect(await rowsOf(panel('按平台'))).toEqual([
      [world.platformId, ...totals(await api({ platformId: world.platformId }))],
      [other, ...totals(await api({ platformId: other }))],
    ]);
    const industries = await rowsOf(panel('按行业'));
    expect(industries.map((r) => r[0])).toEqual(['出行', '外卖', '即时配送', '同城货运']);
    expect(industries[0]!.slice(1)).toEqual(totals(await api({ industry: 'RIDE_HAILING' })));
    expect(industries[2]!.slice(1)).toEqual(totals(await api({ industry: 'INSTANT_DELIVERY' })));
    // Each chart is drawn (SVG) next to its table.
    await expect.poll(() => page.locator('.dashboard-chart svg').count()).toBe(7);

    // The CSV of the same query.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载 CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.startsWith('\uFEFF月份,指标,项目,数值\r\n')).toBe(true);
    for (const m of all.months) expect(csv).toContain(`\r\n${m.month},订单数,,${m.orders}\r\n`);

    await w.shot('dashboard-01-director');
    await w.assertAccessible();
    await fitsPhone(page);

    // The form: Shanghai only — the month table is the API's answer for that province.
    await page.getByLabel('省份', { exact: true }).click({ force: true });
    await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: '上海市' }).first().click();
    await page.getByRole('button', { name: '查询' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('province')).toBe(OTHER_PROVINCE);
    const shanghai = await api({ province: OTHER_PROVINCE });
    const expected = shanghai.months.map((m) => [m.month, String(m.orders), String(m.reports), String(m.confirmedCases), shown(m.injuriesPerMillionOrders)]);
    await expect.poll(() => rowsOf(panel('每百万单工伤数（按月）')), { timeout: 10_000 }).toEqual(expected);
    expect(expected.some((r) => r[1] !== '0')).toBe(true);
    await w.shot('dashboard-02-shanghai');
    w.assertClean();
    await w.close();
  });
});
