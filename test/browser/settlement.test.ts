/**
 * A platform's month, credit records and assistance between provinces in a real browser (D18, D19): the
 * month is closed by the scheduled close (invoked with its scheduled time, as the integration tests do) with
 * the bill unpaid; an administrator sees the bill, is refused a reopening without a reason (in Chinese, next
 * to the field), reopens it with one, closes it again, records the settlement that completes it and sees the
 * unpaid-bill credit record resolved by it; the employment report's CSV downloaded from the page holds the
 * API's figures. A Beijing handler asks Shanghai for assistance from the case page; a Shanghai handler
 * answers it and sees no personal field of the case; the Beijing handler reads the answer. Every page: no
 * console error, no unexpected failed request, axe clean, a 1280 px screenshot (`settlement-…`) and no
 * sideways scrolling at 375 px.
 */
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, closesOn, shanghaiMonth, shanghaiStartOfDay } from '../../core/index.ts';
import { localStepFunctions, type LocalStepFunctions } from '../../local/stepfunctions/index.ts';
import { openedCase, PROVINCE, registerWorker, setUpWorld, type World } from '../integration/cases-fixtures.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { launch, openPage, signIn, type Watched } from './browser.ts';
import { fitsPhone } from './phone.ts';

let stack: TestStack;
let sfn: LocalStepFunctions;
let world: World;
let browser: Browser;
const now = new Date();
const month = shanghaiMonth(now);
const closeDay = closesOn(month, 15);
/** A day after the close, the settlement's paidOn (not in the future of the close). */
const paidOn = addDays(closeDay, 3);
let caseInfo: { caseId: string; worker: { idNumber: string; workerId: string } };

