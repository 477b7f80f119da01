/** Order intake rules (D2, D3, contract: orders). */
import type { FieldError } from './parameters.ts';
import { ruleTableOn } from './rule-tables.ts';
import { parseInstant, shanghaiDate } from './time.ts';

export interface OrderRecord {
  orderId: string;
  platformWorkerId: string;
  industry: string;
  province: string;
  acceptedAt: string;
  finishedAt?: string;
}

/**
 * Checks an order's times (contract): `acceptedAt` and `finishedAt` are RFC 3339 with an offset,
 * `finishedAt` is not before `acceptedAt`, and `acceptedAt` is at most the rule table's tolerance
 * (5 minutes) after `now`.
 */
export function checkOrderTimes(order: { acceptedAt: string; finishedAt?: string }, now: Date): FieldError[] {
  const accepted = parseInstant(order.acceptedAt);
  if (accepted === undefined) return [{ path: 'acceptedAt', message: 'must be an RFC 3339 time with an offset' }];
  const errors: FieldError[] = [];
  const tolerance = ruleTableOn(shanghaiDate(accepted)).orders.futureToleranceMinutes;
  if (accepted.getTime() > now.getTime() + tolerance * 60_000)
    errors.push({ path: 'acceptedAt', message: `must not be more than ${tolerance} minutes in the future` });
  if (order.finishedAt !== undefined) {
    const finished = parseInstant(order.finishedAt);
    if (finished === undefined) errors.push({ path: 'finishedAt', message: 'must be an RFC 3339 time with an offset' });
    else if (finished.getTime() < accepted.getTime()) errors.push({ path: 'finishedAt', message: 'must not be before acceptedAt' });
  }
  return errors;
}

/** Whether a platform is enrolled in `province` on `date` (D2): it joined that province on or before the date. */
export function isPlatformEnrolled(provinces: readonly { code: string; joinedOn: string }[], province: string, date: string): boolean {
  return provinces.some((p) => p.code === province && p.joinedOn <= date);
}

export type ResentOrderOutcome = 'duplicate' | 'updated' | 'conflict';

const sameInstant = (a: string, b: string) => parseInstant(a)?.getTime() === parseInstant(b)?.getTime();

/**
 * The fields in which a re-sent order differs from the one received with the same `orderId` (D3). Times
 * are compared as instants, so the same moment written with another offset is the same; a `finishedAt`
 * present on one side only is not a difference (it is an update, or an older copy of the order).
 */
export function resentOrderDifferences(existing: OrderRecord, incoming: OrderRecord): (keyof OrderRecord)[] {
  const diff: (keyof OrderRecord)[] = [];
  if (existing.platformWorkerId !== incoming.platformWorkerId) diff.push('platformWorkerId');
  if (existing.industry !== incoming.industry) diff.push('industry');
  if (existing.province !== incoming.province) diff.push('province');
  if (!sameInstant(existing.acceptedAt, incoming.acceptedAt)) diff.push('acceptedAt');
  if (existing.finishedAt !== undefined && incoming.finishedAt !== undefined && !sameInstant(existing.finishedAt, incoming.finishedAt)) {
    diff.push('finishedAt');
  }
  return diff;
}

/**
 * Classifies an order re-sent with an `orderId` the platform already used (D3): identical → duplicate;
 * the same with a `finishedAt` it lacked → updated; any other difference → conflict (rejected).
 */
export function classifyResentOrder(existing: OrderRecord, incoming: OrderRecord): ResentOrderOutcome {
  if (resentOrderDifferences(existing, incoming).length > 0) return 'conflict';
  return existing.finishedAt === undefined && incoming.finishedAt !== undefined ? 'updated' : 'duplicate';
}
