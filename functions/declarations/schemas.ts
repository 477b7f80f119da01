import { z } from 'zod';
import { Industry, Month } from '../_shared/schemas.ts';

export { Month };

export const DeclarationResponse = z
  .object({
    platformId: z.string(),
    month: Month,
    provisional: z.boolean(),
    lines: z.array(
      z.object({
        province: z.string(),
        industry: Industry,
        orders: z.number().int(),
        rateFen: z.number().int(),
        amountFen: z.number().int(),
        rateVersion: z.string().meta({ description: 'The contributionRateFen version applied (extension).' }),
      }),
    ),
    totalFen: z.number().int(),
  })
  .meta({ id: 'Declaration' });
