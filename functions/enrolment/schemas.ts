import { z } from 'zod';
import { ClientId, Instant, LocalDate, ProvinceCode } from '../_shared/schemas.ts';

/** The longest enrolment-day range one request may ask for. */
export const MAX_RANGE_DAYS = 366;

export const EnrolmentDaysQuery = z.strictObject({ from: LocalDate, to: LocalDate });

export const EnrolmentDaysResponse = z
  .object({
    days: z.array(z.object({ date: LocalDate, platformId: z.string(), province: z.string(), orders: z.number().int() })),
  })
  .meta({ id: 'EnrolmentDays' });

export const CoverageQuery = z.strictObject({ at: Instant, platformId: ClientId, province: ProvinceCode.optional() });

export const CoverageResponse = z
  .object({
    covered: z.boolean(),
    orderId: z.string().optional(),
    reason: z.enum(['COVERED', 'NO_ORDER_AT_TIME', 'PLATFORM_NOT_ENROLLED', 'UNKNOWN_WORKER']),
  })
  .meta({ id: 'Coverage' });
