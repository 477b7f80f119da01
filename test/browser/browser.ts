/**
 * Driving the console in Debian's chromium (playwright-core, no browser download): a page per person that
 * records every console error, page error and failed request (5xx always; a 4xx only when the test did not
 * declare it), checks accessibility with axe-core, and writes screenshots to test/browser/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import axe from 'axe-core';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { CHROMIUM } from './global-setup.ts';

const SCREENSHOTS = join(fileURLToPath(new URL('.', import.meta.url)), 'screenshots');

export async function launch(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface Watched {
  readonly page: Page;
  /** Declares answers this page expects (e.g. the 403 a maker's approval gets). */
  expect(status: number, urlPart: string): void;
  /** No console error, page error or unexpected failed request so far. */
  assertClean(): void;
  /** axe-core on the page as it is: no serious or critical violation. */
  assertAccessible(): Promise<void>;
  shot(name: string, width?: number): Promise<string>;
  close(): Promise<void>;
}

export async function openPage(browser: Browser, baseURL: string): Promise<Watched> {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 1280, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const expected: { status: number; urlPart: string }[] = [];
  const isExpected = (status: number, url: string) => expected.some((e) => e.status === status && url.includes(e.urlPart));
  const failedUrls = new Map<string, number>();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    const status = response.status();
    if (status >= 400) failedUrls.set(response.url(), status);
    if (status >= 500 || (status >= 400 && !isExpected(status, response.url()))) problems.push(`${response.request().method()} ${response.url()} → ${status}`);
  });
  page.on('requestfailed', (request) => {
    // ERR_ABORTED: cancelled because the test navigated away (page.goto) while it was in flight — not an answer.
    if (request.failure()?.errorText === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${request.method()} ${request.url()} (${request.failure()?.errorText})`);
  });
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // Chromium logs every 4xx answer as "Failed to load resource"; those are judged by status above.
    const where = message.location().url;
    if (/Failed to load resource/.test(message.text()) && where && failedUrls.has(where) && isExpected(failedUrls.get(where)!, where)) return;
    problems.push(`console error: ${message.text()}`);
  });
  return {
    page,
    expect: (status, urlPart) => expected.push({ status, urlPart }),
    assertClean: () => expect(problems, problems.join('\n')).toEqual([]),
    async assertAccessible() {
      // antd's toasts fade in and out: axe measures a half-faded one (contrast 1.7–2.4:1). Check the page without them.
      await expect.poll(() => page.locator('.ant-message-notice').count(), { timeout: 10_000 }).toBe(0);
      // Evaluated through the DevTools protocol: the console's CSP (script-src 'self') rightly refuses an inline <script>.
      await page.evaluate(axe.source);
      const violations = await page.evaluate(async () => {
        const result = await (globalThis as unknown as { axe: typeof axe }).axe.run({ resultTypes: ['violations'] });
        return result.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => `${n.target.join(' ')} ${n.html.slice(0, 300)} ${n.failureSummary}`).join(', ')}`);
      });
      expect(violations, violations.join('\n')).toEqual([]);
    },
    async shot(name, width = 1280) {
      if (width !== 1280) await page.setViewportSize({ width, height: 1000 });
      const file = join(SCREENSHOTS, `${name}${width === 1280 ? '' : `-${width}`}.png`);
      await page.screenshot({ path: file, fullPage: true });
      if (width !== 1280) await page.setViewportSize({ width: 1280, height: 900 });
      return file;
    },
    close: () => context.close(),
  };
}

/** Signs in through the development sign-in page as `role`/`sub` (staff of Beijing). */
export async function signIn(w: Watched, role: string, sub: string, roleLabel: string): Promise<void> {
  const { page } = w;
  await page.goto('/sign-in');
  await choose(page, '角色', roleLabel);
  await page.getByLabel('用户标识（sub）').fill(sub);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('button', { name: '退出登录' }).waitFor();
  await page.getByText(`${roleLabel.split('（')[0]} · ${sub}`).waitFor();
  // The token the page keeps for this tab carries the chosen role and identity.
  const token = await page.evaluate(() =>
    (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem('console.session'),
  );
  expect(JSON.parse(Buffer.from(token!.split('.')[1]!, 'base64url').toString())).toMatchObject({ role, sub, provinces: ['110000'] });
  // The landing page's chunks and data: a navigation now would abort them (reported as failed requests).
  await page.waitForLoadState('networkidle');
}

/** Picks an option of the antd Select labelled `label` (its search input sits under the shown value). */
export async function choose(page: Page, label: string, option: string | RegExp): Promise<void> {
  await page.getByLabel(label).click({ force: true });
  await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: option }).click();
}
