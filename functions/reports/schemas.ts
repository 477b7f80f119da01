import { CASE_STATUSES } from '../../core/index.ts';
import { ClientId, FreeText, Instant, LocalDate, Month, ProvinceCode } from '../_shared/schemas.ts';
import * as z from '../_shared/zod.ts';

export const InjuryReportRequest = z.withMeta(
  z
    .strictObject({
      platformId: ClientId,
      workerId: z.optional(ClientId),
      platformWorkerId: z.optional(ClientId),
      occurredAt: Instant,
      province: ProvinceCode,
      place: FreeText,
      description: FreeText,
      orderId: z.optional(ClientId),
    })
    .check(
      z.superRefine((v, ctx) => {
        if ((v.workerId === undefined) === (v.platformWorkerId === undefined)) {
          ctx.addIssue({ code: 'custom', path: ['workerId'], message: 'workerId 和 platformWorkerId 须且只能提供其中一个。' });
        }
      }),
    ),
  { id: 'InjuryReport' },
);

export const InjuryReportResponse = z.withMeta(
  z.object({
    reportId: z.string(),
    coverage: z.object({
      covered: z.boolean(),
      orderId: z.optional(z.string()),
      reason: z.enum(['COVERED', 'NO_ORDER_AT_TIME', 'PLATFORM_NOT_ENROLLED', 'UNKNOWN_WORKER']),
    }),
    orders: z.optional(z.number().check(z.int())),
  }),
  { id: 'InjuryReportCreated' },
);

/** Default page size of the report lists. */
export const REPORTS_PAGE = 50;

const pageParams = {
  nextToken: z.optional(
    z.withMeta(z.string().check(z.minLength(1), z.maxLength(2000)), { description: 'The `nextToken` of the previous page of the same list.' }),
  ),
  limit: z.optional(z.withMeta(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(200)), { description: 'Page size, 1–200 (default 50).' })),
};

export const PlatformReportsQuery = z.strictObject({
  month: z.withMeta(Month, { description: 'The month of the injury date (Asia/Shanghai), YYYY-MM.' }),
  ...pageParams,
});

export const WorkerReportsQuery = z.strictObject(pageParams);

const CoverageVerdict = z.object({
  covered: z.boolean(),
  orderId: z.optional(z.string()),
  reason: z.enum(['COVERED', 'NO_ORDER_AT_TIME', 'PLATFORM_NOT_ENROLLED', 'UNKNOWN_WORKER']),
});

export const ReportListResponse = z.withMeta(
  z.object({
    items: z.array(
      z.object({
        reportId: z.string(),
        platformId: z.string(),
        workerId: z.optional(z.string()),
        platformWorkerId: z.optional(z.string()),
        occurredAt: z.string(),
        injuryDate: LocalDate,
        province: z.string(),
        place: z.string(),
        orderId: z.optional(z.string()),
        coverage: CoverageVerdict,
        reportedAt: z.string(),
        applicationDue: z.withMeta(z.object({ date: LocalDate, provisional: z.boolean() }), {
          description:
            "The caller's application deadline (D6): the platform's (3 working days) on the platform's list, the worker's (30 days) on the worker's; `provisional` while a year's holiday arrangement is not loaded (D12).",
        }),
        caseId: z.optional(z.string()),
        case: z.optional(
          z.withMeta(z.object({ status: z.enum(CASE_STATUSES), late: z.boolean() }), { description: 'The case opened on the report, as it stands now.' }),
        ),
      }),
    ),
    nextToken: z.optional(z.withMeta(z.string(), { description: 'Present while more reports follow: pass it back for the next page.' })),
  }),
  { id: 'InjuryReportList' },
);
