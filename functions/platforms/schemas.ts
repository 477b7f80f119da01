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

/** The app client's credentials, returned once (never stored by the service; a contract extension). */
const ClientCredentials = {
  clientId: z.string().meta({ description: 'OAuth client id of the platform\'s app client (client-credentials flow).' }),
  clientSecret: z
    .string()
    .optional()
    .meta({
      description:
        'The client secret. Returned in the first response only: it is not stored and cannot be read again; an Idempotency-Key replay of this request answers the same 201 without it. Re-issue the client if it is lost.',
    }),
};

export const PlatformRegistrationResponse = PlatformResponse.extend(ClientCredentials).meta({ id: 'PlatformRegistration' });

export const PlatformClientResponse = z.object({ platformId: ClientId, ...ClientCredentials }).meta({ id: 'PlatformClient' });
