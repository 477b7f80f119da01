/**
 * Recoveries in bank batches (D15; contract v2 "Payment chain"), through the API: a re-assessment that
 * lowers what a case is owed instructs a recovery (a negative payment), which never goes to the bank: the
 * next batch offsets it against the case's positive payments, so the bank pays the amount less the
 * recovery; a returned payment gives its offsets back; a positive payment fully offset is settled without
 * the bank (a batch with no line has no file). The fund report reconciles sent − offsets with the batches.
 *
 * One stack, one province, tests in order (each batch takes whatever the province has instructed).
 */
import { describe, expect, it } from 'vitest';
import { addMonthsToMonth, monthOfDate, shanghaiDate } from '../../core/index.ts';
import { useCaseStack } from './cases-stack.ts';
import {
  approve,
  handInDocuments,
  openCaseBody,
  orderAround,
  PROVINCE,
  registerWorker,
  report,
  waitForCase,
  waitForRun,
  waitForStatus,
  W_FEN,
} from './cases-fixtures.ts';
import { csvRows, financeToken, PAYEE } from './payment-batches-fixtures.ts';

const env = useCaseStack();

const today = () => shanghaiDate(new Date());
const thisMonth = () => monthOfDate(today());
const post = (path: string, token: string, body?: unknown) => env.world.api('POST', path, { token, ...(body === undefined ? {} : { body }) });
const get = (path: string, token: string) => env.stack.api('GET', path, { token });
const caseOf = (caseId: string) => waitForCase(env.world, caseId, () => true);

const LUMP_SUM_GRADE_2 = 25 * W_FEN; // D9: 25 months of W for grade 2
const ALLOWANCE_GRADE_2 = Math.round(W_FEN * 0.85);
const NURSING = { FULL: Math.round(W_FEN * 0.5), PARTIAL: Math.round(W_FEN * 0.3) };
const MONTHLY = ALLOWANCE_GRADE_2 + NURSING.FULL;

/** A grade-2 injury with FULL nursing concluded today, approved: its lump sum instructed; monthly items from next month (D9). */
async function approvedGrade2(): Promise<{ caseId: string; lumpSum: string }> {
  const { world } = env;
  const at = new Date(Date.now() - 30 * 60_000);
  const worker = await registerWorker(world);
  await orderAround(world, worker, at);
  const r = await report(world, worker, at);
  const opened = await post('/v1/cases', world.tokens.platform, openCaseBody(r.body.reportId, 'injury', 'platform', { payee: PAYEE }));
  const caseId = opened.body.caseId as string;
  await handInDocuments(world, caseId);
  await post(`/v1/cases/${caseId}/confirmation`, world.tokens.handler, { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: true });
  await waitForStatus(world, caseId, 'AWAITING_ASSESSMENT');
  await post(`/v1/cases/${caseId}/assessment`, world.tokens.assessor, { grade: 2, nursing: 'FULL', concludedOn: today() });
  await waitForStatus(world, caseId, 'AWAITING_APPROVAL');
  expect((await approve(world, caseId)).status).toBe(202);
  const approved = await waitForStatus(world, caseId, 'APPROVED');
  expect(approved.payments).toEqual([expect.objectContaining({ amountFen: LUMP_SUM_GRADE_2, status: 'INSTRUCTED' })]);
  return { caseId, lumpSum: approved.payments[0].paymentId };
}

/** Next month's run: the case's payment for next month (allowance and nursing), INSTRUCTED. */
async function runNextMonth(caseId: string): Promise<string> {
  const run = await post('/v1/payment-runs', env.world.tokens.admin, { month: addMonthsToMonth(thisMonth(), 1) });
  expect((await waitForRun(env.world, run.body.runId)).status).toBe('SUCCEEDED');
  const next = (await caseOf(caseId)).payments.find((p: any) => p.kind === 'monthly' && p.status === 'INSTRUCTED');
  expect(next).toMatchObject({ amountFen: MONTHLY });
  return next.paymentId;
}

/**
 * A re-assessment (same day) approved by a reviewer who changed nothing: the difference is instructed, a
 * recovery. That approval instructs no one-off amount, so the case goes straight to PAID (contract: PAID
 * follows the latest approval's one-offs).
 */
