/** Injury reports (REPORT#{reportId}; docs/cases.md): written once, read by the cases that open on them. */
import type { CaseStatus, InjuryReport } from '../../../core/index.ts';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.ts';
import { batchGetAll, ddb, queryAll } from '../db.ts';
import { caseKey, reportKey, strip } from './cases-table.ts';

/**
 * GSI byProvince of a report: `PREPORTS#{platformId}#{injury month}` / reportId, so a platform's reports of
 * a month (D19's employment report) are one Query, never a scan.
 */
const platformMonthIndex = (report: InjuryReport) => ({
  gsi2pk: platformReportsPartition(report.platformId, report.injuryDate.slice(0, 7)),
  gsi2sk: report.reportId,
});
const platformReportsPartition = (platformId: string, month: string) => `PREPORTS#${platformId}#${month}`;

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

  /** The statuses of cases (one BatchGet per 100). */
  async caseStatuses(caseIds: readonly string[]): Promise<CaseStatus[]> {
    const items = await batchGetAll(config.tables.cases, caseIds.map(caseKey), { projection: '#s', names: { '#s': 'status' } });
    return items.map((i) => i.status as CaseStatus);
  },

  async put(report: InjuryReport): Promise<void> {
    await ddb.send(
      new PutCommand({
        TableName: config.tables.cases,
        Item: { ...reportKey(report.reportId), type: 'Report', ...report, ...platformMonthIndex(report) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  },

  async get(reportId: string): Promise<InjuryReport | undefined> {
    const { Item } = await ddb.send(new GetCommand({ TableName: config.tables.cases, Key: reportKey(reportId), ConsistentRead: true }));
    return Item ? strip<InjuryReport>(Item) : undefined;
  },
};
