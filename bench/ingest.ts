/**
 * Benchmarks 1 and 2: ingestion through the real path against raw BatchWriteItem, and the item writes it
 * costs. Each repetition runs the arms back to back (their order alternating) on fresh order ids, against
 * the same DynamoDB Local.
 *
 *   real   POST /v1/platforms/{id}/orders through the HTTP adapter: JWT check, middy, zod, worker links,
 *          conditional order puts + counter ADDs in TransactWriteItems (the production handler)
 *   raw    the same orders as the repository's items, BatchWriteItem 25 per call; same concurrency:
 *          REQUESTS batches of 1,000 at a time, each written WRITE_CONCURRENCY calls at a time
 */
import { performance } from 'node:perf_hooks';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { planChunks } from '../functions/_shared/repositories/orders.ts';
import { chunk, mapLimit, sleep } from '../functions/_shared/db.ts';
import { summarize, type Summary } from './lib/stats.ts';
import type { WriteCounter, WriteCounts } from './lib/write-counter.ts';
import { cpuNow, cpuSince, findJavaDescendant } from './lib/cpu.ts';
import { chronological, orderTableItem, standardOrders, storedOrder, type OrderRequestItem } from './lib/workload.ts';
import { BENCH_MONTH, PROVINCES, type BenchPlatform, type BenchStack } from './lib/stack.ts';

const BATCH = 1000;
const REQUESTS = 4;
/** The orders use case writes this many transactions of a request at a time (use-cases.ts). */
const IN_REQUEST_CONCURRENCY = 6;
const DAYS = [`${BENCH_MONTH}-04`, `${BENCH_MONTH}-05`] as const;

export interface IngestOptions {
  readonly workers: number;
  readonly ordersPerWorkerDay: number;
  readonly repetitions: number;
  /** Also run the real path with the orders in time order (batches that are time slices). */
  readonly chronological: boolean;
  /** Also run the repository alone (planChunks + writeChunk, no HTTP, no validation): where the time goes. */
  readonly repositoryOnly: boolean;
}

type ArmName = 'raw' | 'real' | 'repository' | 'chronological';

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

export interface IngestResult {
  readonly orders: number;
  readonly arms: Record<string, ArmResult>;
  /** Offline: planChunks over the same batches, (orders + counter updates) per 1,000 orders. */
  readonly plannedWritesPer1000: { grouped: number; chronological: number };
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

const plannedWrites = (platform: BenchPlatform, orders: readonly OrderRequestItem[]) => {
  let writes = 0;
  for (const batch of chunk(orders, BATCH)) {
    for (const c of planChunks(stored(platform, batch), () => 0)) {
      writes += c.orders.length;
      writes += new Set(c.orders.map((o) => `${o.workerId}|${o.date}|${o.province}`)).size;
      writes += new Set(c.orders.map((o) => `${o.province}|${o.chargedIndustry}|${o.date}`)).size;
    }
  }
  return (writes / orders.length) * 1000;
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
        await mapLimit(chunk(orders, BATCH), REQUESTS, (batch) => ordersRepository.writeNew(batch, receivedAt, IN_REQUEST_CONCURRENCY));
      },
    });
  }
  if (options.chronological) {
    arms.push({
      name: 'chronological',
      counted: true,
      prepare: (tag) => chronological(make(tag)),
      run: (orders: OrderRequestItem[]) => postBatches(stack, platform, orders),
    });
  }

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
  return {
    orders: n,
    arms: result,
    plannedWritesPer1000: { grouped: plannedWrites(platform, sample), chronological: plannedWrites(platform, chronological(sample)) },
  };
};
