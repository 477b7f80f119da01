/**
 * Benchmark 3: GET /v1/workers/{id}/coverage, the handler called in process with an API Gateway v2
 * event (no HTTP), against one raw GetItem on the orders table, interleaved call by call, with the orders
 * table holding at least `target` orders loaded by raw BatchWriteItem in the repository's item format.
 *
 * Probe workers are registered through the API and get ~20 orders a day like everyone else, and their
 * orders are projected (issue 18: the rider-day items coverage reads, written here by the projection's own
 * repository), so the read returns what a real coverage question returns (one or two rider-days).
 */
import { performance } from 'node:perf_hooks';
import { BatchWriteItemCommand, DescribeTableCommand, DynamoDBClient, GetItemCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { httpEvent, lambdaContext } from '../test/support/events.ts';
import type { WriteCounter } from './lib/write-counter.ts';
import { chunk, mapLimit } from '../functions/_shared/db.ts';
import { quantile, summarize, type Summary } from './lib/stats.ts';
import { orderTableItem, standardOrders, storedOrder } from './lib/workload.ts';
import { BENCH_MONTH, PROVINCES, registerWorkers, type BenchPlatform, type BenchStack } from './lib/stack.ts';

export interface CoverageOptions {
  /** Orders to have in the table (at least). */
  readonly target: number;
  /** Stop loading at this deadline (ms from the start of loading) and report how many are there. */
  readonly loadBudgetMs: number;
  readonly calls: number;
  readonly blocks: number;
  readonly probeWorkers: number;
}

export interface CoverageResult {
  readonly ordersInTable: number;
  /** How ordersInTable was obtained: DescribeTable's ItemCount, or the loader's own count. */
  readonly counted?: 'ItemCount' | 'estimate';
  readonly loadedPerSecond: number;
  readonly handler: { median: number; p99: number };
  readonly getItem: { median: number; p99: number };
  readonly medianRatio: Summary;
  readonly p99Ratio: Summary;
  readonly ordersPerAnswer: number;
  /** DynamoDB calls per handler answer, counted on the handlers' client. */
  readonly callsPerAnswer?: number;
}

/** August 6–15 of BENCH_MONTH. */
const FILLER_DAYS = Array.from({ length: 10 }, (_, i) => `${BENCH_MONTH}-${String(6 + i).padStart(2, '0')}`);
const PROBE_FROM = 100_000;
const LOADERS = 16;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The loader's own client: no counting middleware (it parses every request on the handlers' client) and
 * items marshalled once, so that node spends as little as possible of the 2 shared cores and DynamoDB
 * Local sets the pace of the load.
 */
const rawBatchWrite = async (client: DynamoDBClient, table: string, items: readonly Record<string, unknown>[]) => {
  let pending: WriteRequest[] = items.map((i) => ({ PutRequest: { Item: marshall(i, { removeUndefinedValues: true }) } }));
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) await sleep(Math.min(1000, 20 * 2 ** attempt));
    if (attempt > 10) throw new Error('BatchWriteItem: items still unprocessed');
    const res = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
    pending = res.UnprocessedItems?.[table] ?? [];
  }
};

