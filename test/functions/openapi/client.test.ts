/**
 * A TypeScript client generated from the served document compiles: openapi-typescript 7.13.0 writes
 * `paths` into a temp dir, and the project's own tsc (TypeScript 7) type-checks a small openapi-fetch
 * call against it — the typed call compiles, a misspelt field does not.
 *
 * openapi-typescript needs TypeScript 5's JavaScript API (with TypeScript 7 it fails on
 * `createKeywordTypeNode`), so it is installed in its own npm workspace, openapi/client-generator, with
 * typescript 5.9.3 beside it. A root npm alias (`typescript5@npm:typescript@5.9.3`) would also have to
 * override openapi-typescript's peer dependency, and its `tsc` bin contends with TypeScript 7's for
 * node_modules/.bin/tsc (npm links whichever comes first), so `npm run typecheck` could silently run 5.9.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../../functions/public/openapi.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const generatorCli = join(dirname(createRequire(join(root, 'openapi/client-generator/package.json')).resolve('openapi-typescript/package.json')), 'bin/cli.js');
/** The project's TypeScript (7), as `npm run typecheck` runs it. */
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const dir = mkdtempSync(join(tmpdir(), 'openapi-client-'));

const run = (args: string[]) => spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });

/** Type-checks one file of the temp dir with the project's tsc; returns its exit code and output. */
const typeCheck = (file: string, source: string) => {
  writeFileSync(join(dir, file), source);
  const config = `tsconfig.${file}.json`;
  writeFileSync(
    join(dir, config),
    JSON.stringify({
      compilerOptions: { strict: true, target: 'ES2023', lib: ['ES2023', 'DOM'], module: 'NodeNext', moduleResolution: 'NodeNext', noEmit: true, types: [] },
      files: [file],
    }),
  );
  const result = run([tsc, '--noEmit', '-p', config]);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
};

const call = (order: string) => `import createClient from 'openapi-fetch';
import type { paths } from './schema.js';

const client = createClient<paths>({ baseUrl: 'http://127.0.0.1:3000' });

export async function pushOrders(): Promise<number> {
  const { data, error } = await client.POST('/v1/platforms/{platformId}/orders', {
    params: { path: { platformId: 'plt_1' }, header: { 'idempotency-key': 'batch-1' } },
    body: { orders: [${order}] },
  });
  if (error) return error.status;
  return data.accepted;
}
`;
const ORDER = "{ orderId: 'o-1', platformWorkerId: 'rider-1', industry: 'FOOD_DELIVERY', province: '110000', acceptedAt: '2025-08-01T10:05:00+08:00' }";

beforeAll(() => {
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'openapi.json'), JSON.stringify(openApiDocument()));
  const generated = run([generatorCli, 'openapi.json', '--output', 'schema.d.ts']);
  expect(generated.status, `${generated.stdout}${generated.stderr}`).toBe(0);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a client generated from the OpenAPI document', () => {
  it('type-checks a typed openapi-fetch call with the project tsc', () => {
    expect(run([tsc, '--version']).stdout).toMatch(/Version 7\./);
    const { status, output } = typeCheck('client.ts', call(ORDER));
    expect(output).toBe('');
    expect(status).toBe(0);
  }, 60_000);

  it('rejects a misspelt request field and an unknown enum value', () => {
    const misspelt = typeCheck('misspelt.ts', call(ORDER.replace('orderId', 'orderID')));
    expect(misspelt.status).not.toBe(0);
    expect(misspelt.output).toMatch(/misspelt\.ts.*orderID/s);
    const unknownIndustry = typeCheck('industry.ts', call(ORDER.replace("'FOOD_DELIVERY'", "'BICYCLE_COURIER'")));
    expect(unknownIndustry.status).not.toBe(0);
    expect(unknownIndustry.output).toMatch(/industry\.ts.*BICYCLE_COURIER/s);
  }, 60_000);
});
