import { z } from 'zod';
import { ClientId, CreditCode, Industry, LocalDate, PersonName, ProvinceCode } from '../_shared/schemas.ts';

export const ProvinceEnrolmentSchema = z.strictObject({ code: ProvinceCode, joinedOn: LocalDate }).meta({ id: 'ProvinceEnrolment' });

export const CreatePlatformRequest = z
  .strictObject({
    name: PersonName.max(200),
    creditCode: CreditCode,
    industries: z.array(Industry).min(1).max(4),
    provinces: z.array(ProvinceEnrolmentSchema).max(34),
  })
  .meta({ id: 'CreatePlatformRequest' });

export const PlatformResponse = z
  .object({
    platformId: ClientId,
    name: z.string(),
    creditCode: z.string(),
    industries: z.array(Industry),
    provinces: z.array(ProvinceEnrolmentSchema),
    createdAt: z.string(),
  })
  .meta({ id: 'Platform' });
