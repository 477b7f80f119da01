/** Route group `enrolment`: a worker's enrolment days and coverage at a moment (D3, D4). */
import { daysBetween } from '../../core/index.ts';
import { httpHandler } from '../_shared/http.ts';
import type { Principal } from '../_shared/auth.ts';
import { badRequest, fieldErrors, notFound } from '../_shared/problem.ts';
import { CoverageQuery, EnrolmentDaysQuery, MAX_RANGE_DAYS } from './schemas.ts';
import { coverage, enrolmentDays } from './use-cases.ts';

const parseQuery = <T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: unknown[] } } }, query: unknown): T => {
  const parsed = schema.safeParse(query);
  if (!parsed.success) throw badRequest(fieldErrors(parsed.error.issues as never));
  return parsed.data;
};

/** Visibility that needs no read comes before validation (contract: 404 wins over 400). */
const workerInView = (principal: Principal, workerId: string): string => {
  if (principal.role === 'worker' && principal.workerId !== workerId) throw notFound();
  return workerId;
};

export const handler = httpHandler({
  'GET /v1/workers/{workerId}/enrolment-days': async (ctx) => {
    const principal = ctx.principal();
    const workerId = workerInView(principal, ctx.path('workerId'));
    const { from, to } = parseQuery(EnrolmentDaysQuery, ctx.query);
    const span = daysBetween(from, to);
    if (span < 0 || span >= MAX_RANGE_DAYS) {
      throw badRequest([{ path: 'to', message: `须不早于 from，且整个区间不超过 ${MAX_RANGE_DAYS} 天。` }]);
    }
    return { status: 200, body: { days: await enrolmentDays(principal, workerId, from, to) } };
  },
  'GET /v1/workers/{workerId}/coverage': async (ctx) => {
    const principal = ctx.principal();
    const workerId = workerInView(principal, ctx.path('workerId'));
    if (principal.role === 'platform' && ctx.query.platformId !== principal.platformId) throw notFound();
    const query = parseQuery(CoverageQuery, ctx.query);
    return { status: 200, body: await coverage(principal, { workerId, ...query }) };
  },
});
