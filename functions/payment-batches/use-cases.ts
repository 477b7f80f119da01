/**
 * Bank batches (D15; contract v2 "Payment chain"): the use cases behind the payment-batch routes. The
 * payment chain's rules are the core's (core/payment-chain.ts `batchCase`, `applyBankResult`;
 * core/bank-settlement.ts; core/bank-files.ts; core/fund-report.ts); this file loads, stores, retries.
 *
 * - A batch takes every INSTRUCTED payment of its province, case by case: each case's changes and the
 *   batch's counters are one conditional transaction (repositories/payment-batches.ts), so a payment is
 *   sent once and counted once whatever races it. A batch left ASSEMBLING (a crash, a timeout) is resumed
 *   by the next POST for the province: nothing accepted is lost. Concurrent POSTs join the same batch.
 * - A bank result is written per payment (conditional on its status); then a case whose one-off payments
 *   are all PAID moves from APPROVED to PAID (conditional on its version). A re-sent result is a
 *   `duplicate` and settles the case again, so a crash between the two converges on re-send.
 */
import {
  applyBankResult,
  type BankBatch,
  type BankResult,
  bankAmountFen,
  bankFileCsv,
  bankFilePain001,
  batchCase,
  type CaseRecord,
  checkBankBatch,
  type PaymentRecord,
  shanghaiMonth,
  sumFen,
  withChanges,
} from '../../core/index.ts';
import { bankHold, caseSettledByBank, type BankHold } from '../../core/bank-settlement.ts';
import { fundReport } from '../../core/fund-report.ts';
import type { Principal } from '../_shared/auth.ts';
import { config } from '../_shared/config.ts';
import { backoff, mapLimit } from '../_shared/db.ts';
import { businessMetrics } from '../_shared/metrics.ts';
import { logger } from '../_shared/observability.ts';
import { pii } from '../_shared/pii.ts';
import { piiFields } from '../_shared/pii-fields.ts';
import { notFound, problem, type ProblemFieldError } from '../_shared/problem.ts';
import { CaseVersionConflict, casesRepository } from '../_shared/repositories/cases.ts';
import { type BankFileFormat, type PaymentBatch, paymentBatchesRepository as batches } from '../_shared/repositories/payment-batches.ts';

/**
 * Cases batched in parallel per request: each transaction also ADDs to the one batch item, and concurrent
 * transactions on one item cancel each other (TransactionConflict, retried), so this stays small.
 */
const BATCH_CONCURRENCY = 4;
/** Cases whose results are applied in parallel per request (they share no item). */
const RESULTS_CONCURRENCY = 16;
/** Attempts on one case when its payments or its version changed between the read and the write. */
const CASE_ATTEMPTS = 5;
/** Rounds of a POST that found its batch closed or emptied by another request meanwhile. */
const BATCH_ROUNDS = 3;
const retryPause = (attempt: number) => backoff(attempt, { baseMs: 20, capMs: 400 });

/** Batch ids are `B` + 16 hex digits: anything else is unknown without a read. */
const BATCH_ID = /^B[0-9a-f]{16}$/;

/** The batch, if `p` works for its province (404 otherwise, whether it exists or not). */
export async function visibleBatch(p: Principal, batchId: string): Promise<PaymentBatch> {
  const batch = BATCH_ID.test(batchId) ? await batches.get(batchId) : undefined;
  if (!batch || !p.provinces.includes(batch.province)) throw notFound();
  return batch;
}

const notReady = (batch: PaymentBatch) =>
  problem('BATCH_NOT_READY', {
    detail: `批次 ${batch.batchId} 仍在组批中（ASSEMBLING）：请再次提交该省的组批请求（POST /v1/payment-batches）完成组批后重试。`,
    detailEn: `Batch ${batch.batchId} is still ASSEMBLING: POST /v1/payment-batches for its province again to finish it, then retry.`,
  });

// ── Settling a case ────────────────────────────────────────────────────────────────────────────────

/**
 * Moves the case from APPROVED to PAID if its payments say so (core `caseSettledByBank`), from `known`
 * (the case as the caller just read and wrote it) first, re-reading on a lost race.
 */
