/**
 * openapi/openapi.json is the committed contract: byte for byte the document generated from the zod schemas
 * (functions/public/openapi.ts; 2-space JSON and a final newline), and what GET /openapi.json serves — the
 * `public` function serves a build-time copy (functions/public/openapi-document.ts) instead of generating
 * it at init. After changing a schema or an operation, run `npm run openapi` (it writes both) and commit.
 * Before that, the generated document must not break the committed one (scripts/openapi-breaking.ts) unless
 * openapi/breaking-allowed.json allows the change with a reason.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../../functions/public/openapi.ts';
import { breakingChanges, disallowed, readAllowList } from '../../../scripts/openapi-breaking.ts';
import { bodyOf, httpEvent, lambdaContext } from '../../support/events.ts';

const { handler } = await import('../../../functions/public/handler.ts');
const committedPath = fileURLToPath(new URL('../../../openapi/openapi.json', import.meta.url));

const response = await handler(httpEvent('GET /openapi.json'), lambdaContext);
const served = bodyOf(response);
const generated = JSON.parse(JSON.stringify(openApiDocument()));

describe('the committed OpenAPI document', () => {
  it('is not broken by the generated document, but where openapi/breaking-allowed.json allows it', () => {
    const committed = JSON.parse(readFileSync(committedPath, 'utf8'));
    expect(disallowed(breakingChanges(committed, generated), readAllowList())).toEqual([]);
  });

  it('is exactly the document generated from the schemas (run `npm run openapi` after a change)', () => {
    expect(readFileSync(committedPath, 'utf8'), 'openapi/openapi.json is stale: run `npm run openapi`').toBe(`${JSON.stringify(generated, null, 2)}\n`);
  });

  it('is exactly the served document (run `npm run openapi` after a change: it writes the copy the function serves)', () => {
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toBe('application/json; charset=utf-8');
    expect(readFileSync(committedPath, 'utf8'), 'functions/public/openapi-document.ts is stale: run `npm run openapi`').toBe(
      `${JSON.stringify(served, null, 2)}\n`,
    );
  });
});
