/**
 * openapi/openapi.json is the committed contract: byte for byte what GET /openapi.json serves (2-space JSON
 * and a final newline). After changing a schema or an operation, run `npm run openapi` and commit the file.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bodyOf, httpEvent, lambdaContext } from '../../support/events.ts';

const { handler } = await import('../../../functions/public/handler.ts');
const committedPath = fileURLToPath(new URL('../../../openapi/openapi.json', import.meta.url));

describe('the committed OpenAPI document', () => {
  it('is exactly the served document (run `npm run openapi` after a change)', async () => {
    const served = `${JSON.stringify(bodyOf(await handler(httpEvent('GET /openapi.json'), lambdaContext)), null, 2)}\n`;
    expect(readFileSync(committedPath, 'utf8'), 'openapi/openapi.json is stale: run `npm run openapi`').toBe(served);
  });
});
