/** Writes docs/errors.md from the error catalogue, core/error-codes.ts (`npm run docs:errors`). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderErrorsDoc } from '../core/error-codes.ts';

const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'errors.md');
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, renderErrorsDoc());
console.log(`wrote ${target}`);
