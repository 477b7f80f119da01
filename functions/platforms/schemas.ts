import { ClientId, CreditCode, Industry, LocalDate, PersonName, ProvinceCode } from '../_shared/schemas.ts';
import * as z from '../_shared/zod.ts';

export const ProvinceEnrolmentSchema = z.withMeta(z.strictObject({ code: ProvinceCode, joinedOn: LocalDate }), { id: 'ProvinceEnrolment' });

export const CreatePlatformRequest = z.withMeta(
  z.strictObject({
    name: PersonName.check(z.maxLength(200)),
    creditCode: CreditCode,
    industries: z.array(Industry).check(z.minLength(1), z.maxLength(4)),
    provinces: z.array(ProvinceEnrolmentSchema).check(z.maxLength(34)),
  }),
  { id: 'CreatePlatformRequest' },
);

export const PlatformResponse = z.withMeta(
  z.object({
    platformId: ClientId,
    name: z.string(),
    creditCode: z.string(),
    industries: z.array(Industry),
    provinces: z.array(ProvinceEnrolmentSchema),
    createdAt: z.string(),
  }),
  { id: 'Platform' },
);

/** The app client's credentials, returned once (never stored by the service; a contract extension). */
const ClientCredentials = {
  clientId: z.withMeta(z.string(), { description: "OAuth client id of the platform's app client (client-credentials flow)." }),
  clientSecret: z.withMeta(z.optional(z.string()), {
    description:
      'The client secret. Returned in the first response only: it is not stored and cannot be read again; an Idempotency-Key replay of this request answers the same 201 without it. Re-issue the client if it is lost.',
  }),
};

export const PlatformRegistrationResponse = z.withMeta(z.extend(PlatformResponse, ClientCredentials), { id: 'PlatformRegistration' });

export const PlatformClientResponse = z.withMeta(z.object({ platformId: ClientId, ...ClientCredentials }), { id: 'PlatformClient' });
