import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const coreDir = fileURLToPath(new URL('../../../core/', import.meta.url));
const FORBIDDEN = [/['"]aws-sdk/, /['"]aws-lambda/, /['"]@middy\//, /['"]zod['"/]/, /['"]@aws-/, /['"]@types\/aws-lambda/];
const IMPORT_RE = /(?:import|export)\s[^'"]*?from\s+(['"][^'"]+['"])|import\s*\(\s*(['"][^'"]+['"])\s*\)|require\s*\(\s*(['"][^'"]+['"])\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('the rules core stays pure', () => {
  const files = sourceFiles(coreDir);

  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files.map((f) => [f.slice(coreDir.length)]))('%s imports no AWS, middy or zod module', (name) => {
    const text = readFileSync(join(coreDir, name), 'utf8');
    const specifiers = [...text.matchAll(IMPORT_RE)].map((m) => m[1] ?? m[2] ?? m[3]!);
    for (const spec of specifiers) {
      for (const pattern of FORBIDDEN) expect(spec, `${name} imports ${spec}`).not.toMatch(pattern);
      // Relative imports stay inside core and carry the .ts extension; the only packages allowed are node built-ins.
      if (spec.startsWith("'.") || spec.startsWith('".')) expect(spec).toMatch(/\.ts['"]$/);
      else expect(spec).toMatch(/^['"]node:/);
    }
    for (const pattern of FORBIDDEN) expect(text).not.toMatch(pattern);
  });
});
