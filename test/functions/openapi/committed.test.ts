/**
 * openapi/openapi.json is the committed contract: byte for byte what GET /openapi.json serves (2-space JSON
 * and a final newline). After changing a schema or an operation, run `npm run openapi` and commit the file.
 * Before that, the served document must not break the committed one (scripts/openapi-breaking.ts) unless
 * openapi/breaking-allowed.json allows the change with a reason.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { breakingChanges, disallowed, readAllowList } from '../../../scripts/openapi-breaking.ts';
import { bodyOf, httpEvent, lambdaContext } from '../../support/events.ts';

const { handler } = await import('../../../functions/public/handler.ts');
const committedPath = fileURLToPath(new URL('../../../openapi/openapi.json', import.meta.url));

const served = bodyOf(await handler(httpEvent('GET /openapi.json'), lambdaContext));

describe('the committed OpenAPI document', () => {
  it('is not broken by the served document, but where openapi/breaking-allowed.json allows it', () => {
    const committed = JSON.parse(readFileSync(committedPath, 'utf8'));
    expect(disallowed(breakingChanges(committed, served), readAllowList())).toEqual([]);
  });

  it('is exactly the served document (run `npm run openapi` after a change)', () => {
    expect(readFileSync(committedPath, 'utf8'), 'openapi/openapi.json is stale: run `npm run openapi`').toBe(`${JSON.stringify(served, null, 2)}\n`);
  });
});