async function settleCase(caseId: string, now: Date, known?: { record: CaseRecord; payments: readonly PaymentRecord[] }): Promise<void> {
  for (let attempt = 0; attempt < CASE_ATTEMPTS; attempt++) {
    const state = attempt === 0 && known ? known : await casesRepository.bundle(caseId);
    const settled = state && caseSettledByBank(state.record, state.payments, now);
    if (!state || !settled) return;
    try {
      await casesRepository.transition(settled.record, state.record.version, settled.event);
      logger.info('Case settled by the bank', { caseId, version: settled.record.version });
      return;
    } catch (error) {
      if (!(error instanceof CaseVersionConflict)) throw error;
      await retryPause(attempt);
    }
  }
  throw problem('BATCH_RESULTS_CONFLICT', {
    detail: `案件 ${caseId} 在此期间被反复修改，未能记为已支付：请重新提交同样的结果（将记为重复并完成结案）。`,
    detailEn: `Case ${caseId} kept changing and could not be marked PAID: send the same results again (they count as duplicates and settle it).`,
  });
}

// ── Creating a batch ───────────────────────────────────────────────────────────────────────────────

interface HeldPayment {
  readonly paymentId: string;
  readonly caseId: string;
  readonly reason: BankHold;
}

export interface CreatedBatch {
  readonly batch: PaymentBatch;
  readonly held: readonly HeldPayment[];
}

type CaseOutcome = { readonly held: HeldPayment[]; readonly settles: boolean } | 'closed';

/** One case into the batch: its sendable INSTRUCTED payments (recoveries offset), retried when they change meanwhile. */
async function batchOneCase(batch: PaymentBatch, caseId: string): Promise<CaseOutcome> {
  for (let attempt = 0; attempt < CASE_ATTEMPTS; attempt++) {
    const bundle = await casesRepository.bundle(caseId);
    if (!bundle) return { held: [], settles: false };
    const mine = bundle.payments.filter((p) => p.province === batch.province);
    const held: HeldPayment[] = [];
    for (const p of mine) {
      const reason = p.status === 'INSTRUCTED' && p.amountFen > 0 ? bankHold(p) : undefined;
      if (reason) held.push({ paymentId: p.paymentId, caseId, reason });
    }
    const sendable = mine.filter((p) => !held.some((h) => h.paymentId === p.paymentId));
    const { changes, lines } = batchCase(sendable, batch.batchId, batch.createdAt);
    if (changes.length === 0) return { held, settles: false };
    const bank = { lines: lines.length, totalFen: sumFen(lines.map((l) => l.bankAmountFen)) };
    const outcome = await batches.addCase(batch.batchId, changes, bank, batch.createdAt);
    if (outcome === 'closed') return 'closed';
    // A one-off settled by offsets alone (PAID without the bank) may settle the case.
    if (outcome === 'added') return { held, settles: changes.some((c) => c.next.status === 'PAID' && c.next.amountFen > 0) };
    await retryPause(attempt);
  }
  // The batch stays ASSEMBLING with what it has: the next POST resumes it.
  throw new Error(`case ${caseId}: its payments kept changing while it was being batched`);
}

/** Every case with a positive INSTRUCTED payment of the province, in the order they were instructed. */
async function casesToBatch(province: string): Promise<string[]> {
  const entries = await batches.instructed(province);
  return [...new Set(entries.filter((e) => e.amountFen > 0).map((e) => e.caseId))];
}

/**
 * The batch to fill: the province's batch being assembled (`assembling`), or a new one. Undefined: another
 * request created one first (join it in the next round).
 */
async function openBatch(
  p: Principal,
  province: string,
  assembling: string | undefined,
  now: Date,
): Promise<{ batch: PaymentBatch; created: boolean } | undefined> {
  if (assembling) {
    const batch = await batches.get(assembling);
    return batch && { batch, created: false };
  }
  const debtor = config.payingAccounts[province];
  if (!debtor)
    throw problem('PAYING_ACCOUNT_MISSING', {
      detail: `未配置省份 ${province} 的付款账户：请运维人员在部署配置（payingAccounts）中补充后重试。`,
      detailEn: `No paying account is configured for province ${province} (stage configuration payingAccounts).`,
    });
  const createdAt = now.toISOString();
  const batch: PaymentBatch = {
    batchId: batches.newBatchId(),
    province,
    status: 'ASSEMBLING',
    payments: 0,
    totalFen: 0,
    cases: 0,
    createdAt,
    createdBy: p.sub,
    debtor,
  };
  return (await batches.create(batch, shanghaiMonth(createdAt))) ? { batch, created: true } : undefined;
}

