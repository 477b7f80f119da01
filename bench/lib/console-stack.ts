/**
 * The console benchmarks' set-up (bench/console.ts, bench/console-import.ts): the built console, the local
 * app with the given services, Debian's chromium, a fetch client of the API and the case fixtures' world
 * (a platform, staff and the province's parameters) — and `stop()` for all of it.
 */
import { type Browser, chromium } from 'playwright-core';
import { startLocalApp, type LocalApp, type LocalService } from '../../local/app.ts';
import { ensureConsoleBuilt } from '../../local/console.ts';
import { CHROMIUM } from '../../test/browser/global-setup.ts';
import { type Api, setUpWorld, type World } from '../../test/integration/cases-fixtures.ts';

export interface ConsoleBench {
  readonly app: LocalApp;
  readonly browser: Browser;
  readonly api: Api;
  readonly world: World;
  stop(): Promise<void>;
}

export async function startConsoleBench(services: LocalService[], log: (line: string) => void): Promise<ConsoleBench> {
  ensureConsoleBuilt(log);
  const app = await startLocalApp({
    port: 0,
    stage: 'bench',
    services,
    env: { POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  const stop = async () => {
    await browser.close();
    await app.stop();
  };
  try {
    const api: Api = async (method, path, opts = {}) => {
      const res = await fetch(`${app.url}${path}`, {
        method,
        headers: {
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    const world = await setUpWorld(api, (claims) => app.token(claims as never));
    return { app, browser, api, world, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
