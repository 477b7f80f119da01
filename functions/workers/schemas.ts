import { ClientId, Phone, PersonName, ResidentIdNumber } from '../_shared/schemas.ts';
import * as z from '../_shared/zod.ts';

const MAX_WORKERS_PER_BATCH = 500;

export const WorkerItem = z.withMeta(z.strictObject({ platformWorkerId: ClientId, name: PersonName, idNumber: ResidentIdNumber, phone: z.optional(Phone) }), {
  id: 'WorkerRegistration',
});

/** The envelope: items are validated one by one so that a bad item is rejected alone. */
export const WorkersEnvelope = z.strictObject({ workers: z.array(z.unknown()).check(z.minLength(1), z.maxLength(MAX_WORKERS_PER_BATCH)) });

export const WorkersRequestDoc = z.withMeta(z.strictObject({ workers: z.array(WorkerItem).check(z.minLength(1), z.maxLength(MAX_WORKERS_PER_BATCH)) }), {
  id: 'WorkersBatch',
});

const FieldError = z.object({ path: z.string(), message: z.string() });

export const WorkersResponse = z.withMeta(
  z.object({
    results: z.array(
      z.object({
        index: z.number().check(z.int()),
        platformWorkerId: z.optional(z.string()),
        status: z.enum(['accepted', 'rejected']),
        workerId: z.optional(z.string()),
        errors: z.optional(z.array(FieldError)),
      }),
    ),
  }),
  { id: 'WorkersBatchResult' },
);