const nothingInstructed = (province: string, held: readonly HeldPayment[]) =>
  problem('NO_INSTRUCTED_PAYMENTS', {
    detail:
      held.length === 0
        ? `省份 ${province} 没有待发送银行的支付指令。`
        : `省份 ${province} 没有可发送银行的支付指令：${held.length} 笔支付没有收款人，暂不能发送。`,
    detailEn:
      held.length === 0
        ? `Province ${province} has no instructed payment to send.`
        : `Province ${province} has no payment a bank file can carry: ${held.length} are held without a payee.`,
  });

/**
 * POST /v1/payment-batches: every INSTRUCTED payment of the province the bank can pay goes into one batch
 * (SENT), recoveries offset. Resumes the province's batch left ASSEMBLING; joins one another request is
 * assembling. 422 when there is nothing to send.
 */
export async function createBatch(p: Principal, province: string, now: Date): Promise<CreatedBatch> {
  if (!p.provinces.includes(province)) throw notFound();
  for (let round = 0; round < BATCH_ROUNDS; round++) {
    // Nothing instructed and no batch to resume: 422 before anything is written.
    const assembling = await batches.assembling(province);
    const caseIds = await casesToBatch(province);
    if (!assembling && caseIds.length === 0) throw nothingInstructed(province, []);
    const opened = await openBatch(p, province, assembling, now);
    if (!opened) continue;
    const { batch, created } = opened;
    const held: HeldPayment[] = [];
    const toSettle: string[] = [];
    let closed = false;
    await mapLimit(caseIds, BATCH_CONCURRENCY, async (caseId) => {
      if (closed) return;
      const outcome = await batchOneCase(batch, caseId);
      if (outcome === 'closed') {
        closed = true;
        return;
      }
      held.push(...outcome.held);
      if (outcome.settles) toSettle.push(caseId);
    });
    if (closed) continue;
    const filled = (await batches.get(batch.batchId)) ?? batch;
    if (filled.status === 'ASSEMBLING' && filled.cases === 0) {
      if (await batches.discard(filled, shanghaiMonth(filled.createdAt))) throw nothingInstructed(province, held);
      continue;
    }
    const finishedHere = await batches.finish(filled, new Date().toISOString());
    for (const caseId of toSettle) await settleCase(caseId, now);
    const ready = (await batches.get(batch.batchId)) ?? filled;
    // Counted by the request that made it READY: one that joined a batch another request finished counts nothing.
    if (finishedHere) businessMetrics.paymentBatchSent(ready);
    logger.info(created ? 'Payment batch created' : 'Payment batch resumed', {
      batchId: ready.batchId,
      province,
      payments: ready.payments,
      totalFen: ready.totalFen,
      held: held.length,
    });
    return { batch: ready, held };
  }
  // Other requests kept closing or emptying the batch under this one: nothing was lost, the caller retries.
  throw problem('BATCH_RESULTS_CONFLICT', {
    detail: `省份 ${province} 的组批在此期间被其他请求反复修改：请稍后重试。`,
    detailEn: `Other requests kept changing the batch of province ${province}: retry later.`,
  });
}

// ── Reading a batch and its file ───────────────────────────────────────────────────────────────────

const itemView = (p: PaymentRecord) => ({
  paymentId: p.paymentId,
  caseId: p.caseId,
  amountFen: p.amountFen,
  bankAmountFen: bankAmountFen(p),
  status: p.status,
  ...(p.returnReason ? { returnReason: p.returnReason } : {}),
});

/** What every answer about a batch says of it (schemas.ts `BatchSummary`). */
export const batchSummary = (batch: Pick<PaymentBatch, 'batchId' | 'province' | 'status' | 'payments' | 'totalFen' | 'createdAt'>) => ({
  batchId: batch.batchId,
  province: batch.province,
  status: batch.status,
  payments: batch.payments,
  totalFen: batch.totalFen,
  createdAt: batch.createdAt,
});

/** GET /v1/payment-batches/{batchId}: the batch, its payments (by paymentId) and its downloads. */
export async function readBatch(p: Principal, batchId: string) {
  const batch = await visibleBatch(p, batchId);
  const [payments, downloads] = await Promise.all([batches.payments(batchId), batches.downloads(batchId)]);
  return {
    ...batchSummary(batch),
    createdBy: batch.createdBy,
    debtor: batch.debtor,
    items: payments.sort((a, b) => (a.paymentId < b.paymentId ? -1 : 1)).map(itemView),
    downloads,
  };
}

