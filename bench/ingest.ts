/**
 * Benchmarks 1 and 2: ingestion through the real path against raw BatchWriteItem, and the item writes it
 * costs. Each repetition runs the arms back to back (their order alternating) on fresh order ids, against
 * the same DynamoDB Local.
 *
 *   real   POST /v1/platforms/{id}/orders through the HTTP adapter: JWT check, middy, zod, worker links,
 *          transactions of up to 100 conditional puts and nothing else (the production handler; issue 18)
 *   raw    the same orders as the repository's items, BatchWriteItem 25 per call; same concurrency:
 *          REQUESTS batches of 1,000 at a time, each written IN_REQUEST_CONCURRENCY calls at a time
 *   repository      the repository's write alone (writeNew: TransactWriteItems of up to 100 conditional puts,
 *                   no counters, 6 in flight per request)
 *   partiqlInsert   an alternative exactly-once write: PartiQL INSERTs, 25 per BatchExecuteStatement, 6 calls
 *                   in flight per request (1 WRU per order in AWS against 2)
 *   putItem16       another: one conditional PutItem per order (ALL_OLD), 16 in flight per request
 *
 * First the standard workload is posted once with the orders projection running: the lag from each
 * batch's 200 to its orders' projection (p50, p99) and the projection's throughput. Then the projection is
 * paused while the arms run (the write path alone, as the ratio's definition); what they write is left
 * uncounted (the stack is thrown away).
 */
import { performance } from 'node:perf_hooks';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { planGroups } from '../functions/_shared/repositories/projection.ts';
import { orderChange } from '../core/index.ts';
import { chunk, mapLimit, sleep } from '../functions/_shared/db.ts';
import { quantile, summarize, type Summary } from './lib/stats.ts';
import type { WriteCounter, WriteCounts } from './lib/write-counter.ts';
import { cpuNow, cpuSince, findJavaDescendant } from './lib/cpu.ts';
import { itemSize } from './lib/item-size.ts';
import { encodeArchive } from '../functions/_shared/repositories/order-archive.ts';
import { marshall } from '@aws-sdk/util-dynamodb';
import { chronological, orderTableItem, standardOrders, storedOrder, type OrderRequestItem } from './lib/workload.ts';
import { BENCH_MONTH, PROVINCES, type BenchPlatform, type BenchStack } from './lib/stack.ts';

const BATCH = 1000;
const REQUESTS = 4;
/** The raw arm's BatchWriteItem calls in flight per request (as the transactional writer had). */
const IN_REQUEST_CONCURRENCY = 6;
/** The orders use case's write calls in flight per request (functions/orders/use-cases.ts). */
const WRITE_CONCURRENCY = 6;
const DAYS = [`${BENCH_MONTH}-04`, `${BENCH_MONTH}-05`] as const;

export interface IngestOptions {
  readonly workers: number;
  readonly ordersPerWorkerDay: number;
  readonly repetitions: number;
  /** Also run the real path with the orders in time order (batches that are time slices). */
  readonly chronological: boolean;
  /** Also run the repository alone (writeNew, no HTTP, no validation): where the time goes. */
  readonly repositoryOnly: boolean;
  /** Also run the other exactly-once writes measured to choose writeNew (partiqlInsert, putItem16). */
  readonly alternatives: boolean;
}

type ArmName = 'raw' | 'real' | 'repository' | 'partiqlInsert' | 'putItem16' | 'chronological';

interface ArmResult {
  readonly name: ArmName;
  readonly ordersPerSecond: Summary;
  /** ratio to raw, per repetition */
  readonly ratio: Summary;
  readonly nodeCpuMsPer1000: Summary;
  readonly javaCpuMsPer1000: Summary;
  /** client item writes per 1,000 orders (real-path arms) */
  readonly writesPer1000?: Summary;
  readonly counts?: WriteCounts;
}

interface ProjectionResult {
  /** Orders posted with the projection running. */
  readonly orders: number;
  /** Orders projected per second, from the first batch posted to the last order projected. */
  readonly projectedPerSecond: number;
  /** The standard workload posted with the projection running: ingestion orders/s meanwhile, and ÷ the arms' raw median. */
  readonly ordersPerSecond: number;
  readonly ratio: number;
  /** From each batch's 200 to its orders projected (ms; 0 when projected before the answer arrived). */
  readonly lagMs: { p50: number; p99: number; max: number };
}

