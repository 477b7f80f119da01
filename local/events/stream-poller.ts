/**
 * What a Lambda event source mapping does for one table's stream, on DynamoDB Local (docs/local-runtime.md):
 * reads the stream shard by shard (a child after its parent; DescribeStream, GetShardIterator, GetRecords),
 * hands each batch — as the event the mapping delivers — to every function mapped to the stream, moves the
 * checkpoint only after all of them succeeded (a reported item failure: to the record before it), and
 * retries a failed batch with backoff. Used by local/events for the cases and the orders streams.
 *
 * Polls run one at a time, in the order requested: a pass requested after a write starts after it, so a
 * pass that finds nothing means every change committed before the request has been handed over.
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { DOMAIN_EVENT_FUNCTIONS, type DomainEventFunctionName } from '../../manifest/functions.ts';
import { tableById } from '../../manifest/tables.ts';
import type { ServiceContext } from '../app.ts';
import { LOCAL_CREDENTIALS } from '../dynamodb.ts';

export type StreamTable = 'cases' | 'orders';
export type Invoke = <E, R>(name: DomainEventFunctionName, event: E) => Promise<R>;
export type Log = (message: string, data?: Record<string, unknown>) => void;

type Av = Record<string, unknown>;
/**
 * The SDK's DynamoDB Streams client deserializes an empty map (`{ "M": {} }`) as `{}`: put it back, as
 * Lambda's event carries it, at every depth.
 */
const fixAv = (av: Av): Av => {
  if (Object.keys(av).length === 0) return { M: {} };
  if (av.M) return { M: Object.fromEntries(Object.entries(av.M as Record<string, Av>).map(([k, v]) => [k, fixAv(v)])) };
  if (Array.isArray(av.L)) return { L: (av.L as Av[]).map(fixAv) };
  return av;
};
const fixImage = (image: unknown): Record<string, Av> => Object.fromEntries(Object.entries(image as Record<string, Av>).map(([k, v]) => [k, fixAv(v)]));

/** An SDK stream record → the record the Lambda event source mapping delivers (images as AttributeValue JSON). */
const lambdaRecord = (r: StreamRecord, arn: string, region: string) => {
  const json = (v: unknown) => JSON.parse(JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? Buffer.from(x).toString('base64') : x))) as unknown;
  const d = r.dynamodb ?? {};
  return {
    eventID: r.eventID,
    eventName: r.eventName,
    eventVersion: r.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    eventSourceARN: arn,
    dynamodb: {
      ...(d.ApproximateCreationDateTime ? { ApproximateCreationDateTime: Math.floor(d.ApproximateCreationDateTime.getTime() / 1000) } : {}),
      Keys: json(d.Keys),
      ...(d.NewImage ? { NewImage: fixImage(json(d.NewImage)) } : {}),
      ...(d.OldImage ? { OldImage: fixImage(json(d.OldImage)) } : {}),
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType,
    },
  };
};

/** Functions mapped to a table's stream (manifest trigger `{ stream }`), in manifest order (the publisher first). */
const streamFunctions = (table: StreamTable) =>
  (Object.keys(DOMAIN_EVENT_FUNCTIONS) as DomainEventFunctionName[]).filter(
    (name) => (DOMAIN_EVENT_FUNCTIONS[name].trigger as { stream?: string }).stream === table,
  );

/** Observes each batch the functions processed (benchmarks: the projection's lag). */
export type BatchObserver = (table: StreamTable, records: readonly StreamRecord[], processedAt: number) => void;

export interface StreamPoller {
  start(context: ServiceContext): Promise<void>;
  /** One pass over every shard (`force`: describe the stream first); true when it found records or a shard waits for a retry. */
  poll(force?: boolean): Promise<boolean>;
  /** The next `n` batches are processed and then not acknowledged: as a poller killed in between. */
  crashAfterPublish(n: number): void;
  readonly replayedBatches: number;
  stop(): void;
}

