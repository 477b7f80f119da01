/**
 * Route group `public`, without authentication: GET /health, GET /openapi.json and the error catalogue
 * (GET /errors, GET /errors/{code}: what a problem's `type` resolves to; core/error-codes.ts, docs/errors.md).
 *
 * The OpenAPI document is built at build time (`npm run openapi`: functions/public/openapi.ts over the zod
 * schemas), not at init: this bundle holds it compressed (openapi-document.ts) and decompresses it on the
 * first request (~1 ms), then serves the same text. A test keeps it equal to openapi/openapi.json.
 *
 * Every route here is a public GET: no caller to resolve, no personal data, nothing to replay. The group
 * uses the shared stack without those parts (`publicHttpHandler`), so its bundle carries no AWS client.
 *
 * It does not check CloudFront's origin header (the authorizer does, for every other route): what it serves
 * is public, and a direct call around the WAF reaches it (and the stage throttle) whether it answers 200 or
 * 403 — refusing would protect nothing and put the Secrets Manager client and the Tracer into this bundle.
 */
import { brotliDecompressSync } from 'node:zlib';
import { ERROR_CODES, type ErrorCode, errorTypePath } from '../../core/error-codes.ts';
import { publicHttpHandler } from '../_shared/http-stack.ts';
import { problem } from '../_shared/problem.ts';
import { OPENAPI_DOCUMENT_BROTLI_BASE64 } from './openapi-document.ts';

let document: string | undefined;
const openApiText = (): string => (document ??= brotliDecompressSync(Buffer.from(OPENAPI_DOCUMENT_BROTLI_BASE64, 'base64')).toString('utf8'));

/** The catalogue changes only with a deployment: caches may keep it for an hour. */
const CACHE = { 'cache-control': 'public, max-age=3600' };

const entryOf = (code: ErrorCode) => {
  const e = ERROR_CODES[code];
  return { code, type: errorTypePath(code), status: e.status, title: e.title, title_en: e.titleEn, detail: e.detail, detail_en: e.detailEn };
};

export const handler = publicHttpHandler({
  'GET /health': async () => ({ status: 200, body: { status: 'ok' } }),
  'GET /openapi.json': async () => ({ status: 200, text: openApiText(), headers: { 'content-type': 'application/json; charset=utf-8' } }),
  'GET /errors': async () => ({ status: 200, body: { items: (Object.keys(ERROR_CODES) as ErrorCode[]).map(entryOf) }, headers: CACHE }),
  'GET /errors/{code}': async (ctx) => {
    const code = ctx.path('code');
    if (!Object.hasOwn(ERROR_CODES, code)) {
      throw problem('NOT_FOUND', { detail: `错误码目录中没有 ${code}。`, detailEn: `The error catalogue has no code ${code}.` });
    }
    return { status: 200, body: entryOf(code as ErrorCode), headers: CACHE };
  },
});
