/**
 * Gives injury reports stored before the report lists existed their index entries (docs/cases.md, "Report
 * lists"; docs/data-model.md A25, A33) — DynamoDB Local or AWS:
 *
 *   node --import tsx scripts/index-reports.ts --cases TABLE [--endpoint URL] [--region R] [--write]
 *
 * Scans the cases table for REPORT items (an offline tool may scan, functions never do) and sets, on each
 * whose entries differ from what `reportIndexEntries` computes, the platform-month sort key
 * `{reportedAt}#{reportId}` and the worker's `WREPORTS#{workerId}` entry. Without `--write` it prints how
 * many reports need it and exits 1 when any does; with `--write` it updates them (each update conditional on
 * the report still being there) and exits 0. Run it once after deploying the lists; running it again finds
 * nothing to do.
 */
import { parseArgs } from 'node:util';
import { paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { reportIndexEntries } from '../functions/_shared/repositories/reports.ts';
import { type TableToolOptions, withTables } from './table-client.ts';

const USAGE = 'usage: index-reports --cases TABLE [--endpoint URL] [--region R] [--write]';

export interface IndexReportsOptions extends TableToolOptions {
  readonly casesTable: string;
}

/** Returns the number of reports whose index entries were missing or stale (before any write). */
export const indexReports = async (options: IndexReportsOptions): Promise<number> => {
  const print = options.print ?? ((line: string) => console.log(line));
  return withTables(options, async (ddb) => {
    const stale: { key: { pk: string; sk: string }; entries: Record<string, string> }[] = [];
    const scan = {
      TableName: options.casesTable,
      FilterExpression: 'sk = :report',
      ProjectionExpression: 'pk, sk, reportId, platformId, workerId, injuryDate, reportedAt, gsi1pk, gsi1sk, gsi2pk, gsi2sk',
      ExpressionAttributeValues: { ':report': 'REPORT' },
    };
    for await (const page of paginateScan({ client: ddb }, scan)) {
      for (const item of page.Items ?? []) {
        const entries: Record<string, string> = reportIndexEntries(item as Parameters<typeof reportIndexEntries>[0]);
        if (Object.entries(entries).some(([name, value]) => item[name] !== value)) stale.push({ key: { pk: item.pk, sk: item.sk }, entries });
      }
    }
    if (!options.write || stale.length === 0) {
      print(stale.length === 0 ? 'OK every report has its index entries' : `${stale.length} reports without their index entries (run with --write)`);
      return stale.length;
    }
    for (const { key, entries } of stale) {
      const names = Object.keys(entries);
      await ddb.send(
        new UpdateCommand({
          TableName: options.casesTable,
          Key: key,
          UpdateExpression: `SET ${names.map((_, i) => `#n${i} = :v${i}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#n${i}`, n])),
          ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:v${i}`, entries[n]])),
        }),
      );
    }
    print(`WROTE the index entries of ${stale.length} reports`);
    return stale.length;
  });
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { cases: { type: 'string' }, endpoint: { type: 'string' }, region: { type: 'string' }, write: { type: 'boolean', default: false } },
  });
  if (!values.cases) {
    console.error(USAGE);
    process.exit(2);
  }
  const found = await indexReports({
    casesTable: values.cases,
    write: values.write,
    ...(values.endpoint ? { endpoint: values.endpoint } : {}),
    ...(values.region ? { region: values.region } : {}),
  });
  process.exit(found > 0 && !values.write ? 1 : 0);
}
