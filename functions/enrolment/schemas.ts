import { ClientId, Instant, LocalDate, ProvinceCode } from '../_shared/schemas.ts';
import * as z from '../_shared/zod.ts';

/** The longest enrolment-day range one request may ask for. */
export const MAX_RANGE_DAYS = 366;

export const EnrolmentDaysQuery = z.strictObject({ from: LocalDate, to: LocalDate });

export const EnrolmentDaysResponse = z.withMeta(
  z.object({
    days: z.array(z.object({ date: LocalDate, platformId: z.string(), province: z.string(), orders: z.number().check(z.int()) })),
  }),
  { id: 'EnrolmentDays' },
);

export const CoverageQuery = z.strictObject({ at: Instant, platformId: ClientId, province: z.optional(ProvinceCode) });

export const CoverageResponse = z.withMeta(
  z.object({
    covered: z.boolean(),
    orderId: z.optional(z.string()),
    reason: z.enum(['COVERED', 'NO_ORDER_AT_TIME', 'PLATFORM_NOT_ENROLLED', 'UNKNOWN_WORKER']),
  }),
  { id: 'Coverage' },
);
