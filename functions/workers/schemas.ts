import { z } from 'zod';
import { ClientId, Phone, PersonName, ResidentIdNumber } from '../_shared/schemas.ts';

export const MAX_WORKERS_PER_BATCH = 500;

export const WorkerItem = z
  .strictObject({ platformWorkerId: ClientId, name: PersonName, idNumber: ResidentIdNumber, phone: Phone.optional() })
  .meta({ id: 'WorkerRegistration' });

/** The envelope: items are validated one by one so that a bad item is rejected alone. */
export const WorkersEnvelope = z.strictObject({ workers: z.array(z.unknown()).min(1).max(MAX_WORKERS_PER_BATCH) });

export const WorkersRequestDoc = z.strictObject({ workers: z.array(WorkerItem).min(1).max(MAX_WORKERS_PER_BATCH) }).meta({ id: 'WorkersBatch' });

const FieldError = z.object({ path: z.string(), message: z.string() });

export const WorkersResponse = z
  .object({
    results: z.array(
      z.object({
        index: z.number().int(),
        platformWorkerId: z.string().optional(),
        status: z.enum(['accepted', 'rejected']),
        workerId: z.string().optional(),
        errors: z.array(FieldError).optional(),
      }),
    ),
  })
  .meta({ id: 'WorkersBatchResult' });
