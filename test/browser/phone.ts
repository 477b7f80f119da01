/** The contract's phone check ("Console"): a page shows no horizontal scrolling at 375 px. */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** The page as a 375 px wide phone shows it: nothing wider than the screen; the viewport is put back to 1280 after. */
export async function fitsPhone(page: Page): Promise<void> {
  await page.setViewportSize({ width: 375, height: 800 });
  const scrollWidth = () =>
    page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
  await expect.poll(scrollWidth).toBeLessThanOrEqual(375);
  await page.setViewportSize({ width: 1280, height: 900 });
}
