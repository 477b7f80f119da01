/**
 * Benchmark 4: every function of the product (ALL_FUNCTIONS in manifest/functions.ts and the user pools'
 * triggers, IDENTITY_FUNCTIONS in manifest/identity.ts; functions sharing an entry share one bundle) built
 * with esbuild exactly as the CDK construct builds it (lib/config/bundling.ts, which
 * lib/constructs/function.ts passes to NodejsFunction: ESM, node24, minified, AWS SDK bundled, the
 * createRequire banner, linked source map without sources content), and a floor bundle that imports only
 * the AWS SDK clients that function bundles and creates them at module scope, as functions/_shared/db.ts
 * does, and nothing else. Sizes are of the .mjs (the source map is a separate file). Init time: a fresh
 * `node --enable-source-maps` process (as NODE_OPTIONS in Lambda) imports the bundle; the time from
 * before the dynamic import until the module is evaluated, function and floor alternating (which one goes
 * first alternates too), `rounds` pairs per function: the ratio is the median of the per-pair ratios.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { LAMBDA_BUNDLING } from '../lib/config/bundling.ts';
import { ALL_FUNCTIONS } from '../manifest/functions.ts';
import { IDENTITY_FUNCTIONS } from '../manifest/identity.ts';
import { summarize, type Summary } from './lib/stats.ts';

const ROOT = resolve(import.meta.dirname, '..');

/** Every deployed function by name: the stateless stack builds one ClaimsFunction for each. */
const EVERY_FUNCTION: Readonly<Record<string, { readonly entry: string }>> = { ...ALL_FUNCTIONS, ...IDENTITY_FUNCTIONS };

/** The CDK construct's bundling options (lib/config/bundling.ts), translated to esbuild's API (what NodejsFunction passes). */
const buildOptions = {
  bundle: true,
  platform: 'node' as const,
  format: 'esm' as const,
  target: LAMBDA_BUNDLING.target,
  mainFields: [...LAMBDA_BUNDLING.mainFields],
  banner: { js: LAMBDA_BUNDLING.banner },
  external: [...LAMBDA_BUNDLING.externalModules],
  minify: LAMBDA_BUNDLING.minify,
  sourcemap: LAMBDA_BUNDLING.sourceMap,
  sourcesContent: LAMBDA_BUNDLING.sourcesContent,
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
  '@aws-sdk/client-s3': { import: "import { S3Client } from '@aws-sdk/client-s3';", create: 'const s3 = new S3Client({});' },
  '@aws-sdk/client-sqs': { import: "import { SQSClient } from '@aws-sdk/client-sqs';", create: 'const sqs = new SQSClient({});' },
  '@aws-sdk/client-sns': { import: "import { SNSClient } from '@aws-sdk/client-sns';", create: 'const sns = new SNSClient({});' },
  '@aws-sdk/client-eventbridge': {
    import: "import { EventBridgeClient } from '@aws-sdk/client-eventbridge';",
    create: 'const eventbridge = new EventBridgeClient({});',
  },
  '@aws-sdk/client-cognito-identity-provider': {
    import: "import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';",
    create: 'const cognito = new CognitoIdentityProviderClient({});',
  },
};

interface BundleResult {
  /** The function (the first in manifest order when several share the entry, the others in `alsoFor`). */
  readonly name: string;
  readonly entry: string;
  /** Other functions built from the same entry (one bundle, measured once). */
  readonly alsoFor?: string[];
  readonly bytes: number;
  readonly floorBytes: number;
  readonly clients: string[];
  readonly sizeRatio: number;
  readonly initMs: Summary;
  readonly floorInitMs: Summary;
  /** Per pair of fresh processes (function, floor): the function's init ÷ the floor's (wall time). */
  readonly initRatio: Summary;
  /** The same in CPU time (user + system): what the verdict uses (RUNNER says why). */
  readonly initCpuMs?: Summary;
  readonly floorInitCpuMs?: Summary;
  readonly initCpuRatio?: Summary;
  /** Largest contributors to the bundle (bytes in the output, by package). */
  readonly top: { pkg: string; bytes: number }[];
  /** Bytes of the Powertools Tracer and the X-Ray SDK with its dependencies (TRACER_PACKAGES) in the bundle. */
  readonly tracerBytes?: number;
}