async function reassessed(caseId: string, grade: number, nursing: 'PARTIAL' | null) {
  const { world } = env;
  expect((await post(`/v1/cases/${caseId}/assessment`, world.tokens.assessor, { type: 'reassessment', grade, nursing, concludedOn: today() })).status).toBe(
    202,
  );
  await waitForStatus(world, caseId, 'AWAITING_APPROVAL');
  expect((await approve(world, caseId, world.tokens.reviewer2)).status).toBe(202);
  const c = await waitForStatus(world, caseId, 'PAID');
  const recovery = c.payments.find((p: any) => p.amountFen < 0);
  expect(recovery).toMatchObject({ status: 'INSTRUCTED' });
  return recovery;
}

describe('recoveries are offset in bank batches, never sent (D15)', () => {
  let finance: string;
  const batches: { batchId: string; totalFen: number; payments: number }[] = [];

  it('the bank pays a payment less the recovery offset against it; a returned payment gives the recovery back', async () => {
    const { world } = env;
    finance = await financeToken(world);
    const { caseId, lumpSum } = await approvedGrade2();
    const nextMonth = await runNextMonth(caseId);
    // FULL → PARTIAL nursing: next month, already instructed, is owed 0.2 W less.
    const recovery = await reassessed(caseId, 2, 'PARTIAL');
    const cut = NURSING.FULL - NURSING.PARTIAL;
    expect(recovery.amountFen).toBe(-cut);
    expect((await caseOf(caseId)).recoveryDueFen).toBe(cut);

    const created = await post('/v1/payment-batches', finance, { province: PROVINCE });
    expect(created.status).toBe(201);
    // Offset against the case's positive payments in the order they were instructed: the lump sum first.
    expect(created.body).toMatchObject({ payments: 2, totalFen: LUMP_SUM_GRADE_2 - cut + MONTHLY });
    batches.push(created.body);
    const { batchId } = created.body;
    const c = await caseOf(caseId);
    const byId = Object.fromEntries(c.payments.map((p: any) => [p.paymentId, p]));
    expect(byId[lumpSum]).toMatchObject({ status: 'SENT', batchId, offsets: [{ paymentId: recovery.paymentId, fen: cut }] });
    expect(byId[nextMonth]).toMatchObject({ status: 'SENT', batchId });
    expect(byId[recovery.paymentId]).toMatchObject({ status: 'PAID', offsetFen: cut });
    expect(byId[recovery.paymentId].batchId).toBeUndefined();
    expect(c.recoveryDueFen).toBe(0);

    const batch = await get(`/v1/payment-batches/${batchId}`, finance);
    expect(batch.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ paymentId: lumpSum, amountFen: LUMP_SUM_GRADE_2, bankAmountFen: LUMP_SUM_GRADE_2 - cut }),
        expect.objectContaining({ paymentId: nextMonth, amountFen: MONTHLY, bankAmountFen: MONTHLY }),
      ]),
    );
    expect(batch.body.items).toHaveLength(2);
    const [, ...rows] = csvRows((await get(`/v1/payment-batches/${batchId}/file?format=csv`, finance)).text);
    expect(Object.fromEntries(rows.map((r) => [r[0], r[6]]))).toEqual({
      [lumpSum]: ((LUMP_SUM_GRADE_2 - cut) / 100).toFixed(2),
      [nextMonth]: (MONTHLY / 100).toFixed(2),
    });

    // The lump sum comes back: the recovery offset against it is owed again (offset in a later batch).
    const results = await post(`/v1/payment-batches/${batchId}/results`, finance, {
      results: [
        { paymentId: lumpSum, status: 'RETURNED', returnReason: '账户冻结' },
        { paymentId: nextMonth, status: 'PAID' },
      ],
    });
    expect(results.body).toMatchObject({ accepted: 2, rejected: 0 });
    const after = await caseOf(caseId);
    const afterById = Object.fromEntries(after.payments.map((p: any) => [p.paymentId, p]));
    expect(afterById[lumpSum]).toMatchObject({ status: 'RETURNED', returnReason: '账户冻结' });
    expect(afterById[recovery.paymentId]).toMatchObject({ status: 'INSTRUCTED' });
    expect(afterById[recovery.paymentId].offsetFen ?? 0).toBe(0);
    expect(after.recoveryDueFen).toBe(cut);
    // A bank result never moves a case back: the returned lump sum is the earlier approval's.
    expect(after.status).toBe('PAID');
  });

  it('a positive payment fully offset is settled without the bank: a batch with no line, and no file (422 BATCH_EMPTY)', async () => {
    const { caseId, lumpSum } = await approvedGrade2();
    // The lump sum goes to the bank first; then next month is instructed.
    const first = await post('/v1/payment-batches', finance, { province: PROVINCE });
    expect(first.body).toMatchObject({ payments: 1, totalFen: LUMP_SUM_GRADE_2 });
    batches.push(first.body);
    const nextMonth = await runNextMonth(caseId);
    // Grade 5 without nursing: the lump sum, next month's allowance and nursing are owed less — more than next month pays.
    const recovery = await reassessed(caseId, 5, null);
    expect(-recovery.amountFen).toBeGreaterThan(MONTHLY);

    const created = await post('/v1/payment-batches', finance, { province: PROVINCE });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'READY', payments: 0, totalFen: 0 });
    batches.push(created.body);
    const { batchId } = created.body;
    const c = await caseOf(caseId);
    const byId = Object.fromEntries(c.payments.map((p: any) => [p.paymentId, p]));
    expect(byId[nextMonth]).toMatchObject({ status: 'PAID', batchId, offsets: [{ paymentId: recovery.paymentId, fen: MONTHLY }] });
    expect(byId[recovery.paymentId]).toMatchObject({ status: 'INSTRUCTED', offsetFen: MONTHLY });
    expect(byId[lumpSum]).toMatchObject({ status: 'SENT', batchId: first.body.batchId });
    expect(c.recoveryDueFen).toBe(-recovery.amountFen - MONTHLY);

    const batch = await get(`/v1/payment-batches/${batchId}`, finance);
    expect(batch.body.items).toEqual([{ paymentId: nextMonth, caseId, amountFen: MONTHLY, bankAmountFen: 0, status: 'PAID' }]);
    const file = await get(`/v1/payment-batches/${batchId}/file?format=pain.001`, finance);
    expect(file.status).toBe(422);
    expect(file.body.code).toBe('BATCH_EMPTY');
    // Settled by offsets: a PAID result for it is a duplicate.
    const results = await post(`/v1/payment-batches/${batchId}/results`, finance, { results: [{ paymentId: nextMonth, status: 'PAID' }] });
    expect(results.body).toMatchObject({ accepted: 0, duplicates: 1, rejected: 0 });
    // Nothing positive left: the recovery waits for the case's next payment.
    expect((await post('/v1/payment-batches', finance, { province: PROVINCE })).status).toBe(422);
  });

  it('the fund report reconciles what was sent, less the recoveries offset, with the batches to the fen', async () => {
    const res = await get(`/v1/fund-reports/${thisMonth()}?province=${PROVINCE}`, finance);
    expect(res.status).toBe(200);
    const cut = NURSING.FULL - NURSING.PARTIAL;
    const row = (item: string) => res.body.items.find((i: any) => i.item === item);
    // Two lump sums and two next months instructed and sent; one lump sum returned; both next months paid
    // (one by the bank, one by offsets). Recoveries move no money through the bank and record nothing.
    expect(row('disability_lump_sum')).toMatchObject({
      instructedFen: 2 * LUMP_SUM_GRADE_2,
      sentFen: 2 * LUMP_SUM_GRADE_2,
      paidFen: 0,
      returnedFen: LUMP_SUM_GRADE_2,
    });
    expect(row('disability_allowance')).toMatchObject({ instructedFen: 2 * ALLOWANCE_GRADE_2, sentFen: 2 * ALLOWANCE_GRADE_2, paidFen: 2 * ALLOWANCE_GRADE_2 });
    expect(row('nursing')).toMatchObject({ instructedFen: 2 * NURSING.FULL, sentFen: 2 * NURSING.FULL, paidFen: 2 * NURSING.FULL });
    expect(res.body.offsetFen).toBe(cut + MONTHLY);
    expect(res.body.batches.map((b: any) => [b.batchId, b.totalFen, b.payments])).toEqual(batches.map((b) => [b.batchId, b.totalFen, b.payments]));
    expect(res.body.batchTotalFen).toBe(res.body.totals.sentFen - res.body.offsetFen);
    expect(res.body.batchTotalFen).toBe(LUMP_SUM_GRADE_2 - cut + MONTHLY + LUMP_SUM_GRADE_2);
    expect(res.body.reconciled).toBe(true);
  });
});
