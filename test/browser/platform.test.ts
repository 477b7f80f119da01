/**
 * A platform in its portal (issue 16, "Platforms"): Debian chromium at 1280 px against the local stack in-process
 * (DynamoDB Local, the Step Functions runner, the local domain events that deliver webhooks). A platform signs in
 * as 平台 with its platformId and lands in its own shell; registers a rider through the form (a wrong ID number
 * refused under the field, in Chinese); imports a riders CSV with a broken row (its reason in Chinese, the
 * rejected rows exported with a 原因 column) and an Excel file; imports a 5,000-row orders CSV in batches of
 * 1,000 with a progress bar — one row broken, one batch throttled (429) so the import stops and is resumed
 * from that batch — and the declaration counts each order once; importing the same file again is all
 * `duplicate` and the declaration does not move; sets a webhook (the secret shown once); reports a rider's
 * injury and opens the case, seeing the platform's application deadline the API computed, and the month's reports
 * listed by the API (one filed by the platform's own system among them); and sees the webhook's
 * delivery log and redelivers. Every page: no console error, no failed request (the 429 declared), axe with no
 * serious or critical violation, a `platform-…` screenshot at 1280 px and no horizontal scrolling at 375 px.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeResidentId } from '../../core/index.ts';
import { type LocalEvents, localEvents } from '../../local/events/index.ts';
import { localStepFunctions } from '../../local/stepfunctions/index.ts';
import { PROVINCE, setUpWorld, type World } from '../integration/cases-fixtures.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { choose, launch, openPage, type Watched } from './browser.ts';
import { fitsPhone } from './phone.ts';

let stack: TestStack;
let world: World;
let browser: Browser;
let events: LocalEvents;
let w: Watched;
/** Every script the page fetched, in order (exceljs must come only with an Excel file). */
const scripts: string[] = [];

/** The webhook's receiver: every request it got (path, webhook-id). */
const received: { id: string; body: string }[] = [];
let receiver: Server;
let receiverUrl = '';

const run = Math.random().toString(16).slice(2, 8);
const idNumber = (seq: number) => makeResidentId(`11${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`, '1991-03-07', seq);
/** The same number with a wrong check character. */
const broken = (id: string) => id.slice(0, 17) + (id[17] === '0' ? '1' : '0');

/** Riders: one registered through the form, two from the CSV (a third row broken), one from Excel. */
const single = { platformWorkerId: `p-${run}-1`, name: '张三', idNumber: idNumber(11) };
const fromCsv = [
  { platformWorkerId: `p-${run}-2`, name: '李四', idNumber: idNumber(13) },
  { platformWorkerId: `p-${run}-3`, name: '王五', idNumber: idNumber(15) },
];
const brokenRow = { platformWorkerId: `p-${run}-4`, name: '赵六', idNumber: broken(idNumber(17)) };

const shanghaiMonth = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(at).slice(0, 7);
const beijingLocal = (at: Date) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
    .format(at)
    .replace(' ', 'T');

/** The orders of every month of the platform's declaration, as the API counts them. */
const declaredOrders = async (month: string): Promise<number> => {
  // The counters are the orders stream's projection (issue 18): the page's batches went to the API from the
  // browser, not through the test's client, so wait here until every order written so far is counted.
  await stack.projected();
  const r = await stack.api('GET', `/v1/platforms/${world.platformId}/declarations/${month}`, { token: world.tokens.platform });
  if (r.status !== 200) throw new Error(`declaration: ${r.status} ${JSON.stringify(r.body)}`);
  return (r.body.lines as { orders: number }[]).reduce((sum, l) => sum + l.orders, 0);
};

/** Every page's checks once it has settled: screenshots at 1280 and 375 px, axe, no sideways scrolling at 375 px, nothing failed. */
async function checked(name: string): Promise<void> {
  await w.page.waitForLoadState('networkidle');
  await w.shot(`platform-${name}`);
  await w.shot(`platform-${name}`, 375);
  await w.assertAccessible();
  await fitsPhone(w.page);
  w.assertClean();
}

