import { CREDIT_RECORD_STATUSES, CREDIT_RECORD_TYPES, DECLARATION_STATUSES } from '../../core/index.ts';
import { FreeText, Industry, LocalDate, Month } from '../_shared/schemas.ts';
import * as z from '../_shared/zod.ts';

export { Month };

const Int = z.number().check(z.int());

export const DeclarationResponse = z.withMeta(
  z.object({
    platformId: z.string(),
    month: Month,
    status: z.withMeta(z.enum(DECLARATION_STATUSES), { description: 'D19: OPEN until closesOn has passed, then CLOSED unless an administrator reopened it.' }),
    closesOn: z.withMeta(LocalDate, { description: 'Day contributionDueDay of the following month; every month has one (D19).' }),
    provisional: z.withMeta(z.boolean(), { description: 'true while the status is not CLOSED.' }),
    projectionCaughtUp: z.withMeta(z.boolean(), {
      description:
        'Extension (issue 18): every order of the month received so far is counted in the lines. Counts follow the orders by seconds; a CLOSED month is final once this is true (the scheduled close waits for it).',
    }),
    lines: z.array(
      z.object({
        province: z.string(),
        industry: Industry,
        orders: Int,
        rateFen: Int,
        amountFen: Int,
        rateVersion: z.withMeta(z.string(), { description: 'The contributionRateFen version applied (extension).' }),
      }),
    ),
    totalFen: Int,
    settledFen: Int,
    dueFen: z.withMeta(Int, { description: 'max(totalFen − settledFen, 0).' }),
    settlements: z.withMeta(
      z.array(z.object({ settlementId: z.string(), amountFen: Int, paidOn: LocalDate, recordedAt: z.string(), recordedBy: z.string() })),
      { description: 'Extension: the settlements recorded for the month, by paidOn; their sum is settledFen.' },
    ),
  }),
  { id: 'Declaration' },
);

/** `POST …/declarations/{month}/reopening` (admin): the written reason (补报). */
export const ReopeningRequest = z.withMeta(z.strictObject({ reason: FreeText }), { id: 'ReopeningRequest' });

/** `POST …/declarations/{month}/closing` (admin): an optional note for the audit record. */
export const ClosingRequest = z.withMeta(z.strictObject({ reason: z.optional(FreeText) }), { id: 'ClosingRequest' });

/** `POST …/declarations/{month}/settlements` (admin): what the platform paid, and when. */
export const SettlementRequest = z.withMeta(
  z.strictObject({
    amountFen: z.number().check(z.int(), z.positive(), z.maximum(Number.MAX_SAFE_INTEGER)),
    paidOn: LocalDate,
  }),
  { id: 'SettlementRequest' },
);

export const SettlementResponse = z.withMeta(
  z.object({
    settlementId: z.string(),
    platformId: z.string(),
    month: Month,
    amountFen: Int,
    paidOn: LocalDate,
    recordedAt: z.string(),
    recordedBy: z.string(),
  }),
  { id: 'Settlement' },
);

/** Default page size of `GET /v1/credit-records`. */
export const CREDIT_RECORDS_PAGE = 50;

export const CreditRecordsQuery = z.strictObject({
  platformId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  status: z.optional(z.enum(CREDIT_RECORD_STATUSES)),
  nextToken: z.optional(
    z.withMeta(z.string().check(z.minLength(1), z.maxLength(2000)), {
      description: 'The `nextToken` of the previous page, for the same platformId and status.',
    }),
  ),
  limit: z.optional(z.withMeta(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(500)), { description: 'Page size, 1–500 (default 50).' })),
});

export const CreditRecordsResponse = z.withMeta(
  z.object({
    items: z.array(
      z.object({
        recordId: z.string(),
        platformId: z.string(),
        type: z.enum(CREDIT_RECORD_TYPES),
        status: z.enum(CREDIT_RECORD_STATUSES),
        fact: z.union([z.object({ month: Month, dueOn: LocalDate, totalFen: Int }), z.object({ caseId: z.string(), dueOn: LocalDate, filedOn: LocalDate })]),
        since: LocalDate,
        resolvedOn: z.optional(LocalDate),
      }),
    ),
    nextToken: z.optional(z.withMeta(z.string(), { description: 'Present while more records follow: pass it back for the next page.' })),
  }),
  { id: 'CreditRecords' },
);

export const EmploymentReportQuery = z.strictObject({ format: z.optional(z.enum(['json', 'csv', 'xlsx'])) });

export const EmploymentReportResponse = z.withMeta(
  z.object({
    platformId: z.string(),
    month: Month,
    totals: z.object({ workers: Int, enrolmentDays: Int, orders: Int, feeFen: Int, injuryReports: Int }),
    byProvince: z.array(z.object({ province: z.string(), workers: Int, enrolmentDays: Int })),
    byProvinceIndustry: z.array(z.object({ province: z.string(), industry: z.string(), orders: Int, feeFen: Int })),
    casesByStatus: z.withMeta(z.record(z.string(), Int), { description: "Cases of the month's injury reports by current status (every status, 0 included)." }),
  }),
  { id: 'EmploymentReport' },
);
