/**
 * Benchmark 4: every function bundle (FUNCTIONS in functions/routes.ts) built with esbuild exactly as the
 * CDK construct builds it (lib/constructs/function.ts: ESM, node24, minified, AWS SDK bundled, the
 * createRequire banner, linked source map without sources content), and a floor bundle that imports only
 * the AWS SDK clients that function bundles and creates them at module scope, as functions/_shared/db.ts
 * does, and nothing else. Sizes are of the .mjs (the source map is a separate file). Init time: a fresh
 * `node --enable-source-maps` process (as NODE_OPTIONS in Lambda) imports the bundle; the time from
 * before the dynamic import until the module is evaluated, function and floor alternating.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { FUNCTIONS } from '../manifest/functions.ts';
import { summarize, type Summary } from './lib/stats.ts';

const ROOT = resolve(import.meta.dirname, '..');
const ESM_REQUIRE_BANNER = "import { createRequire } from 'module';const require = createRequire(import.meta.url);";

/** The CDK construct's bundling options, translated to esbuild's API (what NodejsFunction passes). */
const buildOptions = {
  bundle: true,
  platform: 'node' as const,
  format: 'esm' as const,
  target: 'node24',
  mainFields: ['module', 'main'],
  banner: { js: ESM_REQUIRE_BANNER },
  external: [] as string[],
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  metafile: true,
  logLevel: 'silent' as const,
  outExtension: { '.js': '.mjs' },
};

/** SDK packages a function bundles → how the floor creates their client. */
const CLIENTS: Record<string, { import: string; create: string }> = {
  '@aws-sdk/client-dynamodb': { import: "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';", create: 'const dynamo = new DynamoDBClient({});' },
  '@aws-sdk/lib-dynamodb': {
    import: "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';",
    create: 'const ddb = DynamoDBDocumentClient.from(dynamo);',
  },
  '@aws-sdk/client-sfn': { import: "import { SFNClient } from '@aws-sdk/client-sfn';", create: 'const sfn = new SFNClient({});' },
  '@aws-sdk/client-kms': { import: "import { KMSClient } from '@aws-sdk/client-kms';", create: 'const kms = new KMSClient({});' },
};

interface BundleResult {
  readonly name: string;
  readonly bytes: number;
  readonly floorBytes: number;
  readonly clients: string[];
  readonly sizeRatio: number;
  readonly initMs: Summary;
  readonly floorInitMs: Summary;
  readonly initRatio: Summary;
  /** Largest contributors to the bundle (bytes in the output, by package). */
  readonly top: { pkg: string; bytes: number }[];
}

export interface ColdStartResult {
  readonly bundles: BundleResult[];
  readonly skipped: { name: string; entry: string; reason: string }[];
}

const packageOf = (input: string): string => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (m) return m[1]!;
  return input.split('/')[0] === 'functions' ? 'functions/' : (input.split('/')[0] ?? input);
};

