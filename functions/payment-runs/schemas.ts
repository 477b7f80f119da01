import { z } from 'zod';
import { Month } from '../_shared/schemas.ts';

export const StartRunRequest = z.strictObject({ month: Month }).meta({ id: 'PaymentRunRequest' });
export const StartRunResponse = z.object({ runId: z.string() }).meta({ id: 'PaymentRunStarted' });
export const RunResponse = z
  .object({ runId: z.string(), month: z.string(), status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED']), payments: z.number().int(), totalFen: z.number().int() })
  .meta({ id: 'PaymentRun' });
