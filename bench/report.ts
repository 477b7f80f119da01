/** Renders docs/benchmarks.md from one run's results (numbers only from this run). */
import type { ColdStartResult } from './cold-start.ts';
import type { ConsoleResult } from './console.ts';
import type { ConsoleImportResult } from './console-import.ts';
import type { CoverageResult } from './coverage.ts';
import type { DeclarationResult } from './declaration.ts';
import type { IngestResult } from './ingest.ts';
import { CHINA_PRICES_CNY, costPerMillionOrders, costScenarios, PRICES, type CostInputs } from './lib/cost.ts';
import { fmtRange, fmtRatio, type Summary, summarize, verdict } from './lib/stats.ts';

export interface BenchResults {
  quick: boolean;
  startedAt: string;
  node: string;
  cpus: number;
  durationS?: number;
  coldStart?: ColdStartResult;
  ingestion?: IngestResult;
  declaration?: DeclarationResult;
  coverage?: CoverageResult;
  coverageTarget?: number;
  /** Issue 13: the console's first page and work queue (`--only=console`). */
  console?: ConsoleResult;
  /** Issue 16: the platform portal's orders import against the API's own rate (`--only=console-import`). */
  consoleImport?: ConsoleImportResult;
}

/** Cost inputs from the measured real-path counts (assumptions that are not measured are marked in scale.md). */
export const costInputs = (ing: IngestResult, ordersTable = 'orders', ledgerTable = 'ledger'): CostInputs => {
  const c = ing.arms.real!.counts!;
  const n = ing.orders;
  // Issue 18: the request writes the orders and one batch item per transaction; the projection's writes
  // (planned offline over the same batches: rider-days, counters, batch counts and closes) and the sparse
  // index's delete of each closed batch are added, so that the model charges what an order costs in all.
  const projected = ing.projection ? ing.plannedWritesPer1000.grouped / 1000 : 0;
  return {
    itemWritesPerOrder: c.items / n + projected,
    transactional: true,
    orderItemBytes: (c.byTableBytes[ordersTable] ?? 0) / (c.byTable[ordersTable] || 1),
    gsiItemBytes: c.gsiItems ? c.gsiBytes / c.gsiItems : 0,
    gsiWritesPerOrder: (c.gsiItems / n) * (ing.projection ? 2 : 1),
    readItemsPerOrder: c.readItems / n,
    // What the projection keeps 13 months (rider-days, counters), sized offline over the same orders.
    counterItemsPerOrder: ing.ledgerPerOrder?.items ?? 1 / 20,
    counterItemBytes: ing.ledgerPerOrder
      ? ing.ledgerPerOrder.bytes / ing.ledgerPerOrder.items - 100
      : (c.byTableBytes[ledgerTable] ?? 0) / (c.byTable[ledgerTable] || 1),
    ordersPerRequest: 1000,
    lambdaMsPerRequest: 1500,
    lambdaMemoryMb: 1024,
    // Orders expire orderHotDaysAfterClose (30) days after their month closes on day 15 of the next (D19):
    // on average half a month + 15 + 30 days after they were taken.
    hotDays: 60,
    // The archiver's gzip JSON lines, measured offline over the same orders (60 B: the Parquet assumed before).
    archiveBytesPerOrder: ing.archiveBytesPerOrder ?? 60,
    logBytesPerRequest: 600,
    // The projection's Lambda: its wall time per 1,000 orders on DynamoDB Local (it waits on DynamoDB).
    ...(ing.projection ? { streamConsumer: { msPerThousandOrders: Math.round(1e6 / ing.projection.projectedPerSecond), memoryMb: 512 } } : {}),
  };
};

const ms = (v: number) => `${v.toFixed(2)} ms`;

