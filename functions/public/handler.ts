/**
 * Route group `public`, without authentication: GET /health, GET /openapi.json and the error catalogue
 * (GET /errors, GET /errors/{code}: what a problem's `type` resolves to; core/error-codes.ts, docs/errors.md).
 *
 * No authorizer stands in front of these routes, so where the stage has the edge this function refuses a
 * request without CloudFront's origin header value itself (403 ORIGIN_NOT_VERIFIED; origin-verify.ts).
 */
import { ERROR_CODES, type ErrorCode, errorTypePath } from '../../core/error-codes.ts';
import { ORIGIN_VERIFY_HEADER } from '../../manifest/api.ts';
import { httpHandler } from '../_shared/http.ts';
import { cameThroughEdge } from '../_shared/origin-verify.ts';
import { problem } from '../_shared/problem.ts';
import { openApiDocument } from './openapi.ts';

let document: unknown;

/** The catalogue changes only with a deployment: caches may keep it for an hour. */
const CACHE = { 'cache-control': 'public, max-age=3600' };

const entryOf = (code: ErrorCode) => {
  const e = ERROR_CODES[code];
  return { code, type: errorTypePath(code), status: e.status, title: e.title, title_en: e.titleEn, detail: e.detail, detail_en: e.detailEn };
};

const routes = httpHandler({
  'GET /health': async () => ({ status: 200, body: { status: 'ok' } }),
  'GET /openapi.json': async () => ({ status: 200, body: (document ??= openApiDocument()) }),
  'GET /errors': async () => ({ status: 200, body: { items: (Object.keys(ERROR_CODES) as ErrorCode[]).map(entryOf) }, headers: CACHE }),
  'GET /errors/{code}': async (ctx) => {
    const code = ctx.path('code');
    if (!Object.hasOwn(ERROR_CODES, code)) {
      throw problem('NOT_FOUND', { detail: `错误码目录中没有 ${code}。`, detailEn: `The error catalogue has no code ${code}.` });
    }
    return { status: 200, body: entryOf(code as ErrorCode), headers: CACHE };
  },
});

export const handler = routes.use({
  before: async (request) => {
    if (!(await cameThroughEdge(request.event.headers?.[ORIGIN_VERIFY_HEADER]))) {
      throw problem('ORIGIN_NOT_VERIFIED', { detailEn: 'The request did not come through the published API address.' });
    }
  },
});
