/**
 * The finance and administration pages in a real browser (issue 13): Debian chromium against the local
 * stack in-process. An administrator starts a month's payment run; finance batches the instructed payments,
 * records the bank's results (one paid, one returned with the bank's reason) and reads the month's fund
 * report; an administrator publishes a parameter version (and is refused an edit of it), loads a year's
 * holiday arrangement and registers a platform, whose client secret is shown once. A role that may not use
 * a page is told so in Chinese. Every page: no console error, no failed request (but those declared), no
 * serious or critical axe violation, a screenshot at 1280 px (`admin-…`), and no horizontal scrolling at 375 px.
 */
import { randomBytes } from 'node:crypto';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCreditCode } from '../../core/index.ts';
import { localStepFunctions } from '../../local/stepfunctions/index.ts';
import { approvalBody, openedCase, PROVINCE, payMinorInjury, setUpWorld, waitForStatus, type World } from '../integration/cases-fixtures.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { choose, launch, openPage, signIn, type Watched } from './browser.ts';

let stack: TestStack;
let world: World;
let browser: Browser;
/** Two minor injuries approved: one payment each, instructed (the bank will pay one and return the other). */
let paidCase: string;
let returnedCase: string;
/** The platform the registration test created, and the secret it was shown (the next test reissues it). */
let registered: { platformId: string; secret: string } | undefined;

