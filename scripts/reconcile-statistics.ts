/**
 * The statistics counters (D20; docs/reporting.md) against the stored records — DynamoDB Local or AWS.
 *
 *   node --import tsx scripts/reconcile-statistics.ts --cases dev_cases --ledger dev_ledger [--endpoint URL] [--write]
 *
 * Scans the cases table (reports, cases, payments; an offline tool may scan, functions never do), computes
 * the counters those records call for (core/statistics.ts `countersFromRecords`) and compares them with the
 * stored `STAT#` counters and `STATFP#` first payments. Without `--write` it prints each difference
 * (`DRIFT …`) and exits 1 when there is one; with `--write` it ADDs the differences and puts the first
 * payments, then exits 0.
 *
 * This is the **backfill** for records stored before the statistics counter was deployed: run it with
 * `--write` once, after the counter's stream mapping is live and has caught up (its IteratorAge near 0), at a
 * quiet moment — a record changing between the scan and the write can be off by that change; run it again
 * (without `--write`) to confirm no drift is left.
 */
import { parseArgs } from 'node:util';
import { GetCommand, paginateQuery, paginateScan, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type CaseRecord,
  counterCorrections,
  countersFromRecords,
  type InjuryReport,
  monthRange,
  type PaymentRecord,
  type StatisticsCounter,
} from '../core/index.ts';
import { type TableToolOptions, withTables } from './table-client.ts';

const USAGE = 'usage: reconcile-statistics --cases TABLE --ledger TABLE [--endpoint URL] [--region R] [--write]';

export interface ReconcileOptions extends TableToolOptions {
  readonly casesTable: string;
  readonly ledgerTable: string;
}

/** Returns the number of differences found (before any write). */
export const reconcileStatistics = async (options: ReconcileOptions): Promise<number> => {
  const print = options.print ?? ((line: string) => console.log(line));
  return withTables(options, async (ddb) => {
    const reports: InjuryReport[] = [];
    const cases: CaseRecord[] = [];
    const payments: PaymentRecord[] = [];
    for await (const page of paginateScan({ client: ddb }, { TableName: options.casesTable })) {
      for (const item of page.Items ?? []) {
        const sk = item.sk as string;
        if (sk === 'REPORT') reports.push(item as unknown as InjuryReport);
        else if (sk === 'CASE') cases.push(item as unknown as CaseRecord);
        else if (sk.startsWith('PAYMENT#')) payments.push(item as unknown as PaymentRecord);
      }
    }
    const { totals, firstPayments } = countersFromRecords(reports, cases, payments);

    // The stored counters of every month the records touch, and the stored first payments.
    const months = [...new Set(totals.map((t) => t.bucket.month))].sort();
    const stored: StatisticsCounter[] = [];
    for (const month of months.length ? monthRange(months[0]!, months.at(-1)!) : []) {
      for await (const page of paginateQuery(
        { client: ddb },
        { TableName: options.ledgerTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `STAT#${month}` } },
      )) {
        for (const item of page.Items ?? []) {
          const fields = Object.fromEntries(
            Object.entries(item).filter(([k, v]) => typeof v === 'number' && (k === 'reports' || k === 'confirmed' || k === 'overdue' || k.includes(':'))),
          ) as Record<string, number>;
          stored.push({ bucket: { month, province: item.province, industry: item.industry, platformId: item.platformId }, fields });
        }
      }
    }
    const corrections = counterCorrections(totals, stored);
    const firstPaymentFixes: { caseId: string; paidAt: string; increment: unknown }[] = [];
    for (const [caseId, fp] of firstPayments) {
      const { Item } = await ddb.send(new GetCommand({ TableName: options.ledgerTable, Key: { pk: `STATFP#${caseId}`, sk: 'STATFP' } }));
      if (Item?.paidAt !== fp.paidAt) firstPaymentFixes.push({ caseId, ...fp });
    }
    for (const c of corrections)
      print(`DRIFT STAT#${c.bucket.month} ${c.bucket.province}#${c.bucket.industry}#${c.bucket.platformId} ${c.field} ${c.n > 0 ? '+' : ''}${c.n}`);
    for (const f of firstPaymentFixes) print(`DRIFT STATFP#${f.caseId} paidAt ${f.paidAt}`);
    const drift = corrections.length + firstPaymentFixes.length;
    if (!options.write || drift === 0) {
      print(drift === 0 ? 'OK the counters equal the stored records' : `${drift} differences (run with --write to correct them)`);
      return drift;
    }
    for (const c of corrections) {
      await ddb.send(
        new UpdateCommand({
          TableName: options.ledgerTable,
          Key: { pk: `STAT#${c.bucket.month}`, sk: `${c.bucket.province}#${c.bucket.industry}#${c.bucket.platformId}` },
          UpdateExpression: 'SET #month = :month, #province = :province, #industry = :industry, #platformId = :platformId ADD #f :n',
          ExpressionAttributeNames: { '#month': 'month', '#province': 'province', '#industry': 'industry', '#platformId': 'platformId', '#f': c.field },
          ExpressionAttributeValues: {
            ':month': c.bucket.month,
            ':province': c.bucket.province,
            ':industry': c.bucket.industry,
            ':platformId': c.bucket.platformId,
            ':n': c.n,
          },
        }),
      );
    }
    for (const f of firstPaymentFixes) {
      await ddb.send(
        new PutCommand({ TableName: options.ledgerTable, Item: { pk: `STATFP#${f.caseId}`, sk: 'STATFP', paidAt: f.paidAt, increment: f.increment } }),
      );
    }
    print(`WROTE ${corrections.length} counter corrections and ${firstPaymentFixes.length} first payments`);
    return drift;
  });
};

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const { values } = parseArgs({
    options: {
      endpoint: { type: 'string' },
      region: { type: 'string' },
      cases: { type: 'string' },
      ledger: { type: 'string' },
      write: { type: 'boolean', default: false },
    },
  });
  const casesTable = values.cases ?? process.env.CASES_TABLE;
  const ledgerTable = values.ledger ?? process.env.LEDGER_TABLE;
  if (!casesTable || !ledgerTable) {
    console.error(USAGE);
    process.exit(2);
  }
  const endpoint = values.endpoint ?? process.env.AWS_ENDPOINT_URL_DYNAMODB;
  const drift = await reconcileStatistics({
    casesTable,
    ledgerTable,
    write: values.write ?? false,
    ...(endpoint ? { endpoint } : {}),
    ...(values.region ? { region: values.region } : {}),
  });
  process.exit(drift > 0 && !values.write ? 1 : 0);
}
