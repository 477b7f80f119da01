import { ClientId, FreeText, Instant, ProvinceCode } from '../_shared/schemas.ts';
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
