import { z } from 'zod';
import { PARAMETER_NAMES } from '../../core/index.ts';
import { ClientId, Industry, LocalDate, ProvinceCode } from '../_shared/schemas.ts';

export const ParameterScopeSchema = z
  .strictObject({ province: ProvinceCode.optional(), industry: Industry.optional(), platformId: ClientId.optional() })
  .meta({ id: 'ParameterScope' });

export const PutParameterRequest = z
  .strictObject({
    name: z.enum(PARAMETER_NAMES),
    scope: ParameterScopeSchema,
    effectiveFrom: LocalDate,
    value: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  })
  .meta({ id: 'ParameterVersion' });

export const ResolveParameterQuery = z.strictObject({
  name: z.enum(PARAMETER_NAMES),
  on: LocalDate,
  province: ProvinceCode.optional(),
  industry: Industry.optional(),
  platformId: ClientId.optional(),
});

export const ResolvedParameter = z
  .object({ name: z.enum(PARAMETER_NAMES), value: z.number().int(), effectiveFrom: LocalDate, scope: ParameterScopeSchema })
  .meta({ id: 'ResolvedParameter' });

export const CalendarYear = z.coerce.number().int().min(2000).max(2100);

export const PutCalendarRequest = z
  .strictObject({ holidays: z.array(LocalDate).max(60), workdays: z.array(LocalDate).max(30) })
  .meta({ id: 'YearArrangement' });

export const CalendarResponse = z
  .object({
    year: z.number().int(),
    holidays: z.array(LocalDate),
    workdays: z.array(LocalDate),
    source: z.enum(['seeded', 'loaded']),
  })
  .meta({ id: 'Calendar' });
