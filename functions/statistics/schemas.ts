/** `GET /v1/statistics` (D20): the query and the answer (docs/reporting.md defines each figure). */
import { INDUSTRIES, isValidMonth, monthsBetween, STATISTICS_DEFINITIONS, UNKNOWN_INDUSTRY } from '../../core/index.ts';
import { Month, ProvinceCode } from '../_shared/schemas.ts';
import * as z from '../_shared/zod.ts';

const Int = z.number().check(z.int());

const bothMonths = (q: { from: unknown; to: unknown }) => typeof q.from === 'string' && typeof q.to === 'string' && isValidMonth(q.from) && isValidMonth(q.to);

export const StatisticsQuery = z
  .strictObject({
    from: Month,
    to: Month,
    province: z.optional(ProvinceCode),
    industry: z.optional(z.enum([...INDUSTRIES, UNKNOWN_INDUSTRY])),
    platformId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
    format: z.optional(z.enum(['json', 'csv'])),
  })
  // Object checks run even when a field failed: they look at the range only when both months are valid.
  .check(
    z.refine((q) => !bothMonths(q) || q.to >= q.from, { path: ['to'], message: '结束月份不得早于开始月份。' }),
    z.refine((q) => !bothMonths(q) || q.to < q.from || monthsBetween(q.from, q.to) < STATISTICS_DEFINITIONS.maxMonths, {
      path: ['to'],
      message: `一次最多查询 ${STATISTICS_DEFINITIONS.maxMonths} 个月。`,
    }),
  );
export type StatisticsQuery = z.infer<typeof StatisticsQuery>;

const Percentiles = z.object({
  median: z.withMeta(z.nullable(Int), { description: 'Nearest rank; null without data.' }),
  p90: z.withMeta(z.nullable(Int), { description: '90th percentile, nearest rank; null without data.' }),
});

export const StatisticsResponse = z.withMeta(
  z.object({
    months: z.array(
      z.object({
        month: Month,
        orders: z.withMeta(Int, { description: 'Orders accepted in the month (Asia/Shanghai), by charged industry.' }),
        reports: z.withMeta(Int, { description: 'Injury reports by the month of occurredAt.' }),
        confirmedCases: z.withMeta(Int, { description: 'Cases confirmed CONFIRMED or DEEMED, by injury month.' }),
        injuriesPerMillionOrders: z.withMeta(z.nullable(z.number()), { description: 'confirmedCases ÷ orders × 10⁶, 2 decimals; null without orders.' }),
        daysToDecision: z.withMeta(Percentiles, { description: 'Days from the report to the confirmation decision (refusals included), by decision month.' }),
        daysToFirstPayment: z.withMeta(Percentiles, { description: "Days from the report to the case's first PAID bank result, by the month of that result." }),
        overdueCases: z.withMeta(Int, { description: 'Cases with a missed statutory deadline (D7, D8), by the month of the earliest missed deadline.' }),
        paymentsByItemFen: z.withMeta(z.record(z.string(), Int), {
          description: 'Items of PAID payments by benefit item (fen), by the month of the bank result.',
        }),
      }),
    ),
  }),
  { id: 'Statistics' },
);
