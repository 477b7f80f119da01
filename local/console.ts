/**
 * The web console (console/, built by Vite into console/dist) served by the local HTTP adapter at `/`:
 * its files, and index.html for any other GET of a page path (the single-page app routes itself). API
 * routes keep priority: the adapter asks here only when no route matched. `ensureConsoleBuilt` builds the
 * console when dist is missing or older than its sources (npm start, the browser tests).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { REPO_ROOT } from './lambda.ts';

const CONSOLE_DIR = join(REPO_ROOT, 'console');
export const CONSOLE_DIST = join(CONSOLE_DIR, 'dist');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * The console's headers: a strict CSP (scripts from this origin only; antd's CSS-in-JS writes <style>
 * elements, hence `style-src 'unsafe-inline'`; connections to this origin and to `sources` — the local S3,
 * where documents are uploaded and previewed as in AWS; framed only blob: previews of PDFs), no framing
 * of the console, no sniffing, no referrer.
 */
const consoleHeaders = (sources: readonly string[] = []): Readonly<Record<string, string>> => ({
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    ["connect-src 'self'", ...sources].join(' '),
    'frame-src blob:',
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
});

/** Paths that belong to the API even when no route matched them: they answer a problem, never the app. */
const API_PATH = /^\/(v\d+|local|errors|openapi\.json|health)(\/|$)/;

/** Serves `dist` for a GET or HEAD no API route matched; false when it is not the console's to answer. */
export function serveConsole(dist: string, req: IncomingMessage, res: ServerResponse, rawPath: string, sources: readonly string[] = []): boolean {
  const method = req.method ?? 'GET';
  if ((method !== 'GET' && method !== 'HEAD') || API_PATH.test(rawPath)) return false;
  const index = join(dist, 'index.html');
  if (!existsSync(index)) return false;
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return false;
  }
  const root = resolve(dist);
  const file = resolve(root, `.${path}`);
  if (file !== root && !file.startsWith(root + sep)) return false; // `..` out of dist: not the console's
  let target: string | undefined;
  if (file !== root && existsSync(file) && statSync(file).isFile()) target = file;
  else if (!extname(path)) target = index; // a page of the app: it routes itself
  if (!target) return false;
  const body = readFileSync(target);
  const immutable = target.startsWith(join(root, 'assets') + sep);
  res.writeHead(200, {
    ...consoleHeaders(sources),
    'content-type': TYPES[extname(target)] ?? 'application/octet-stream',
    'content-length': body.length,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  res.end(method === 'HEAD' ? undefined : body);
  return true;
}

const newest = (path: string): number => {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
};

/** Whether console/dist is missing or older than a source of the console. */
function consoleStale(): boolean {
  const index = join(CONSOLE_DIST, 'index.html');
  if (!existsSync(index)) return true;
  const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'].map((p) => join(CONSOLE_DIR, p)).filter(existsSync);
  return Math.max(...sources.map(newest)) > statSync(index).mtimeMs;
}

/** Builds the console (vite build) when it is stale; throws with vite's output when the build fails. */
export function ensureConsoleBuilt(log: (line: string) => void = console.log): void {
  if (!consoleStale()) return;
  log('building the console (vite build → console/dist)…');
  const vite = join(REPO_ROOT, 'node_modules/vite/bin/vite.js');
  const run = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: CONSOLE_DIR,
    encoding: 'utf8',
    timeout: 180_000,
    // A production build whatever the caller runs under (vitest sets NODE_ENV=test, which Vite would follow).
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (run.status !== 0) throw new Error(`the console did not build (npm run build): ${run.stdout}${run.stderr}`);
}