export const renderReport = (r: BenchResults): string => {
  const rows: string[] = [];
  const lines: string[] = [];
  const row = (id: string, what: string, measured: string, target: string, result: string) =>
    rows.push(`| ${id} | ${what} | ${measured} | ${target} | ${result} |`);

  const ing = r.ingestion;
  if (ing) {
    const real = ing.arms.real!;
    row('1', 'ingestion orders/s, real path ÷ raw BatchWriteItem', fmtRatio(real.ratio), '≥ 0.80×', verdict(real.ratio.median, 0.8, 'atLeast'));
    const p = ing.projection;
    if (p) {
      row(
        '1p',
        `ingestion with the orders projection running on the same DynamoDB Local ÷ the raw median (${p.orders.toLocaleString('en')} orders, n=1)`,
        `${p.ratio.toFixed(2)}× (${p.ordersPerSecond.toFixed(0)} orders/s; projected ${p.projectedPerSecond.toFixed(0)}/s)`,
        '— (measured)',
        'measured',
      );
      row(
        '18',
        "orders projection lag from the batch's 200 to the order counted, p50 / p99 / max (standard workload, projection running)",
        `${(p.lagMs.p50 / 1000).toFixed(1)} / ${(p.lagMs.p99 / 1000).toFixed(1)} / ${(p.lagMs.max / 1000).toFixed(1)} s`,
        'seconds (issue 18)',
        'measured',
      );
    }
    row(
      '2',
      p
        ? "client item writes per 1,000 orders in the request (the orders; counters are projected) + the projection's transaction actions (offline)"
        : 'client item writes per 1,000 orders (orders + counters)',
      p ? `${fmtRange(real.writesPer1000!)} + ${ing.plannedWritesPer1000.grouped.toFixed(0)}` : fmtRange(real.writesPer1000!),
      '≤ 1,100',
      verdict(real.writesPer1000!.median + (p ? ing.plannedWritesPer1000.grouped : 0), 1100, 'atMost'),
    );
  }
  const cov = r.coverage;
  if (cov) {
    row(
      '3a',
      `coverage handler ÷ one GetItem, median (${cov.ordersInTable.toLocaleString('en')} orders in table)`,
      fmtRatio(cov.medianRatio),
      '≤ 1.3× (issue 18)',
      verdict(cov.medianRatio.median, 1.3, 'atMost'),
    );
    row('3b', 'coverage handler ÷ one GetItem, p99', fmtRatio(cov.p99Ratio), '≤ 2×', verdict(cov.p99Ratio.median, 2, 'atMost'));
  }
  const cs = r.coldStart;
  // A function that bundles no SDK client has an empty module as its floor: a ratio to it says nothing, so it
  // is shown in absolute figures and left out of the verdicts (said so in the row).
  const measured = cs?.bundles.filter((b) => b.clients.length > 0) ?? [];
  /** The init ratio a verdict uses: CPU time where measured (bench/cold-start.ts RUNNER), else wall time (older runs). */
  const initOf = (b: { initRatio: Summary; initCpuRatio?: Summary }): Summary => b.initCpuRatio ?? b.initRatio;
  if (cs && measured.length > 0) {
    const noFloor = cs.bundles.length - measured.length;
    const outside = noFloor > 0 ? `; ${noFloor} without any SDK client shown in absolute figures (section 4)` : '';
    const worstSize = measured.reduce((a, b) => (b.sizeRatio > a.sizeRatio ? b : a));
    const worstInit = measured.reduce((a, b) => (initOf(b).median > initOf(a).median ? b : a));
    const sizeMisses = measured.filter((b) => b.sizeRatio > 1.5).length;
    const initMisses = measured.filter((b) => initOf(b).median > 1.5).length;
    row(
      '4a',
      `bundle size ÷ floor, every function: ${measured.length - sizeMisses} of ${measured.length} within (worst: ${worstSize.name})${outside}`,
      `worst ${worstSize.sizeRatio.toFixed(2)}×; ${fmtRatio(summarize(measured.map((b) => b.sizeRatio)))} over functions`,
      '≤ 1.5×',
      verdict(worstSize.sizeRatio, 1.5, 'atMost'),
    );
    row(
      '4b',
      `module init ${worstInit.initCpuRatio ? 'CPU time ' : ''}÷ floor, every function: ${measured.length - initMisses} of ${measured.length} within (worst median: ${worstInit.name})`,
      fmtRatio(initOf(worstInit)),
      '≤ 1.5×',
      verdict(initOf(worstInit).median, 1.5, 'atMost'),
    );
  }
  const decl = r.declaration;
  if (decl) {
    row(
      '5',
      `declaration handler ÷ one Query of the counters, median (${decl.ordersInMonth.toLocaleString('en')} orders, ${decl.counterItems} counters)`,
      fmtRatio(decl.medianRatio),
      '≤ 3×',
      verdict(decl.medianRatio.median, 3, 'atMost'),
    );
  }
  const con = r.console;
  if (con) {
    const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
    row(
      '13a',
      `console first page (sign-in): JavaScript gzipped, ${con.firstPage.scripts} files`,
      kib(con.firstPage.gzippedBytes),
      `≤ ${kib(con.firstPage.budgetBytes)}`,
      verdict(con.firstPage.gzippedBytes, con.firstPage.budgetBytes, 'atMost'),
    );
    for (const [arm, what] of [
      ['api', 'through the local API'],
      ['render', 'answers from memory'],
    ] as const) {
      const a = con.queue.arms[arm];
      row(
        arm === 'api' ? '13b' : '13c',
        `work queue of ${con.queue.cases.toLocaleString('en')} cases, navigation to the sorted first page shown (${what}), median (max, n=${con.queue.repetitions})`,
        `${a.medianMs.toFixed(0)} ms (${a.maxMs.toFixed(0)} ms)`,
        `< ${con.queue.budgetMs.toLocaleString('en')} ms`,
        a.medianMs < con.queue.budgetMs && a.maxMs < con.queue.budgetMs ? 'pass' : 'MISS',
      );
    }
  }
  const imp = r.consoleImport;
  if (imp) {
    row(
      '13d',
      `platform portal: ${imp.orders.toLocaleString('en')} orders imported from one CSV through \`/orders\` (batches of ${imp.batchSize.toLocaleString('en')}) ÷ the same batches sent straight to the API, orders/s`,
      `${imp.ratio.toFixed(2)}× (browser ${imp.browser.ordersPerSecond.toLocaleString('en')} orders/s, API ${imp.api.ordersPerSecond.toLocaleString('en')} orders/s; n=1)`,
      '— (measured, no target)',
      'measured',
    );
  }
  let cost: ReturnType<typeof costPerMillionOrders> | undefined;
  let scenarios: (ReturnType<typeof costScenarios>[number] & { total: number })[] = [];
  if (ing) {
    scenarios = costScenarios(costInputs(ing)).map((sc) => ({ ...sc, total: costPerMillionOrders(sc.inputs).total }));
    const rec = scenarios.find((sc) => sc.recommended)!;
    cost = costPerMillionOrders(rec.inputs);
    row(
      'cost',
      `modelled USD per million orders, ingested + 13 months (recommended design, scenario ${rec.id}: ${rec.name}; docs/scale.md)`,
      `${cost.total.toFixed(2)} USD`,
      '≤ 0.50 USD',
      verdict(cost.total, 0.5, 'atMost'),
    );
  }

  lines.push('# Benchmarks (issues 6 and 13)', '');
  lines.push(
    `Generated by \`npm run bench${r.quick ? ' -- --quick' : ''}\` (bench/run.ts) on ${r.startedAt}, Node ${r.node}, ${r.cpus} cores shared with other work, DynamoDB Local (in memory) in the same run; ${r.durationS?.toFixed(0) ?? '?'} s.`,
    r.quick ? '**Quick run: smaller workload and fewer repetitions; use the full run for the figures.**' : '',
    "Every figure is a ratio of two arms measured side by side in this run (arms alternate in order; calls interleave), repeated: median (min–max, n repetitions or blocks). Absolute times drift with the machine's load and are given only for context.",
    '',
    '| # | measure | median (spread) | target | result |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  );

  if (ing) {
    lines.push('## 1–2. Ingestion and write amplification', '');
    lines.push(
      `Standard workload per arm and repetition: ${ing.orders.toLocaleString('en')} orders (${ing.orders / 40} workers × 2 days × 20 orders), fresh order ids, batches of 1,000, 4 requests at a time. ` +
        "Orders are sent rider by rider (each rider's days together). raw = the same orders as the repository's items, BatchWriteItem of 25, 4 batches at a time × 6 calls each (the use case's write concurrency). " +
        (ing.projection
          ? "repository = the repository's write called directly (no HTTP, JWT, middy, zod, link reads): TransactWriteItems of up to 100 conditional puts and nothing else (issue 18: counters are the orders stream's projection, paused while the arms run). partiqlInsert and putItem16 are the other exactly-once writes measured to choose it: PartiQL INSERTs, 25 per BatchExecuteStatement, and one conditional PutItem per order (16 in flight per request)."
          : "repository = planChunks + writeChunk called directly (no HTTP, JWT, middy, zod, link reads): separates the handler's cost from the storage design's."),
      '',
      '| arm | orders/s (context) | ÷ raw | node CPU ms / 1,000 orders | DynamoDB Local (java) CPU ms / 1,000 orders | client item writes / 1,000 |',
      '|---|---|---|---|---|---|',
    );
    for (const a of Object.values(ing.arms)) {
      lines.push(
        `| ${a.name} | ${fmtRange(a.ordersPerSecond)} | ${fmtRatio(a.ratio)} | ${fmtRange(a.nodeCpuMsPer1000)} | ${fmtRange(a.javaCpuMsPer1000)} | ${a.writesPer1000 ? fmtRange(a.writesPer1000, 1) : '1,000 (by construction)'} |`,
      );
    }
    const c = ing.arms.real!.counts!;
    const n = ing.orders;
    lines.push(
      '',
      `Counted by a middleware on the handlers' client stack (\`ddb.middlewareStack\`, build step), last repetition of the real arm, per 1,000 orders: ` +
        `${((c.items / n) * 1000).toFixed(1)} item writes (${Object.entries(c.byKind)
          .map(([k, v]) => `${k} ${((v / n) * 1000).toFixed(1)}`)
          .join(', ')}), all in ${c.calls} TransactWriteItems calls (${(c.items / c.calls).toFixed(1)} items per call), ` +
        `${(((c.bytes / n) * 1000) / 1024).toFixed(0)} KiB written (order item ${((c.byTableBytes.orders ?? 0) / (c.byTable.orders || 1)).toFixed(0)} B, counter update ${((c.byTableBytes.ledger ?? 0) / (c.byTable.ledger || 1)).toFixed(0)} B by DynamoDB's item-size rules), ` +
        `${((c.wru / n) * 1000).toFixed(0)} write request units (transactional: 2 per item) plus ${((c.gsiItems / n) * 1000).toFixed(0)} ${ing.projection ? 'sparse `unprojected` index (the write batches)' : 'byWorker index'} writes of ${(c.gsiItems ? c.gsiBytes / c.gsiItems : 0).toFixed(0)} B inside DynamoDB (1 WRU each); ` +
        `${c.failedCalls} failed or cancelled write calls; ${((c.readItems / n) * 1000).toFixed(0)} read items (platform profile, worker links).`,
      ing.projection
        ? `Offline (the projection's grouping, planGroups, over the same batches in stream order): ${ing.plannedWritesPer1000.grouped.toFixed(1)} writes per 1,000 orders (rider-days, whose entries are also the exactly-once mark, counters, write-batch counts and closes) when riders' orders arrive together, ${ing.plannedWritesPer1000.chronological.toFixed(1)} when the same orders arrive in time order${ing.ledgerPerOrder ? `; what it keeps 13 months: ${(ing.ledgerPerOrder.items * 1000).toFixed(0)} ledger items per 1,000 orders, ${ing.ledgerPerOrder.bytes.toFixed(0)} B per order` : ''}${ing.archiveBytesPerOrder ? `; the archive (gzip JSON lines, 1,000 orders per object): ${ing.archiveBytesPerOrder.toFixed(0)} B per order` : ''}. The request itself writes the orders and one batch item per transaction (the write counter does not see the projection: it is paused during the arms). ` +
            `With the projection running (${ing.projection.orders.toLocaleString('en')} orders posted, batches of 1,000, 4 at a time): ingestion ${ing.projection.ordersPerSecond.toFixed(0)} orders/s (${ing.projection.ratio.toFixed(2)}× the arms' raw median), projected ${ing.projection.projectedPerSecond.toFixed(0)} orders/s, lag from each batch's 200 to its orders counted p50 ${(ing.projection.lagMs.p50 / 1000).toFixed(1)} s, p99 ${(ing.projection.lagMs.p99 / 1000).toFixed(1)} s, max ${(ing.projection.lagMs.max / 1000).toFixed(1)} s (0 when counted before the answer arrived).`
        : `Offline (planChunks over the same batches): ${ing.plannedWritesPer1000.grouped.toFixed(1)} writes per 1,000 orders when riders' orders arrive together, ${ing.plannedWritesPer1000.chronological.toFixed(1)} when the same orders arrive in time order (each batch a time slice: every rider-day counter is touched in many batches).`,
      '',
    );
  }

  if (cov) {
    lines.push('## 3. Coverage look-up', '');
    lines.push(
      `Orders table: ${cov.ordersInTable.toLocaleString('en')} orders (${cov.counted === 'ItemCount' ? "DescribeTable's ItemCount after the load" : 'counted by the loader'}; target ${(r.coverageTarget ?? 0).toLocaleString('en')}; loaded with raw BatchWriteItem in the repository's item format, ${cov.loadedPerSecond.toFixed(0)} orders/s). ` +
        `${r.coverageTarget && cov.ordersInTable < r.coverageTarget ? '**The load stopped at its time budget below the target: the figure holds for this table size.** ' : ''}` +
        `Each answer reads the rider-day items of its look-back (one BatchGetItem of 1–2 keys, written by the projection for the probe riders) holding about ${cov.ordersPerAnswer} orders (one rider, ~25 h look-back, 20 orders a day). Handler = \`functions/enrolment/handler.ts\` called with an API Gateway v2 event (platform token claims), in process; raw = GetItem of one order by key on the same client and table; calls interleaved.` +
        (cov.callsPerAnswer !== undefined
          ? ` DynamoDB calls per answer, counted on the handlers' client over 100 answers after warm-up: ${cov.callsPerAnswer.toFixed(2)}.`
          : ''),
      '',
      '| | handler | raw GetItem | ratio per block |',
      '|---|---|---|---|',
      `| median | ${ms(cov.handler.median)} | ${ms(cov.getItem.median)} | ${fmtRatio(cov.medianRatio)} |`,
      `| p99 | ${ms(cov.handler.p99)} | ${ms(cov.getItem.p99)} | ${fmtRatio(cov.p99Ratio)} |`,
      '',
    );
  }

  if (cs) {
    lines.push('## 4. Cold start', '');
    const when = cs.measuredAt
      ? `Measured ${cs.measuredAt} (\`npm run bench -- --only=coldstart --into=bench/results/full.json\`, bench/cold-start.ts)`
      : 'Measured';
    const load = cs.loadAverage
      ? `, machine load average ${cs.loadAverage[0].toFixed(1)} at the start and ${cs.loadAverage[1].toFixed(1)} at the end (2 cores shared)`
      : '';
    lines.push(
      `${when}${load}. Every deployed function (manifest/functions.ts ALL_FUNCTIONS and the user pools' triggers, manifest/identity.ts; functions built from one entry share a bundle, named together) built by esbuild with the options the CDK construct uses (lib/config/bundling.ts: ESM, target node24, minified, SDK bundled, createRequire banner, linked source map). Floor = a bundle that imports and creates only the SDK clients the function bundles (listed) and does nothing else. Init = \`await import(bundle)\` in a fresh \`node --enable-source-maps\` process with the Lambda runtime's \`AWS_EXECUTION_ENV\` (so the Tracer loads, as in Lambda); ${cs.rounds ?? 'n'} pairs per function, function and floor alternating, which goes first alternating too; the ratio is the median of the per-pair ratios, with its range. Init is measured as CPU time (user + system of the process): on 2 cores shared with other work the wall time stretches with their load, the CPU time hardly does, and Lambda's init is CPU-bound (a 512 MB function has a fraction of a vCPU); the wall-time ratio is given for context. Tracer = bytes of the Powertools Tracer, the X-Ray SDK and its dependencies in the bundle.`,
      '',
      '| function | SDK clients | size | floor | size ÷ floor | of which Tracer | init CPU median (range) | floor init CPU | init CPU ÷ floor (range, n) | init wall ÷ floor | largest parts |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const b of cs.bundles) {
      const name = [b.name, ...(b.alsoFor ?? [])].join(' = ');
      const noFloor = b.clients.length === 0;
      lines.push(
        `| ${name} | ${noFloor ? 'none' : b.clients.map((c) => c.replace('@aws-sdk/', '')).join(', ')} | ${(b.bytes / 1024).toFixed(0)} KiB | ${noFloor ? 'empty module' : `${(b.floorBytes / 1024).toFixed(0)} KiB`} | ${noFloor ? 'n/a' : `${b.sizeRatio.toFixed(2)}×`} | ${b.tracerBytes !== undefined ? `${(b.tracerBytes / 1024).toFixed(0)} KiB` : '—'} | ${fmtRange(b.initCpuMs ?? b.initMs, 0, ' ms')} | ${fmtRange(b.floorInitCpuMs ?? b.floorInitMs, 0, ' ms')} | ${noFloor ? 'n/a' : fmtRatio(initOf(b))} | ${noFloor ? 'n/a' : fmtRatio(b.initRatio)} | ${b.top
          .slice(0, 4)
          .map((t) => `${t.pkg} ${(t.bytes / 1024).toFixed(0)}K`)
          .join(', ')} |`,
      );
    }
    const t = cs.tracerReference;
    if (t) {
      lines.push(
        '',
        `Reference, the Tracer by itself: the ${t.clients.map((c) => c.replace('@aws-sdk/', '')).join(', ')} floor with its clients passed through functions/_shared/tracing.ts (\`traced\`, as every function does) is ${(t.bytes / 1024).toFixed(0)} KiB, ${t.sizeRatio.toFixed(2)}× the plain floor's ${(t.floorBytes / 1024).toFixed(0)} KiB; its init CPU ${fmtRange(t.initCpuMs ?? t.initMs, 0, ' ms')} against ${fmtRange(t.floorInitCpuMs ?? t.floorInitMs, 0, ' ms')}: ${fmtRatio(initOf(t))} (wall time ${fmtRatio(t.initRatio)}).`,
      );
    }
    for (const s of cs.skipped) lines.push(`\nSkipped ${s.name} (${s.entry}): ${s.reason}.`);
    lines.push('');
  }

  if (decl) {
    lines.push('## 5. Declaration', '');
    lines.push(
      decl.shards
        ? `${decl.ordersInMonth.toLocaleString('en')} orders in 2025-08 seeded as ${decl.counterItems} fee counters (2 provinces × 1 industry × 31 days in each of ${decl.shards} shard partitions \`FEE#{platformId}#{month}#{shard}\`; the declaration's total checked against the seed). Handler = \`functions/declarations/handler.ts\` in process: ${decl.shards} Queries in parallel, platform profile and rates cached. Raw = one Query returning the same ${decl.counterItems} counter items from a single partition (a copy under one reference key: the layout before the shard moved into the partition key), one page; interleaved.`
        : `${decl.ordersInMonth.toLocaleString('en')} orders in 2025-08 seeded as ${decl.counterItems} fee counters (2 provinces × 1 industry × 31 days × 8 shards; the declaration's total checked against the seed). Handler = \`functions/declarations/handler.ts\` in process; raw = one Query of \`FEE#{platformId}#{month}\` (one page), interleaved.`,
      '',
      '| | handler | raw Query | ratio per block |',
      '|---|---|---|---|',
      `| median | ${ms(decl.handler.median)} | ${ms(decl.query.median)} | ${fmtRatio(decl.medianRatio)} |`,
      `| p99 | ${ms(decl.handler.p99)} | ${ms(decl.query.p99)} | ${fmtRatio(decl.p99Ratio)} |`,
      '',
    );
  }

  if (cost) {
    const rec = scenarios.find((sc) => sc.recommended)!;
    lines.push('## Cost per million orders (model of docs/scale.md, inputs measured above)', '');
    lines.push(
      `Prices: ${PRICES.region}, list prices as known, not verified live (docs/scale.md lists them). Cross-check for the China regions (www.amazonaws.cn): provisioned write ¥${CHINA_PRICES_CNY.provisionedWcuHour.toFixed(4)} per WCU-hour, on-demand ¥${CHINA_PRICES_CNY.onDemandWriteRequestUnitPerMillion} per million write units (at 7.2 CNY/USD ${(CHINA_PRICES_CNY.provisionedWcuHour / 7.2 / PRICES.dynamoProvisionedWcuHour).toFixed(2)}× and ${(CHINA_PRICES_CNY.onDemandWriteRequestUnitPerMillion / 7.2 / PRICES.dynamoWriteRequestUnitPerMillion).toFixed(2)}× the us-east-1 prices used here: provisioned capacity saves more there).`,
      '',
      '| scenario | USD per million orders | what it needs beyond the code today |',
      '|---|---|---|',
      ...scenarios.map(
        (sc) =>
          `| ${sc.recommended ? '**' : ''}${sc.id}. ${sc.name}${sc.recommended ? ' (recommended)**' : ''} | ${sc.recommended ? '**' : ''}${sc.total.toFixed(2)}${sc.recommended ? '**' : ''} | ${sc.needs} |`,
      ),
      '',
      `Lines of the recommended scenario ${rec.id}:`,
      '',
      '| item | USD | basis |',
      '|---|---|---|',
    );
    for (const l of cost.lines) lines.push(`| ${l.item} | ${l.usd.toFixed(3)} | ${l.basis} |`);
    lines.push(`| **total** | **${cost.total.toFixed(2)}** | |`, '');
  }
  if (con) {
    lines.push('## 13. The console', '');
    lines.push(
      `Measured ${con.measuredAt} (\`npm run bench -- --only=console --into=bench/results/full.json\`): Debian's chromium (playwright-core, headless) against a local stack started for it (bench/console.ts). **First page**: every script the sign-in page requests, gzipped as a server sends it: ${con.firstPage.scripts} files, ${(con.firstPage.gzippedBytes / 1024).toFixed(1)} KiB (budget 500 KiB; each other page is a lazy chunk loaded when opened). ` +
        `**Work queue**: ${con.queue.cases.toLocaleString('en')} cases opened through the API and waiting for confirmation; a handler of their province opens \`/cases\` (the console's chunks cached by an earlier visit, as for a person who used it before); measured from the navigation's start to the table showing the first 50 of the 1,000 cases sorted by deadline with the total 共 ${con.queue.cases} 件. ` +
        `Arm api: the console pages through \`GET /v1/cases\` (two requests of 500) on the local API: samples ${con.queue.arms.api.samplesMs.join(', ')} ms. Arm render: the same answers served from memory, so the rest is the console's own work (fetch, sort, render): samples ${con.queue.arms.render.samplesMs.join(', ')} ms.`,
      '',
    );
  }
  if (imp) {
    if (!con) lines.push('## 13. The console', '');
    lines.push(
      `**Orders import (13d)**, measured ${imp.measuredAt} (\`npm run bench -- --only=console-import [--orders=N] --into=bench/results/full.json\`, bench/console-import.ts): a local stack started for it, a platform with ${imp.workers} riders; after one warm-up batch, arm API sends ${imp.orders.toLocaleString('en')} orders from Node straight to \`POST /v1/platforms/{platformId}/orders\` in batches of ${imp.batchSize.toLocaleString('en')}, one after another: ${(imp.api.ms / 1000).toFixed(1)} s, ${imp.api.ordersPerSecond.toLocaleString('en')} orders/s. Arm browser chooses a CSV of as many other orders of the same shape on the portal's \`/orders\` page in chromium (read and parsed by papaparse in the page in ${imp.browser.parseMs.toLocaleString('en')} ms) and is timed from the click on 开始导入 until the page says 已全部完成, its 新增 count checked equal to the orders sent: ${(imp.browser.importMs / 1000).toFixed(1)} s, ${imp.browser.ordersPerSecond.toLocaleString('en')} orders/s. Ratio browser ÷ API ${imp.ratio.toFixed(2)} (1.0: the console costs nothing over the API). The gap is the page's own work between batches (one batch in flight at a time, the progress bar and counts re-rendered per batch) while the API arm sends its next batch at once; parallel batches in the page would close it but make resuming after a failure harder (docs/console.md).`,
      '',
    );
  }
  lines.push('## What limits the missed targets, and what would move them', '');
  if (ing) {
    const raw = ing.arms.raw!;
    const real = ing.arms.real!;
    const repo = ing.arms.repository;
    if (ing.projection) {
      const arm = (name: string) => ing.arms[name];
      const java = (name: string) => arm(name)?.javaCpuMsPer1000.median.toFixed(0) ?? 'n/a';
      const ratio = (name: string) => (arm(name) ? fmtRatio(arm(name)!.ratio) : 'n/a');
      lines.push(
        (arm('partiqlInsert') && arm('putItem16')
          ? `- **Ingestion (1), issue 18.** The order's transaction now holds conditional puts only (the counters are the orders stream's projection). Of the exactly-once writes measured side by side, a transaction of up to 100 conditional puts is the cheapest on DynamoDB Local: ${ratio('repository')} of raw at the repository (java ${java('repository')} ms per 1,000 orders), against PartiQL INSERTs ${ratio('partiqlInsert')} (java ${java('partiqlInsert')} ms) and one conditional PutItem per order ${ratio('putItem16')} (java ${java('putItem16')} ms; node ${arm('putItem16')?.nodeCpuMsPer1000.median.toFixed(0) ?? 'n/a'} ms: a request per order), raw BatchWriteItem ${raw.javaCpuMsPer1000.median.toFixed(0)} ms. `
          : `- **Ingestion (1), issue 18.** The order's transaction now holds conditional puts only (the counters are the orders stream's projection); at the repository it reaches ${ratio('repository')} of raw (java ${java('repository')} ms per 1,000 orders against ${raw.javaCpuMsPer1000.median.toFixed(0)} ms for BatchWriteItem). The other exactly-once writes were measured with \`--alternatives\` (this run did not: they triple its length) and came out more expensive on DynamoDB Local — PartiQL INSERTs and a conditional PutItem per order; their figures are in docs/scale.md. `) +
          `Through the handler: ${fmtRatio(real.ratio)}. What is left between that and raw is DynamoDB Local's transactional put itself (java ${real.javaCpuMsPer1000.median.toFixed(0)} vs ${raw.javaCpuMsPer1000.median.toFixed(0)} ms per 1,000 orders; measured alone in docs/scale.md: 0.4–0.6× of BatchWriteItem whatever the transaction's size or the writes in flight). Since the order items carry no index attribute any more (the write batches do), raw writes no index either: both arms run faster than before issue 18's second part, raw the most. ` +
          `With the projection running on the same DynamoDB Local the ingestion drops to ${ing.projection.ratio.toFixed(2)}× (the projection's transactions compete for the same java; in AWS the stream consumer has its own capacity). The projection is exactly-once by the rider-day entries it writes anyway (no write of its own per order); a month's completeness is one batch item per order transaction.`,
      );
    } else
      lines.push(
        `- **Ingestion (1).** The handler is not the main limit: the repository arm alone (no HTTP, JWT, middy, zod, link reads) reaches ${repo ? fmtRatio(repo.ratio) : 'n/a'} of raw, against ${fmtRatio(real.ratio)} for the full path: most of the gap to 0.80× is there without the handler. ` +
          `What differs is DynamoDB Local's work per order: ${real.javaCpuMsPer1000.median.toFixed(0)} ms of java CPU per 1,000 orders for TransactWriteItems (conditional puts with ALL_OLD + counter ADDs on a second table) against ${raw.javaCpuMsPer1000.median.toFixed(0)} ms for BatchWriteItem ` +
          `(${(real.javaCpuMsPer1000.median / raw.javaCpuMsPer1000.median).toFixed(2)}×), while node spends ${real.nodeCpuMsPer1000.median.toFixed(0)} vs ${raw.nodeCpuMsPer1000.median.toFixed(0)} ms; on 2 shared cores the java side sets the pace. ` +
          'A one-off probe of transaction size (puts only, 24 in flight) gave java CPU per 1,000 items of 677 / 918 / 1,017 ms for 100 / 50 / 25 actions per transaction: smaller chunks cost more, so the current 100-action chunks stay. ' +
          "A second probe (repository path, 10,000 orders per variant, 2 alternating rounds, machine load ~8 on 2 cores, so only large effects show): dropping the SDK's ClientRequestToken or ReturnValuesOnConditionCheckFailure changed nothing beyond the noise (java 811–1,155 ms per 1,000 orders as built, 865–1,155 without the token, 796–1,031 without ALL_OLD); transactions without the counter updates took 694–750 ms, so the counters are ~25% of the java work and the transactional puts themselves the rest. No cheap win was found that keeps exactly-once. " +
          'What would move it: a plain conditional PutItem per order with the counters derived from the stream (no transaction; also halves the write cost in AWS), at the price of eventually consistent counters. On DynamoDB Local the ratio says little about AWS, where a transaction costs 2 WRU per item but scales with partitions.',
      );
    if (ing.projection)
      lines.push(
        `- **Write amplification (2)**: the request writes the orders and their batch items (${real.writesPer1000!.median.toFixed(0)} per 1,000); the projection adds ${ing.plannedWritesPer1000.grouped.toFixed(0)} writes per 1,000 orders when riders' orders arrive together and ${ing.plannedWritesPer1000.chronological.toFixed(0)} when batches are time slices (each transaction then touches a rider-day and a counter per rider). Moves: fewer, larger projection transactions (a stream batch of 10,000 records holds a rider's day more often), and asking platforms to send a rider's orders together (the contract can recommend it).`,
      );
    else
      lines.push(
        `- **Write amplification (2)** passes for batches sent rider by rider (${real.writesPer1000!.median.toFixed(0)} per 1,000) but not for batches that are time slices: ${ing.plannedWritesPer1000.chronological.toFixed(0)} per 1,000 (planChunks over the same orders in time order), because every batch then touches every active rider-day counter. Moves: recommend per-rider batching in the contract, or enrolment days out of the transaction.`,
      );
  }
  if (cov) {
    const passes = cov.medianRatio.median <= 1.3 && cov.p99Ratio.median <= 2;
    lines.push(
      `- **Coverage (3)** ${passes ? 'passes' : 'misses'}: ${cov.callsPerAnswer !== undefined ? `${cov.callsPerAnswer.toFixed(2)} DynamoDB calls per answer` : 'one DynamoDB call per answer'} (a BatchGetItem of the look-back's rider-day items, ~${cov.ordersPerAnswer} compact entries) against 1 GetItem; the platform profile and the parameters come from per-container caches (≤ 60 s old), and the worker's partition is read only when the window holds no order of that platform (then 2 calls, one after the other). ` +
        'What is left is a BatchGetItem instead of a GetItem (1–2 items of up to ~1 KB) and the handler stack (middy, logger, zod) in node on the same 2 cores.',
    );
  }
  if (cs && measured.length > 0) {
    const t = cs.tracerReference;
    const withoutTracer = measured.map((b) => (b.bytes - (b.tracerBytes ?? 0)) / b.floorBytes);
    const sizeWithin = measured.filter((b) => b.sizeRatio <= 1.5).length;
    const withinWithoutTracer = withoutTracer.filter((v) => v <= 1.5).length;
    lines.push(
      `- **Cold start (4).** ${sizeWithin} of ${measured.length} functions are within 1.5× of their floor in size, ${measured.filter((b) => initOf(b).median <= 1.5).length} in init. ` +
        `The largest part every function adds to its floor is the Tracer (functions/_shared/tracing.ts: the Powertools Tracer over the X-Ray SDK, with semver, cls-hooked and shimmer): ${(Math.min(...measured.map((b) => b.tracerBytes ?? 0)) / 1024).toFixed(0)}–${(Math.max(...measured.map((b) => b.tracerBytes ?? 0)) / 1024).toFixed(0)} KiB per bundle` +
        (t ? `; on the floor alone it costs ${t.sizeRatio.toFixed(2)}× in size and ${initOf(t).median.toFixed(2)}× in init (reference above)` : '') +
        `. Without it, ${withinWithoutTracer} of ${measured.length} functions would be within 1.5× in size (${fmtRatio(summarize(withoutTracer))} over functions). ` +
        'The rest is, in every HTTP function, the shared stack (zod/mini, the Powertools logger and metrics, Powertools idempotency with its JMESPath engine, middy) and the error catalogue (core/error-codes.ts); in the stream, queue and trigger functions, zod/mini (config.ts validates the env) and the logger. ' +
        `${cs.bundles.filter((b) => b.clients.length === 0).length} bundles (${cs.bundles
          .filter((b) => b.clients.length === 0)
          .map((b) => [b.name, ...(b.alsoFor ?? [])].join(' = '))
          .join(
            ', ',
          )}) carry no SDK client at all (the public route group since it uses the stack without the caller, PII key and idempotency parts): their floor would be an empty module, so the table gives their absolute size and init. ` +
        "Moves: the Tracer is a decision rather than a clean-up. The X-Ray SDK it wraps has been in maintenance mode since 2026-02-25 and reaches end of support on 2027-02-25 (AWS recommends OpenTelemetry), so tracing needs a new home anyway: keep it until then and judge functions against an SDK + Tracer floor; or rely on Lambda's active tracing of the invocation alone (no SDK-call subsegments); or OpenTelemetry (ADOT) as a Lambda layer, outside the bundle though not outside init.",
    );
  }
  if (cost) {
    const byId = new Map(scenarios.map((sc) => [sc.id, sc.total]));
    const under = scenarios.filter((sc) => sc.total <= 0.5).map((sc) => sc.id);
    lines.push(
      `- **Cost.** The recommended design costs ${cost.total.toFixed(2)} USD per million orders (as built on-demand: ${byId.get('B')!.toFixed(2)}, without the archive: ${byId.get('A')!.toFixed(2)}); writes are ${((cost.lines[0]!.usd / cost.total) * 100).toFixed(0)}% of it (2 WRU per transactional item — the orders and the projection's updates — plus 1 per index item). ` +
        `With the order put as a PartiQL INSERT ${byId.get('D')!.toFixed(2)}, also with a 7-day hot window ${byId.get('E')!.toFixed(2)}, all of it reserved ${byId.get('F')!.toFixed(2)}, also without PITR on the ledger ${byId.get('G')!.toFixed(2)}; ` +
        (under.length > 0 ? `${under.join(', ')} reach${under.length === 1 ? 'es' : ''} ≤ 0.50 on paper.` : 'no scenario reaches ≤ 0.50.') +
        ' docs/scale.md says what each needs.',
    );
  }
  lines.push('');
  return `${lines.filter((l, i, all) => !(l === '' && all[i - 1] === '')).join('\n')}\n`;
};
