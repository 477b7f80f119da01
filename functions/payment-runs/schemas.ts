import { Month } from '../_shared/schemas.ts';
import * as z from '../_shared/zod.ts';

export const StartRunRequest = z.withMeta(z.strictObject({ month: Month }), { id: 'PaymentRunRequest' });
export const StartRunResponse = z.withMeta(z.object({ runId: z.string() }), { id: 'PaymentRunStarted' });
export const RunResponse = z.withMeta(
  z.object({
    runId: z.string(),
    month: z.string(),
    status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED']),
    payments: z.number().check(z.int()),
    totalFen: z.number().check(z.int()),
  }),
  { id: 'PaymentRun' },
);
