/**
 * The platform portal's orders import (issue 16, "Platforms"), in Debian's chromium (playwright-core) against a
 * local stack started for it: N orders (default 100,000) from one CSV file through the page `/orders` — parsed
 * by papaparse in the browser, sent in batches of 1,000 one after another — measured from the click on 开始导入
 * until the page says 已全部完成 (orders/s), and in the same run the API's own ingestion rate: the same number of
 * other orders, of the same shape, sent by Node straight to `POST /v1/platforms/{platformId}/orders` in batches
 * of the same size, one after another. The ratio (browser ÷ API) is what the console costs over the API itself.
 * Both arms must see every order `accepted`, and the declaration must count 2 × N orders (plus one warm-up batch).
 *
 * `npm run bench -- --only=console-import [--orders=5000]`
 */
import { performance } from 'node:perf_hooks';
import { makeResidentId } from '../core/index.ts';
import { PROVINCE } from '../test/integration/cases-fixtures.ts';
import { startConsoleBench } from './lib/console-stack.ts';

export interface ConsoleImportResult {
  readonly measuredAt: string;
  readonly orders: number;
  readonly batchSize: number;
  readonly workers: number;
  /** The browser: choosing the file until its preview shows (read + papaparse), then the import itself. */
  readonly browser: { readonly parseMs: number; readonly importMs: number; readonly ordersPerSecond: number };
  /** Node straight to the API, the same batches one after another. */
  readonly api: { readonly ms: number; readonly ordersPerSecond: number };
  /** browser orders/s ÷ API orders/s. */
  readonly ratio: number;
}

const BATCH = 1_000;

export async function runConsoleImport(options: { orders: number; workers?: number }, log: (line: string) => void): Promise<ConsoleImportResult> {
  const n = options.orders;
  const workers = options.workers ?? 200;
  const { app, browser, api, world, stop } = await startConsoleBench([], log);
  try {
    const { platformId } = world;
    const token = world.tokens.platform;

    log(`console-import: registering ${workers} workers`);
    const riders = Array.from({ length: workers }, (_, i) => ({
      platformWorkerId: `bench-${i}`,
      name: '张三',
      idNumber: makeResidentId(`11${String(1000 + Math.floor(i / 500)).padStart(4, '0')}`, '1990-01-01', (i % 500) * 2 + 1),
    }));
    for (let i = 0; i < riders.length; i += 500) {
      const r = await api('PUT', `/v1/platforms/${platformId}/workers`, { token, body: { workers: riders.slice(i, i + 500) } });
      const refused = (r.body?.results ?? []).filter((x: { status: string }) => x.status !== 'accepted');
      if (r.status !== 200 || refused.length > 0) throw new Error(`workers: ${r.status} ${JSON.stringify(refused[0] ?? r.body)}`);
    }

    // Orders of the last minutes (the current month; never in the future), one arm's ids apart from the other's.
    const start = Date.now() - 10 * 60_000;
    const order = (arm: string, i: number) => ({
      orderId: `${arm}-${i}`,
      platformWorkerId: `bench-${i % workers}`,
      industry: 'INSTANT_DELIVERY',
      province: PROVINCE,
      acceptedAt: new Date(start - i * 5).toISOString(),
    });

    // A warm-up batch (other ids), so that neither arm pays for the first requests' JIT and table warm-up.
    const warm = Array.from({ length: BATCH }, (_, k) => order('warm', k));
    if ((await api('POST', `/v1/platforms/${platformId}/orders`, { token, body: { orders: warm } })).status !== 200) throw new Error('warm-up batch refused');

    log(`console-import: API arm, ${n} orders in batches of ${BATCH}`);
    const apiStarted = performance.now();
    for (let from = 0; from < n; from += BATCH) {
      const orders = Array.from({ length: Math.min(BATCH, n - from) }, (_, k) => order('api', from + k));
      const r = await api('POST', `/v1/platforms/${platformId}/orders`, { token, body: { orders } });
      if (r.status !== 200 || r.body.accepted !== orders.length)
        throw new Error(`API arm batch at ${from}: ${r.status} ${JSON.stringify(r.body).slice(0, 400)}`);
    }
    const apiMs = performance.now() - apiStarted;

    log(`console-import: browser arm, a CSV of ${n} orders through /orders`);
    const header = 'orderId,platformWorkerId,industry,province,acceptedAt';
    const csv = [header, ...Array.from({ length: n }, (_, i) => Object.values(order('web', i)).join(','))].join('\n');
    const context = await browser.newContext({ baseURL: app.url, viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    await context.addInitScript((t) => sessionStorage.setItem('console.session', t), token);
    const page = await context.newPage();
    await page.goto('/orders');
    await page.getByRole('heading', { level: 1, name: '订单导入' }).waitFor();
    const chosen = performance.now();
    await page.getByLabel('选择订单文件（CSV 或 Excel）').setInputFiles({ name: 'bench-orders.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const total = n.toLocaleString('zh-CN');
    await page.getByRole('button', { name: `开始导入 ${total} 行` }).waitFor({ timeout: 120_000 });
    const parseMs = performance.now() - chosen;
    const clicked = performance.now();
    await page.getByRole('button', { name: `开始导入 ${total} 行` }).click();
    await page.getByText('，已全部完成').waitFor({ timeout: 30 * 60_000 });
    const importMs = performance.now() - clicked;
    const accepted = Number((await page.getByTestId('count-accepted').locator('.ant-statistic-content').textContent())?.replace(/,/g, ''));
    if (accepted !== n) throw new Error(`the page counted ${accepted} accepted orders, not ${n}`);
    await context.close();

    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(start)).slice(0, 7);
    const declaration = await api('GET', `/v1/platforms/${platformId}/declarations/${month}`, { token });
    const declared = (declaration.body?.lines ?? []).reduce((sum: number, l: { orders: number }) => sum + l.orders, 0);
    if (declared !== 2 * n + BATCH)
      log(`console-import: WARNING the declaration of ${month} counts ${declared} orders, not ${2 * n + BATCH} (a month boundary inside the run?)`);

    const browserRate = n / (importMs / 1000);
    const apiRate = n / (apiMs / 1000);
    const result: ConsoleImportResult = {
      measuredAt: new Date().toISOString(),
      orders: n,
      batchSize: BATCH,
      workers,
      browser: { parseMs: Math.round(parseMs), importMs: Math.round(importMs), ordersPerSecond: Math.round(browserRate) },
      api: { ms: Math.round(apiMs), ordersPerSecond: Math.round(apiRate) },
      ratio: Math.round((browserRate / apiRate) * 100) / 100,
    };
    log(
      `console-import: browser ${result.browser.ordersPerSecond} orders/s (file read and parsed in ${result.browser.parseMs} ms), API ${result.api.ordersPerSecond} orders/s, ratio ${result.ratio}`,
    );
    return result;
  } finally {
    await stop();
  }
}
