/**
 * Lambda entry point of the daily month close (D19; EventBridge Scheduler in AWS, `cron(0 0 * * ? *)`
 * Asia/Shanghai; a timer in the local runtime). For every platform, the months whose `closesOn` has passed
 * (the latest and the one before, so a missed day catches up) become CLOSED once, with their unpaid-bill
 * record: re-running it, or a duplicate delivery, changes nothing (`closeMonthByDate`).
 *
 * Event: `{ "scheduledTime": "<aws.scheduler.scheduled-time>" }`; without it, the clock.
 *
 * One-off backfill (docs/settlement.md): `{ "backfill": { "from": "2022-07", "to"?: "2026-08" } }`, invoked
 * by an operator, closes every month from `from` to `to` (default: the latest month the date has closed) the
 * same way, with its unpaid record. The daily run looks at two months only; months older than those were
 * never closed while the close applied from October 2026 only, and are CLOSED by the date when read, with no
 * stored close nor credit record until the backfill runs. Idempotent: re-invoke it after a failure, or by
 * ranges of months if the timeout is short for many platforms.
 */
import { addMonthsToMonth, monthsToBackfill, monthsToClose, shanghaiDate } from '../../core/index.ts';
import { mapLimit } from '../_shared/db.ts';
import { dueDayOf } from '../_shared/months.ts';
import { logger } from '../_shared/observability.ts';
import { HttpProblem } from '../_shared/problem.ts';
import { Month } from '../_shared/schemas.ts';
import { platformsRepository } from '../_shared/repositories/platforms.ts';
import * as z from '../_shared/zod.ts';
import { closeMonthByDate } from './use-cases.ts';

const ScheduledEvent = z.nullish(
  z.looseObject({
    scheduledTime: z.optional(z.iso.datetime({ offset: true })),
    backfill: z.optional(z.strictObject({ from: Month, to: z.optional(Month) })),
  }),
);

/** The months of a one-off backfill (see above). */
export interface Backfill {
  readonly from: string;
  readonly to?: string;
}

/** Platforms closed in parallel. */
const CONCURRENCY = 8;

export interface MonthCloseResult {
  readonly months: string[];
  readonly closed: number;
  readonly already: number;
  /** Platform-months that could not be closed now (e.g. a rate missing): retried by the next run. */
  readonly failed: number;
  /** Platform-months whose orders are not all counted yet (the projection's lag, issue 18): closed by the next run. */
  readonly pending: number;
}

export const closeMonths = async (now: Date, backfill?: Backfill): Promise<MonthCloseResult> => {
  const today = shanghaiDate(now);
  // The due day of the month the date closes next (last month's bill) decides which months to look at; each
  // month is then closed by its own due day (closeMonthByDate). This month's day, used before, closed last
  // month days late when a new version moved the day.
  const dueDay = await dueDayOf(addMonthsToMonth(today.slice(0, 7), -1));
  const months = backfill ? monthsToBackfill(backfill.from, today, dueDay, backfill.to) : monthsToClose(today, dueDay);
  const platformIds = await platformsRepository.ids();
  const outcomes = await mapLimit(
    platformIds.flatMap((platformId) => months.map((month) => ({ platformId, month }))),
    CONCURRENCY,
    async ({ platformId, month }) => {
      try {
        return await closeMonthByDate(platformId, month, now);
      } catch (error) {
        const code = error instanceof HttpProblem ? error.code : (error as Error).name;
        logger.error('Month not closed', { platformId, month, code });
        return 'failed' as const;
      }
    },
  );
  const count = (o: string) => outcomes.filter((x) => x === o).length;
  return { months, closed: count('closed'), already: count('already'), failed: count('failed'), pending: count('pending') };
};

export const handler = async (event?: unknown): Promise<MonthCloseResult> => {
  const parsed = ScheduledEvent.safeParse(event);
  if (!parsed.success) throw new Error(`Invalid scheduled event: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
  const backfill = parsed.data?.backfill;
  const result = await closeMonths(parsed.data?.scheduledTime ? new Date(parsed.data.scheduledTime) : new Date(), backfill);
  logger.info(backfill ? 'Month close backfill' : 'Month close', { ...result });
  if (result.failed > 0) throw new Error(`${result.failed} platform-months not closed: the schedule retries`);
  return result;
};
