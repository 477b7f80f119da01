/** The console's client types are the committed document's: a contract change reaches the console's build, never its users. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONSOLE_SCHEMA, generateConsoleSchema } from '../../../scripts/console-schema.ts';

describe('console/src/api/schema.d.ts', () => {
  it('is what openapi-typescript generates from openapi/openapi.json now (else run `npm run console:schema`)', () => {
    const committed = readFileSync(CONSOLE_SCHEMA, 'utf8');
    expect(committed.includes('"/v1/cases/{caseId}/approval"')).toBe(true);
    expect(committed === generateConsoleSchema(), 'console/src/api/schema.d.ts is stale: run `npm run console:schema`').toBe(true);
  }, 60_000);
});
