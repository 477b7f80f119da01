/**
 * The rider's side of the browser tests: a page on a 375 px phone, signed in through the development sign-in
 * page as 劳动者 with a `workerId`, and each page's checks at that width (no console error or failed request,
 * axe with no serious or critical violation, no horizontal scrolling, a `rider-…-375` screenshot).
 */
import type { Browser } from 'playwright-core';
import { expect } from 'vitest';
import { choose, openPage, type Watched } from './browser.ts';
import { fitsPhone } from './phone.ts';

const PHONE = { width: 375, height: 800 } as const;

/** A page of the console on a 375 px wide phone. */
export async function openPhone(browser: Browser, baseURL: string): Promise<Watched> {
  const w = await openPage(browser, baseURL);
  await w.page.setViewportSize(PHONE);
  return w;
}

/** Signs in as the worker `workerId` (role 劳动者) and lands on 我的案件. */
export async function signInRider(w: Watched, workerId: string): Promise<void> {
  const { page } = w;
  await page.goto('/sign-in');
  await choose(page, '角色', '劳动者（worker）');
  await page.getByLabel('用户标识（sub）').fill(`worker-${workerId}`);
  await page.getByLabel('劳动者编号（workerId）').fill(workerId);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('heading', { level: 1, name: '我的案件' }).waitFor();
  await page.getByRole('navigation', { name: '主导航' }).waitFor();
  const token = await page.evaluate(() =>
    (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem('console.session'),
  );
  expect(JSON.parse(Buffer.from(token!.split('.')[1]!, 'base64url').toString())).toMatchObject({ role: 'worker', workerId });
  await page.waitForLoadState('networkidle');
}

/** Every rider page's checks once it has settled; the phone width is kept. */
export async function checkedPhone(w: Watched, name: string): Promise<void> {
  await w.page.waitForLoadState('networkidle');
  await w.shot(`rider-${name}`, PHONE.width);
  await w.page.setViewportSize(PHONE);
  await w.assertAccessible();
  await fitsPhone(w.page);
  await w.page.setViewportSize(PHONE);
  w.assertClean();
}
