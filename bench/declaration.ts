/**
 * Benchmark 5: a month's declaration for a platform with 10⁷ orders that month, from fee counters seeded
 * directly (feeCounterKey: provinces × 1 industry × 31 days in each of FEE_COUNTER_SHARDS shard
 * partitions), the handler called in process, against one raw Query returning the same counters from a
 * single partition (a copy of every counter item under one reference key: the layout before the shard
 * moved into the partition key), interleaved call by call.
 */
import { performance } from 'node:perf_hooks';
import { QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { httpEvent, lambdaContext } from '../test/support/events.ts';
import { batchWrite } from './ingest.ts';
import { chunk, mapLimit } from '../functions/_shared/db.ts';
import { quantile, summarize, type Summary } from './lib/stats.ts';
import { BENCH_MONTH, PROVINCES, type BenchPlatform, type BenchStack } from './lib/stack.ts';

export interface DeclarationOptions {
  readonly ordersInMonth: number;
  readonly calls: number;
  readonly blocks: number;
}

export interface DeclarationResult {
  readonly counterItems: number;
  /** Partition keys the counters are spread over (FEE_COUNTER_SHARDS): Queries per declaration. */
  readonly shards?: number;
  readonly ordersInMonth: number;
  readonly handler: { median: number; p99: number };
  readonly query: { median: number; p99: number };
  readonly medianRatio: Summary;
  readonly p99Ratio: Summary;
}

const MONTH = BENCH_MONTH;

export const runDeclaration = async (
  stack: BenchStack,
  platform: BenchPlatform,
  ddb: DynamoDBDocumentClient,
  dynamo: DynamoDBClient,
  options: DeclarationOptions,
  log: (line: string) => void,
): Promise<DeclarationResult> => {
  const ledgerTable = stack.app.tables.LEDGER_TABLE!;
  const { feeCounterKey, FEE_COUNTER_SHARDS: shards } = await import('../functions/_shared/repositories/ledger.ts');
  const referenceKey = `BENCHREF#FEE#${platform.platformId}#${MONTH}`;
  const items: Record<string, unknown>[] = [];
  const lines = PROVINCES.length * 31 * shards;
  let remaining = options.ordersInMonth;
  for (const province of PROVINCES) {
    for (let day = 1; day <= 31; day++) {
      const date = `${MONTH}-${String(day).padStart(2, '0')}`;
      for (let shard = 0; shard < shards; shard++) {
        const orders = items.length === lines - 1 ? remaining : Math.floor(options.ordersInMonth / lines);
        remaining -= orders;
        const o = { platformId: platform.platformId, date, province, chargedIndustry: 'INSTANT_DELIVERY' as const };
        // The attributes the ledger's fee increment sets: ADD orders, SET province, industry, date.
        items.push({ ...feeCounterKey(o, shard), orders, province, industry: 'INSTANT_DELIVERY', date });
      }
    }
  }
  // The reference partition: every counter item once more, under one partition key (sort key made unique).
  const reference = items.map((i) => ({ ...i, pk: referenceKey, sk: `${i.pk as string}|${i.sk as string}` }));
  await mapLimit(chunk([...items, ...reference], 25), 8, (part) => batchWrite(ddb, ledgerTable, part));
  log(`  declaration: ${items.length} fee counters seeded for ${options.ordersInMonth} orders`);

  const { handler } = await import('../functions/declarations/handler.ts');
  const event = httpEvent('GET /v1/platforms/{platformId}/declarations/{month}', {
    claims: { sub: `client-${platform.platformId}`, role: 'platform', platformId: platform.platformId },
    pathParameters: { platformId: platform.platformId, month: MONTH },
  });
  const query = () =>
    dynamo.send(new QueryCommand({ TableName: ledgerTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: referenceKey } } }));

  const first = (await handler(event, lambdaContext)) as { statusCode: number; body: string };
  if (first.statusCode !== 200) throw new Error(`declaration answered ${first.statusCode}: ${first.body}`);
  const body = JSON.parse(first.body) as { lines: { orders: number }[] };
  const total = body.lines.reduce((s, l) => s + l.orders, 0);
  if (total !== options.ordersInMonth) throw new Error(`declaration counted ${total} orders, seeded ${options.ordersInMonth}`);
  const q = await query();
  if (q.Count !== items.length || q.LastEvaluatedKey) throw new Error(`raw Query returned ${q.Count} of ${items.length} in one page`);

  for (let i = 0; i < 20; i++) {
    await handler(event, lambdaContext);
    await query();
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
      const timeHandler = async () => {
        const t = performance.now();
        await handler(event, lambdaContext);
        bh.push(performance.now() - t);
      };
      const timeQuery = async () => {
        const t = performance.now();
        await query();
        bg.push(performance.now() - t);
      };
      if (k % 2 === 0) {
        await timeHandler();
        await timeQuery();
      } else {
        await timeQuery();
        await timeHandler();
      }
    }
    medianRatios.push(quantile(bh, 0.5) / quantile(bg, 0.5));
    p99Ratios.push(quantile(bh, 0.99) / quantile(bg, 0.99));
    h.push(...bh);
    g.push(...bg);
  }
  return {
    counterItems: items.length,
    shards,
    ordersInMonth: options.ordersInMonth,
    handler: { median: quantile(h, 0.5), p99: quantile(h, 0.99) },
    query: { median: quantile(g, 0.5), p99: quantile(g, 0.99) },
    medianRatio: summarize(medianRatios),
    p99Ratio: summarize(p99Ratios),
  };
};
