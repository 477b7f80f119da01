/** The console served at `/` by the local stack (local/console.ts): files, the SPA fallback, and API routes first. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

const dist = mkdtempSync(join(tmpdir(), 'console-dist-'));
mkdirSync(join(dist, 'assets'));
writeFileSync(join(dist, 'index.html'), '<!doctype html><html lang="zh-CN"><title>工作台</title></html>');
writeFileSync(join(dist, 'assets', 'app-1.js'), 'export {};');
writeFileSync(join(dist, 'config.json'), '{"auth":{"mode":"local"}}');
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ consoleDist: dist });
});
afterAll(async () => {
  await stack?.stop();
  rmSync(dist, { recursive: true, force: true });
});

describe('the console at /', () => {
  it('serves index.html at / and for every page path, with a strict CSP', async () => {
    for (const path of ['/', '/cases', '/cases/c-1', '/payment-batches/b-1']) {
      const res = await fetch(`${stack.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      // No local S3 in this stack: connections to this origin only (with one, its URL follows: test/browser/case-steps.test.ts uploads there).
      expect(res.headers.get('content-security-policy')).toContain("connect-src 'self';");
      expect(res.headers.get('content-security-policy')).toContain('frame-src blob:;');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('工作台');
    }
  });

  it('serves built assets as immutable, and the runtime config', async () => {
    const asset = await fetch(`${stack.url}/assets/app-1.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(await (await fetch(`${stack.url}/config.json`)).json()).toEqual({ auth: { mode: 'local' } });
  });

  it('leaves API paths to the API: routes answer, unknown ones are problems, never the app', async () => {
    expect((await stack.api('GET', '/health')).body).toEqual({ status: 'ok' });
    const unknown = await stack.api('GET', '/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('ROUTE_NOT_FOUND');
    expect((await stack.api('POST', '/cases')).status).toBe(404);
    expect((await stack.api('GET', '/v1/cases')).status).toBe(401);
  });

  it('answers 404 for a missing file and never serves outside dist', async () => {
    expect((await stack.api('GET', '/assets/missing.js')).status).toBe(404);
    // Raw paths (fetch would normalise the dots away before sending).
    for (const path of ['/../package.json', '/assets/../../package.json', '/..%2fpackage.json', '/%2e%2e/local/app.ts']) {
      const status = await new Promise<number | undefined>((done, fail) => {
        get(`${stack.url}/`, { path }, (res) => {
          res.resume();
          done(res.statusCode);
        }).on('error', fail);
      });
      expect(status, path).toBe(404);
    }
  });
});
