/**
 * Route group `paymentBatches` (D15; contract v2 "Payment chain"): bank batches of a province's instructed
 * payments, their bank files, the bank's results and the monthly fund report. Finance creates batches,
 * downloads files and records results; reviewers and admins read batches; admins read fund reports. Every
 * route checks the role (403), then the province (404: another province's batch does not exist for the
 * caller), then the request (400).
 */
import { requireRole } from '../_shared/auth.ts';
import { httpHandler } from '../_shared/http.ts';
import { badRequest, fieldErrors, notFound } from '../_shared/problem.ts';
import { BankFileQuery, BankResultsRequest, CreateBatchRequest, FundReportPath, FundReportQuery } from './schemas.ts';
import { bankFile, batchSummary, createBatch, fundReportOf, readBatch, recordResults, visibleBatch } from './use-cases.ts';

export const handler = httpHandler({
  'POST /v1/payment-batches': async (ctx) => {
    const p = ctx.principal();
    requireRole(p, ['finance']);
    const { province } = ctx.body(CreateBatchRequest);
    const { batch, held } = await createBatch(p, province, new Date());
    return {
      status: 201,
      body: { ...batchSummary(batch), ...(held.length > 0 ? { held } : {}) },
    };
  },
  'GET /v1/payment-batches/{batchId}': async (ctx) => {
    const p = ctx.principal();
    requireRole(p, ['finance', 'reviewer', 'admin']);
    return { status: 200, body: await readBatch(p, ctx.path('batchId')) };
  },
  'GET /v1/payment-batches/{batchId}/file': async (ctx) => {
    const p = ctx.principal();
    requireRole(p, ['finance']);
    const batch = await visibleBatch(p, ctx.path('batchId'));
    const query = BankFileQuery.safeParse(ctx.query);
    if (!query.success) throw badRequest(fieldErrors(query.error.issues as never));
    const file = await bankFile(p, batch, query.data.format ?? 'csv', new Date());
    return {
      status: 200,
      text: file.text,
      headers: {
        'content-type': file.contentType,
        'content-disposition': `attachment; filename="${file.fileName}"`,
        'cache-control': 'no-store',
      },
    };
  },
  'POST /v1/payment-batches/{batchId}/results': async (ctx) => {
    const p = ctx.principal();
    requireRole(p, ['finance']);
    const batch = await visibleBatch(p, ctx.path('batchId'));
    const { results } = ctx.body(BankResultsRequest);
    return { status: 200, body: await recordResults(batch, results, new Date()) };
  },
  'GET /v1/fund-reports/{month}': async (ctx) => {
    const p = ctx.principal();
    requireRole(p, ['finance', 'admin']);
    const path = FundReportPath.safeParse({ month: ctx.path('month') });
    const query = FundReportQuery.safeParse(ctx.query);
    if (query.success && !p.provinces.includes(query.data.province)) throw notFound();
    const issues = [...(path.success ? [] : fieldErrors(path.error.issues as never)), ...(query.success ? [] : fieldErrors(query.error.issues as never))];
    if (!path.success || !query.success) throw badRequest(issues);
    return { status: 200, body: await fundReportOf(query.data.province, path.data.month) };
  },
});