export interface IngestResult {
  readonly orders: number;
  readonly arms: Record<string, ArmResult>;
  /** Offline: the projection's writes (rider-days, counters, batch counts and closes) per 1,000 orders. */
  readonly plannedWritesPer1000: { grouped: number; chronological: number };
  /**
   * Offline: what the projection keeps per order for 13 months (rider-day items with their entries,
   * enrolment-day and fee counters), bytes by DynamoDB's sizing rules plus its 100 B per item, and items.
   */
  readonly ledgerPerOrder?: { bytes: number; items: number };
  /** Offline: bytes per order in the S3 archive (the archiver's gzip JSON lines, objects of 1,000 orders). */
  readonly archiveBytesPerOrder?: number;
  readonly projection?: ProjectionResult;
}

const postBatches = async (stack: BenchStack, platform: BenchPlatform, orders: readonly OrderRequestItem[]) => {
  await mapLimit(chunk(orders, BATCH), REQUESTS, async (batch) => {
    const res = await stack.api('POST', `/v1/platforms/${platform.platformId}/orders`, platform.token, { orders: batch });
    if (res.status !== 200 || res.body.accepted !== batch.length) {
      throw new Error(`ingestion: ${res.status} ${JSON.stringify(res.body).slice(0, 400)}`);
    }
  });
};

/** BatchWriteItem of up to 25 items, retrying unprocessed items with back-off. */
export const batchWrite = async (client: DynamoDBDocumentClient, table: string, items: readonly Record<string, unknown>[]) => {
  let pending = items.map((Item) => ({ PutRequest: { Item } }));
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) await sleep(Math.min(1000, 20 * 2 ** attempt));
    if (attempt > 10) throw new Error('BatchWriteItem: items still unprocessed');
    const res = await client.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
    pending = (res.UnprocessedItems?.[table] as typeof pending | undefined) ?? [];
  }
};

const stored = (platform: BenchPlatform, orders: readonly OrderRequestItem[]) =>
  orders.map((o) => storedOrder(platform.platformId, platform.workers.get(o.platformWorkerId)!, o));

/**
 * Offline: the projection's writes (transaction actions: rider-days, counters, write-batch counts; plus one
 * close per batch a stream batch touched) per 1,000 orders, for the orders in the order the stream would deliver
 * them (one stream batch of up to 1,000 records at a time; the write batches of 99 orders as `writeNew`
 * makes them of a request of one month).
 */
const plannedWrites = (platform: BenchPlatform, orders: readonly OrderRequestItem[]) => {
  let writes = 0;
  for (const [r, request] of chunk(orders, BATCH).entries()) {
    const changes = stored(platform, request).map((o, index) => ({
      index,
      change: orderChange(undefined, { ...o, batch: `${r}-${Math.floor(index / 99)}` })!,
    }));
    const batches = new Set<string>();
    for (const g of planGroups(changes)) {
      writes += g.transactItems(0).items.length;
      for (const b of g.batches.keys()) batches.add(b);
    }
    // The projector closes each batch once per stream batch, after its groups.
    writes += batches.size;
  }
  return (writes / orders.length) * 1000;
};

/**
 * Offline: the ledger items the projection leaves for these orders (the last SET of each key wins; ADDs
 * keep one item per key), their bytes by DynamoDB's sizing rules plus 100 B of overhead each, per order.
 */
