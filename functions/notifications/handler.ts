/** Route group `notifications`: GET /v1/workers/{workerId}/notifications — the worker's inbox (D21), newest first. */
import { requireRole } from '../_shared/auth.ts';
import { httpHandler } from '../_shared/http.ts';
import { notFound } from '../_shared/problem.ts';
import { eventsRepository } from '../_shared/repositories/events.ts';

export const handler = httpHandler({
  'GET /v1/workers/{workerId}/notifications': async (ctx) => {
    const principal = ctx.principal();
    requireRole(principal, ['worker']);
    const workerId = ctx.path('workerId');
    if (principal.workerId !== workerId) throw notFound();
    const items = await eventsRepository.inbox(workerId);
    return {
      status: 200,
      body: { items: items.map(({ notificationId, at, kind, text, caseId }) => ({ notificationId, at, kind, text, ...(caseId ? { caseId } : {}) })) },
    };
  },
});
