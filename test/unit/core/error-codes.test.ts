import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REFUSALS } from '../../../core/case-lifecycle.ts';
import { ERROR_CODES, errorTypePath, renderErrorsDoc } from '../../../core/error-codes.ts';

const CJK = /[\u4e00-\u9fff]/;

describe('the error catalogue', () => {
  it('gives every code a 4xx/5xx status, a Chinese title and detail and an English title and detail', () => {
    for (const [code, e] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(e.status, code).toBeGreaterThanOrEqual(400);
      expect(e.status, code).toBeLessThan(600);
      expect(e.title, code).toMatch(CJK);
      expect(e.detail, code).toMatch(CJK);
      expect(e.titleEn, code).not.toMatch(CJK);
      expect(e.detailEn, code).not.toMatch(CJK);
    }
  });

  it('holds every refusal of the case lifecycle under the same name', () => {
    for (const code of REFUSALS) expect(ERROR_CODES[code], code).toBeDefined();
  });

  it("puts a code's entry at /errors/{code}", () => {
    expect(errorTypePath('MAKER_CHECKER')).toBe('/errors/MAKER_CHECKER');
  });
});

describe('docs/errors.md', () => {
  it('is exactly what the generator produces from the catalogue (run `npm run docs:errors` after a change)', () => {
    const committed = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderErrorsDoc());
  });

  it('lists every code once', () => {
    const doc = renderErrorsDoc();
    for (const code of Object.keys(ERROR_CODES)) expect(doc.split(`| \`${code}\` |`).length - 1, code).toBe(1);
  });
});
