/**
 * Gives orders stored before order expiry existed (issue 18) their `expiresAt` — DynamoDB Local or AWS:
 *
 *   node --import tsx scripts/set-order-expiry.ts --orders TABLE --registry TABLE [--endpoint URL] [--region R] [--write]
 *
 * Scans the orders table (an offline tool may scan, functions never do) for order items without
 * `expiresAt` and sets it to what a new order of the same date gets (core `orderExpiresAt`: the month's
 * close plus `orderHotDaysAfterClose`, from the registry's parameter versions), each update conditional
 * on the item still lacking it. An order whose month is long closed is then already expired: TTL deletes
 * it within days and the archiver writes it to the order archive. **Run the rider-day backfill
 * (`scripts/rebuild-ledger.ts --rider-days-only`) first**: coverage reads rider-days, and an order deleted
 * before its rider-day entries exist would be in the archive only. Without `--write` it prints how many
 * orders lack `expiresAt` and exits 1 when any does; with `--write` it sets them and exits 0. Running it
 * again finds nothing to do.
 */
import { parseArgs } from 'node:util';
import { orderExpiresAt, projectedOrder } from '../core/index.ts';
import { tableById } from '../manifest/tables.ts';
import { runAs } from '../local/lambda.ts';

const USAGE = 'usage: set-order-expiry --orders TABLE --registry TABLE [--endpoint URL] [--region R] [--write]';

export interface SetOrderExpiryOptions {
  readonly ordersTable: string;
  readonly registryTable: string;
  readonly endpoint?: string;
  readonly region?: string;
  readonly write: boolean;
  readonly print?: (line: string) => void;
}

/** Returns the number of orders that lacked `expiresAt` (before any write). */
export const setOrderExpiry = async (options: SetOrderExpiryOptions): Promise<number> =>
  runAs('setOrderExpiry', async () => {
    Object.assign(process.env, {
      AWS_REGION: options.region ?? process.env.AWS_REGION ?? 'cn-north-1',
      [tableById('orders').envVar]: options.ordersTable,
      [tableById('registry').envVar]: options.registryTable,
      ...(options.endpoint ? { AWS_ENDPOINT_URL_DYNAMODB: options.endpoint, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' } : {}),
    });
    const print = options.print ?? ((line: string) => console.log(line));
    const { ddb } = await import('../functions/_shared/db.ts');
    const { paginateScan, UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const { expiryVersions } = await import('../functions/_shared/months.ts');
    const versions = await expiryVersions();

    const missing: { pk: string; expiresAt: number }[] = [];
    const scan = { TableName: options.ordersTable, FilterExpression: 'attribute_not_exists(expiresAt)' };
    for await (const page of paginateScan({ client: ddb }, scan)) {
      for (const item of page.Items ?? []) {
        const order = projectedOrder(item);
        if (order) missing.push({ pk: item.pk as string, expiresAt: orderExpiresAt(versions, order.date) });
      }
    }
    if (!options.write || missing.length === 0) {
      print(missing.length === 0 ? 'OK every order has its expiresAt' : `${missing.length} orders without expiresAt (run with --write)`);
      return missing.length;
    }
    for (const { pk, expiresAt } of missing) {
      try {
        await ddb.send(
          new UpdateCommand({
            TableName: options.ordersTable,
            Key: { pk },
            UpdateExpression: 'SET expiresAt = :e',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(expiresAt)',
            ExpressionAttributeValues: { ':e': expiresAt },
          }),
        );
      } catch (error) {
        // Deleted or given an expiry meanwhile: nothing to do.
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      }
    }
    print(`WROTE expiresAt on ${missing.length} orders`);
    return missing.length;
  });

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      orders: { type: 'string' },
      registry: { type: 'string' },
      endpoint: { type: 'string' },
      region: { type: 'string' },
      write: { type: 'boolean', default: false },
    },
  });
  if (!values.orders || !values.registry) {
    console.error(USAGE);
    process.exit(2);
  }
  const found = await setOrderExpiry({
    ordersTable: values.orders,
    registryTable: values.registry,
    write: values.write,
    ...(values.endpoint ? { endpoint: values.endpoint } : {}),
    ...(values.region ? { region: values.region } : {}),
  });
  process.exit(found > 0 && !values.write ? 1 : 0);
}