export const createStreamPoller = (
  table: StreamTable,
  options: { invoke: Invoke; log: Log; region: () => string; limit: number; observe?: BatchObserver },
): StreamPoller => {
  const { invoke, log, region, limit } = options;
  const functions = streamFunctions(table);
  interface Shard {
    iterator?: string;
    checkpoint?: string;
    closed: boolean;
    parent?: string;
    retryAt: number;
    failures: number;
  }
  const shards = new Map<string, Shard>();
  let streams: DynamoDBStreamsClient | undefined;
  let streamArn = '';
  let lastDescribe = 0;
  let crashes = 0;
  let replayed = 0;
  let chain: Promise<boolean> = Promise.resolve(false);
  let queued = 0;

  const describe = async () => {
    const { StreamDescription } = await streams!.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const s of StreamDescription?.Shards ?? []) {
      if (!s.ShardId || shards.has(s.ShardId)) continue;
      shards.set(s.ShardId, { closed: false, ...(s.ParentShardId ? { parent: s.ParentShardId } : {}), retryAt: 0, failures: 0 });
    }
  };

  const iteratorOf = async (shardId: string, shard: Shard) => {
    const { ShardIterator } = await streams!.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(shard.checkpoint ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: shard.checkpoint } : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return ShardIterator;
  };

  /** Reads one batch of one shard and hands it to the functions; true when there were records. */
  const pollShard = async (shardId: string, shard: Shard): Promise<boolean> => {
    shard.iterator ??= await iteratorOf(shardId, shard);
    if (!shard.iterator) {
      shard.closed = true;
      return false;
    }
    const { Records = [], NextShardIterator } = await streams!.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: limit }));
    if (Records.length === 0) {
      shard.iterator = NextShardIterator;
      if (!NextShardIterator) shard.closed = true;
      return false;
    }
    const event = { Records: Records.map((r) => lambdaRecord(r, streamArn, region())) };
    // Every function mapped to the stream gets the batch, as each event source mapping in AWS; a failure in
    // one retries the batch from the earliest failed record for all of them (each is idempotent by record).
    let index = -1;
    let failure: string | undefined;
    for (const name of functions) {
      const result = await invoke<typeof event, { batchItemFailures?: { itemIdentifier: string }[] }>(name, event);
      const failed = result?.batchItemFailures?.[0]?.itemIdentifier;
      if (failed === undefined) continue;
      const at = Records.findIndex((r) => r.dynamodb?.SequenceNumber === failed);
      if (failure === undefined || at < index) {
        failure = failed;
        index = at;
      }
    }
    if (failure !== undefined) {
      // Retry from the failed record: the checkpoint is the record before it.
      if (index > 0) shard.checkpoint = Records[index - 1]!.dynamodb!.SequenceNumber;
      shard.iterator = undefined;
      throw new Error(`a stream function reported a failure at ${failure}`);
    }
    options.observe?.(table, Records, Date.now());
    if (crashes > 0) {
      // Killed between the functions' success and the checkpoint: the batch is read again.
      crashes -= 1;
      replayed += 1;
      shard.iterator = undefined;
      log(`${table} stream poller "crashed" after its batch was processed: it is read again`, { records: Records.length });
      return true;
    }
    shard.checkpoint = Records.at(-1)?.dynamodb?.SequenceNumber;
    shard.iterator = NextShardIterator;
    if (!NextShardIterator) shard.closed = true;
    return true;
  };

  const pass = async (force: boolean): Promise<boolean> => {
    if (!streamArn) return false;
    let busy = false;
    try {
      if (force || Date.now() - lastDescribe > 1_000) {
        lastDescribe = Date.now();
        await describe();
      }
      for (const [shardId, shard] of shards) {
        if (shard.closed) continue;
        if (Date.now() < shard.retryAt) {
          busy = true;
          continue;
        }
        if (shard.parent && shards.has(shard.parent) && !shards.get(shard.parent)!.closed) continue;
        try {
          if (await pollShard(shardId, shard)) busy = true;
          shard.failures = 0;
        } catch (error) {
          busy = true;
          shard.failures += 1;
          shard.retryAt = Date.now() + Math.min(5_000, 100 * 2 ** shard.failures);
          shard.iterator = undefined;
          log(`${table} stream batch failed, retrying`, { shardId, error: (error as Error).message });
        }
      }
    } catch (error) {
      busy = true;
      log(`${table} stream poll failed`, { error: (error as Error).message });
    }
    return busy;
  };

  return {
    async start(context) {
      streams = new DynamoDBStreamsClient({ endpoint: context.ddbEndpoint, region: context.region, credentials: LOCAL_CREDENTIALS });
      const name = context.tables[tableById(table).envVar]!;
      const { Table } = await context.dynamodb.send(new DescribeTableCommand({ TableName: name }));
      if (!Table?.LatestStreamArn) throw new Error(`local events: table ${name} has no stream`);
      streamArn = Table.LatestStreamArn;
    },
    poll(force = false) {
      // The timer's polls do not pile up behind a long one; a requested (forced) poll always runs after it.
      if (!force && queued > 0) return chain;
      queued += 1;
      chain = chain
        .then(() => pass(force))
        .finally(() => {
          queued -= 1;
        });
      return chain;
    },
    crashAfterPublish(n) {
      crashes = n;
    },
    get replayedBatches() {
      return replayed;
    },
    stop() {
      streams?.destroy();
    },
  };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls until a pass requested now finds nothing more to do and `idle()` holds, or throws at the deadline.
 * A pass that found records is followed by another: "settled" means a pass found none.
 */
export const settle = async (pollers: readonly StreamPoller[], idle: () => boolean, timeoutMs: number, what: string): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let busy = false;
    for (const poller of pollers) if (await poller.poll(true)) busy = true;
    if (!busy && idle()) return;
    if (Date.now() > deadline) throw new Error(`${what} did not settle`);
    await sleep(busy ? 10 : 50);
  }
};
