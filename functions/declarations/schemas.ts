import { Industry, Month } from '../_shared/schemas.ts';
import * as z from '../_shared/zod.ts';

export { Month };

export const DeclarationResponse = z.withMeta(
  z.object({
    platformId: z.string(),
    month: Month,
    provisional: z.boolean(),
    lines: z.array(
      z.object({
        province: z.string(),
        industry: Industry,
        orders: z.number().check(z.int()),
        rateFen: z.number().check(z.int()),
        amountFen: z.number().check(z.int()),
        rateVersion: z.withMeta(z.string(), { description: 'The contributionRateFen version applied (extension).' }),
      }),
    ),
    totalFen: z.number().check(z.int()),
  }),
  { id: 'Declaration' },
);