export const runCoverage = async (
  stack: BenchStack,
  platform: BenchPlatform,
  _ddb: DynamoDBDocumentClient,
  dynamo: DynamoDBClient,
  alreadyInTable: number,
  options: CoverageOptions,
  log: (line: string) => void,
  counter?: WriteCounter,
): Promise<CoverageResult> => {
  const ordersTable = stack.app.tables.ORDERS_TABLE!;
  const loader = new DynamoDBClient({ maxAttempts: 5 });
  const itemCount = async () => (await loader.send(new DescribeTableCommand({ TableName: ordersTable }))).Table?.ItemCount ?? 0;
  const before = await itemCount();
  if (before > 0) alreadyInTable = before;
  await registerWorkers(stack, platform, PROBE_FROM, PROBE_FROM + options.probeWorkers);
  const receivedAt = new Date().toISOString();

  // Probe workers' orders first (so they are there even if the load stops at its deadline), then filler
  // riders (ids the registry does not know: only their orders matter, they fill the table and the index).
  const probeItems = standardOrders({ workers: options.probeWorkers, days: FILLER_DAYS, ordersPerWorkerDay: 20, tag: 'cov', provinces: PROVINCES }).map((o) => {
    const rider = `rider-${PROBE_FROM + Number(o.platformWorkerId.slice(6))}`;
    return orderTableItem(storedOrder(platform.platformId, platform.workers.get(rider)!, { ...o, platformWorkerId: rider }), receivedAt);
  });
  const perFillerWorker = FILLER_DAYS.length * 20;
  const fillerWorkers = Math.max(0, Math.ceil((options.target - alreadyInTable - probeItems.length) / perFillerWorker));
  const started = performance.now();
  let loaded = 0;
  const load = async (items: Record<string, unknown>[]) => {
    await mapLimit(chunk(items, 25), LOADERS, (part) => rawBatchWrite(loader, ordersTable, part));
    loaded += items.length;
  };
  await load(probeItems);
  // The projection of the probes' orders (the stream consumer's writes, applied directly: the bench's
  // projection stays paused while the filler is loaded).
  const { orderChange } = await import('../core/index.ts');
  const { planGroups, projectionRepository } = await import('../functions/_shared/repositories/projection.ts');
  for (const group of planGroups(probeItems.map((item, index) => ({ index, change: orderChange(undefined, item)! }))))
    await projectionRepository.applyGroup(group);
  const GROUP = 250; // filler workers generated at a time (50,000 orders)
  for (let from = 0; from < fillerWorkers; from += GROUP) {
    if (performance.now() - started > options.loadBudgetMs) {
      log(`  coverage: load budget reached after ${loaded} orders`);
      break;
    }
    const items = standardOrders({
      workers: Math.min(GROUP, fillerWorkers - from),
      days: FILLER_DAYS,
      ordersPerWorkerDay: 20,
      tag: `f${from}`,
      provinces: PROVINCES,
    }).map((o) =>
      orderTableItem(storedOrder(platform.platformId, `wkr_filler${String(from + Number(o.platformWorkerId.slice(6))).padStart(7, '0')}`, o), receivedAt),
    );
    await load(items);
    if ((from / GROUP) % 4 === 3)
      log(`  coverage: ${alreadyInTable + loaded} orders in the table (${(loaded / ((performance.now() - started) / 1000)).toFixed(0)}/s)`);
  }
  const loadedPerSecond = loaded / ((performance.now() - started) / 1000);
  const after = await itemCount();
  const ordersInTable = after > 0 ? after : alreadyInTable + loaded;
  log(`  coverage: ${ordersInTable} orders in the table (${after > 0 ? 'DescribeTable ItemCount' : 'estimate'}), loaded at ${loadedPerSecond.toFixed(0)}/s`);

  const { handler } = await import('../functions/enrolment/handler.ts');
  const probes = Array.from({ length: options.probeWorkers }, (_, j) => platform.workers.get(`rider-${PROBE_FROM + j}`)!);
  const event = (i: number) => {
    const workerId = probes[i % probes.length]!;
    const day = FILLER_DAYS[1 + (i % (FILLER_DAYS.length - 1))]!;
    const minute = 8 * 60 + ((i * 37) % (14 * 60));
    const at = `${day}T${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00+08:00`;
    return httpEvent('GET /v1/workers/{workerId}/coverage', {
      claims: { sub: `client-${platform.platformId}`, role: 'platform', platformId: platform.platformId },
      pathParameters: { workerId },
      query: { at, platformId: platform.platformId },
    });
  };
  const key = (i: number) => ({ pk: { S: probeItems[(i * 7919) % probeItems.length]!.pk } });

  // Check the answer once, and how many orders the index returns for it.
  const first = (await handler(event(0), lambdaContext)) as { statusCode: number; body: string };
  if (first.statusCode !== 200) throw new Error(`coverage answered ${first.statusCode}: ${first.body}`);
  const { ordersRepository } = await import('../functions/_shared/repositories/orders.ts');
  const e0 = event(0);
  const atMs = Date.parse(e0.queryStringParameters!.at!);
  const ordersPerAnswer = (await ordersRepository.acceptedBetween(probes[0]!, platform.platformId, new Date(atMs - 25 * 3_600_000), new Date(atMs))).length;
  const probe = await dynamo.send(new GetItemCommand({ TableName: ordersTable, Key: key(0) }));
  if (!probe.Item) throw new Error('raw GetItem found nothing');

  // Warm-up, then what one answer costs in DynamoDB calls (handler calls only), then interleaved timing.
  for (let i = 0; i < 50; i++) {
    await handler(event(i), lambdaContext);
    await dynamo.send(new GetItemCommand({ TableName: ordersTable, Key: key(i) }));
  }
  let callsPerAnswer: number | undefined;
  if (counter) {
    counter.reset();
    const n = 100;
    for (let i = 0; i < n; i++) await handler(event(i), lambdaContext);
    const c = counter.reset();
    callsPerAnswer = (c.readCalls + c.calls) / n;
  }
  const h: number[] = [];
  const g: number[] = [];
  const medianRatios: number[] = [];
  const p99Ratios: number[] = [];
  const perBlock = Math.ceil(options.calls / options.blocks);
  for (let b = 0; b < options.blocks; b++) {
    const bh: number[] = [];
    const bg: number[] = [];
    for (let k = 0; k < perBlock; k++) {
      const i = b * perBlock + k;
      const ev = event(i);
      const cmd = new GetItemCommand({ TableName: ordersTable, Key: key(i) });
      const hFirst = i % 2 === 0;
      const timeHandler = async () => {
        const t = performance.now();
        const res = (await handler(ev, lambdaContext)) as { statusCode: number };
        bh.push(performance.now() - t);
        if (res.statusCode !== 200) throw new Error(`coverage answered ${res.statusCode}`);
      };
      const timeGet = async () => {
        const t = performance.now();
        await dynamo.send(cmd);
        bg.push(performance.now() - t);
      };
      if (hFirst) {
        await timeHandler();
        await timeGet();
      } else {
        await timeGet();
        await timeHandler();
      }
    }
    medianRatios.push(quantile(bh, 0.5) / quantile(bg, 0.5));
    p99Ratios.push(quantile(bh, 0.99) / quantile(bg, 0.99));
    h.push(...bh);
    g.push(...bg);
  }
  loader.destroy();
  return {
    ordersInTable,
    counted: after > 0 ? 'ItemCount' : 'estimate',
    loadedPerSecond,
    handler: { median: quantile(h, 0.5), p99: quantile(h, 0.99) },
    getItem: { median: quantile(g, 0.5), p99: quantile(g, 0.99) },
    medianRatio: summarize(medianRatios),
    p99Ratio: summarize(p99Ratios),
    ordersPerAnswer,
    ...(callsPerAnswer !== undefined ? { callsPerAnswer } : {}),
  };
};
