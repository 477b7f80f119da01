import { PARAMETER_NAMES } from '../../core/index.ts';
import { ClientId, Industry, LocalDate, ProvinceCode } from '../_shared/schemas.ts';
import * as z from '../_shared/zod.ts';

const ParameterScopeSchema = z.withMeta(
  z.strictObject({ province: z.optional(ProvinceCode), industry: z.optional(Industry), platformId: z.optional(ClientId) }),
  { id: 'ParameterScope' },
);

export const PutParameterRequest = z.withMeta(
  z.strictObject({
    name: z.enum(PARAMETER_NAMES),
    scope: ParameterScopeSchema,
    effectiveFrom: LocalDate,
    value: z.number().check(z.int(), z.nonnegative(), z.maximum(Number.MAX_SAFE_INTEGER)),
  }),
  { id: 'ParameterVersion' },
);

export const ResolveParameterQuery = z.strictObject({
  name: z.enum(PARAMETER_NAMES),
  on: LocalDate,
  province: z.optional(ProvinceCode),
  industry: z.optional(Industry),
  platformId: z.optional(ClientId),
});

export const ResolvedParameter = z.withMeta(
  z.object({ name: z.enum(PARAMETER_NAMES), value: z.number().check(z.int()), effectiveFrom: LocalDate, scope: ParameterScopeSchema }),
  { id: 'ResolvedParameter' },
);

export const CalendarYear = z.coerce.number().check(z.int(), z.minimum(2000), z.maximum(2100));

export const PutCalendarRequest = z.withMeta(
  z.strictObject({ holidays: z.array(LocalDate).check(z.maxLength(60)), workdays: z.array(LocalDate).check(z.maxLength(30)) }),
  { id: 'YearArrangement' },
);

export const CalendarResponse = z.withMeta(
  z.object({
    year: z.number().check(z.int()),
    holidays: z.array(LocalDate),
    workdays: z.array(LocalDate),
    source: z.enum(['seeded', 'loaded']),
  }),
  { id: 'Calendar' },
);
