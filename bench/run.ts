/**
 * `npm run bench [-- --quick] [-- --only=ingest,coverage,coldstart,declaration,console] [-- --into=bench/results/full.json]`
 * `npm run bench -- --only=coldstart [--rounds=N] [--functions=public,cases]`: the cold start of every function
 * (bench/cold-start.ts; N alternating pairs of fresh processes per function, 12 by default; `--functions` only
 * while working on some: a partial run is not for `--into`).
 * `npm run bench -- --only=console-import [--orders=N]`: the platform portal's orders import (bench/console-import.ts),
 * rendered as docs/benchmarks.md row 13d (with `--into=bench/results/full.json`, the other rows are kept).
 *
 * Issue 6's benchmarks on the local stack (DynamoDB Local started here, traffic to 127.0.0.1 only), every
 * figure a ratio of two arms measured side by side in this run, repeated; results to docs/benchmarks.md.
 * Bounded: the full run takes ~25 minutes on 2 idle cores (the coverage load stops at a deadline and
 * reports how many orders it holds; the console runs in a child process, its stack having its own env);
 * --quick is a short smoke run of the same code paths.
 * `--into=FILE`: start from the results stored in FILE and replace only what this run measures (e.g. the
 * console's figures), so one part is measured again without running the others.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ordersTable } from '../manifest/tables.ts';
import { renderReport, type BenchResults } from './report.ts';
import { registerPlatform, startBenchStack } from './lib/stack.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const out = args.find((a) => a.startsWith('--out='))?.slice(6) ?? resolve(import.meta.dirname, '../docs/benchmarks.md');
const wants = (name: string) => !only || only.includes(name);

// `--render=bench/results/full.json`: re-render docs/benchmarks.md from a stored run, measuring nothing.
const render = args.find((a) => a.startsWith('--render='))?.slice(9);
if (render) {
  const { readFileSync } = await import('node:fs');
  writeFileSync(out, renderReport(JSON.parse(readFileSync(render, 'utf8')) as BenchResults));
  process.exit(0);
}
const started = performance.now();
const log = (line: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

const config = quick
  ? { workers: 100, repetitions: 2, coldRounds: 4, coverageTarget: 50_000, loadBudgetMs: 60_000, calls: 300, blocks: 3, declCalls: 150 }
  : { workers: 500, repetitions: 3, coldRounds: 12, coverageTarget: 1_000_000, loadBudgetMs: 600_000, calls: 2_000, blocks: 5, declCalls: 600 };

// A hard stop: the run must end by itself whatever happens (java is killed by local/dynamodb.ts's exit hook).
// The cold start alone (--only=coldstart) runs ~27 fresh processes for each of ~32 bundles: on 2 shared cores
// under load that is ~15 minutes by itself, so it gets its own bound; so does the whole run (cold start, the
// console in chromium, ingestion, the coverage load of 10⁶ orders: ~25 minutes on an idle 2-core machine).
const HARD_LIMIT_MS = quick ? 8 * 60_000 : only?.length === 1 && only[0] === 'coldstart' ? 40 * 60_000 : only === undefined ? 40 * 60_000 : 20 * 60_000;
setTimeout(() => {
  log(`hard time limit of ${HARD_LIMIT_MS / 60_000} min reached: stopping`);
  process.exit(2);
}, HARD_LIMIT_MS).unref();

const into = args.find((a) => a.startsWith('--into='))?.slice(7);
const stored: Partial<BenchResults> = into ? (JSON.parse((await import('node:fs')).readFileSync(into, 'utf8')) as BenchResults) : {};
// With --into the stored run keeps its header (when, where, how long); each part measured now carries its own date.
const results: BenchResults = { quick, startedAt: new Date().toISOString(), node: process.version, cpus: (await import('node:os')).cpus().length, ...stored };

if (wants('console')) {
  log('13. console: first page and a work queue of 1,000 cases, in chromium');
  if (only?.length === 1) {
    const { runConsole } = await import('./console.ts');
    results.console = await runConsole({ cases: quick ? 200 : 1_000, repetitions: quick ? 3 : 7 }, log);
  } else {
    // The console's stack loads the handlers with its own env; the ingestion's stack needs them with its own,
    // and handler modules read their env once per process: the console runs in a child process of its own.
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const file = resolve(mkdtempSync(resolve(tmpdir(), 'bench-console-')), 'results.json');
    writeFileSync(file, '{}');
    execFileSync(
      process.execPath,
      ['--import', 'tsx', import.meta.filename, '--only=console', `--into=${file}`, `--out=${file}.md`, ...(quick ? ['--quick'] : [])],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    results.console = (JSON.parse(readFileSync(file, 'utf8')) as BenchResults).console;
  }
}

if (only?.includes('console-import')) {
  const orders = Number(args.find((a) => a.startsWith('--orders='))?.slice(9) ?? (quick ? 10_000 : 100_000));
  log(`13d. console: importing ${orders} orders through the platform portal, and through the API alone`);
  const { runConsoleImport } = await import('./console-import.ts');
  results.consoleImport = await runConsoleImport({ orders }, log);
}

if (wants('coldstart')) {
  log('4. cold start: bundles and fresh-process init');
  const { runColdStart } = await import('./cold-start.ts');
  const rounds = Number(args.find((a) => a.startsWith('--rounds='))?.slice(9) ?? config.coldRounds);
  const functions = args
    .find((a) => a.startsWith('--functions='))
    ?.slice(12)
    .split(',');
  if (functions && into) throw new Error('--functions measures some functions only: not with --into (the stored results keep every function)');
  results.coldStart = await runColdStart({ rounds, ...(functions ? { functions } : {}) }, log);
}

if (wants('ingest') || wants('coverage') || wants('declaration')) {
  log('starting the local stack (DynamoDB Local, tables, HTTP adapter)');
  const stack = await startBenchStack();
  const stop = async () => {
    await stack.app.stop();
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(143)));
  try {
    // Handler modules (and db.ts) read their env at import: only now.
    const { ddb, dynamo } = await import('../functions/_shared/db.ts');
    const { attachWriteCounter } = await import('./lib/write-counter.ts');
    const index = ordersTable.globalSecondaryIndexes[0];
    const counter = attachWriteCounter(ddb, [
      // The sparse index of orders not yet projected (keys only): one index item per new order.
      { table: stack.app.tables.ORDERS_TABLE!, keys: [index.partitionKey.name], tableKeys: ['pk'], projection: [...index.projection] },
    ]);
    let ordersInTable = 0;
    log(`registering a platform and ${config.workers} workers through the API`);
    const platform = await registerPlatform(stack, config.workers);

    if (wants('ingest')) {
      log(`1+2. ingestion: ${config.workers * 40} orders per arm, batches of 1,000, 4 requests at a time, ${config.repetitions} repetitions`);
      const { runIngestion } = await import('./ingest.ts');
      results.ingestion = await runIngestion(
        stack,
        platform,
        ddb,
        counter,
        {
          workers: config.workers,
          ordersPerWorkerDay: 20,
          repetitions: config.repetitions,
          chronological: args.includes('--chronological'),
          repositoryOnly: true,
          // The alternatives triple the run's length: with --quick, or asked for (`--alternatives`).
          alternatives: quick || args.includes('--alternatives'),
        },
        log,
      );
      ordersInTable += Object.keys(results.ingestion.arms).length * (config.repetitions * results.ingestion.orders + Math.min(results.ingestion.orders, 2_000));
    }
    if (wants('declaration')) {
      log('5. declaration: 10⁷ orders in a month as seeded fee counters');
      const { runDeclaration } = await import('./declaration.ts');
      const declPlatform = await registerPlatform(stack, 0);
      results.declaration = await runDeclaration(
        stack,
        declPlatform,
        ddb,
        dynamo,
        { ordersInMonth: 10_000_000, calls: config.declCalls, blocks: config.blocks },
        log,
      );
    }
    if (wants('coverage')) {
      log(`3. coverage: loading the orders table towards ${config.coverageTarget.toLocaleString('en')} orders (budget ${config.loadBudgetMs / 1000} s)`);
      const { runCoverage } = await import('./coverage.ts');
      results.coverage = await runCoverage(
        stack,
        platform,
        ddb,
        dynamo,
        Math.round(ordersInTable),
        { target: config.coverageTarget, loadBudgetMs: config.loadBudgetMs, calls: config.calls, blocks: config.blocks, probeWorkers: 20 },
        log,
        counter,
      );
      results.coverageTarget = config.coverageTarget;
    }
  } finally {
    log('stopping the local stack');
    await stop();
  }
}

if (!into) results.durationS = (performance.now() - started) / 1000;
writeFileSync(out, renderReport(results));
mkdirSync(resolve(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(into ? resolve(into) : resolve(import.meta.dirname, 'results', quick ? 'quick.json' : 'full.json'), `${JSON.stringify(results, null, 2)}\n`);
log(`wrote ${out}`);
process.exit(0);