const topContributors = (meta: Metafile, outFile: string) => {
  const out = Object.entries(meta.outputs).find(([path]) => path.endsWith('.mjs') && resolve(ROOT, path) === outFile)?.[1];
  const by = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(out?.inputs ?? {})) by.set(packageOf(input), (by.get(packageOf(input)) ?? 0) + bytesInOutput);
  return [...by.entries()]
    .map(([pkg, bytes]) => ({ pkg, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 8);
};

const RUNNER = `const t0 = performance.now();
await import(process.argv[2]);
const t1 = performance.now();
process.stdout.write(JSON.stringify({ initMs: t1 - t0 }));
`;

const initOnce = (runner: string, bundle: string, env: NodeJS.ProcessEnv): number => {
  const out = execFileSync(process.execPath, ['--enable-source-maps', runner, bundle], { env, encoding: 'utf8', timeout: 30_000 });
  return (JSON.parse(out) as { initMs: number }).initMs;
};

export const runColdStart = async (options: { rounds: number }, log: (line: string) => void): Promise<ColdStartResult> => {
  const dir = mkdtempSync(join(tmpdir(), 'claims-bench-bundles-'));
  try {
    const runner = join(dir, 'runner.mjs');
    writeFileSync(runner, RUNNER);
    // The env a deployed function has: table names, Powertools, the PII mode (nothing is called at init).
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      AWS_REGION: 'cn-north-1',
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'x',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      REGISTRY_TABLE: 'registry',
      ORDERS_TABLE: 'orders',
      LEDGER_TABLE: 'ledger',
      IDEMPOTENCY_TABLE: 'idempotency',
      CASES_TABLE: 'cases',
      POWERTOOLS_SERVICE_NAME: 'platform-injury-claims',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      STAGE: 'bench',
      PII_KEY_MODE: 'local',
      PII_LOCAL_KEY: Buffer.alloc(32, 7).toString('base64'),
    };
    const skipped: ColdStartResult['skipped'] = [];
    const floors = new Map<string, { file: string; bytes: number }>();
    const built: { name: string; file: string; bytes: number; clients: string[]; floor: { file: string; bytes: number }; top: BundleResult['top'] }[] = [];
    for (const [name, fn] of Object.entries(FUNCTIONS)) {
      const entry = join(ROOT, fn.entry);
      if (!existsSync(entry)) {
        skipped.push({ name, entry: fn.entry, reason: 'entry file does not exist in this checkout' });
        continue;
      }
      const outdir = join(dir, name);
      mkdirSync(outdir);
      let meta: Metafile;
      try {
        meta = (await build({ ...buildOptions, entryPoints: { index: entry }, outdir, absWorkingDir: ROOT })).metafile!;
      } catch (error) {
        skipped.push({ name, entry: fn.entry, reason: `esbuild failed: ${(error as Error).message.split('\n')[0]}` });
        continue;
      }
      const file = join(outdir, 'index.mjs');
      const clients = [
        ...new Set(
          Object.keys(meta.inputs)
            .map(packageOf)
            .filter((p) => p in CLIENTS),
        ),
      ].sort();
      if (clients.includes('@aws-sdk/lib-dynamodb') && !clients.includes('@aws-sdk/client-dynamodb')) clients.unshift('@aws-sdk/client-dynamodb');
      const key = clients.join(',') || '(none)';
      let floor = floors.get(key);
      if (!floor) {
        const fdir = join(dir, `floor-${floors.size}`);
        mkdirSync(fdir);
        const src = join(fdir, 'floor.ts');
        const ordered = Object.keys(CLIENTS).filter((c) => clients.includes(c));
        writeFileSync(
          src,
          `${ordered.map((c) => CLIENTS[c]!.import).join('\n')}\n${ordered.map((c) => CLIENTS[c]!.create).join('\n')}\n` +
            `export const handler = async () => ({ statusCode: 200, body: String(${ordered.length > 0 ? `[${ordered.map((c) => CLIENTS[c]!.create.split(' ')[1]).join(', ')}].length` : 0}) });\n`,
        );
        await build({ ...buildOptions, entryPoints: { index: src }, outdir: fdir, absWorkingDir: ROOT, nodePaths: [join(ROOT, 'node_modules')] });
        floor = { file: join(fdir, 'index.mjs'), bytes: statSync(join(fdir, 'index.mjs')).size };
        floors.set(key, floor);
      }
      built.push({ name, file, bytes: statSync(file).size, clients, floor, top: topContributors(meta, file) });
    }
    log(`  cold start: ${built.length} bundles built (${skipped.length} skipped), ${options.rounds} fresh processes each, alternating with the floor`);
    const bundles: BundleResult[] = [];
    for (const b of built) {
      initOnce(runner, b.floor.file, env); // disk cache warm for both
      initOnce(runner, b.file, env);
      const fn: number[] = [];
      const fl: number[] = [];
      for (let r = 0; r < options.rounds; r++) {
        if (r % 2 === 0) {
          fn.push(initOnce(runner, b.file, env));
          fl.push(initOnce(runner, b.floor.file, env));
        } else {
          fl.push(initOnce(runner, b.floor.file, env));
          fn.push(initOnce(runner, b.file, env));
        }
      }
      bundles.push({
        name: b.name,
        bytes: b.bytes,
        floorBytes: b.floor.bytes,
        clients: b.clients,
        sizeRatio: b.bytes / b.floor.bytes,
        initMs: summarize(fn),
        floorInitMs: summarize(fl),
        initRatio: summarize(fn.map((v, i) => v / fl[i]!)),
        top: b.top,
      });
      log(
        `  cold start ${b.name}: ${(b.bytes / 1024).toFixed(0)} KiB (${(b.bytes / b.floor.bytes).toFixed(2)}× floor), init ${summarize(fn).median.toFixed(0)} ms (${summarize(fn.map((v, i) => v / fl[i]!)).median.toFixed(2)}× floor)`,
      );
    }
    return { bundles, skipped };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
