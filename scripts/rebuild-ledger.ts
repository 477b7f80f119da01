/**
 * The orders' ledger from the orders themselves (issue 18, decision 2; docs/operations.md "Ledger backfill
 * and rebuild") — DynamoDB Local or AWS:
 *
 *   node --import tsx scripts/rebuild-ledger.ts --orders TABLE --ledger TABLE --rider-days-only
 *        [--endpoint URL] [--region R] [--write]
 *   node --import tsx scripts/rebuild-ledger.ts --orders TABLE --ledger TABLE --archive BUCKET --from YYYY-MM --to YYYY-MM
 *        [--endpoint URL] [--s3-endpoint URL] [--region R] [--write]
 *
 * `--rider-days-only` is the deploy-time backfill: every order of the orders table gets its rider-day entries
 * (A14) through the projection's `span` changes — nothing is counted, and running it again changes nothing.
 * Orders written before the projection existed have counters (the old write path) but no rider-days.
 *
 * Without it, the ledger's counters and rider-days of the months `--from`…`--to` are rebuilt from the
 * order archive (objects under `orders/month={m}/`) and the orders table (orders of those months still
 * hot), each order once (core `rebuildChanges`: deduplicated by platform and order), fed as `count`
 * changes through the projection's own `planGroups`/`applyGroup` — the same writes the live projection
 * made. **Precondition**: the ledger holds no counters or rider-days of those months (a table restored to
 * before them, or a new one): the job checks every platform-month of the range first (platforms from the
 * archive's keys and the table) and refuses, writing nothing, when one already has fee lines.
 *
 * Without `--write` it prints what it would feed and writes nothing. An offline tool may scan (the orders
 * table, one Scan per month in the range); functions never do.
 */