const shanghai = (now = new Date()) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(now);
const nextMonth = () => {
  const [y, m] = shanghai().slice(0, 7).split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
};
const yuan = (fen: number) => `${Math.trunc(fen / 100).toLocaleString('en-US')}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;

const ok = async (res: Promise<{ status: number; body: any }>, status: number, what: string) => {
  const r = await res;
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

/** A grade-2 injury approved: its disability allowance is a monthly item, which the payment runs pay. */
async function monthlyCase(): Promise<string> {
  const { caseId } = await openedCase(world);
  const { tokens } = world;
  const body = { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: true };
  await ok(stack.api('POST', `/v1/cases/${caseId}/confirmation`, { token: tokens.handler, body }), 202, 'confirmation');
  await waitForStatus(world, caseId, 'AWAITING_ASSESSMENT');
  const assessment = { grade: 2, nursing: null, concludedOn: shanghai() };
  await ok(stack.api('POST', `/v1/cases/${caseId}/assessment`, { token: tokens.assessor, body: assessment }), 202, 'assessment');
  await waitForStatus(world, caseId, 'AWAITING_APPROVAL');
  await ok(stack.api('POST', `/v1/cases/${caseId}/approval`, { token: tokens.reviewer, body: await approvalBody(world, caseId) }), 202, 'approval');
  await waitForStatus(world, caseId, 'APPROVED');
  return caseId;
}

/** Picks an option of the antd Select labelled `label` inside `scope` (a page may have two fields of that name). */
async function chooseIn(scope: Locator, page: Page, label: string, option: string | RegExp): Promise<void> {
  await scope.getByLabel(label).click({ force: true });
  await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: option }).click();
}

/** At 375 px the page does not scroll sideways (contract v2 "Console"); a screenshot at that width too. */
async function fitsPhone(w: Watched, name: string): Promise<void> {
  await w.page.setViewportSize({ width: 375, height: 800 });
  // The widest elements, named, when the page is wider than the screen (what to fix).
  const measure = () =>
    w.page.evaluate(() => {
      const doc = (globalThis as any).document;
      const wide = [...doc.querySelectorAll('body *')]
        .filter((e: any) => e.getBoundingClientRect().right > 375.5)
        .slice(-5)
        .map((e: any) => `${e.tagName.toLowerCase()}.${String(e.className).split(' ')[0]} → ${Math.round(e.getBoundingClientRect().right)}`);
      return { width: doc.documentElement.scrollWidth as number, wide };
    });
  await expect
    .poll(async () => (await measure()).width, { timeout: 5_000 })
    .toBeLessThanOrEqual(375)
    .catch(async (e) => {
      throw new Error(`${e.message}; too wide: ${(await measure()).wide.join(', ')}`);
    });
  await w.shot(name, 375);
  await w.page.setViewportSize({ width: 1280, height: 900 });
}

/** Signs in as an administrator of Beijing. */
const asAdmin = (w: Watched) => signIn(w, 'admin', 'admin-2', '管理员（admin）');

beforeAll(async () => {
  stack = await startTestStack({ services: [localStepFunctions({ sweepIntervalMs: 0 })] });
  world = await setUpWorld(
    (m, p, o) => stack.api(m, p, o),
    (c) => stack.token(c),
  );
  paidCase = (await openedCase(world)).caseId;
  returnedCase = (await openedCase(world)).caseId;
  await payMinorInjury(world, paidCase);
  await payMinorInjury(world, returnedCase);
  await monthlyCase();
  browser = await launch();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('finance and administration in chromium', () => {
  it("lets an administrator start next month's payment run and shows what it instructed", async () => {
    const w = await openPage(browser, stack.url);
    const { page } = w;
    await asAdmin(w);
    await page.getByRole('link', { name: '按月支付' }).click();
    await page.getByRole('heading', { name: '按月支付' }).waitFor();
    await choose(page, '支付月份', nextMonth());
    await page.getByRole('button', { name: '启动按月支付' }).click();
    await expect.poll(() => page.url(), { timeout: 15_000 }).toMatch(/\/payment-runs\/[^/]+$/);
    const runId = decodeURIComponent(page.url().split('/').pop()!);
    await page.getByText('已完成', { exact: true }).waitFor({ timeout: 20_000 });
    // What the page shows is what the API answers for the run.
    const run = await ok(stack.api('GET', `/v1/payment-runs/${runId}`, { token: world.tokens.admin }), 200, 'run');
    expect(run).toMatchObject({ month: nextMonth(), status: 'SUCCEEDED' });
    expect(run.payments).toBeGreaterThan(0);
    const card = page.locator('.ant-card').filter({ hasText: `运行 ${runId}` });
    expect(await card.textContent()).toContain(`下达支付（笔）${run.payments}`);
    expect(await card.textContent()).toContain(`合计（元）${yuan(run.totalFen)}`);
    await w.shot('admin-01-payment-run');
    await w.assertAccessible();
    await fitsPhone(w, 'admin-01-payment-run');
    w.assertClean();
    await w.close();
  });

  it("lets finance batch the payments and record the bank's results: one paid, one returned with the reason", async () => {
    const w = await openPage(browser, stack.url);
    const { page } = w;
    const paymentOf = async (caseId: string) =>
      (await ok(stack.api('GET', `/v1/cases/${caseId}`, { token: world.tokens.handler }), 200, 'case')).payments.find((p: any) => p.status === 'INSTRUCTED')
        .paymentId as string;
    const paid = await paymentOf(paidCase);
    const returned = await paymentOf(returnedCase);
    await signIn(w, 'finance', 'finance-1', '资金（finance）');
    await page.getByRole('heading', { name: '支付批次' }).waitFor();
    await page.getByRole('button', { name: '生成支付批次' }).click();
    await page.getByRole('heading', { name: '支付明细与银行回盘' }).waitFor();
    const batchId = decodeURIComponent(page.url().split('/').pop()!);
    const row = (paymentId: string) => page.locator('form[aria-label="银行回盘"] tr', { hasText: paymentId });
    await row(paid).getByText('已到账').click();
    await row(returned).getByText('已退票').click();
    // A return needs the bank's reason: the form says so next to that row before anything is sent.
    await page.getByRole('button', { name: '提交回盘' }).click();
    await row(returned).getByText('退票须填写银行的退票原因').waitFor();
    await page.getByLabel(`${returned} 退票原因`).fill('账户已销户');
    await w.shot('admin-02-bank-results');
    await w.assertAccessible();
    await page.getByRole('button', { name: '提交回盘' }).click();
    await page.getByText('回盘已处理：已登记 2 笔，重复 0 笔，未受理 0 笔。').waitFor();
    // The items table shows the new statuses and the reason; the payments are settled in the API.
    await expect.poll(() => row(returned).textContent()).toMatch(/已退票.*账户已销户/);
    expect(await row(paid).textContent()).toContain('已到账');
    expect(await row(paid).getByRole('radio').count()).toBe(0);
    const batch = await ok(stack.api('GET', `/v1/payment-batches/${batchId}`, { token: world.tokens.admin }), 200, 'batch');
    expect(batch.items.find((i: any) => i.paymentId === paid)).toMatchObject({ status: 'PAID' });
    expect(batch.items.find((i: any) => i.paymentId === returned)).toMatchObject({ status: 'RETURNED', returnReason: '账户已销户' });
    await w.shot('admin-03-batch-settled');
    await w.assertAccessible();
    await fitsPhone(w, 'admin-03-batch-settled');
    w.assertClean();
    await w.close();
  });

  it("shows finance the month's fund report, reconciled with its batches, in 元", async () => {
    const w = await openPage(browser, stack.url);
    const { page } = w;
    const month = shanghai().slice(0, 7);
    const finance = await stack.token({ role: 'finance', sub: 'finance-1', provinces: [PROVINCE] });
    const report = await ok(stack.api('GET', `/v1/fund-reports/${month}?province=${PROVINCE}`, { token: finance }), 200, 'fund report');
    expect(report.totals.paidFen).toBeGreaterThan(0);
    expect(report.totals.returnedFen).toBeGreaterThan(0);
    await signIn(w, 'finance', 'finance-1', '资金（finance）');
    await page.getByRole('link', { name: '资金月报' }).click();
    await page.getByRole('heading', { name: `北京市 ${month} 资金收支` }).waitFor();
    const summary = page.locator('.ant-table-summary');
    const totals = await summary.textContent();
    for (const f of ['instructedFen', 'sentFen', 'paidFen', 'returnedFen'] as const) expect(totals).toContain(yuan(report.totals[f]));
    expect(await page.locator('.ant-card').filter({ hasText: '资金收支' }).textContent()).toContain(report.reconciled ? '已平衡' : '不平衡');
    await page.getByRole('link', { name: report.batches[0].batchId }).waitFor();
    await w.shot('admin-04-fund-report');
    await w.shot('admin-04-fund-report', 1920);
    await w.assertAccessible();
    await fitsPhone(w, 'admin-04-fund-report');
    w.assertClean();
    await w.close();
  });

  it('lets an administrator publish a parameter version and refuses another value for it (409, next to the value)', async () => {
    const w = await openPage(browser, stack.url);
    const { page } = w;
    w.expect(409, '/v1/parameters');
    await asAdmin(w);
    await page.getByRole('link', { name: '参数管理' }).click();
    await page.getByRole('heading', { name: '参数管理' }).waitFor();
    // In force today for Beijing: the wage the fixtures published, with its version.
    const table = page.locator('.ant-table').first();
    await expect.poll(() => table.textContent()).toContain('averageMonthlyWageFen@province=110000@2024-01-01');
    expect(await table.textContent()).toContain('12,000.00 元');
    await w.shot('admin-05-parameters');
    await w.shot('admin-05-parameters', 1920);
    await w.assertAccessible();

    const publish = page.locator('form[aria-label="发布新版本"]');
    await chooseIn(publish, page, '参数', '职工月平均工资');
    await chooseIn(publish, page, '省份', '北京市');
    await publish.getByLabel('生效日期').fill('2027-01-01');
    await publish.getByLabel('生效日期').press('Tab');
    await publish.getByLabel('取值').fill('12,800');
    await page.getByRole('button', { name: '发布版本' }).click();
    await publish.getByText('金额格式应为元，最多两位小数').waitFor();
    await publish.getByLabel('取值').fill('12800.50');
    await page.getByRole('button', { name: '发布版本' }).click();
    await page.getByText('已发布新版本：职工月平均工资（北京市）自 2027-01-01 起为 12,800.50 元').waitFor();
    // The table follows the version's date and scope: the new version is the one in force then.
    await expect.poll(() => table.textContent()).toContain('averageMonthlyWageFen@province=110000@2027-01-01');
    const resolved = await ok(
      stack.api('GET', `/v1/parameters/resolve?name=averageMonthlyWageFen&on=2027-01-01&province=${PROVINCE}`, { token: world.tokens.admin }),
      200,
      'resolve',
    );
    expect(resolved).toMatchObject({ value: 1_280_050, effectiveFrom: '2027-01-01' });

    // Versions are never edited: another value for the same version is refused, in Chinese, next to the value.
    await publish.getByLabel('取值').fill('13000');
    await page.getByRole('button', { name: '发布版本' }).click();
    const help = publish.locator('#value_help');
    await expect.poll(() => help.textContent()).toContain('参数版本不可修改');
    await publish.getByRole('alert').first().waitFor();
    await w.shot('admin-06-parameter-refused');
    await w.assertAccessible();
    await fitsPhone(w, 'admin-05-parameters');
    w.assertClean();
    await w.close();
    expect(
      (await stack.api('GET', `/v1/parameters/resolve?name=averageMonthlyWageFen&on=2027-06-01&province=${PROVINCE}`, { token: world.tokens.admin })).body
        .value,
    ).toBe(1_280_050);
  });

  it("lets an administrator load a year's holidays and make-up working days", async () => {
    const w = await openPage(browser, stack.url);
    const { page } = w;
    // 2027 has no arrangement yet: the API answers 404 and the page says its deadlines are provisional.
    w.expect(404, '/v1/calendars/2027');
    await asAdmin(w);
    await page.getByRole('link', { name: '工作日历' }).click();
    await page.getByRole('heading', { name: `${shanghai().slice(0, 4)} 年节假日安排` }).waitFor();
    await page.getByText('系统预置').waitFor();
    await w.shot('admin-07-calendar');
    await w.assertAccessible();

    await page.getByLabel('年度').fill('2027');
    await page.getByRole('button', { name: '查看' }).click();
    await page.getByText('2027 年：该年度尚未载入节假日安排').waitFor();
    const form = page.locator('form[aria-label="载入 2027 年安排"]');
    await form.getByLabel('节假日（休息日）').fill('2027-01-01\n2027-02-06 2027-02-07，2027-02-08\n2027-02-09\n2027-10-01');
    // 2027-02-15 is a Monday: a make-up working day must fall on a weekend (checked before sending, in Chinese).
    await form.getByLabel('调休上班日（周六或周日）').fill('2027-02-15\n2027-02-20');
    await page.getByRole('button', { name: '载入安排' }).click();
    await form.getByText('调休上班日须为周六或周日：2027-02-15（周一）').waitFor();
    await form.getByLabel('调休上班日（周六或周日）').fill('2027-02-14\n2027-02-20');
    await page.getByRole('button', { name: '载入安排' }).click();
    await page.getByRole('heading', { name: '2027 年节假日安排' }).waitFor();
    await page.getByText('管理员载入').waitFor();
    await page.getByText('2月14日（周日）、2月20日（周六）').waitFor();
    const calendar = await ok(stack.api('GET', '/v1/calendars/2027', { token: world.tokens.admin }), 200, 'calendar');
    expect(calendar).toMatchObject({
      source: 'loaded',
      holidays: ['2027-01-01', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09', '2027-10-01'],
      workdays: ['2027-02-14', '2027-02-20'],
    });
    await w.shot('admin-08-calendar-loaded');
    await w.assertAccessible();
    await fitsPhone(w, 'admin-08-calendar-loaded');
    w.assertClean();
    await w.close();
  });

  it('lets an administrator register a platform and shows its client secret once', async () => {
    const w = await openPage(browser, stack.url);
    const { page } = w;
    w.expect(400, '/v1/platforms');
    const code = makeCreditCode(`91110000${randomBytes(5).toString('hex').replace(/[a-f]/g, '7').slice(0, 9)}`);
    const wrong = code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
    await asAdmin(w);
    await page.getByRole('link', { name: '平台管理' }).click();
    await page.getByRole('heading', { name: '登记平台' }).waitFor();
    const form = page.locator('form[aria-label="登记平台"]');
    await form.getByLabel('平台名称').fill('闪送同城');
    await form.getByLabel('统一社会信用代码').fill(wrong);
    await form.getByText('即时配送').click();
    await choose(page, '省份 1', '北京市');
    await page.getByRole('button', { name: '登记平台' }).click();
    // The API's refusal (a wrong check character) is shown in Chinese under the field it names.
    const help = form.locator('#creditCode_help');
    await expect.poll(() => help.textContent()).toContain('统一社会信用代码无效');
    await w.shot('admin-09-platform-refused');
    await w.assertAccessible();

    await form.getByLabel('统一社会信用代码').fill(code);
    await page.getByRole('button', { name: '登记平台' }).click();
    const secret = page.getByTestId('client-secret');
    await secret.waitFor();
    const first = (await secret.textContent())!.trim();
    expect(first.length).toBeGreaterThanOrEqual(32);
    await expect.poll(() => page.url()).toMatch(/\/platforms\/[^/]+$/);
    const platformId = decodeURIComponent(page.url().split('/').pop()!);
    await page.getByRole('heading', { name: '闪送同城' }).waitFor();
    await w.shot('admin-10-platform-secret');
    await w.assertAccessible();
    // The record has no secret to show again: reading the page afresh shows the platform without it.
    const record = await ok(stack.api('GET', `/v1/platforms/${platformId}`, { token: world.tokens.admin }), 200, 'platform');
    expect(JSON.stringify(record)).not.toContain(first);
    await page.reload();
    await page.getByRole('heading', { name: '闪送同城' }).waitFor();
    expect(await page.getByTestId('client-secret').count()).toBe(0);
    expect(await page.locator('body').textContent()).not.toContain(first);
    registered = { platformId, secret: first };
    w.assertClean();
    await w.close();
  });

  // A test of its own (it was one with the registration): each step is cheap, but on a loaded 2-core CI run the
  // two halves together came near the 60 s limit.
  it('lets an administrator add a province to the platform and issue new credentials, shown once', async () => {
    if (!registered) throw new Error('needs the platform registered by the previous test');
    const { platformId, secret: first } = registered;
    const w = await openPage(browser, stack.url);
    const { page } = w;
    await asAdmin(w);
    await page.goto(`/platforms/${encodeURIComponent(platformId)}`);
    await page.getByRole('heading', { name: '闪送同城' }).waitFor();
    const secret = page.getByTestId('client-secret');

    // Joining another province.
    // By keyboard: the province list is long (31, a virtual list); typing narrows it, Enter picks.
    await page.getByLabel('加入省份').click({ force: true });
    await page.getByLabel('加入省份').pressSequentially('上海');
    await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: '上海市' }).waitFor();
    await page.getByLabel('加入省份').press('Enter');
    await page.getByRole('button', { name: '加入省份' }).click();
    await page.locator('.ant-table').getByText('上海市').waitFor();
    expect(
      (await ok(stack.api('GET', `/v1/platforms/${platformId}`, { token: world.tokens.admin }), 200, 'platform')).provinces.map((p: any) => p.code),
    ).toEqual([PROVINCE, '310000']);
    // New credentials: another secret, shown once again.
    await page.getByRole('button', { name: '重新签发凭据' }).click();
    await page.getByRole('button', { name: '重新签发', exact: true }).click();
    await secret.waitFor();
    const second = (await secret.textContent())!.trim();
    expect(second).not.toBe(first);
    await fitsPhone(w, 'admin-10-platform-secret');
    await page.getByRole('button', { name: '我已妥善保存' }).click();
    expect(await page.getByTestId('client-secret').count()).toBe(0);
    await w.shot('admin-11-platform');
    await w.assertAccessible();
    w.assertClean();
    await w.close();
  });

  it('tells a role that may not use a page why, in Chinese, and asks the API nothing', async () => {
    const w = await openPage(browser, stack.url);
    const { page } = w;
    const calls: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.match(/^\/v1\/(parameters|platforms|payment-runs|calendars)/)) calls.push(r.url());
    });
    await signIn(w, 'handler', 'handler-1', '经办（handler）');
    expect(await page.getByRole('link', { name: '参数管理' }).count()).toBe(0);
    await page.goto('/parameters');
    const refusal = page.getByRole('alert').filter({ hasText: '参数管理仅限管理员使用；您当前的角色是经办，无权办理。' });
    await refusal.waitFor();
    await page.getByRole('heading', { name: '无权访问' }).waitFor();
    await w.shot('admin-12-refused');
    await w.assertAccessible();
    await fitsPhone(w, 'admin-12-refused');
    await page.goto('/platforms');
    await page.getByRole('alert').filter({ hasText: '平台管理仅限管理员使用' }).waitFor();
    w.assertClean();
    await w.close();

    const f = await openPage(browser, stack.url);
    await signIn(f, 'finance', 'finance-1', '资金（finance）');
    await f.page.goto('/payment-runs');
    await f.page.getByRole('alert').filter({ hasText: '按月支付仅限管理员使用；您当前的角色是资金，无权办理。' }).waitFor();
    f.assertClean();
    await f.close();
    expect(calls).toEqual([]);
  });
});