export interface BankFile {
  readonly fileName: string;
  readonly contentType: string;
  readonly text: string;
}

/**
 * GET /v1/payment-batches/{batchId}/file: the bank file of a READY batch, payees' names and accounts
 * decrypted in full from each payment's copy of its payee, checked against the batch's count and total
 * before it is handed out; every download is recorded first (no file without its audit item).
 */
export async function bankFile(p: Principal, batch: PaymentBatch, format: BankFileFormat, now: Date): Promise<BankFile> {
  const { batchId } = batch;
  if (batch.status !== 'READY') throw notReady(batch);
  if (batch.payments === 0)
    throw problem('BATCH_EMPTY', {
      detail: `批次 ${batchId} 的支付已全部由追回款抵扣结清，没有需要银行支付的明细，因此没有银行文件。`,
      detailEn: `Every payment of batch ${batchId} was settled by offsetting recoveries: nothing for the bank to pay, so no bank file.`,
    });
  const sent = (await batches.payments(batchId)).filter((x) => bankAmountFen(x) > 0).sort((a, b) => (a.paymentId < b.paymentId ? -1 : 1));
  if (sent.length !== batch.payments) {
    // The batch's payments are read from an index that follows the table within a second or so.
    logger.warn('Bank file: the batch index is behind the batch', { batchId, indexed: sent.length, payments: batch.payments });
    throw Object.assign(
      problem('SERVICE_UNAVAILABLE', {
        detail: `批次 ${batchId} 的支付明细尚未全部就绪：请稍后重试。`,
        detailEn: `The payments of batch ${batchId} are not all indexed yet: retry shortly.`,
      }),
      { headers: { 'retry-after': '1' } },
    );
  }
  const protector = pii();
  const file: BankBatch = {
    batchId: batch.batchId,
    province: batch.province,
    createdAt: batch.createdAt,
    debtor: batch.debtor,
    count: batch.payments,
    totalFen: batch.totalFen,
    lines: sent.map((x) => {
      // Batched payments have a payee copy (bankHold): anything else is a broken invariant.
      if (!x.payee) throw new Error(`payment ${x.paymentId} of batch ${batchId} has no payee`);
      return {
        paymentId: x.paymentId,
        caseId: x.caseId,
        // Each copy is bound to its case (field encryption v2): a payee moved from another case is refused.
        payeeName: protector.decrypt(x.payee.nameEnc, piiFields.payee(x.caseId).name),
        bankAccount: protector.decrypt(x.payee.bankAccountEnc, piiFields.payee(x.caseId).bankAccount),
        ...(x.payee.bankName ? { bankName: x.payee.bankName } : {}),
        ...(x.payee.bankCode ? { bankCode: x.payee.bankCode } : {}),
        amountFen: bankAmountFen(x),
      };
    }),
  };
  checkBankBatch(file); // a RangeError (500) rather than a file whose totals are not the batch's
  const text = format === 'csv' ? bankFileCsv(file) : bankFilePain001(file);
  await batches.recordDownload(batchId, { by: p.sub, at: now.toISOString(), format });
  logger.info('Bank file downloaded', { batchId, province: batch.province, format, payments: batch.payments, totalFen: batch.totalFen, by: p.sub });
  return format === 'csv'
    ? { fileName: `${batchId}.csv`, contentType: 'text/csv; charset=utf-8', text }
    : { fileName: `${batchId}.xml`, contentType: 'application/xml; charset=utf-8', text };
}

// ── Bank results ───────────────────────────────────────────────────────────────────────────────────

type ResultStatus = 'accepted' | 'duplicate' | 'rejected';

interface ResultOutcome {
  readonly index: number;
  readonly paymentId: string;
  readonly status: ResultStatus;
  readonly errors?: ProblemFieldError[];
}

export interface ResultsSummary {
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  readonly results: ResultOutcome[];
}

/** The case of a payment id (`{caseId}-P0001`), or undefined for an id no payment has. */
const caseOfPayment = (paymentId: string): string | undefined => {
  const i = paymentId.lastIndexOf('-P');
  return i > 0 ? paymentId.slice(0, i) : undefined;
};