import { parseArgs } from 'node:util';
import type { ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { addMonthsToMonth, inMonthRange, type MonthRange, monthsBetween, type OrderChange, rebuildChanges } from '../core/index.ts';
import { BUCKETS } from '../manifest/buckets.ts';
import { tableById } from '../manifest/tables.ts';
import { runAs } from '../local/lambda.ts';

const USAGE =
  'usage: rebuild-ledger --orders TABLE --ledger TABLE (--rider-days-only | --archive BUCKET --from YYYY-MM --to YYYY-MM) [--endpoint URL] [--s3-endpoint URL] [--region R] [--write]';

export interface RebuildLedgerOptions {
  readonly ordersTable: string;
  readonly ledgerTable: string;
  /** `riderDays`: the backfill (span changes, every order of the table); a range: the full rebuild of those months. */
  readonly mode: 'riderDays' | MonthRange;
  /** The order archive bucket (the full rebuild). */
  readonly archiveBucket?: string;
  /** DynamoDB Local (or another endpoint); AWS by default. */
  readonly endpoint?: string;
  /** The S3 endpoint (the local S3: path-style, its credentials); AWS by default. */
  readonly s3Endpoint?: string;
  readonly region?: string;
  readonly write: boolean;
  readonly print?: (line: string) => void;
}

export interface RebuildSummary {
  /** Orders fed to the projection (or that would be, without `write`). */
  readonly orders: number;
  /** Orders the projection counted (`count` changes; 0 for the rider-day backfill). */
  readonly counted: number;
}

/** The env the functions' modules read (config.ts: table and bucket names; the SDK: endpoints, region). */
const envOf = (o: RebuildLedgerOptions): Record<string, string> => ({
  [tableById('orders').envVar]: o.ordersTable,
  [tableById('ledger').envVar]: o.ledgerTable,
  ...(o.archiveBucket ? { [BUCKETS.archive.envVar]: o.archiveBucket } : {}),
  ...(o.region ? { AWS_REGION: o.region } : {}),
  ...(o.endpoint ? { AWS_ENDPOINT_URL_DYNAMODB: o.endpoint } : {}),
  // The local S3 (s3rver) takes only its own key pair; DynamoDB Local takes any.
  ...(o.s3Endpoint ? { AWS_ENDPOINT_URL_S3: o.s3Endpoint, S3_FORCE_PATH_STYLE: 'true', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' } : {}),
  ...(o.endpoint && !o.s3Endpoint ? { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' } : {}),
});

/**
 * Runs the backfill or the rebuild (see the file's comment). In its own env (local/lambda.ts `runAs`): the
 * table and bucket names it is given reach the projection's repository, and nothing else in the process
 * (the local runtime's functions) sees them.
 */
export const rebuildLedger = async (options: RebuildLedgerOptions): Promise<RebuildSummary> =>
  runAs('rebuildLedger', async () => {
    Object.assign(process.env, { AWS_REGION: process.env.AWS_REGION ?? 'cn-north-1' }, envOf(options));
    const print = options.print ?? ((line: string) => console.log(line));
    const { ddb } = await import('../functions/_shared/db.ts');
    const { paginateScan } = await import('@aws-sdk/lib-dynamodb');
    const { planGroups, projectionRepository } = await import('../functions/_shared/repositories/projection.ts');
    const { ledgerRepository } = await import('../functions/_shared/repositories/ledger.ts');
    const { archivePrefix, orderArchive } = await import('../functions/_shared/repositories/order-archive.ts');

    const scan = async function* (input: Omit<ScanCommandInput, 'TableName'>) {
      for await (const page of paginateScan({ client: ddb }, { TableName: options.ordersTable, ...input })) yield page.Items ?? [];
    };
    const apply = async (changes: OrderChange[]): Promise<number> => {
      let counted = 0;
      if (!options.write) return counted;
      for (const group of planGroups(changes.map((change, index) => ({ index, change })))) counted += await projectionRepository.applyGroup(group);
      return counted;
    };

    let orders = 0;
    let counted = 0;
    if (options.mode === 'riderDays') {
      // Page by page: the table holds each order once, so no order needs deduplicating across pages.
      for await (const items of scan({})) {
        const changes = rebuildChanges(items, 'span');
        orders += changes.length;
        await apply(changes);
      }
      print(`${options.write ? 'WROTE' : 'WOULD WRITE'} the rider-day entries of ${orders} orders`);
      return { orders, counted };
    }

    const range = options.mode;
    inMonthRange(range.from, range); // a malformed or reversed range fails here, before anything is read
    const months = Array.from({ length: monthsBetween(range.from, range.to) + 1 }, (_, i) => addMonthsToMonth(range.from, i));
    const monthFilter = (month: string) => ({
      FilterExpression: 'begins_with(#d, :m)',
      ExpressionAttributeNames: { '#d': 'date' },
      ExpressionAttributeValues: { ':m': `${month}-` },
    });

    // The precondition, for the whole range before anything is written: no platform-month of it has
    // counters yet (counting again would double them). Platforms from the archive's keys and the table.
    for (const month of months) {
      const platforms = new Set<string>();
      for (const key of await orderArchive.keys(archivePrefix(month))) platforms.add(/\/platform=([^/]+)\//.exec(key)?.[1] ?? '');
      for await (const items of scan({ ...monthFilter(month), ProjectionExpression: 'platformId, orderId' })) {
        for (const item of items) if (typeof item.orderId === 'string') platforms.add(String(item.platformId));
      }
      platforms.delete('');
      for (const platformId of platforms) {
        if ((await ledgerRepository.feeCounts(platformId, month)).length > 0) {
          throw new Error(
            `rebuild-ledger: the ledger already has fee lines of ${platformId} ${month}: rebuild only into a ledger without the range (docs/operations.md)`,
          );
        }
      }
    }

    for (const month of months) {
      // One month at a time: its archive objects and its orders still in the table, each order once.
      const images: Record<string, unknown>[] = [];
      for (const key of await orderArchive.keys(archivePrefix(month))) images.push(...(await orderArchive.read(key)));
      for await (const items of scan(monthFilter(month))) images.push(...items);
      const changes = rebuildChanges(images, 'count', range);
      orders += changes.length;
      const n = await apply(changes);
      counted += n;
      print(`${month}: ${changes.length} orders${options.write ? `, ${n} counted` : ' (dry run)'}`);
    }
    return { orders, counted };
  });

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      orders: { type: 'string' },
      ledger: { type: 'string' },
      archive: { type: 'string' },
      'rider-days-only': { type: 'boolean', default: false },
      from: { type: 'string' },
      to: { type: 'string' },
      endpoint: { type: 'string' },
      's3-endpoint': { type: 'string' },
      region: { type: 'string' },
      write: { type: 'boolean', default: false },
    },
  });
  const riderDays = values['rider-days-only'];
  if (!values.orders || !values.ledger || (!riderDays && (!values.archive || !values.from || !values.to))) {
    console.error(USAGE);
    process.exit(2);
  }
  await rebuildLedger({
    ordersTable: values.orders,
    ledgerTable: values.ledger,
    mode: riderDays ? 'riderDays' : { from: values.from!, to: values.to! },
    write: values.write,
    ...(values.archive ? { archiveBucket: values.archive } : {}),
    ...(values.endpoint ? { endpoint: values.endpoint } : {}),
    ...(values['s3-endpoint'] ? { s3Endpoint: values['s3-endpoint'] } : {}),
    ...(values.region ? { region: values.region } : {}),
  });
}
