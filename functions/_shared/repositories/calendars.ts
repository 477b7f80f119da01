/**
 * Working-day calendars (D12). Key: CALENDAR / {year}. 2025 and 2026 are seeded from the rules core;
 * a loaded year replaces the seed for that year.
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { SEEDED_CALENDARS, WorkingDayCalendar, type YearArrangement } from '../../../core/index.ts';
import { config } from '../config.ts';
import { ddb } from '../db.ts';

export interface StoredCalendar extends YearArrangement {
  readonly source: 'seeded' | 'loaded';
  readonly loadedAt?: string;
}

export const calendarsRepository = {
  async get(year: number): Promise<StoredCalendar | undefined> {
    const { Item } = await ddb.send(new GetCommand({ TableName: config.tables.registry, Key: { pk: 'CALENDAR', sk: String(year) } }));
    if (Item) {
      return { year, holidays: Item.holidays as string[], workdays: Item.workdays as string[], source: 'loaded', loadedAt: Item.loadedAt as string };
    }
    const seeded = SEEDED_CALENDARS.find((c) => c.year === year);
    return seeded ? { ...seeded, source: 'seeded' } : undefined;
  },

  async put(arrangement: YearArrangement, actor: string, now: string): Promise<void> {
    await ddb.send(
      new PutCommand({
        TableName: config.tables.registry,
        Item: { pk: 'CALENDAR', sk: String(arrangement.year), type: 'Calendar', ...arrangement, loadedAt: now, loadedBy: actor },
      }),
    );
  },

  /** The working-day calendar from every loaded year plus the seeds not overridden. */
  async calendar(): Promise<WorkingDayCalendar> {
    const { Items = [] } = await ddb.send(
      new QueryCommand({ TableName: config.tables.registry, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'CALENDAR' } }),
    );
    const loaded: YearArrangement[] = Items.map((i) => ({ year: Number(i.sk), holidays: i.holidays as string[], workdays: i.workdays as string[] }));
    const seeds = SEEDED_CALENDARS.filter((s) => !loaded.some((l) => l.year === s.year));
    return new WorkingDayCalendar([...seeds, ...loaded]);
  },
};
