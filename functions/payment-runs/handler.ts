/**
 * Route group `paymentRuns`: POST /v1/payment-runs starts the payment-run state machine for a month
 * (the current or the next one, else 422); GET /v1/payment-runs/{runId} reads its counters.
 * Re-running a month pays nothing twice: each case-month payment is created once (docs/cases.md). The start
 * itself is the use case `startPaymentRun` (use-cases.ts), shared with the monthly schedule (scheduled.ts).
 */
import { requireRole } from '../_shared/auth.ts';
import { httpHandler } from '../_shared/http.ts';
import { notFound } from '../_shared/problem.ts';
import { paymentRunsRepository } from '../_shared/repositories/payment-runs.ts';
import { ClientId } from '../_shared/schemas.ts';
import { StartRunRequest } from './schemas.ts';
import { startPaymentRun } from './use-cases.ts';

export const handler = httpHandler({
  'POST /v1/payment-runs': async (ctx) => {
    const p = ctx.principal();
    requireRole(p, ['admin']);
    const { month } = ctx.body(StartRunRequest);
    const { run } = await startPaymentRun({ month, startedBy: p.sub });
    return { status: 202, body: { runId: run.runId } };
  },
  'GET /v1/payment-runs/{runId}': async (ctx) => {
    const p = ctx.principal();
    requireRole(p, ['admin']);
    const runId = ctx.path('runId');
    // An id that cannot be a run id (1–64 characters of the id alphabet) is unknown, without a read whose key
    // could exceed DynamoDB's size limit (a ValidationException, a 500).
    if (!ClientId.safeParse(runId).success) throw notFound();
    const run = await paymentRunsRepository.get(runId);
    if (!run) throw notFound();
    return {
      status: 200,
      body: {
        runId: run.runId,
        month: run.month,
        status: run.status,
        payments: run.payments,
        totalFen: run.totalFen,
        startedAt: run.startedAt,
        ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}),
      },
    };
  },
});