const yuan = (fen: number) => `${Math.trunc(fen / 100).toLocaleString('en-US')}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;
const ok = async (res: Promise<{ status: number; body: any }>, status: number, what: string) => {
  const r = await res;
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};
const declaration = () => ok(stack.api('GET', `/v1/platforms/${world.platformId}/declarations/${month}`, { token: world.tokens.admin }), 200, 'declaration');
const item = (page: Page, label: string) => page.locator('.ant-descriptions-item', { has: page.locator('.ant-descriptions-item-label', { hasText: label }) });

/** Follows a link of the header's 结算与协查 submenu. */
async function nav(page: Page, name: string): Promise<void> {
  await page.getByRole('menuitem', { name: '结算与协查' }).hover();
  await page.getByRole('link', { name, exact: true }).click();
  // The popup closes once the pointer leaves it (else it covers the page's own controls).
  await page.mouse.move(640, 880);
  await expect.poll(() => page.locator('.ant-menu-submenu-popup:not(.ant-menu-submenu-hidden)').count()).toBe(0);
}

/** Opens the console with a token of `claims` (a Shanghai handler: the sign-in helper is for Beijing staff). */
async function signInWith(w: Watched, claims: Record<string, unknown>, path: string): Promise<void> {
  const token = await stack.token(claims);
  await w.page.goto('/sign-in');
  await w.page.evaluate((t) => (globalThis as unknown as { sessionStorage: Storage }).sessionStorage.setItem('console.session', t), token);
  await w.page.goto(path);
  await w.page.getByRole('button', { name: '退出登录' }).waitFor();
}

beforeAll(async () => {
  sfn = localStepFunctions({ sweepIntervalMs: 0 });
  stack = await startTestStack({ services: [sfn] });
  world = await setUpWorld(
    (m, p, o) => stack.api(m, p, o),
    (c) => stack.token(c),
  );
  // Three orders of this month (not in the future), then the scheduled close at 00:00 after closesOn.
  const worker = await registerWorker(world);
  const first = new Date(`${month}-01T09:00:00+08:00`).getTime();
  const orders = [0, 1, 2].map((h) => ({
    orderId: `o-${randomBytes(5).toString('hex')}`,
    platformWorkerId: worker.platformWorkerId,
    industry: 'INSTANT_DELIVERY',
    province: PROVINCE,
    acceptedAt: new Date(Math.min(first + h * 3_600_000, now.getTime() - 60_000 * (3 - h))).toISOString(),
  }));
  const sent = await ok(stack.api('POST', `/v1/platforms/${world.platformId}/orders`, { token: world.tokens.platform, body: { orders } }), 200, 'orders');
  expect(sent.accepted).toBe(3);
  caseInfo = await openedCase(world);
  const closed = await sfn.monthCloseNow(shanghaiStartOfDay(addDays(closeDay, 1)));
  expect(closed.closed).toBeGreaterThanOrEqual(1);
  expect((await declaration()).status).toBe('CLOSED');
  browser = await launch();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("a platform's month in chromium (D19)", () => {
  it('an administrator sees the bill, reopens it (a missing reason refused in Chinese), closes it and records the settlement (a zero amount refused by the API)', async () => {
    const w = await openPage(browser, stack.url);
    const { page } = w;
    await signIn(w, 'admin', 'admin-2', '管理员（admin）');
    await nav(page, '账单与结算');
    await page.getByRole('heading', { name: '账单与结算' }).waitFor();
    await page.getByLabel('平台编号').fill(world.platformId);
    await page.getByLabel('月份').fill(month);
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByRole('heading', { name: `${month} 月度账单` }).waitFor();
    const bill = await declaration();
    expect(bill.dueFen).toBeGreaterThan(0);
    await expect.poll(() => item(page, '状态').textContent()).toContain('已关账');
    expect(await item(page, '缴费截止日').textContent()).toContain(closeDay);
    expect(await item(page, '应缴合计（元）').textContent()).toContain(yuan(bill.totalFen));
    expect(await item(page, '待缴（元）').textContent()).toContain(yuan(bill.dueFen));
    const lines = (await page.locator('table', { hasText: '费率版本' }).textContent()) ?? '';
    expect(lines).toContain(bill.lines[0].rateVersion);
    expect(lines).toContain(yuan(bill.lines[0].amountFen));
    await page.getByText('尚无缴款记录').waitFor();
    await w.shot('settlement-01-bill-closed');
    await w.assertAccessible();
    await fitsPhone(page);

    // 重新开放 without a reason: refused in Chinese next to the field before anything is sent (an API
    // answer would be an undeclared 400, which assertClean reports).
    const reopen = page.getByRole('form', { name: '重新开放' });
    await reopen.getByLabel('重新开放原因').fill('   ');
    await reopen.getByRole('button', { name: '重新开放' }).click();
    await reopen.getByText('请填写重新开放原因（如补报订单的缘由）').waitFor();
    expect((await declaration()).status).toBe('CLOSED');
    await w.shot('settlement-02-reopen-refused');
    await w.assertAccessible();
    await reopen.getByLabel('重新开放原因').fill('平台接口故障，补报订单');
    await reopen.getByRole('button', { name: '重新开放' }).click();
    await expect.poll(() => item(page, '状态').textContent()).toContain('已重新开放');
    expect((await declaration()).status).toBe('REOPENED');

    // 关闭: the month is CLOSED again, the record of the unpaid bill open.
    await page.getByRole('form', { name: '关闭账期' }).getByRole('button', { name: '关闭' }).click();
    await expect.poll(() => item(page, '状态').textContent()).toContain('已关账');
    const open = await ok(stack.api('GET', `/v1/credit-records?platformId=${world.platformId}&status=open`, { token: world.tokens.admin }), 200, 'records');
    expect(open.items.map((r: any) => r.type)).toEqual(['UNPAID_CONTRIBUTIONS']);

    // 登记缴款: an amount of 0 is the API's refusal (400 naming amountFen), shown next to the amount in Chinese.
    const settle = page.getByRole('form', { name: '登记缴款' });
    w.expect(400, '/settlements');
    const keys: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/settlements')) keys.push(r.headers()['idempotency-key'] ?? '');
    });
    await settle.getByLabel('缴款金额（元）').fill('0');
    await settle.getByLabel('缴款日期').fill(paidOn);
    await settle.getByLabel('缴款日期').press('Tab');
    await settle.getByRole('button', { name: '登记缴款' }).click();
    const amountError = settle.locator('.ant-form-item', { hasText: '缴款金额（元）' }).locator('.ant-form-item-explain-error');
    await amountError.waitFor();
    expect(await amountError.textContent()).toMatch(/[\u4e00-\u9fff]/);
    expect((await declaration()).settledFen).toBe(0);
    await w.shot('settlement-03-settlement-refused');
    // Then the whole bill in 元, paid three days after the close.
    const due = (await declaration()).dueFen as number;
    await settle.getByLabel('缴款金额（元）').fill(yuan(due).replace(/,/g, ''));
    await settle.getByLabel('缴款日期').fill(paidOn);
    await settle.getByLabel('缴款日期').press('Tab');
    await settle.getByRole('button', { name: '登记缴款' }).click();
    await expect.poll(() => item(page, '待缴（元）').textContent()).toContain('0.00');
    const after = await declaration();
    // Each answered send had its own Idempotency-Key (a retry after no answer would reuse it).
    expect(keys).toHaveLength(2);
    expect(keys.every((k) => /^[0-9a-f-]{36}$/.test(k))).toBe(true);
    expect(keys[0]).not.toBe(keys[1]);
    expect(after).toMatchObject({ status: 'CLOSED', settledFen: due, dueFen: 0 });
    const settlements = page.locator('table', { hasText: '缴款编号' });
    await expect.poll(() => settlements.textContent()).toContain(after.settlements[0].settlementId);
    expect(await settlements.textContent()).toContain(yuan(due));
    expect(await settlements.textContent()).toContain(paidOn);
    await w.shot('settlement-04-bill-settled');
    await w.assertAccessible();
    await fitsPhone(page);
    w.assertClean();
    await w.close();
  });

  it('the credit record the unpaid close created shows resolved by that settlement, its fact in words', async () => {
    const w = await openPage(browser, stack.url);
    const { page } = w;
    await signIn(w, 'admin', 'admin-2', '管理员（admin）');
    await nav(page, '信用记录');
    await page.getByRole('heading', { name: '信用记录' }).waitFor();
    await page.getByLabel('平台编号').fill(world.platformId);
    await page.getByLabel('状态').click({ force: true });
    await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: '已消除' }).click();
    await page.getByRole('button', { name: '查询' }).click();
    const recordId = `CR-UNPAID-${world.platformId}-${month}`;
    const row = page.locator('tr', { hasText: recordId });
    await row.waitFor();
    const api = await ok(stack.api('GET', `/v1/credit-records?platformId=${world.platformId}&status=resolved`, { token: world.tokens.admin }), 200, 'records');
    expect(api.items).toEqual([expect.objectContaining({ recordId, status: 'resolved', resolvedOn: paidOn })]);
    const text = await row.textContent();
    expect(text).toContain('未按期足额缴费');
    expect(text).toContain(`${month} 月账单应缴 ${yuan(api.items[0].fact.totalFen)} 元，缴费截止日 ${closeDay}`);
    expect(text).toContain(`已消除${paidOn} 消除`);
    expect(await page.locator('tbody tr.ant-table-row').count()).toBe(1);
    await w.shot('settlement-05-credit-records');
    await w.assertAccessible();
    await fitsPhone(page);
    w.assertClean();
    await w.close();
  });

  it("downloads the employment report's CSV, whose figures are the API's", async () => {
    const w = await openPage(browser, stack.url);
    const { page } = w;
    await signIn(w, 'admin', 'admin-2', '管理员（admin）');
    await page.goto(`/settlement?platformId=${world.platformId}&month=${month}`);
    await page.getByRole('heading', { name: `${month} 用工情况报告` }).waitFor();
    const report = await ok(stack.api('GET', `/v1/platforms/${world.platformId}/employment-reports/${month}`, { token: world.tokens.admin }), 200, 'report');
    // This test's three orders and the order covering the case's injury: the bill's lines count the same.
    const billed = (await declaration()).lines.reduce((n: number, l: any) => n + l.orders, 0);
    expect(report.totals.orders).toBe(4);
    expect(billed).toBe(4);
    await expect.poll(() => item(page, '订单数').textContent()).toContain(String(report.totals.orders));
    expect(await item(page, '职业伤害保障费（元）').textContent()).toContain(yuan(report.totals.feeFen));
    expect(await item(page, '从业人员（人）').textContent()).toContain(String(report.totals.workers));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载 CSV' }).click()]);
    expect(download.suggestedFilename()).toBe(`employment-report-${world.platformId}-${month}.csv`);
    const csv = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
    const rows = csv
      .trim()
      .split(/\r?\n/)
      .map((l) => l.split(','));
    expect(rows[0]).toEqual(['月份', '指标', '省份', '行业', '案件状态', '数值']);
    // The file's figures are the API's: totals, each province and industry line, cases by status.
    const figure = (name: string, province = '合计', industry = '合计', status = '') =>
      rows.filter((r) => r[1] === name && r[2] === province && r[3] === industry && r[4] === status).map((r) => Number(r[5]));
    expect(figure('参保劳动者人数')).toEqual([report.totals.workers]);
    expect(figure('参保天数')).toEqual([report.totals.enrolmentDays]);
    expect(figure('订单数')).toEqual([billed]);
    expect(figure('缴费金额（分）')).toEqual([report.totals.feeFen]);
    expect(figure('伤害报告数')).toEqual([report.totals.injuryReports]);
    for (const l of report.byProvinceIndustry) {
      expect(figure('订单数', l.province, l.industry)).toEqual([l.orders]);
      expect(figure('缴费金额（分）', l.province, l.industry)).toEqual([l.feeFen]);
    }
    for (const [status, n] of Object.entries(report.casesByStatus)) expect(figure('案件数', '合计', '合计', status)).toEqual([n]);
    expect(rows.slice(1).every((r) => r[0] === month)).toBe(true);
    await w.shot('settlement-06-employment-report');
    await w.assertAccessible();
    await fitsPhone(page);
    w.assertClean();
    await w.close();
  });
});

describe("the platform's own month (the pages the platform shell reuses)", () => {
  it('a platform sees its own bill without actions, its report and its own credit records, with no platform field', async () => {
    const w = await openPage(browser, stack.url);
    const { page } = w;
    await signInWith(w, { role: 'platform', sub: `platform-${world.platformId}`, platformId: world.platformId }, '/settlement');
    await page.getByRole('heading', { name: `${month} 月度账单` }).waitFor();
    expect(await page.getByLabel('平台编号').count()).toBe(0);
    const bill = await declaration();
    await expect.poll(() => item(page, '待缴（元）').textContent()).toContain(yuan(bill.dueFen));
    expect(await item(page, '平台编号').textContent()).toContain(world.platformId);
    expect(await page.getByText('账期操作').count()).toBe(0);
    await page.getByRole('heading', { name: `${month} 用工情况报告` }).waitFor();
    await w.shot('settlement-11-platform-bill');
    await w.assertAccessible();
    await fitsPhone(page);

    await page.goto('/credit-records');
    const row = page.locator('tr', { hasText: `CR-UNPAID-${world.platformId}-${month}` });
    await row.waitFor();
    expect(await page.getByLabel('平台编号').count()).toBe(0);
    expect(await page.getByRole('columnheader', { name: '平台编号' }).count()).toBe(0);
    const own = await ok(stack.api('GET', '/v1/credit-records', { token: world.tokens.platform }), 200, 'own records');
    expect(await page.locator('tbody tr.ant-table-row').count()).toBe(own.items.length);
    await w.shot('settlement-12-platform-credit-records');
    await w.assertAccessible();
    await fitsPhone(page);
    w.assertClean();
    await w.close();
  });
});

describe('assistance between provinces in chromium (D18)', () => {
  it('a Beijing handler asks Shanghai from the case page; a Shanghai handler answers and sees no personal field', async () => {
    const task = '请核实伤者事发时在上海的就诊记录';
    const bj = await openPage(browser, stack.url);
    await signIn(bj, 'handler', 'handler-1', '经办（handler）');
    await bj.page.goto(`/cases/${caseInfo.caseId}`);
    const ask = bj.page.getByRole('form', { name: '请求协查' });
    await ask.waitFor();
    await ask.getByLabel('协查省份').click({ force: true });
    await bj.page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: '上海市' }).click();
    await ask.getByLabel('协查事项').fill(task);
    await ask.getByRole('button', { name: '发出协查请求' }).click();
    await bj.page.getByText('待答复').waitFor();
    await bj.shot('settlement-07-case-assistance-asked');
    await bj.assertAccessible();
    bj.assertClean();

    const sh = await openPage(browser, stack.url);
    const { page } = sh;
    await signInWith(sh, { role: 'handler', sub: 'handler-sh', provinces: ['310000'] }, '/assistance');
    await page.getByRole('heading', { name: '发给本省的协查' }).waitFor();
    const card = page.getByRole('form', { name: /^答复协查 / });
    await card.waitFor();
    const received = await ok(stack.api('GET', '/v1/assistance-requests', { token: world.tokens.otherProvince }), 200, 'received');
    const request = received.items.find((r: any) => r.caseId === caseInfo.caseId);
    expect(request).toMatchObject({ task, fromProvince: PROVINCE, province: '310000' });
    // What the page shows of the case: the request and its non-personal facts; no name, ID number, payee or diagnosis.
    const body = (await page.locator('main main').textContent()) ?? '';
    expect(body).toContain(task);
    expect(body).toContain(caseInfo.caseId);
    expect(body).toContain(request.occurredOn);
    expect(body).toContain(request.place);
    for (const personal of ['张三', caseInfo.worker.idNumber, caseInfo.worker.idNumber.slice(-4), '6222020200112230', '0230', caseInfo.worker.workerId]) {
      expect(body).not.toContain(personal);
    }
    // The case id is no link: the case itself is not theirs to open.
    expect(await page.getByRole('link', { name: caseInfo.caseId }).count()).toBe(0);
    await sh.shot('settlement-08-assistance-received');
    await sh.assertAccessible();
    await fitsPhone(page);
    await page
      .getByRole('form', { name: `答复协查 ${request.requestId}` })
      .getByLabel('协查答复')
      .fill('已核实：事发当日在上海市第六人民医院急诊就诊。');
    await page.getByRole('button', { name: '提交答复' }).click();
    await page.getByText('已答复', { exact: true }).first().waitFor();
    // '已答复' is first the toast, then the list's tag: the form goes once the list has been read again.
    await expect.poll(() => page.getByRole('form', { name: `答复协查 ${request.requestId}` }).count()).toBe(0);
    const answered = await ok(stack.api('GET', '/v1/assistance-requests', { token: world.tokens.otherProvince }), 200, 'answered');
    expect(answered.items.find((r: any) => r.requestId === request.requestId).answer).toBe('已核实：事发当日在上海市第六人民医院急诊就诊。');
    expect(((await page.locator('main main').textContent()) ?? '').includes('张三')).toBe(false);
    await sh.shot('settlement-09-assistance-answered');
    await sh.assertAccessible();
    sh.assertClean();
    await sh.close();

    // The asking province reads the answer on its 协查 page (sent).
    await nav(bj.page, '协查');
    await bj.page.getByRole('heading', { name: '本省发出的协查' }).waitFor();
    await bj.page.getByText('已核实：事发当日在上海市第六人民医院急诊就诊。').waitFor();
    await bj.shot('settlement-10-assistance-sent');
    await bj.assertAccessible();
    await fitsPhone(bj.page);
    bj.assertClean();
    await bj.close();
  });
});
