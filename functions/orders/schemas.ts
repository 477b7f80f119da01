import { z } from 'zod';
import { ClientId, Industry, Instant, ProvinceCode } from '../_shared/schemas.ts';

export const MAX_ORDERS_PER_BATCH = 1000;

export const OrderItem = z
  .strictObject({
    orderId: ClientId,
    platformWorkerId: ClientId,
    industry: Industry,
    province: ProvinceCode,
    acceptedAt: Instant,
    finishedAt: Instant.optional(),
  })
  .meta({ id: 'Order' });

/** The envelope: items are validated one by one so that a bad item is rejected alone. */
export const OrdersEnvelope = z.strictObject({ orders: z.array(z.unknown()).min(1).max(MAX_ORDERS_PER_BATCH) });

export const OrdersRequestDoc = z.strictObject({ orders: z.array(OrderItem).min(1).max(MAX_ORDERS_PER_BATCH) }).meta({ id: 'OrdersBatch' });

export const OrdersResponse = z
  .object({
    accepted: z.number().int(),
    duplicates: z.number().int(),
    updated: z.number().int(),
    rejected: z.number().int(),
    results: z.array(
      z.object({
        index: z.number().int(),
        orderId: z.string().optional(),
        status: z.enum(['accepted', 'duplicate', 'updated', 'rejected']),
        errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      }),
    ),
  })
  .meta({ id: 'OrdersBatchResult' });
