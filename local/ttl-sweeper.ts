/**
 * Time to Live, locally (docs/local-runtime.md; issue 18): DynamoDB Local accepts a table's TTL setting
 * but never deletes expired items (checked: test/integration/orders-archive.test.ts), so this
 * `LocalService` does what DynamoDB's TTL does in AWS. Every `intervalMs` (default a minute) it scans each
 * table of manifest/tables.ts that has a `timeToLiveAttribute` for items whose attribute is a number of
 * epoch seconds before now and deletes them, each on the condition that it is still expired. The deletions
 * are ordinary REMOVE records on the table's stream, as TTL's are in AWS: on the orders table the archiver
 * writes them to the local S3 and the projection ignores them.
 *
 * A scan is the local emulation of a service, not an access pattern: no function scans. `sweep(now)`
 * sweeps once with a given clock (tests: "months later").
 */
import { DeleteItemCommand, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { TABLES, type TableDefinition } from '../manifest/tables.ts';
import type { LocalService, ServiceContext } from './app.ts';

export interface LocalTtlSweeperOptions {
  /** How often expired items are deleted (ms). Default 60,000; 0: only when `sweep()` is called. */
  readonly intervalMs?: number;
  readonly log?: (message: string, data?: Record<string, unknown>) => void;
}

export interface LocalTtlSweeper extends LocalService {
  /** Deletes every item expired at `nowSeconds` (default now); resolves with the count deleted per table id. */
  sweep(nowSeconds?: number): Promise<Record<string, number>>;
}

export function localTtlSweeper(options: LocalTtlSweeperOptions = {}): LocalTtlSweeper {
  const log = options.log ?? ((message, data) => process.stderr.write(`local ttl: ${message}${data ? ` ${JSON.stringify(data)}` : ''}\n`));
  let context: ServiceContext | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<Record<string, number>> | undefined;

  const sweepTable = async (client: DynamoDBClient, tableName: string, keys: string[], attribute: string, now: number): Promise<number> => {
    let deleted = 0;
    let start: Record<string, never> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: tableName,
          FilterExpression: '#ttl < :now',
          ProjectionExpression: keys.map((_, i) => `#k${i}`).join(', '),
          ExpressionAttributeNames: { '#ttl': attribute, ...Object.fromEntries(keys.map((k, i) => [`#k${i}`, k])) },
          ExpressionAttributeValues: { ':now': { N: String(now) } },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const key of page.Items ?? []) {
        try {
          await client.send(
            new DeleteItemCommand({
              TableName: tableName,
              Key: key,
              ConditionExpression: '#ttl < :now',
              ExpressionAttributeNames: { '#ttl': attribute },
              ExpressionAttributeValues: { ':now': { N: String(now) } },
            }),
          );
          deleted += 1;
        } catch (error) {
          // Changed meanwhile (no longer expired) or already gone: left as it is, like TTL.
          if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        }
      }
      start = page.LastEvaluatedKey as Record<string, never> | undefined;
    } while (start);
    return deleted;
  };

  const sweepAll = async (now: number): Promise<Record<string, number>> => {
    if (!context) throw new Error('the local TTL sweeper is not started');
    const counts: Record<string, number> = {};
    for (const table of TABLES as readonly TableDefinition[]) {
      if (!table.timeToLiveAttribute) continue;
      const keys = [table.partitionKey.name, ...(table.sortKey ? [table.sortKey.name] : [])];
      counts[table.id] = await sweepTable(context.dynamodb, context.tables[table.envVar]!, keys, table.timeToLiveAttribute, now);
    }
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    if (total > 0) log('expired items deleted', counts);
    return counts;
  };

  return {
    name: 'ttl',
    sweep(nowSeconds = Math.floor(Date.now() / 1000)) {
      // One sweep at a time: a sweep requested while one runs starts after it.
      const next = (running ?? Promise.resolve({})).catch(() => ({})).then(() => sweepAll(nowSeconds));
      running = next;
      return next;
    },
    async start(ctx) {
      context = ctx;
      const intervalMs = options.intervalMs ?? 60_000;
      if (intervalMs > 0) {
        timer = setInterval(() => {
          this.sweep().catch((error: Error) => log('sweep failed', { error: error.message }));
        }, intervalMs);
        timer.unref();
      }
      return undefined;
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
