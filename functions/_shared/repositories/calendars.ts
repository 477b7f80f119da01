/**
 * Working-day calendars (D12). Key: CALENDAR / {year}. 2025 and 2026 are seeded from the rules core;
 * a loaded year replaces the seed for that year. A load and its audit record are one transaction.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { SEEDED_CALENDARS, WorkingDayCalendar, type YearArrangement } from '../../../core/index.ts';
import { commitAuditedWith, type AuditEntry } from '../audit.ts';
import { config } from '../config.ts';
import { ddb, queryAll } from '../db.ts';

export interface StoredCalendar extends YearArrangement {
  readonly source: 'seeded' | 'loaded';
  readonly loadedAt?: string;
}

export const calendarsRepository = {
  async get(year: number, consistent = false): Promise<StoredCalendar | undefined> {
    const { Item } = await ddb.send(
      new GetCommand({ TableName: config.tables.registry, Key: { pk: 'CALENDAR', sk: String(year) }, ConsistentRead: consistent }),
    );
    if (Item) {
      return { year, holidays: Item.holidays as string[], workdays: Item.workdays as string[], source: 'loaded', loadedAt: Item.loadedAt as string };
    }
    const seeded = SEEDED_CALENDARS.find((c) => c.year === year);
    return seeded ? { ...seeded, source: 'seeded' } : undefined;
  },

  /**
   * Loads a year (replacing a loaded or seeded one) with the audit record `auditOf(previous)` in one
   * transaction. The year in place is read after the chain's head on every attempt, so the record's
   * `before` is what this load replaced even when two loads race (the loser is prepared again on top).
   */
  async put(arrangement: YearArrangement, actor: string, now: Date, auditOf: (previous: StoredCalendar | undefined) => AuditEntry): Promise<void> {
    await commitAuditedWith(
      { entityType: 'calendar', entityId: String(arrangement.year) },
      async () => ({
        items: [
          {
            Put: {
              TableName: config.tables.registry,
              Item: { pk: 'CALENDAR', sk: String(arrangement.year), type: 'Calendar', ...arrangement, loadedAt: now.toISOString(), loadedBy: actor },
            },
          },
        ],
        entry: auditOf(await this.get(arrangement.year, true)),
      }),
      now,
    );
  },

  /** The working-day calendar from every loaded year plus the seeds not overridden. */
  async calendar(): Promise<WorkingDayCalendar> {
    const Items = await queryAll({ TableName: config.tables.registry, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'CALENDAR' } });
    const loaded: YearArrangement[] = Items.map((i) => ({ year: Number(i.sk), holidays: i.holidays as string[], workdays: i.workdays as string[] }));
    const seeds = SEEDED_CALENDARS.filter((s) => !loaded.some((l) => l.year === s.year));
    return new WorkingDayCalendar([...seeds, ...loaded]);
  },
};
