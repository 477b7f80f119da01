/**
 * The functions validate with zod/mini through functions/_shared/zod.ts (simplified Chinese messages configured once,
 * classic's `.meta` as `withMeta`), so a bundle carries only the zod it uses. zod classic kept all of
 * itself, all of zod's core and every locale (~444 KiB minified) in every bundle (docs/benchmarks.md §4).
 * These checks keep it that way: the imports, statically, and the bundles, through esbuild's metafile.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../../manifest/index.ts';
import { WORKFLOW_FUNCTIONS } from '../../../manifest/functions.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const IMPORT_RE = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

describe('zod in the functions', () => {
  const files = [...sourceFiles(join(ROOT, 'functions')), ...sourceFiles(join(ROOT, 'local'))].map((f) => relative(ROOT, f));

  it.each(files.map((f) => [f]))('%s takes zod only from functions/_shared/zod.ts', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const m of text.matchAll(IMPORT_RE)) {
      const spec = m[1] ?? m[2] ?? m[3]!;
      const statement = m[0];
      if (file === 'functions/_shared/zod.ts') {
        if (/^zod/.test(spec)) expect(['zod/mini', 'zod/locales'], `${file} imports ${spec}`).toContain(spec);
        continue;
      }
      // zod itself (classic, mini, core) only through the shared module, which configures the locale.
      expect(spec, `${file} imports ${spec}`).not.toMatch(/^zod(\/|$)/);
      // zod-openapi (which imports zod classic) only in the public function's document, or for its types.
      if (spec === 'zod-openapi' && file !== 'functions/public/openapi.ts') expect(statement, `${file}: ${statement}`).toMatch(/^import type /);
    }
  });

  it('never re-exports the zod namespace as a value (esbuild would then keep all of zod/mini and every locale)', () => {
    const text = readFileSync(join(ROOT, 'functions/_shared/zod.ts'), 'utf8');

    expect(text).toMatch(/^export \* from 'zod\/mini';$/m);
    expect(text).not.toMatch(/import \* as \w+ from 'zod/);
  });

  it('bundles no zod classic, zod-openapi or locale but simplified Chinese into any function but public', { timeout: 120_000 }, async () => {
    const entries = {
      ...Object.fromEntries(Object.entries(FUNCTIONS).map(([name, fn]) => [name, fn.entry])),
      ...Object.fromEntries(Object.entries(WORKFLOW_FUNCTIONS).map(([name, fn]) => [name, fn.entry])),
    };

    const { metafile } = await build({
      entryPoints: entries,
      outdir: join(ROOT, 'cdk.out', 'zod-mini-test'),
      write: false,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      mainFields: ['module', 'main'],
      minify: true,
      metafile: true,
      logLevel: 'silent',
      absWorkingDir: ROOT,
    });

    const zodIn: Record<string, string[]> = {};
    for (const output of Object.values(metafile.outputs)) {
      if (!output.entryPoint) continue;
      const name = Object.entries(entries).find(([, entry]) => entry === output.entryPoint)![0];
      zodIn[name] = Object.entries(output.inputs)
        .filter(([input, { bytesInOutput }]) => bytesInOutput > 0 && /node_modules\/zod(-openapi)?\//.test(input))
        .map(([input]) => input.replace(/^.*node_modules\//, ''));
    }
    expect(Object.keys(zodIn).sort()).toEqual(Object.keys(entries).sort());
    for (const [name, inputs] of Object.entries(zodIn)) {
      expect(
        inputs.some((i) => i.startsWith('zod/v4/mini/')),
        `${name} validates with zod/mini`,
      ).toBe(true);
      const locales = inputs.filter(
        (i) => i.startsWith('zod/v4/locales/') && i !== 'zod/v4/locales/zh-CN.js' && !(name === 'public' && i === 'zod/v4/locales/en.js'),
      );
      expect(locales, `${name}: locales other than simplified Chinese`).toEqual([]);
      if (name === 'public') continue;
      const heavy = inputs.filter((i) => i.startsWith('zod/v4/classic/') || i.startsWith('zod-openapi/'));
      expect(heavy, `${name}: zod classic or zod-openapi in the bundle`).toEqual([]);
    }
  });
});