export interface ColdStartResult {
  /** When this part was measured, and how many alternating pairs of fresh processes per function. */
  readonly measuredAt?: string;
  readonly rounds?: number;
  /** The machine's 1-minute load average at the start and the end of the measurement (2 shared cores). */
  readonly loadAverage?: readonly [number, number];
  /**
   * What the Tracer costs by itself: the DynamoDB + KMS floor against the same floor with its clients passed
   * through functions/_shared/tracing.ts (`traced`), measured the same way.
   */
  readonly tracerReference?: Omit<BundleResult, 'top' | 'tracerBytes'>;
  readonly bundles: BundleResult[];
  readonly skipped: { name: string; entry: string; reason: string }[];
}

const packageOf = (input: string): string => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (m) return m[1]!;
  return input.split('/')[0] === 'functions' ? 'functions/' : (input.split('/')[0] ?? input);
};

/** The Powertools Tracer and what it brings: the X-Ray SDK and its dependencies (none of them used by anything else here). */
const TRACER_PACKAGES = new Set([
  '@aws-lambda-powertools/tracer',
  'aws-xray-sdk-core',
  'semver',
  'cls-hooked',
  'async-hook-jl',
  'stack-chain',
  'emitter-listener',
  'shimmer',
  'atomic-batcher',
]);

const outputOf = (meta: Metafile, outFile: string) =>
  Object.entries(meta.outputs).find(([path]) => path.endsWith('.mjs') && resolve(ROOT, path) === outFile)?.[1];

const tracerBytesOf = (meta: Metafile, outFile: string): number =>
  Object.entries(outputOf(meta, outFile)?.inputs ?? {})
    .filter(([input]) => TRACER_PACKAGES.has(packageOf(input)))
    .reduce((sum, [, { bytesInOutput }]) => sum + bytesInOutput, 0);

