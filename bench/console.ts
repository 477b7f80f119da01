/**
 * Issue 13's console figures, in Debian's chromium (playwright-core) against the local stack:
 * - the first page's JavaScript: every script the sign-in page requests, gzipped as a server would send it
 *   (budget 500 KiB);
 * - the work queue with 1,000 real cases (opened through the API, waiting for confirmation): the time from
 *   the navigation to `/cases` until the table shows the first page of the 1,000 sorted cases (budget 1 s),
 *   in two arms — `api`: the console pages through the real local API (10 requests of 100), `render`: the
 *   same answers served from memory, so what remains is the console's own fetch handling, sort and render.
 * Each arm is repeated; the median and the worst are reported.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Route } from 'playwright-core';
import { CONSOLE_DIST } from '../local/console.ts';
import { localStepFunctions } from '../local/stepfunctions/index.ts';
import { openedCase, PROVINCE } from '../test/integration/cases-fixtures.ts';
import { startConsoleBench } from './lib/console-stack.ts';
import { summarize } from './lib/stats.ts';

export interface ConsoleResult {
  readonly measuredAt: string;
  readonly firstPage: { readonly scripts: number; readonly gzippedBytes: number; readonly budgetBytes: number };
  readonly queue: {
    readonly cases: number;
    readonly repetitions: number;
    readonly budgetMs: number;
    readonly arms: Readonly<Record<'api' | 'render', { readonly medianMs: number; readonly maxMs: number; readonly samplesMs: readonly number[] }>>;
  };
}

const FIRST_PAGE_BUDGET = 500 * 1024;
const QUEUE_BUDGET_MS = 1_000;

export async function runConsole(options: { cases: number; repetitions: number }, log: (line: string) => void): Promise<ConsoleResult> {
  const { app, browser, world, stop } = await startConsoleBench([localStepFunctions({ sweepIntervalMs: 0 })], log);
  try {
    log('console: the first page (sign-in) and its scripts');
    const first = await browser.newPage({ baseURL: app.url });
    const scripts: string[] = [];
    first.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
    });
    await first.goto('/sign-in', { waitUntil: 'networkidle' });
    const gzippedBytes = scripts.reduce((sum, path) => sum + gzipSync(readFileSync(join(CONSOLE_DIST, path))).length, 0);
    await first.close();

    log(`console: opening ${options.cases} cases through the API (8 at a time)`);
    let opened = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (opened < options.cases) {
          opened++;
          await openedCase(world, { documents: 'none' });
        }
      }),
    );

    const token = await app.token({ role: 'handler', sub: 'bench-handler', provinces: [PROVINCE] } as never);
    const answers = new Map<string, { status: number; body: string }>();
    const measure = async (arm: 'api' | 'render'): Promise<number> => {
      const context = await browser.newContext({ baseURL: app.url, viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
      await context.addInitScript((t) => sessionStorage.setItem('console.session', t), token);
      // The moment the total appears, taken in the page (a DOM mutation), not when the test's polling sees it.
      await context.addInitScript({
        content: `document.addEventListener('DOMContentLoaded', () => new MutationObserver(() => {
          if (window.__queueShown === undefined && document.body.textContent.includes(${JSON.stringify(`共 ${options.cases} 件`)})) window.__queueShown = performance.now();
        }).observe(document.body, { childList: true, subtree: true, characterData: true }));`,
      });
      const page = await context.newPage();
      if (arm === 'render') {
        await page.route('**/v1/cases?*', (route: Route) => {
          const answer = answers.get(new URL(route.request().url()).search);
          return answer ? route.fulfill({ status: answer.status, contentType: 'application/json', body: answer.body }) : route.continue();
        });
      } else {
        page.on('response', async (response) => {
          const url = new URL(response.url());
          if (url.pathname === '/v1/cases') answers.set(url.search, { status: response.status(), body: await response.text() });
        });
      }
      // Chunks and fonts are cached by a first visit, as for a person who has used the console before.
      await page.goto('/sign-in', { waitUntil: 'networkidle' });
      await page.goto('/cases');
      await page.getByText(`共 ${options.cases} 件`).waitFor({ timeout: 60_000 });
      const ms = await page.evaluate(() => (globalThis as unknown as { __queueShown: number }).__queueShown);
      const rows = await page.locator('tbody tr.ant-table-row').count();
      if (rows !== 50) throw new Error(`the queue shows ${rows} rows, not its first page of 50`);
      await context.close();
      return ms;
    };
    const arms = { api: [] as number[], render: [] as number[] };
    log(`console: the queue of ${options.cases} cases, ${options.repetitions} times per arm`);
    for (let i = 0; i < options.repetitions; i++) {
      arms.api.push(await measure('api'));
      arms.render.push(await measure('render'));
    }
    const summary = (samples: number[]) => ({ medianMs: summarize(samples).median, maxMs: Math.max(...samples), samplesMs: samples.map((s) => Math.round(s)) });
    return {
      measuredAt: new Date().toISOString(),
      firstPage: { scripts: scripts.length, gzippedBytes, budgetBytes: FIRST_PAGE_BUDGET },
      queue: {
        cases: options.cases,
        repetitions: options.repetitions,
        budgetMs: QUEUE_BUDGET_MS,
        arms: { api: summary(arms.api), render: summary(arms.render) },
      },
    };
  } finally {
    await stop();
  }
}
