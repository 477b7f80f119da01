import { ClientId, Industry, Instant, ProvinceCode } from '../_shared/schemas.ts';
import * as z from '../_shared/zod.ts';

const MAX_ORDERS_PER_BATCH = 1000;

export const OrderItem = z.withMeta(
  z.strictObject({
    orderId: ClientId,
    platformWorkerId: ClientId,
    industry: Industry,
    province: ProvinceCode,
    acceptedAt: Instant,
    finishedAt: z.optional(Instant),
  }),
  { id: 'Order' },
);

/** The envelope: items are validated one by one so that a bad item is rejected alone. */
export const OrdersEnvelope = z.strictObject({ orders: z.array(z.unknown()).check(z.minLength(1), z.maxLength(MAX_ORDERS_PER_BATCH)) });

export const OrdersRequestDoc = z.withMeta(z.strictObject({ orders: z.array(OrderItem).check(z.minLength(1), z.maxLength(MAX_ORDERS_PER_BATCH)) }), {
  id: 'OrdersBatch',
});

export const OrdersResponse = z.withMeta(
  z.object({
    accepted: z.number().check(z.int()),
    duplicates: z.number().check(z.int()),
    updated: z.number().check(z.int()),
    rejected: z.number().check(z.int()),
    results: z.array(
      z.object({
        index: z.number().check(z.int()),
        orderId: z.optional(z.string()),
        status: z.enum(['accepted', 'duplicate', 'updated', 'rejected']),
        errors: z.optional(
          z.array(
            z.object({
              path: z.string(),
              code: z.optional(z.withMeta(z.enum(['MONTH_CLOSED']), { description: 'Set for a new order of a CLOSED month (D19).' })),
              message: z.string(),
            }),
          ),
        ),
      }),
    ),
  }),
  { id: 'OrdersBatchResult' },
);
