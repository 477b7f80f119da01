/**
 * The committed OpenAPI document, openapi/openapi.json: exactly what GET /openapi.json serves, as 2-space
 * JSON with a final newline (`npm run openapi` writes it; without `--write` it only says whether it drifted).
 * A test fails when the committed file differs from the served document.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApiDocument } from '../functions/public/openapi.ts';

const target = join(fileURLToPath(new URL('..', import.meta.url)), 'openapi', 'openapi.json');
const text = `${JSON.stringify(openApiDocument(), null, 2)}\n`;

if (process.argv.includes('--write')) {
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
} else if (readFileSync(target, 'utf8') !== text) {
  console.error(`${target} differs from the served document: run \`npm run openapi\``);
  process.exitCode = 1;
} else {
  console.log(`${target} is up to date`);
}