const ledgerPerOrder = (platform: BenchPlatform, orders: readonly OrderRequestItem[]) => {
  const items = new Map<string, Record<string, unknown>>();
  for (const [r, request] of chunk(orders, BATCH).entries()) {
    const changes = stored(platform, request).map((o, index) => ({
      index,
      change: orderChange(undefined, { ...o, batch: `${r}-${Math.floor(index / 99)}` })!,
    }));
    for (const g of planGroups(changes))
      for (const { Update } of g.transactItems(0).items) {
        const u = Update as {
          Key: { pk: string; sk?: string };
          UpdateExpression: string;
          ExpressionAttributeNames?: unknown;
          ExpressionAttributeValues?: unknown;
        };
        if (u.Key.pk.startsWith('BATCH#')) continue;
        const key = `${u.Key.pk}|${u.Key.sk}`;
        const item = items.get(key) ?? { ...u.Key };
        const names = (u.ExpressionAttributeNames ?? {}) as Record<string, string>;
        const values = (u.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
        // `SET #a = :v, …` and `ADD n :v SET …`: every name/value pair the expression names.
        for (const [, name, value] of u.UpdateExpression.matchAll(/([#\w]+) (?:= )?(:\w+)/g)) item[names[name!] ?? name!] = values[value!];
        items.set(key, item);
      }
  }
  let bytes = 0;
  for (const item of items.values()) bytes += itemSize(marshall(item, { removeUndefinedValues: true }) as never) + 100;
  return { bytes: bytes / orders.length, items: items.size / orders.length };
};

export const runIngestion = async (
  stack: BenchStack,
  platform: BenchPlatform,
  ddb: DynamoDBDocumentClient,
  counter: WriteCounter,
  options: IngestOptions,
  log: (line: string) => void,
): Promise<IngestResult> => {
  const ordersTable = stack.app.tables.ORDERS_TABLE!;
  const make = (tag: string) =>
    standardOrders({ workers: options.workers, days: DAYS, ordersPerWorkerDay: options.ordersPerWorkerDay, tag, provinces: PROVINCES });
  const n = options.workers * DAYS.length * options.ordersPerWorkerDay;
  const javaPid = findJavaDescendant();
  const { ordersRepository } = await import('../functions/_shared/repositories/orders.ts');

  // Each arm: prepare (not timed) → run (timed).
  const arms: { name: ArmName; prepare: (tag: string) => unknown; run: (input: any) => Promise<void>; counted: boolean }[] = [
    {
      name: 'raw',
      counted: false,
      prepare: (tag) => {
        const receivedAt = new Date().toISOString();
        return stored(platform, make(tag)).map((o) => orderTableItem(o, receivedAt));
      },
      run: async (items: Record<string, unknown>[]) => {
        await mapLimit(chunk(items, BATCH), REQUESTS, (batch) =>
          mapLimit(chunk(batch, 25), IN_REQUEST_CONCURRENCY, (part) => batchWrite(ddb, ordersTable, part)),
        );
      },
    },
    { name: 'real', counted: true, prepare: (tag) => make(tag), run: (orders: OrderRequestItem[]) => postBatches(stack, platform, orders) },
  ];
  if (options.repositoryOnly) {
    arms.push({
      name: 'repository',
      counted: true,
      prepare: (tag) => stored(platform, make(tag)),
      run: async (orders: ReturnType<typeof stored>) => {
        const receivedAt = new Date().toISOString();
        await mapLimit(chunk(orders, BATCH), REQUESTS, (batch) => ordersRepository.writeNew(batch, receivedAt, WRITE_CONCURRENCY));
      },
    });
  }
  if (options.alternatives)
    arms.push(
      {
        name: 'partiqlInsert',
        counted: true,
        prepare: (tag) => stored(platform, make(tag)),
        run: async (orders: ReturnType<typeof stored>) => {
          const receivedAt = new Date().toISOString();
          await mapLimit(chunk(orders, BATCH), REQUESTS, (batch) => ordersRepository.insertEach(batch, receivedAt, WRITE_CONCURRENCY));
        },
      },
      {
        name: 'putItem16',
        counted: true,
        prepare: (tag) => stored(platform, make(tag)),
        run: async (orders: ReturnType<typeof stored>) => {
          const receivedAt = new Date().toISOString();
          await mapLimit(chunk(orders, BATCH), REQUESTS, (batch) => ordersRepository.putEach(batch, receivedAt, 16));
        },
      },
    );
  if (options.chronological) {
    arms.push({
      name: 'chronological',
      counted: true,
      prepare: (tag) => chronological(make(tag)),
      run: (orders: OrderRequestItem[]) => postBatches(stack, platform, orders),
    });
  }

  const projection = await measureProjection(stack, platform, make, log);
  stack.projection.pause(true);

  // Warm-up (handler modules loaded, JIT, connections), not measured.
  for (const arm of arms) {
    const input = arm.prepare(`w${arm.name}${Date.now().toString(36)}`);
    await arm.run(Array.isArray(input) ? input.slice(0, 2 * BATCH) : input);
  }

  const data = new Map<ArmName, { ops: number[]; node: number[]; java: number[]; writes: number[]; counts?: WriteCounts }>();
  for (const arm of arms) data.set(arm.name, { ops: [], node: [], java: [], writes: [] });
  for (let rep = 0; rep < options.repetitions; rep++) {
    const tag = `r${rep}${Date.now().toString(36)}`;
    // Alternate the order of the arms so that drift on the shared machine does not favour one.
    const ordered = rep % 2 === 0 ? arms : [...arms].reverse();
    for (const arm of ordered) {
      const input = arm.prepare(`${tag}${arm.name.slice(0, 3)}`);
      const d = data.get(arm.name)!;
      counter.reset();
      const cpu = cpuNow(javaPid);
      const started = performance.now();
      await arm.run(input);
      const ms = performance.now() - started;
      const used = cpuSince(cpu, javaPid);
      const counts = counter.reset();
      d.ops.push(n / (ms / 1000));
      d.node.push((used.nodeMs / n) * 1000);
      d.java.push((used.javaMs / n) * 1000);
      if (arm.counted) {
        d.writes.push((counts.items / n) * 1000);
        d.counts = counts;
      }
    }
    const raw = data.get('raw')!.ops.at(-1)!;
    log(
      `  ingestion rep ${rep + 1}/${options.repetitions}: ` +
        arms.map((a) => `${a.name} ${data.get(a.name)!.ops.at(-1)!.toFixed(0)}/s (${(data.get(a.name)!.ops.at(-1)! / raw).toFixed(2)}×)`).join(', '),
    );
  }
  const rawOps = data.get('raw')!.ops;
  const result: Record<string, ArmResult> = {};
  for (const [name, d] of data) {
    result[name] = {
      name,
      ordersPerSecond: summarize(d.ops),
      ratio: summarize(d.ops.map((o, i) => o / rawOps[i]!)),
      nodeCpuMsPer1000: summarize(d.node),
      javaCpuMsPer1000: summarize(d.java),
      ...(d.counts ? { writesPer1000: summarize(d.writes), counts: d.counts } : {}),
    };
  }
  const sample = make('plan');
  const rawMedian = median(rawOps);
  log(`  projection running: ingestion ${(projection.ordersPerSecond / rawMedian).toFixed(2)}× the arms' raw median`);
  return {
    orders: n,
    arms: result,
    plannedWritesPer1000: { grouped: plannedWrites(platform, sample), chronological: plannedWrites(platform, chronological(sample)) },
    ledgerPerOrder: ledgerPerOrder(platform, sample),
    archiveBytesPerOrder:
      chunk(stored(platform, sample), BATCH).reduce(
        (bytes, part) => bytes + encodeArchive(part.map((o) => orderTableItem(o, new Date().toISOString()))).length,
        0,
      ) / sample.length,
    projection: { ...projection, ratio: projection.ordersPerSecond / rawMedian },
  };
};

const median = (values: readonly number[]) =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );

/**
 * The projection running while the standard workload is posted (after a small warm-up): each order's lag
 * from its batch's 200 to its projection, and the projection's throughput.
 */
const measureProjection = async (
  stack: BenchStack,
  platform: BenchPlatform,
  make: (tag: string) => OrderRequestItem[],
  log: (line: string) => void,
): Promise<Omit<ProjectionResult, 'ratio'>> => {
  stack.projection.pause(false);
  await postBatches(stack, platform, make(`lagw${Date.now().toString(36)}`).slice(0, BATCH));
  await stack.projection.projected(10 * 60_000);

  const answeredAt = new Map<string, number>();
  const projectedAt = new Map<string, number>();
  stack.observe((_table, records, at) => {
    for (const r of records) {
      const id = r.eventName === 'INSERT' ? r.dynamodb?.NewImage?.orderId?.S : undefined;
      if (id) projectedAt.set(id, at);
    }
  });
  // At most 5,000 orders (5 batches): on DynamoDB Local the projection and the ingestion share the same java.
  const orders = make(`lag${Date.now().toString(36)}`).slice(0, 5 * BATCH);
  const started = performance.now();
  await mapLimit(chunk(orders, BATCH), REQUESTS, async (batch) => {
    const res = await stack.api('POST', `/v1/platforms/${platform.platformId}/orders`, platform.token, { orders: batch });
    if (res.status !== 200 || res.body.accepted !== batch.length) throw new Error(`ingestion: ${res.status}`);
    const now = performance.timeOrigin + performance.now();
    for (const o of batch) answeredAt.set(o.orderId, now);
  });
  const ingestMs = performance.now() - started;
  await stack.projection.projected(10 * 60_000);
  const allMs = performance.now() - started;
  stack.observe(undefined);
  // Projected before its batch's answer came back: no lag.
  const lags = orders.map((o) => Math.max(0, (projectedAt.get(o.orderId) ?? Number.NaN) - answeredAt.get(o.orderId)!)).sort((a, b) => a - b);
  if (lags.some((l) => Number.isNaN(l))) throw new Error('projection: an order was never seen projected');
  const result = {
    orders: orders.length,
    projectedPerSecond: orders.length / (allMs / 1000),
    ordersPerSecond: orders.length / (ingestMs / 1000),
    lagMs: { p50: quantile(lags, 0.5), p99: quantile(lags, 0.99), max: lags.at(-1)! },
  };
  log(
    `  projection running: ingestion ${result.ordersPerSecond.toFixed(0)}/s, projected ${result.projectedPerSecond.toFixed(0)}/s, lag p50 ${result.lagMs.p50.toFixed(0)} ms, p99 ${result.lagMs.p99.toFixed(0)} ms, max ${result.lagMs.max.toFixed(0)} ms (${lags.length} orders)`,
  );
  return result;
};
