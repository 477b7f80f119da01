/**
 * Takes the order-level `unprojected` markers of the first projection design out of the orders table's
 * sparse index once the projection has counted their orders (docs/operations.md, "Deploying the write
 * batches") — DynamoDB Local or AWS:
 *
 *   node --import tsx scripts/close-legacy-markers.ts --orders TABLE --ledger TABLE [--endpoint URL] [--region R] [--write]
 *
 * Before the write batches (issue 18), each new order carried `unprojected` until the projection removed it;
 * now the index holds `BATCH#` items only, and an order's count is marked by its entry on the rider-day of
 * its acceptance date. Orders written by the old function and not yet counted when the new projector took
 * over are counted by it (their stream records), but nothing removes their marker, so their month reads as
 * not counted (its close waits). This tool reads the index (an offline tool may; functions read it per
 * month), and for each order still marked checks its rider-day entry: counted → the marker is removed
 * (with `--write`, conditional on the marker), not counted yet → left and reported (run again later).
 * Without `--write` it prints what it found and exits 1 when a marker is left; running it again after the
 * projection has caught up finds nothing to do.
 */
import { parseArgs } from 'node:util';
import { GetCommand, paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { riderDates } from '../core/index.ts';
import { RIDER_ORDER_PREFIX, riderDayKey } from '../functions/_shared/repositories/ledger.ts';
import { type TableToolOptions, withTables } from './table-client.ts';

const USAGE = 'usage: close-legacy-markers --orders TABLE --ledger TABLE [--endpoint URL] [--region R] [--write]';

export interface LegacyMarkersOptions extends TableToolOptions {
  readonly ordersTable: string;
  readonly ledgerTable: string;
}

export interface LegacyMarkers {
  /** Orders still marked whose count is on their rider-day (markers removed with `write`). */
  readonly counted: number;
  /** Orders still marked that the projection has not counted yet (left). */
  readonly uncounted: number;
}

export const closeLegacyMarkers = async (options: LegacyMarkersOptions): Promise<LegacyMarkers> => {
  const print = options.print ?? ((line: string) => console.log(line));
  return withTables(options, async (ddb) => {
    let counted = 0;
    let uncounted = 0;
    // The sparse index holds the marked items only: scanning it reads batches and legacy orders, nothing else.
    const scan = { TableName: options.ordersTable, IndexName: 'unprojected', ProjectionExpression: 'pk' };
    for await (const page of paginateScan({ client: ddb }, scan)) {
      for (const { pk } of page.Items ?? []) {
        if ((pk as string).startsWith('BATCH#')) continue;
        const { Item: order } = await ddb.send(new GetCommand({ TableName: options.ordersTable, Key: { pk }, ConsistentRead: true }));
        if (!order?.unprojected) continue;
        const acceptance = riderDates({ acceptedAt: order.acceptedAt as string })[0]!;
        const { Item: riderDay } = await ddb.send(
          new GetCommand({
            TableName: options.ledgerTable,
            Key: riderDayKey(order.workerId as string, order.platformId as string, acceptance),
            ProjectionExpression: '#o',
            ExpressionAttributeNames: { '#o': `${RIDER_ORDER_PREFIX}${order.orderId as string}` },
            ConsistentRead: true,
          }),
        );
        if (!riderDay || Object.keys(riderDay).length === 0) {
          uncounted++;
          continue;
        }
        counted++;
        if (options.write)
          await ddb.send(
            new UpdateCommand({
              TableName: options.ordersTable,
              Key: { pk },
              UpdateExpression: 'REMOVE unprojected',
              ConditionExpression: 'attribute_exists(unprojected)',
            }),
          );
      }
    }
    const left = uncounted > 0 ? `; ${uncounted} not counted yet (run again once the projection has caught up)` : '';
    if (counted === 0 && uncounted === 0) print('OK no order carries the old marker');
    else if (options.write) print(`REMOVED the markers of ${counted} counted orders${left}`);
    else print(`${counted} counted orders still marked (run with --write)${left}`);
    return { counted, uncounted };
  });
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      orders: { type: 'string' },
      ledger: { type: 'string' },
      endpoint: { type: 'string' },
      region: { type: 'string' },
      write: { type: 'boolean', default: false },
    },
  });
  if (!values.orders || !values.ledger) {
    console.error(USAGE);
    process.exit(2);
  }
  const found = await closeLegacyMarkers({
    ordersTable: values.orders,
    ledgerTable: values.ledger,
    write: values.write,
    ...(values.endpoint ? { endpoint: values.endpoint } : {}),
    ...(values.region ? { region: values.region } : {}),
  });
  process.exit(found.uncounted > 0 || (found.counted > 0 && !values.write) ? 1 : 0);
}