beforeAll(async () => {
  receiver = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ id: String(req.headers['webhook-id']), body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  events = localEvents({ retryCompression: 1_000_000, pollIntervalMs: 50 });
  stack = await startTestStack({ services: [localStepFunctions({ sweepIntervalMs: 0 }), events] });
  world = await setUpWorld(
    (m, p, o) => stack.api(m, p, o),
    (c) => stack.token(c),
  );
  browser = await launch();
  w = await openPage(browser, stack.url);
  w.page.on('request', (r) => {
    if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
  });
});

afterAll(async () => {
  await w?.close();
  await browser?.close();
  await stack?.stop();
  receiver?.closeAllConnections();
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
});

describe('the platform portal', () => {
  it('signs a platform in to its own shell: 骑手, 订单, 报案与案件, Webhook 设置', async () => {
    const { page } = w;
    await page.goto('/sign-in');
    await choose(page, '角色', '平台（platform）');
    await page.getByLabel('用户标识（sub）').fill(`platform-${world.platformId}`);
    await page.getByLabel('平台编号（platformId）').fill(world.platformId);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('heading', { level: 1, name: '骑手' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/workers');
    const nav = page.getByRole('menu', { name: '平台导航' });
    for (const item of ['骑手', '订单', '报案与案件', 'Webhook 设置', '统计看板'])
      await expect.poll(() => nav.getByRole('link', { name: item }).count()).toBe(1);
    // Nothing of the staff workbench.
    expect(await page.getByText('工作队列').count()).toBe(0);
    await expect.poll(() => page.getByText(`平台 · ${world.platformId}`).count()).toBe(1);
    await checked('workers');
  });

  it('registers one rider, after a wrong ID number is refused under its field in Chinese', async () => {
    const { page } = w;
    const form = page.locator('form').first();
    await form.getByLabel('平台劳动者编号').fill(single.platformWorkerId);
    await form.getByLabel('姓名').fill(single.name);
    await form.getByLabel('身份证号码').fill(broken(single.idNumber));
    await page.getByRole('button', { name: '登记骑手' }).click();
    const fieldError = form.locator('.ant-form-item-has-error .ant-form-item-explain-error');
    await fieldError.first().waitFor();
    expect(await fieldError.first().textContent()).toMatch(/[\u4e00-\u9fff]/);
    await w.shot('platform-worker-refused');

    await form.getByLabel('身份证号码').fill(single.idNumber);
    await page.getByRole('button', { name: '登记骑手' }).click();
    const done = page.getByRole('status').filter({ hasText: `已登记：${single.platformWorkerId}` });
    await done.waitFor();
    const workerId = (await done.textContent())?.match(/workerId）：(\S+)/)?.[1];
    expect(workerId).toBeTruthy();
    // The API knows the rider as this platform's: its coverage answers (an unknown worker is a 404).
    const coverage = await stack.api(
      'GET',
      `/v1/workers/${workerId}/coverage?at=${encodeURIComponent(new Date().toISOString())}&platformId=${world.platformId}`,
      { token: world.tokens.platform },
    );
    expect(coverage.status).toBe(200);
    await checked('worker-registered');
  });

  it('imports a riders CSV: preview, the broken row refused with its reason in Chinese, the rejected rows exported with 原因', async () => {
    const { page } = w;
    const csv = [
      '平台劳动者编号,姓名,身份证号码,手机号码',
      ...[fromCsv[0]!, brokenRow, fromCsv[1]!].map((r) => `${r.platformWorkerId},${r.name},${r.idNumber},`),
    ].join('\r\n');
    await page.getByLabel('选择骑手文件（CSV 或 Excel）').setInputFiles({ name: 'riders.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByText('riders.csv：共 3 行，预览前 10 行').waitFor();
    await page.getByRole('button', { name: '开始导入 3 行' }).click();
    await page.getByText('，已全部完成').waitFor();
    const progress = page.getByTestId('import-progress');
    expect(await progress.getByTestId('count-accepted').textContent()).toContain('2');
    expect(await progress.getByTestId('count-rejected').textContent()).toContain('1');
    const rejected = page.getByTestId('rejected-rows').locator('tbody tr.ant-table-row');
    await expect.poll(() => rejected.count()).toBe(1);
    const row = await rejected.first().textContent();
    expect(row).toContain(brokenRow.platformWorkerId);
    expect(row).toMatch(/身份证号码：[\u4e00-\u9fff]/);
    await w.shot('platform-workers-import');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出未受理行（CSV）' }).click()]);
    expect(download.suggestedFilename()).toBe('未受理骑手-riders.csv');
    const exported = readFileSync((await download.path())!, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(exported[0]).toBe('平台劳动者编号,姓名,身份证号码,手机号码,行号,原因');
    expect(exported).toHaveLength(2);
    expect(exported[1]).toContain(`${brokenRow.platformWorkerId},${brokenRow.name},${brokenRow.idNumber},,2,身份证号码：`);
    await checked('workers-imported');
  });

  it('imports a riders Excel file (exceljs loaded for it only)', async () => {
    const { page } = w;
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('骑手');
    sheet.addRow(['platformWorkerId', 'name', 'idNumber']);
    sheet.addRow([`p-${run}-x`, '孙七', idNumber(19)]);
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
    // Signing in, the riders page and a CSV import never fetched exceljs.
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.filter((p) => /exceljs/.test(p))).toEqual([]);
    const excelChunk = page.waitForResponse((r) => /exceljs/.test(r.url()));
    await page
      .getByLabel('选择骑手文件（CSV 或 Excel）')
      .setInputFiles({ name: 'riders.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer });
    await excelChunk;
    await page.getByText('riders.xlsx：共 1 行，预览前 10 行').waitFor();
    await page.getByRole('button', { name: '开始导入 1 行' }).click();
    await page.getByText('，已全部完成').waitFor();
    expect(await page.getByTestId('count-accepted').textContent()).toContain('1');
    expect(await page.getByTestId('count-rejected').textContent()).toContain('0');
    w.assertClean();
  });

  it('imports 5,000 orders in batches of 1,000 with a progress bar, resumes after a throttled batch, reports the broken row; the same file again counts nothing twice', async () => {
    const { page } = w;
    const now = Date.now();
    const month = shanghaiMonth(new Date(now));
    // 5,000 orders of the last few minutes (open: they cover an injury now), spread over the three riders.
    const riders = [single, ...fromCsv];
    const rows = Array.from({ length: 5_000 }, (_, i) => {
      const acceptedAt = i === 3_456 ? '昨天下午' : new Date(now - 120_000 - i * 20).toISOString().replace('Z', '+00:00');
      return `o-${run}-${i},${riders[i % 3]!.platformWorkerId},即时配送,${PROVINCE},${acceptedAt},`;
    });
    // The month boundary must not split the file (its orders all count in one declaration).
    expect(shanghaiMonth(new Date(now - 120_000 - 5_000 * 20))).toBe(month);
    const file = { name: 'orders.csv', mimeType: 'text/csv', buffer: Buffer.from(['订单编号,平台劳动者编号,行业,省份,接单时间,完成时间', ...rows].join('\n')) };
    const before = await declaredOrders(month);

    await page.getByRole('menu', { name: '平台导航' }).getByRole('link', { name: '订单' }).click();
    await page.getByRole('heading', { level: 1, name: '订单导入' }).waitFor();
    // The third batch is throttled once (the API's 429): the import stops there and is resumed from it.
    let calls = 0;
    w.expect(429, `/v1/platforms/${world.platformId}/orders`);
    await page.route(`**/v1/platforms/${world.platformId}/orders`, async (route) => {
      calls += 1;
      if (calls === 3)
        return route.fulfill({
          status: 429,
          contentType: 'application/problem+json',
          body: JSON.stringify({ type: 'about:blank', title: '请求过于频繁', status: 429, detail: '请求过于频繁，请稍后重试。' }),
        });
      return route.continue();
    });
    await page.getByLabel('选择订单文件（CSV 或 Excel）').setInputFiles(file);
    await page.getByText('orders.csv：共 5,000 行，预览前 10 行').waitFor();
    await page.getByRole('button', { name: '开始导入 5,000 行' }).click();
    const stopped = page.getByRole('alert').filter({ hasText: '第 3 批发送失败，导入已暂停' });
    await stopped.waitFor({ timeout: 30_000 });
    expect(await page.getByText('2,000 / 5,000 行').count()).toBe(1);
    expect(await page.getByRole('progressbar').count()).toBeGreaterThan(0);
    await w.shot('platform-orders-stopped');
    // Two batches are in: the declaration has exactly their orders.
    expect(await declaredOrders(month)).toBe(before + 2_000);

    await page.getByRole('button', { name: '重试第 3 批并继续' }).click();
    await page.getByText('，已全部完成').waitFor({ timeout: 60_000 });
    expect(calls).toBe(6);
    const count = async (s: string) => Number((await page.getByTestId(`count-${s}`).locator('.ant-statistic-content').textContent())?.replace(/,/g, ''));
    expect(await count('accepted')).toBe(4_999);
    expect(await count('duplicate')).toBe(0);
    expect(await count('rejected')).toBe(1);
    const rejected = page.getByTestId('rejected-rows').locator('tbody tr.ant-table-row');
    await expect.poll(() => rejected.count()).toBe(1);
    const row = await rejected.first().textContent();
    expect(row).toContain(`o-${run}-3456`);
    expect(row).toContain('接单时间：');
    expect(row).toMatch(/接单时间：[\u4e00-\u9fff]/);
    expect(row).not.toMatch(/must|offset/);
    expect(await declaredOrders(month)).toBe(before + 4_999);
    // The page shows the month's declaration as the API counts it.
    const declared = page.getByTestId('declarations').locator('tbody tr.ant-table-row').filter({ hasText: month });
    await expect.poll(async () => (await declared.textContent()) ?? '', { timeout: 30_000 }).toContain((before + 4_999).toLocaleString('zh-CN'));
    await checked('orders-imported');

    // The same file again: every order already there is a duplicate, and the declaration does not move.
    await page.getByLabel('选择订单文件（CSV 或 Excel）').setInputFiles(file);
    await page.getByRole('button', { name: '开始导入 5,000 行' }).click();
    await page.getByText('，已全部完成').waitFor({ timeout: 60_000 });
    expect(await count('accepted')).toBe(0);
    expect(await count('duplicate')).toBe(4_999);
    expect(await count('rejected')).toBe(1);
    expect(await declaredOrders(month)).toBe(before + 4_999);
    await expect.poll(async () => (await declared.textContent()) ?? '', { timeout: 30_000 }).toContain((before + 4_999).toLocaleString('zh-CN'));
    await page.unroute(`**/v1/platforms/${world.platformId}/orders`);
    await checked('orders-reimported');
  });

  it('sets a webhook and sees its secret once', async () => {
    const { page } = w;
    await page.getByRole('menu', { name: '平台导航' }).getByRole('link', { name: 'Webhook 设置' }).click();
    await page.getByRole('heading', { level: 1, name: 'Webhook 设置' }).waitFor();
    await page.getByLabel('接收地址（https）').fill(receiverUrl);
    await page.getByRole('button', { name: '保存并签发新密钥' }).click();
    const secret = page.getByTestId('webhook-secret');
    await secret.waitFor();
    expect(await secret.textContent()).toMatch(/^whsec_[A-Za-z0-9+/=]{32,}$/);
    await checked('webhook-secret');
    await page.getByRole('button', { name: '我已妥善保存' }).click();
    expect(await page.getByTestId('webhook-secret').count()).toBe(0);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Webhook 设置' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.getByTestId('webhook-secret').count()).toBe(0);
    expect(await page.getByText('whsec_').count()).toBe(0);
    w.assertClean();
  });

  it("lists the month's reports from the API, those filed elsewhere too, each with the platform's deadline", async () => {
    const { page } = w;
    // A report the platform's own system filed through the API: this browser never saw it.
    const filed = await stack.api('POST', '/v1/injury-reports', {
      token: world.tokens.platform,
      body: {
        platformId: world.platformId,
        platformWorkerId: fromCsv[1]!.platformWorkerId,
        occurredAt: new Date(Date.now() - 2 * 3_600_000).toISOString(),
        province: PROVINCE,
        place: '东城区东直门',
        description: '骑行中被开门的车门撞倒',
      },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const listed = await stack.api('GET', `/v1/platforms/${world.platformId}/injury-reports?month=${shanghaiMonth(new Date(Date.now() - 2 * 3_600_000))}`, {
      token: world.tokens.platform,
    });
    const mine = (listed.body.items as { reportId: string; applicationDue: { date: string } }[]).find((r) => r.reportId === filed.body.reportId)!;
    await page.getByRole('menu', { name: '平台导航' }).getByRole('link', { name: '报案与案件' }).click();
    await page.getByRole('heading', { level: 1, name: '报案与案件' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: filed.body.reportId });
    await row.waitFor();
    expect(await row.textContent()).toContain(fromCsv[1]!.platformWorkerId);
    expect(await row.textContent()).toContain(mine.applicationDue.date);
    expect(await row.getByRole('button', { name: `为报案 ${filed.body.reportId} 申请待遇` }).count()).toBe(1);
  });

  it("reports a rider's injury, opens the case and sees the platform's application deadline as the API computed it", async () => {
    const { page } = w;
    await page.getByRole('heading', { level: 1, name: '报案与案件' }).waitFor();
    await page.getByLabel('平台劳动者编号').fill(single.platformWorkerId);
    await page.getByLabel('受伤时间（北京时间）').fill(beijingLocal(new Date(Date.now() - 60_000)));
    await choose(page, '受伤地所在省份', '北京市');
    await page.getByLabel('受伤地点').fill('朝阳区建国路 88 号');
    await page.getByLabel('受伤经过').fill('送餐途中被电动车撞倒，右腿擦伤');
    await page.getByRole('button', { name: '提交报案' }).click();
    const apply = page.getByRole('heading', { level: 2, name: /^申请待遇（报案 / });
    await apply.waitFor();
    await page.getByText('受伤时有进行中的订单').first().waitFor();
    await w.shot('platform-report-filed');
    await page.getByLabel('收款人姓名（受伤骑手本人）').fill(single.name);
    await page.getByLabel('收款银行账号').fill('6222 0202 0011 2230');
    await page.getByRole('checkbox', { name: /已取得骑手本人同意/ }).check();
    await page.getByRole('button', { name: '提交申请' }).click();
    await page.waitForURL(/\/reports\/C/);
    const caseId = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByRole('heading', { level: 1, name: `案件 ${caseId}` }).waitFor();
    const apiCase = (await stack.api('GET', `/v1/cases/${caseId}`, { token: world.tokens.platform })).body;
    expect(apiCase).toMatchObject({ platformId: world.platformId, late: false, coverage: { covered: true } });
    const due = apiCase.deadlines.applicationDue as { date: string; provisional: boolean };
    await expect.poll(() => page.getByTestId('application-due').textContent()).toBe(`${due.date}${due.provisional ? '（暂定）' : ''}`);
    await page
      .getByText(/待认定/)
      .first()
      .waitFor();
    await checked('case');

    // The list (the API's): the report with its case, the case's status and the platform's deadline.
    await page.getByRole('link', { name: '← 返回报案与案件' }).click();
    await page.getByRole('heading', { level: 1, name: '报案与案件' }).waitFor();
    const caseRow = page.getByRole('row').filter({ hasText: caseId });
    await caseRow.filter({ hasText: '待认定' }).filter({ hasText: due.date }).waitFor();
    expect(await page.getByRole('link', { name: caseId }).count()).toBe(1);
    await checked('reports');
  });

  it('applies late for an injury of ten days ago: the API asks for the 超期说明 (422, expected), then opens the case as late', async () => {
    const { page } = w;
    w.expect(422, '/v1/cases');
    await page.getByLabel('平台劳动者编号').fill(fromCsv[0]!.platformWorkerId);
    await page.getByLabel('受伤时间（北京时间）').fill(beijingLocal(new Date(Date.now() - 10 * 86_400_000)));
    await choose(page, '受伤地所在省份', '北京市');
    await page.getByLabel('受伤地点').fill('海淀区中关村大街');
    await page.getByLabel('受伤经过').fill('取餐时在楼梯滑倒');
    await page.getByRole('button', { name: '提交报案' }).click();
    await page.getByRole('heading', { level: 2, name: /^申请待遇（报案 / }).waitFor();
    await page.getByLabel('收款人姓名（受伤骑手本人）').fill(fromCsv[0]!.name);
    await page.getByLabel('收款银行账号').fill('6222020200112230');
    await page.getByRole('checkbox', { name: /已取得骑手本人同意/ }).check();
    await page.getByRole('button', { name: '提交申请' }).click();
    const explanation = page.getByLabel('超期说明');
    await explanation.waitFor();
    // The API's own message about the deadline, under the field.
    await expect
      .poll(async () => (await page.locator('.ant-form-item-has-error .ant-form-item-explain-error').first().textContent()) ?? '')
      .toMatch(/[\u4e00-\u9fff]/);
    await w.shot('platform-late');
    await explanation.fill('骑手住院期间联系不上，家属于昨日告知平台。');
    await page.getByRole('button', { name: '提交申请' }).click();
    await page.waitForURL(/\/reports\/C/);
    const caseId = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByText('超期申请').first().waitFor();
    const apiCase = (await stack.api('GET', `/v1/cases/${caseId}`, { token: world.tokens.platform })).body;
    expect(apiCase.late).toBe(true);
    await checked('case-late');
    await page.getByRole('link', { name: '← 返回报案与案件' }).click();
    await page.getByRole('heading', { level: 1, name: '报案与案件' }).waitFor();
    // The list shows the injury's month (maybe last month), the case marked as applied late.
    expect(await page.getByLabel('受伤月份').inputValue()).toBe(shanghaiMonth(new Date(apiCase.occurredAt)));
    await page.getByRole('row').filter({ hasText: caseId }).filter({ hasText: '超期申请' }).waitFor();
  });

  it('lists the webhook deliveries and redelivers one with the same webhook-id', async () => {
    const { page } = w;
    // The report above fired injury_report.created: the receiver got it.
    await expect.poll(() => received.filter((r) => r.body.includes('injury_report.created')).length, { timeout: 20_000 }).toBeGreaterThan(0);
    const first = received.find((r) => r.body.includes('injury_report.created'))!;
    await page.getByRole('menu', { name: '平台导航' }).getByRole('link', { name: 'Webhook 设置' }).click();
    await page.getByRole('heading', { level: 1, name: 'Webhook 设置' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: first.id }).filter({ hasText: '报案已登记' });
    await row.first().waitFor();
    expect(await row.first().textContent()).toContain('成功（204）');
    await w.shot('platform-webhook-deliveries');
    await row.first().getByRole('button', { name: '重新投递' }).click();
    await page.getByText(`已安排重新投递（webhook-id ${first.id}）`).waitFor();
    await expect.poll(() => received.filter((r) => r.id === first.id).length, { timeout: 20_000 }).toBeGreaterThan(1);
    await checked('webhook');

    // 删除 Webhook asks first, then the API removes it (204).
    await page.getByRole('button', { name: '删除 Webhook' }).click();
    const deleted = page.waitForResponse((r) => r.request().method() === 'DELETE' && r.url().endsWith(`/v1/platforms/${world.platformId}/webhook`));
    await page.locator('.ant-popconfirm').getByRole('button', { name: '删除' }).click();
    expect((await deleted).status()).toBe(204);
    await page.getByText('Webhook 已删除').waitFor();
    w.assertClean();
  });

  it('shows the platform its own bill and its own statistics, the figures the API gives it (D19, D20)', async () => {
    const { page } = w;
    const nav = page.getByRole('menu', { name: '平台导航' });
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(new Date());
    // Its bill of this month: no platform field (it is its own), the orders the import above declared.
    await page.goto('/settlement');
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    expect(await page.getByLabel('平台编号').count()).toBe(0);
    await checked('settlement');

    await nav.getByRole('link', { name: '统计看板' }).click();
    await page.getByRole('heading', { name: '统计看板' }).waitFor();
    const table = page.locator('.dashboard-panel').filter({ has: page.getByRole('heading', { name: '每百万单工伤数（按月）', exact: true }) });
    const row = table.locator('.ant-table-row').filter({ hasText: month });
    await row.first().waitFor();
    // Without a platformId the API answers a platform with its own figures; the page shows the same.
    const api = await stack.api('GET', `/v1/statistics?from=${month}&to=${month}`, { token: world.tokens.platform });
    expect(api.status).toBe(200);
    const mine = api.body.months[0];
    expect(mine.orders).toBeGreaterThanOrEqual(4_999);
    const cells = (await row.first().locator('td').allTextContents()).map((t) => t.trim());
    expect(cells.slice(0, 4)).toEqual([month, String(mine.orders), String(mine.reports), String(mine.confirmedCases)]);
    // Another platform's figures are not its to see (403), and the page asks for none.
    expect((await stack.api('GET', `/v1/statistics?from=${month}&to=${month}&platformId=plt_someone_else`, { token: world.tokens.platform })).status).toBe(403);
    await checked('dashboards');
  });
});
