import { z } from 'zod';
import { ClientId, FreeText, Instant, ProvinceCode } from '../_shared/schemas.ts';

export const InjuryReportRequest = z
  .strictObject({
    platformId: ClientId,
    workerId: ClientId.optional(),
    platformWorkerId: ClientId.optional(),
    occurredAt: Instant,
    province: ProvinceCode,
    place: FreeText,
    description: FreeText,
    orderId: ClientId.optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.workerId === undefined) === (v.platformWorkerId === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['workerId'], message: 'Give exactly one of workerId and platformWorkerId.' });
    }
  })
  .meta({ id: 'InjuryReport' });

export const InjuryReportResponse = z
  .object({
    reportId: z.string(),
    coverage: z.object({ covered: z.boolean(), orderId: z.string().optional(), reason: z.enum(['COVERED', 'NO_ORDER_AT_TIME', 'PLATFORM_NOT_ENROLLED', 'UNKNOWN_WORKER']) }),
    orders: z.number().int().optional(),
  })
  .meta({ id: 'InjuryReportCreated' });