const REJECTIONS = {
  NOT_IN_BATCH: (batchId: string) => ({ field: 'paymentId', message: `该支付不在批次 ${batchId} 中。` }),
  ALREADY_SETTLED: () => ({ field: 'status', message: '该支付已有不同的银行结果，不能更改。' }),
  NOT_SENT: () => ({ field: 'status', message: '该支付当前不是已发送（SENT）状态，不能记录银行结果。' }),
} as const;

/** One bank result, retried while the case's payments change under it. */
async function applyOne(batchId: string, index: number, result: BankResult, now: Date): Promise<ResultOutcome> {
  const at = now.toISOString();
  const rejected = (reason: keyof typeof REJECTIONS): ResultOutcome => {
    const { field, message } = REJECTIONS[reason](batchId);
    return { index, paymentId: result.paymentId, status: 'rejected', errors: [{ path: `results.${index}.${field}`, message }] };
  };
  const caseId = caseOfPayment(result.paymentId);
  if (!caseId) return rejected('NOT_IN_BATCH');
  for (let attempt = 0; attempt < CASE_ATTEMPTS; attempt++) {
    const bundle = await casesRepository.bundle(caseId);
    if (!bundle) return rejected('NOT_IN_BATCH');
    const outcome = applyBankResult(bundle.payments, batchId, result, at);
    if (outcome.kind === 'rejected') return rejected(outcome.reason);
    const after = outcome.kind === 'applied' ? withChanges(bundle.payments, outcome.changes) : bundle.payments;
    if (outcome.kind === 'applied' && !(await batches.writePaymentChanges(outcome.changes, at))) {
      await retryPause(attempt);
      continue;
    }
    // A duplicate settles too: a crash between an earlier result and its case's settlement converges on re-send.
    if (caseSettledByBank(bundle.record, after, now)) await settleCase(caseId, now, { record: bundle.record, payments: after });
    return { index, paymentId: result.paymentId, status: outcome.kind === 'applied' ? 'accepted' : 'duplicate' };
  }
  throw problem('BATCH_RESULTS_CONFLICT', {
    detail: `支付 ${result.paymentId} 在此期间被反复修改：请重新读取批次后重试（已记录的结果将记为重复）。`,
    detailEn: `Payment ${result.paymentId} kept changing: read the batch again and retry (results already recorded count as duplicates).`,
  });
}

/**
 * POST /v1/payment-batches/{batchId}/results: each result applied on its own (per-item outcome, as for the
 * batches of orders); the results of one case in order, cases in parallel.
 */
export async function recordResults(batch: PaymentBatch, results: readonly BankResult[], now: Date): Promise<ResultsSummary> {
  const { batchId } = batch;
  if (batch.status !== 'READY') throw notReady(batch);
  const byCase = new Map<string, { index: number; result: BankResult }[]>();
  results.forEach((result, index) => {
    const key = caseOfPayment(result.paymentId) ?? `?${index}`;
    byCase.set(key, [...(byCase.get(key) ?? []), { index, result }]);
  });
  const outcomes: ResultOutcome[] = new Array(results.length);
  await mapLimit([...byCase.values()], RESULTS_CONCURRENCY, async (group) => {
    for (const { index, result } of group) outcomes[index] = await applyOne(batchId, index, result, now);
  });
  const count = (s: ResultStatus) => outcomes.filter((o) => o.status === s).length;
  const summary = { accepted: count('accepted'), duplicates: count('duplicate'), rejected: count('rejected'), results: outcomes };
  logger.info('Bank results recorded', {
    batchId,
    received: results.length,
    accepted: summary.accepted,
    duplicates: summary.duplicates,
    rejected: summary.rejected,
  });
  return summary;
}

// ── Fund report ────────────────────────────────────────────────────────────────────────────────────

/** GET /v1/fund-reports/{month}?province=: the month's fund movements per benefit item, reconciled with its batches. */
export async function fundReportOf(province: string, month: string) {
  const [movements, created] = await Promise.all([batches.fundMovements(province, month), batches.createdIn(province, month)]);
  const report = fundReport(
    movements,
    created.map((b) => ({ batchId: b.batchId, totalFen: b.totalFen, payments: b.payments })),
  );
  return {
    province,
    month,
    items: report.items,
    totals: report.totals,
    offsetFen: report.offsetFen,
    batches: created.map((b) => ({ batchId: b.batchId, status: b.status, totalFen: b.totalFen, payments: b.payments, createdAt: b.createdAt })),
    batchTotalFen: report.batchTotalFen,
    reconciled: report.reconciled,
    bank: report.bank,
  };
}
