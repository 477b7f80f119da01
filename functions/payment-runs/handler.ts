/**
 * Route group `paymentRuns`: POST /v1/payment-runs starts the payment-run state machine for a month
 * (the current or the next one, else 422); GET /v1/payment-runs/{runId} reads its counters.
 * Re-running a month pays nothing twice: each case-month payment is created once (docs/cases.md).
 */
import { randomBytes } from 'node:crypto';
import { addMonthsToMonth, monthOfDate, shanghaiDate } from '../../core/index.ts';
import { requireRole } from '../_shared/auth.ts';
import { config } from '../_shared/config.ts';
import { httpHandler } from '../_shared/http.ts';
import { logger } from '../_shared/observability.ts';
import { notFound, unprocessable } from '../_shared/problem.ts';
import { casesRepository } from '../_shared/repositories/cases.ts';
import { workflowPort } from '../_shared/repositories/workflow.ts';
import { StartRunRequest } from './schemas.ts';

export const handler = httpHandler({
  'POST /v1/payment-runs': async (ctx) => {
    const p = ctx.principal();
    requireRole(p, ['admin']);
    const { month } = ctx.body(StartRunRequest);
    const now = new Date();
    const current = monthOfDate(shanghaiDate(now));
    if (month !== current && month !== addMonthsToMonth(current, 1)) {
      throw unprocessable(`A payment run is for the current month (${current}) or the next one.`, [{ path: 'month', message: `Must be ${current} or ${addMonthsToMonth(current, 1)}.` }]);
    }
    const runId = `run-${month}-${randomBytes(6).toString('hex')}`;
    await casesRepository.createRun({ runId, month, status: 'RUNNING', payments: 0, totalFen: 0, startedAt: now.toISOString(), startedBy: p.sub });
    try {
      await workflowPort.start(config.stateMachines.paymentRun, runId, { runId, month, nextToken: null });
    } catch (error) {
      await casesRepository.finishRun(runId, 'FAILED', new Date().toISOString(), (error as Error).name);
      throw error;
    }
    logger.info('Payment run started', { runId, month });
    return { status: 202, body: { runId } };
  },
  'GET /v1/payment-runs/{runId}': async (ctx) => {
    const p = ctx.principal();
    requireRole(p, ['admin']);
    const run = await casesRepository.getRun(ctx.path('runId'));
    if (!run) throw notFound();
    return { status: 200, body: { runId: run.runId, month: run.month, status: run.status, payments: run.payments, totalFen: run.totalFen, startedAt: run.startedAt, ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}) } };
  },
});