const topContributors = (meta: Metafile, outFile: string) => {
  const out = outputOf(meta, outFile);
  const by = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(out?.inputs ?? {})) by.set(packageOf(input), (by.get(packageOf(input)) ?? 0) + bytesInOutput);
  return [...by.entries()]
    .map(([pkg, bytes]) => ({ pkg, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 8);
};

/**
 * Wall time and CPU time (user + system, all of the process's threads) of the import. On a machine shared
 * with other work the wall time stretches with their load while the CPU time does not: the verdict uses
 * the CPU time (Lambda's init is CPU-bound: a 512 MB function has a fraction of a vCPU), the wall time is
 * kept for context.
 */
const RUNNER = `const c0 = process.cpuUsage();
const t0 = performance.now();
await import(process.argv[2]);
const t1 = performance.now();
const c1 = process.cpuUsage(c0);
process.stdout.write(JSON.stringify({ initMs: t1 - t0, cpuMs: (c1.user + c1.system) / 1000 }));
`;

interface InitSample {
  readonly initMs: number;
  readonly cpuMs: number;
}

const initOnce = (runner: string, bundle: string, env: NodeJS.ProcessEnv): InitSample => {
  const out = execFileSync(process.execPath, ['--enable-source-maps', runner, bundle], { env, encoding: 'utf8', timeout: 30_000 });
  return JSON.parse(out) as InitSample;
};

/**
 * A floor bundle: imports the given SDK clients and creates them at module scope, nothing else; `traced`
 * passes each client through functions/_shared/tracing.ts as the functions do (the Tracer reference).
 */
const buildFloor = async (fdir: string, clients: readonly string[], traced: boolean): Promise<{ file: string; bytes: number }> => {
  mkdirSync(fdir);
  const src = join(fdir, 'floor.ts');
  const ordered = Object.keys(CLIENTS).filter((c) => clients.includes(c));
  const creates = ordered.map((c) => CLIENTS[c]!.create);
  const names = creates.map((c) => c.split(' ')[1]!);
  writeFileSync(
    src,
    [
      ...(traced ? [`import { traced } from ${JSON.stringify(join(ROOT, 'functions/_shared/tracing.ts'))};`] : []),
      ...ordered.map((c) => CLIENTS[c]!.import),
      ...creates,
      ...(traced ? names.map((n) => `traced(${n});`) : []),
      `export const handler = async () => ({ statusCode: 200, body: String(${names.length > 0 ? `[${names.join(', ')}].length` : 0}) });`,
      '',
    ].join('\n'),
  );
  await build({ ...buildOptions, entryPoints: { index: src }, outdir: fdir, absWorkingDir: ROOT, nodePaths: [join(ROOT, 'node_modules')] });
  return { file: join(fdir, 'index.mjs'), bytes: statSync(join(fdir, 'index.mjs')).size };
};

/** The functions to measure, grouped by entry (manifest order): one bundle per entry. */
const entriesOf = (names?: readonly string[]) => {
  const unknown = names?.filter((n) => !(n in EVERY_FUNCTION)) ?? [];
  if (unknown.length > 0) throw new Error(`cold start: unknown functions ${unknown.join(', ')} (known: ${Object.keys(EVERY_FUNCTION).join(', ')})`);
  const byEntry = new Map<string, string[]>();
  for (const [name, fn] of Object.entries(EVERY_FUNCTION)) {
    if (names && !names.includes(name)) continue;
    byEntry.set(fn.entry, [...(byEntry.get(fn.entry) ?? []), name]);
  }
  return [...byEntry.entries()].map(([entry, fns]) => ({ entry, name: fns[0]!, alsoFor: fns.slice(1) }));
};

/**
 * `rounds`: alternating pairs (function, floor) of fresh processes per function (≥ 10 for a median that
 * holds on a shared machine); `functions`: only these (by name), e.g. while working on one bundle.
 */
export const runColdStart = async (options: { rounds: number; functions?: readonly string[] }, log: (line: string) => void): Promise<ColdStartResult> => {
  const dir = mkdtempSync(join(tmpdir(), 'claims-bench-bundles-'));
  try {
    const runner = join(dir, 'runner.mjs');
    writeFileSync(runner, RUNNER);
    // The env a deployed function has: table names, Powertools, the PII mode (nothing is called at init), and
    // the Lambda runtime's AWS_EXECUTION_ENV, without which functions/_shared/tracing.ts does not load the
    // Tracer (and the X-Ray SDK) that every function loads at init in Lambda.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_LAMBDA_FUNCTION_NAME: 'bench',
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
    const built: {
      name: string;
      entry: string;
      alsoFor: string[];
      file: string;
      bytes: number;
      clients: string[];
      floor: { file: string; bytes: number };
      top: BundleResult['top'];
      tracerBytes: number;
    }[] = [];
    for (const [i, { entry: relEntry, name, alsoFor }] of entriesOf(options.functions).entries()) {
      const entry = join(ROOT, relEntry);
      if (!existsSync(entry)) {
        skipped.push({ name, entry: relEntry, reason: 'entry file does not exist in this checkout' });
        continue;
      }
      const outdir = join(dir, `fn-${i}`);
      mkdirSync(outdir);
      let meta: Metafile;
      try {
        meta = (await build({ ...buildOptions, entryPoints: { index: entry }, outdir, absWorkingDir: ROOT })).metafile!;
      } catch (error) {
        skipped.push({ name, entry: relEntry, reason: `esbuild failed: ${(error as Error).message.split('\n')[0]}` });
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
        floor = await buildFloor(join(dir, `floor-${floors.size}`), clients, false);
        floors.set(key, floor);
      }
      built.push({
        name,
        entry: relEntry,
        alsoFor,
        file,
        bytes: statSync(file).size,
        clients,
        floor,
        top: topContributors(meta, file),
        tracerBytes: tracerBytesOf(meta, file),
      });
    }
    log(
      `  cold start: ${built.length} bundles built (${skipped.length} skipped), ${options.rounds} alternating pairs of fresh processes each (function, floor)`,
    );
    const loadAtStart = loadavg()[0]!;
    /** `rounds` alternating pairs of fresh processes (which one goes first alternates), after one warm-up each. */
    const measurePair = (file: string, floorFile: string) => {
      initOnce(runner, floorFile, env); // disk cache warm for both
      initOnce(runner, file, env);
      const fn: InitSample[] = [];
      const fl: InitSample[] = [];
      for (let r = 0; r < options.rounds; r++) {
        if (r % 2 === 0) {
          fn.push(initOnce(runner, file, env));
          fl.push(initOnce(runner, floorFile, env));
        } else {
          fl.push(initOnce(runner, floorFile, env));
          fn.push(initOnce(runner, file, env));
        }
      }
      return {
        initMs: summarize(fn.map((x) => x.initMs)),
        floorInitMs: summarize(fl.map((x) => x.initMs)),
        initRatio: summarize(fn.map((x, i) => x.initMs / fl[i]!.initMs)),
        initCpuMs: summarize(fn.map((x) => x.cpuMs)),
        floorInitCpuMs: summarize(fl.map((x) => x.cpuMs)),
        initCpuRatio: summarize(fn.map((x, i) => x.cpuMs / fl[i]!.cpuMs)),
      };
    };
    const bundles: BundleResult[] = [];
    for (const b of built) {
      const init = measurePair(b.file, b.floor.file);
      bundles.push({
        name: b.name,
        entry: b.entry,
        ...(b.alsoFor.length > 0 ? { alsoFor: b.alsoFor } : {}),
        bytes: b.bytes,
        floorBytes: b.floor.bytes,
        clients: b.clients,
        sizeRatio: b.bytes / b.floor.bytes,
        ...init,
        top: b.top,
        tracerBytes: b.tracerBytes,
      });
      log(
        `  cold start ${[b.name, ...b.alsoFor].join(' = ')}: ${(b.bytes / 1024).toFixed(0)} KiB (${(b.bytes / b.floor.bytes).toFixed(2)}× floor), init CPU ${init.initCpuMs.median.toFixed(0)} ms (${init.initCpuRatio.median.toFixed(2)}× floor, ${init.initCpuRatio.min.toFixed(2)}–${init.initCpuRatio.max.toFixed(2)}), wall ${init.initMs.median.toFixed(0)} ms (${init.initRatio.median.toFixed(2)}×, ${init.initRatio.min.toFixed(2)}–${init.initRatio.max.toFixed(2)})`,
      );
    }
    // The Tracer by itself: the DynamoDB + KMS floor, plain and with its clients traced.
    const referenceClients = ['@aws-sdk/client-dynamodb', '@aws-sdk/client-kms', '@aws-sdk/lib-dynamodb'];
    const plain = await buildFloor(join(dir, 'reference-plain'), referenceClients, false);
    const withTracer = await buildFloor(join(dir, 'reference-traced'), referenceClients, true);
    const tracerReference = {
      name: 'floor + Tracer',
      entry: 'functions/_shared/tracing.ts',
      bytes: withTracer.bytes,
      floorBytes: plain.bytes,
      clients: referenceClients,
      sizeRatio: withTracer.bytes / plain.bytes,
      ...measurePair(withTracer.file, plain.file),
    };
    log(
      `  cold start floor + Tracer: ${tracerReference.sizeRatio.toFixed(2)}× the floor's size, ${tracerReference.initCpuRatio.median.toFixed(2)}× its init CPU, ${tracerReference.initRatio.median.toFixed(2)}× its init wall time`,
    );
    return { measuredAt: new Date().toISOString(), rounds: options.rounds, loadAverage: [loadAtStart, loadavg()[0]!], tracerReference, bundles, skipped };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
