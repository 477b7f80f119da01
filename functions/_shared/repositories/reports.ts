/** Injury reports (REPORT#{reportId}; docs/cases.md): written once, read by the cases that open on them. */
import type { CaseStatus, InjuryReport } from '../../../core/index.ts';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.ts';
import { batchGetAll, ddb, queryAll } from '../db.ts';
import { indexPage, isIndexKey } from '../paging.ts';
import { caseKey, reportKey, strip } from './cases-table.ts';

/**
 * The index entries of a report (docs/data-model.md A25, A33), so that lists are one Query, never a scan:
 * - GSI byProvince `PREPORTS#{platformId}#{injury month}` / `{reportedAt}#{reportId}`: a platform's reports
 *   of a month (D19's employment report, the portal's list);
 * - GSI byStatus `WREPORTS#{workerId}` / `{reportedAt}#{reportId}`: a worker's reports (the rider's 我的案件),
 *   when the report names a known worker.
 */
export const reportIndexEntries = (report: Pick<InjuryReport, 'reportId' | 'platformId' | 'workerId' | 'injuryDate' | 'reportedAt'>) => ({
  gsi2pk: platformReportsPartition(report.platformId, report.injuryDate.slice(0, 7)),
  gsi2sk: `${report.reportedAt}#${report.reportId}`,
  ...(report.workerId ? { gsi1pk: workerReportsPartition(report.workerId), gsi1sk: `${report.reportedAt}#${report.reportId}` } : {}),
});
const platformReportsPartition = (platformId: string, month: string) => `PREPORTS#${platformId}#${month}`;
const workerReportsPartition = (workerId: string) => `WREPORTS#${workerId}`;

/** What a list shows of a report: everything but the order snapshot, the description and who filed it. */
export type ReportSummary = Omit<InjuryReport, 'orders' | 'description' | 'reportedBy'>;
const SUMMARY_ATTRIBUTES = [
  'reportId',
  'platformId',
  'workerId',
  'platformWorkerId',
  'occurredAt',
  'injuryDate',
  'province',
  'place',
  'orderId',
  'coverage',
  'reportedAt',
  'caseId',
];

/** A case as a report list shows it. */
export interface CaseSummary {
  readonly status: CaseStatus;
  readonly late: boolean;
}

/** Which list a page belongs to: the index, its key attributes and the partition. */
interface ReportList {
  readonly index: 'byStatus' | 'byProvince';
  readonly hash: 'gsi1pk' | 'gsi2pk';
  readonly range: 'gsi1sk' | 'gsi2sk';
  readonly partition: string;
}

/**
 * One page of a report list, newest first. Throws RangeError when `nextToken` is not a position this very
 * list could have issued (the caller's 400).
 */
const reportsPage = async (list: ReportList, nextToken: string | undefined, limit: number): Promise<{ items: ReportSummary[]; nextToken?: string }> => {
  const page = await indexPage(
    {
      TableName: config.tables.cases,
      IndexName: list.index,
      KeyConditionExpression: '#h = :pk',
      ProjectionExpression: SUMMARY_ATTRIBUTES.map((_, i) => `#a${i}`).join(', '),
      ExpressionAttributeNames: { '#h': list.hash, ...Object.fromEntries(SUMMARY_ATTRIBUTES.map((a, i) => [`#a${i}`, a])) },
      ExpressionAttributeValues: { ':pk': list.partition },
      ScanIndexForward: false,
    },
    (key) => isIndexKey(key, list.hash, list.range, list.partition),
    nextToken,
    limit,
  );
  return { ...page, items: page.items as unknown as ReportSummary[] };
};

export const reportsRepository = {
  /** A platform's injury reports of a month (by injury date): their ids and the case opened on each. */
  async ofPlatformMonth(platformId: string, month: string): Promise<{ reportId: string; caseId?: string }[]> {
    const items = await queryAll({
      TableName: config.tables.cases,
      IndexName: 'byProvince',
      KeyConditionExpression: 'gsi2pk = :pk',
      ProjectionExpression: 'reportId, caseId',
      ExpressionAttributeValues: { ':pk': platformReportsPartition(platformId, month) },
    });
    return items.map((i) => ({ reportId: i.reportId as string, ...(i.caseId ? { caseId: i.caseId as string } : {}) }));
  },

  /** A page of a platform's injury reports of a month (by injury date), newest report first (A25). */
  pageOfPlatformMonth(platformId: string, month: string, nextToken: string | undefined, limit: number) {
    return reportsPage({ index: 'byProvince', hash: 'gsi2pk', range: 'gsi2sk', partition: platformReportsPartition(platformId, month) }, nextToken, limit);
  },

  /** A page of a worker's injury reports, newest first (A33). */
  pageOfWorker(workerId: string, nextToken: string | undefined, limit: number) {
    return reportsPage({ index: 'byStatus', hash: 'gsi1pk', range: 'gsi1sk', partition: workerReportsPartition(workerId) }, nextToken, limit);
  },

  /** The status of each case, by id (one BatchGet per 100). */
  async caseSummaries(caseIds: readonly string[]): Promise<Map<string, CaseSummary>> {
    if (caseIds.length === 0) return new Map();
    const items = await batchGetAll(config.tables.cases, caseIds.map(caseKey), { projection: 'caseId, #s, late', names: { '#s': 'status' } });
    return new Map(items.map((i) => [i.caseId as string, { status: i.status as CaseStatus, late: i.late === true }]));
  },

  /** The statuses of cases (one BatchGet per 100). */
  async caseStatuses(caseIds: readonly string[]): Promise<CaseStatus[]> {
    const items = await batchGetAll(config.tables.cases, caseIds.map(caseKey), { projection: '#s', names: { '#s': 'status' } });
    return items.map((i) => i.status as CaseStatus);
  },

  async put(report: InjuryReport): Promise<void> {
    await ddb.send(
      new PutCommand({
        TableName: config.tables.cases,
        Item: { ...reportKey(report.reportId), type: 'Report', ...report, ...reportIndexEntries(report) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  },

  async get(reportId: string): Promise<InjuryReport | undefined> {
    const { Item } = await ddb.send(new GetCommand({ TableName: config.tables.cases, Key: reportKey(reportId), ConsistentRead: true }));
    return Item ? strip<InjuryReport>(Item) : undefined;
  },
};
