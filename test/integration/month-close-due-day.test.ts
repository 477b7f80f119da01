/**
 * The daily close (D19) when `contributionDueDay` changes: each month closes on the day of the version in
 * force on the first day of the following month. The close used to take the *current* month's due day to
 * decide whether last month was due: with a new, later day coming into force next month, last month closed
 * days late. Here: a version of day 20 from the first day of the month after next; 00:30 on the 16th of next
 * month, this month's bill (due the 15th under the version in force on next month's first day) is closed.
 */
import { expect, it } from 'vitest';
import { addMonthsToMonth, monthsToClose, shanghaiMonth } from '../../core/index.ts';
import { useCaseStack } from './cases-stack.ts';

const ctx = useCaseStack();

it("closes last month on the 16th by last month's due day, though next month's is the 20th", async () => {
  const { world } = ctx;
  const month = shanghaiMonth(new Date());
  const next = addMonthsToMonth(month, 1);
  const later = addMonthsToMonth(month, 2);
  const version = { name: 'contributionDueDay', scope: {}, effectiveFrom: `${later}-01`, value: 20 };
  const put = await world.api('PUT', '/v1/parameters', { token: world.tokens.admin, body: version });
  expect(put.status, JSON.stringify(put.body)).toBe(201);
  // What the close did before: next month's due day (20) says `month` is not due on the 16th.
  expect(monthsToClose(`${next}-16`, 20)).not.toContain(month);

  const result = await ctx.sfn.monthCloseNow(new Date(`${next}-16T00:30:00+08:00`));
  expect(result.months).toContain(month);
  expect(result.failed).toBe(0);
  expect(result.closed).toBeGreaterThanOrEqual(1);
  const bill = await world.api('GET', `/v1/platforms/${world.platformId}/declarations/${month}`, { token: world.tokens.admin });
  expect(bill.status).toBe(200);
  // Read now (before its closesOn), the month is CLOSED only because the close stored it.
  expect(bill.body).toMatchObject({ status: 'CLOSED', closesOn: `${next}-15` });
});
