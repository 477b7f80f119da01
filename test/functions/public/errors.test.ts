/** The error catalogue is served where a problem's `type` points (issue 19). */
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../core/error-codes.ts';
import { bodyOf, httpEvent, lambdaContext } from '../../support/events.ts';

const { handler } = await import('../../../functions/public/handler.ts');

describe('GET /errors', () => {
  it('lists every code of the catalogue with its status and titles', async () => {
    const res = await handler(httpEvent('GET /errors'), lambdaContext);
    expect(res.statusCode).toBe(200);
    const { items } = bodyOf(res) as { items: { code: string; status: number; type: string }[] };
    expect(items.map((i) => i.code)).toEqual(Object.keys(ERROR_CODES));
    expect(items.find((i) => i.code === 'MAKER_CHECKER')).toMatchObject({ status: 403, type: '/errors/MAKER_CHECKER', title: '经办与审核须分离' });
  });
});

describe('GET /errors/{code}', () => {
  it("answers a code's entry, the one its problems' type names", async () => {
    const res = await handler(httpEvent('GET /errors/{code}', { pathParameters: { code: 'DOCUMENTS_MISSING' } }), lambdaContext);
    expect(res.statusCode).toBe(200);
    expect(bodyOf(res)).toEqual({
      code: 'DOCUMENTS_MISSING',
      type: '/errors/DOCUMENTS_MISSING',
      status: 422,
      title: ERROR_CODES.DOCUMENTS_MISSING.title,
      title_en: ERROR_CODES.DOCUMENTS_MISSING.titleEn,
      detail: ERROR_CODES.DOCUMENTS_MISSING.detail,
      detail_en: ERROR_CODES.DOCUMENTS_MISSING.detailEn,
    });
  });

  it('answers 404 NOT_FOUND, in Chinese, for a code the catalogue does not have', async () => {
    const res = await handler(httpEvent('GET /errors/{code}', { pathParameters: { code: 'toString' } }), lambdaContext);
    expect(res.statusCode).toBe(404);
    expect(bodyOf(res)).toMatchObject({ code: 'NOT_FOUND', type: expect.stringMatching(/\/errors\/NOT_FOUND$/), detail: '错误码目录中没有 toString。' });
  });
});
