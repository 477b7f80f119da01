/** Injury reports (REPORT#{reportId}; docs/cases.md): written once, read by the cases that open on them. */
import type { InjuryReport } from '../../../core/index.ts';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.ts';
import { ddb } from '../db.ts';
import { reportKey, strip } from './cases-table.ts';

export const reportsRepository = {
  async put(report: InjuryReport): Promise<void> {
    await ddb.send(
      new PutCommand({
        TableName: config.tables.cases,
        Item: { ...reportKey(report.reportId), type: 'Report', ...report },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  },

  async get(reportId: string): Promise<InjuryReport | undefined> {
    const { Item } = await ddb.send(new GetCommand({ TableName: config.tables.cases, Key: reportKey(reportId), ConsistentRead: true }));
    return Item ? strip<InjuryReport>(Item) : undefined;
  },
};
