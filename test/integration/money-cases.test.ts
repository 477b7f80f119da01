/**
 * Money that reaches the right person (issue 12; D14, D15, D16), on the local stack: an approval names the
 * calculation the reviewer saw; no maker of a case approves it; the payee is the beneficiary and changes
 * only with a bank-account proof; a month is instructed once per case whatever the calculation, also when
 * a run and an approval race (and when the run is held between its read and its write); life events end
 * monthly items; a death case's date of death moves the pensions' first month.
 */
import { describe, expect, it } from 'vitest';
import { addMonthsToMonth, monthOfDate, shanghaiDate } from '../../core/index.ts';
import { useCaseStack } from './cases-stack.ts';
import {
  approvalBody,
  approve,
  handInDocuments,
  openCaseBody,
  openedCase,
  orderAround,
  settleByBank,
  registerWorker,
  report,
  uploadDocument,
  waitForCase,
  waitForRun,
  waitForStatus,
  W_FEN,
} from './cases-fixtures.ts';

const env = useCaseStack({ s3: true });

const post = (path: string, token: string, body?: unknown) => env.world.api('POST', path, { token, ...(body === undefined ? {} : { body }) });
const put = (path: string, token: string, body: unknown) => env.world.api('PUT', path, { token, body });
const today = () => shanghaiDate(new Date());
const thisMonth = () => monthOfDate(today());

/** A minor injury waiting for approval: expenses by handler-2, confirmation by handler-1. */
async function awaitingApproval(expensesFen = 80_000) {
  const { world } = env;
  const opened = await openedCase(world);
  const { caseId } = opened;
  await post(`/v1/cases/${caseId}/expenses`, world.tokens.handler2, {
    items: [{ description: '门诊', amountFen: expensesFen, inCatalogue: true }],
    inpatientDays: 0,
  });
  await post(`/v1/cases/${caseId}/confirmation`, world.tokens.handler, { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: false });
  await waitForStatus(world, caseId, 'AWAITING_APPROVAL');
  return opened;
}

/** A grade-2 injury with FULL nursing concluded on `concludedOn`, approved: allowance and nursing monthly (D9). */
async function approvedGrade2(concludedOn: string) {
  const { world } = env;
  const opened = await openedCase(world);
  const { caseId } = opened;
  await post(`/v1/cases/${caseId}/confirmation`, world.tokens.handler, { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: true });
  await waitForStatus(world, caseId, 'AWAITING_ASSESSMENT');
  await post(`/v1/cases/${caseId}/assessment`, world.tokens.assessor, { grade: 2, nursing: 'FULL', concludedOn });
  await waitForStatus(world, caseId, 'AWAITING_APPROVAL');
  expect((await approve(world, caseId)).status).toBe(202);
  await waitForStatus(world, caseId, 'APPROVED');
  return opened;
}

/** Per item key (`line@month`), the sum of every payment's items that still counts (not cancelled, not replaced). */
const instructedByKey = (c: any): Map<string, number> => {
  const sums = new Map<string, number>();
  for (const p of c.payments) {
    if (p.status === 'CANCELLED' || (p.status === 'RETURNED' && p.replacedBy)) continue;
    for (const i of p.items) sums.set(i.key, (sums.get(i.key) ?? 0) + i.amountFen);
  }
  return sums;
};

const GRADE2_ALLOWANCE = Math.round(W_FEN * 0.85);
const GRADE1_ALLOWANCE = Math.round(W_FEN * 0.9);
const FULL_NURSING = Math.round(W_FEN * 0.5);

describe('an approval names the calculation the reviewer saw (D14)', () => {
  it('refuses a calculation that changed since it was read (409, path calculationId) and instructs exactly the one approved', async () => {
    const { world } = env;
    const { caseId } = await awaitingApproval(80_000);
    const seen = await approvalBody(world, caseId);
    // Expenses added while the case awaits approval recalculate it (contract table).
    expect(
      (
        await post(`/v1/cases/${caseId}/expenses`, world.tokens.handler2, {
          items: [{ description: '复诊', amountFen: 20_000, inCatalogue: true }],
          inpatientDays: 0,
        })
      ).status,
    ).toBe(202);
    const stale = await post(`/v1/cases/${caseId}/approval`, world.tokens.reviewer, seen);
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'CALCULATION_STALE', errors: [{ path: 'calculationId' }] });
    expect((await post(`/v1/cases/${caseId}/approval`, world.tokens.reviewer, { decision: 'approve' })).status).toBe(400);
    const fresh = await approvalBody(world, caseId);
    expect(fresh.calculationId).not.toBe(seen.calculationId);
    expect((await post(`/v1/cases/${caseId}/approval`, world.tokens.reviewer, fresh)).status).toBe(202);
    const c = await waitForStatus(world, caseId, 'APPROVED');
    expect(c.payments).toHaveLength(1);
    expect(c.payments[0]).toMatchObject({ amountFen: 100_000, status: 'INSTRUCTED', calculationId: fresh.calculationId });
    expect(c.timeline.find((e: any) => e.action === 'approval.approve').after.calculationId).toBe(fresh.calculationId);
  });
});

describe('no maker of a case approves it (D14)', () => {
  it('refuses the reviewer who opened the case, the assessor and the dependants recorder acting as reviewers; accepts one who changed nothing', async () => {
    const { world } = env;
    // A reviewer opens an injury case on behalf of a relative (staff apply as relative or union, D6).
    const worker = await registerWorker(world);
    const at = new Date(Date.now() - 30 * 60_000);
    await orderAround(world, worker, at);
    const r = await report(world, worker, at);
    const opener = await world.mint({ role: 'reviewer', sub: 'reviewer-opener', provinces: ['110000'] });
    const opened = await post('/v1/cases', opener, { ...openCaseBody(r.body.reportId, 'injury', 'relative') });
    expect(opened.status).toBe(201);
    const caseId = opened.body.caseId as string;
    await handInDocuments(world, caseId);
    await post(`/v1/cases/${caseId}/confirmation`, world.tokens.handler, { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: true });
    await waitForStatus(world, caseId, 'AWAITING_ASSESSMENT');
    await post(`/v1/cases/${caseId}/assessment`, world.tokens.assessor, { grade: 9, nursing: null, concludedOn: today() });
    await waitForStatus(world, caseId, 'AWAITING_APPROVAL');

    const assessorAsReviewer = await world.mint({ role: 'reviewer', sub: 'assessor-1', provinces: ['110000'] });
    for (const token of [opener, assessorAsReviewer]) {
      const res = await approve(world, caseId, token);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('MAKER_CHECKER');
    }
    expect((await approve(world, caseId, world.tokens.reviewer2)).status).toBe(202);
    await waitForStatus(world, caseId, 'APPROVED');
  });

  it('refuses the handler who recorded the dependants of a death case', async () => {
    const { world } = env;
    const { caseId } = await openedCase(world, { kind: 'death' });
    await post(`/v1/cases/${caseId}/confirmation`, world.tokens.handler, { outcome: 'CONFIRMED', basis: 'ORDER_TASK_TRAFFIC', assessmentRequired: false });
    await waitForStatus(world, caseId, 'AWAITING_DEPENDANTS');
    const recorder = await world.mint({ role: 'handler', sub: 'handler-dependants', provinces: ['110000'] });
    await post(`/v1/cases/${caseId}/dependants`, recorder, { dependants: [{ name: '李四', relation: 'spouse', orphanOrAlone: false }] });
    await waitForStatus(world, caseId, 'AWAITING_APPROVAL');
    const recorderAsReviewer = await world.mint({ role: 'reviewer', sub: 'handler-dependants', provinces: ['110000'] });
    const res = await approve(world, caseId, recorderAsReviewer);
    expect(res.status).toBe(403);
    // Order of answers: a stale calculation (409) before the maker (403).
    const stale = await post(`/v1/cases/${caseId}/approval`, recorderAsReviewer, { decision: 'approve', calculationId: 'calc-000000' });
    expect(stale.status).toBe(409);
  });
});

describe('the payee is the beneficiary (D14)', () => {
  it('refuses at opening a payee who is not the injured worker (422, payee.name); shows the payee masked', async () => {
    const { world } = env;
    const worker = await registerWorker(world);
    const at = new Date(Date.now() - 30 * 60_000);
    await orderAround(world, worker, at);
    const r = await report(world, worker, at);
    const other = await post('/v1/cases', world.tokens.platform, {
      ...openCaseBody(r.body.reportId),
      payee: { name: '王五', bankAccount: '6222020200112230' },
    });
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ code: 'PAYEE_NOT_BENEFICIARY', errors: [{ path: 'payee.name' }] });
    // NFKC and trimming: a full-width space around the registered name is the same name.
    const ok = await post('/v1/cases', world.tokens.platform, {
      ...openCaseBody(r.body.reportId),
      payee: { name: '　张三 ', bankAccount: '6222020200112230' },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.payee).toMatchObject({ name: '张**', bankAccount: '****2230' });
  });

  it('refuses a card number that fails the Luhn check (400, payee.bankAccount)', async () => {
    const { world } = env;
    const worker = await registerWorker(world);
    const at = new Date(Date.now() - 30 * 60_000);
    await orderAround(world, worker, at);
    const r = await report(world, worker, at);
    const res = await post('/v1/cases', world.tokens.platform, { ...openCaseBody(r.body.reportId), payee: { name: '张三', bankAccount: '6222020200112233' } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual(expect.objectContaining({ path: 'payee.bankAccount' }));
  });

  it('changes only with an AVAILABLE BANK_ACCOUNT_PROOF of the case, by a handler, who becomes a maker', async () => {
    const { world } = env;
    const { caseId } = await awaitingApproval();
    const body = { name: '张三', bankAccount: '6212260200000000006', bankName: '工商银行北京分行', bankCode: '102100000016' };
    const other = await uploadDocument(world, caseId, 'MEDICAL_INVOICE');
    expect((await put(`/v1/cases/${caseId}/payee`, world.tokens.handler, { ...body, documentId: 'D-none' })).body).toMatchObject({
      code: 'PAYEE_DOCUMENT_INVALID',
      errors: [{ path: 'documentId' }],
    });
    expect((await put(`/v1/cases/${caseId}/payee`, world.tokens.handler, { ...body, documentId: other })).status).toBe(422);
    const proof = await uploadDocument(world, caseId, 'BANK_ACCOUNT_PROOF');
    const wrongName = await put(`/v1/cases/${caseId}/payee`, world.tokens.handler, { ...body, name: '王五', documentId: proof });
    expect(wrongName.body).toMatchObject({ status: 422, code: 'PAYEE_NOT_BENEFICIARY', errors: [{ path: 'name' }] });
    expect((await put(`/v1/cases/${caseId}/payee`, world.tokens.reviewer, { ...body, documentId: proof })).status).toBe(403);

    const changer = await world.mint({ role: 'handler', sub: 'handler-payee', provinces: ['110000'] });
    const changed = await put(`/v1/cases/${caseId}/payee`, changer, { ...body, documentId: proof });
    expect(changed.status).toBe(200);
    expect(changed.body.payee).toMatchObject({ name: '张**', bankAccount: '****0006', bankName: '工商银行北京分行', changedBy: 'handler-payee' });
    expect(changed.body.timeline.at(-1)).toMatchObject({ action: 'payee.changed', actor: 'handler-payee', after: { documentId: proof } });
    const changerAsReviewer = await world.mint({ role: 'reviewer', sub: 'handler-payee', provinces: ['110000'] });
    expect((await approve(world, caseId, changerAsReviewer)).status).toBe(403);
    expect((await approve(world, caseId)).status).toBe(202);
    const c = await waitForStatus(world, caseId, 'APPROVED');
    expect(c.payments[0].payee).toMatchObject({ bankAccount: '****0006' });
  });

  it('with payments, a change waits for a reviewer who is no maker (contract: payee confirmation)', async () => {
    const { world } = env;
    const { caseId } = await awaitingApproval();
    expect((await approve(world, caseId)).status).toBe(202);
    await waitForStatus(world, caseId, 'APPROVED');
    expect((await post(`/v1/cases/${caseId}/payee/confirmation`, world.tokens.reviewer)).body.code).toBe('NO_PAYEE_CHANGE_PENDING');
    const proof = await uploadDocument(world, caseId, 'BANK_ACCOUNT_PROOF');
    const requested = await put(`/v1/cases/${caseId}/payee`, world.tokens.handler, {
      name: '张三',
      bankAccount: '6212260200000000006',
      bankName: '工商银行',
      documentId: proof,
    });
    expect(requested.status).toBe(200);
    expect(requested.body.payee.bankAccount).toBe('****2230');
    expect(requested.body.pendingPayee).toMatchObject({ bankAccount: '****0006', requestedBy: 'handler-1' });
    const handlerAsReviewer = await world.mint({ role: 'reviewer', sub: 'handler-1', provinces: ['110000'] });
    expect((await post(`/v1/cases/${caseId}/payee/confirmation`, handlerAsReviewer)).status).toBe(403);
    const confirmed = await post(`/v1/cases/${caseId}/payee/confirmation`, world.tokens.reviewer2);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.payee.bankAccount).toBe('****0006');
    expect(confirmed.body.pendingPayee).toBeUndefined();
    // The instructed payment keeps the payee it was instructed to.
    expect(confirmed.body.payments[0].payee.bankAccount).toBe('****2230');
  });
});

describe('a month is instructed once per case, whatever the calculation (D15)', () => {
  it('an approval instructs the months through the current one (a case approved mid-month is paid for that month)', async () => {
    const { world } = env;
    const lastMonth = addMonthsToMonth(thisMonth(), -1);
    const { caseId } = await approvedGrade2(`${lastMonth}-15`);
    const c = await waitForCase(world, caseId, () => true);
    const sums = instructedByKey(c);
    expect(sums.get(`disability_allowance@${thisMonth()}`)).toBe(GRADE2_ALLOWANCE);
    expect(sums.get(`nursing@${thisMonth()}`)).toBe(FULL_NURSING);
    // A run for this month then owes this case nothing.
    const run = await post('/v1/payment-runs', world.tokens.admin, { month: thisMonth() });
    await waitForRun(world, run.body.runId);
    const after = await waitForCase(world, caseId, () => true);
    expect(after.payments).toHaveLength(1);
  });

  it('a run and a re-assessment approval racing for next month instruct it once, at the re-assessed amount', async () => {
    const { world } = env;
    const next = addMonthsToMonth(thisMonth(), 1);
    const cases = await Promise.all([0, 1, 2].map(() => approvedGrade2(today())));
    for (const { caseId } of cases) {
      await post(`/v1/cases/${caseId}/assessment`, world.tokens.assessor, { type: 'reassessment', grade: 1, nursing: 'FULL', concludedOn: today() });
      await waitForStatus(world, caseId, 'AWAITING_APPROVAL');
    }
    const bodies = await Promise.all(cases.map(({ caseId }) => approvalBody(world, caseId)));
    const [run] = await Promise.all([
      post('/v1/payment-runs', world.tokens.admin, { month: next }),
      ...cases.map(({ caseId }, i) => post(`/v1/cases/${caseId}/approval`, world.tokens.reviewer2, bodies[i])),
    ]);
    await waitForRun(world, run.body.runId);
    for (const { caseId } of cases) await waitForStatus(world, caseId, 'APPROVED');
    // Whichever came first, a second run settles the month at the latest approved amount, never twice.
    const again = await post('/v1/payment-runs', world.tokens.admin, { month: next });
    await waitForRun(world, again.body.runId);
    for (const { caseId } of cases) {
      const c = await waitForCase(world, caseId, () => true);
      const sums = instructedByKey(c);
      expect(sums.get(`disability_allowance@${next}`)).toBe(GRADE1_ALLOWANCE);
      expect(sums.get(`nursing@${next}`)).toBe(FULL_NURSING);
    }
  });

  it('a run held between reading a case and writing its payment, while the re-assessment is approved, computes again and instructs only the difference', async () => {
    const { world } = env;
    const next = addMonthsToMonth(thisMonth(), 1);
    const { caseId } = await approvedGrade2(today());
    const { dynamo } = await import('../../functions/_shared/db.ts');
    // Hold the run's first write for this case until the re-assessment has been approved.
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let held = 0;
    let runWrites = 0;
    const name = `hold-run-${caseId}`;
    dynamo.middlewareStack.add(
      (nextHandler, context) => async (args) => {
        const input = JSON.stringify((args as { input: unknown }).input);
        if (/TransactWrite/.test(String(context.commandName)) && input.includes('payment-run') && input.includes(`CASE#${caseId}`)) {
          runWrites++;
          if (held++ === 0) await released;
        }
        return nextHandler(args);
      },
      { step: 'initialize', name },
    );
    try {
      await post(`/v1/cases/${caseId}/assessment`, world.tokens.assessor, { type: 'reassessment', grade: 1, nursing: 'FULL', concludedOn: today() });
      await waitForStatus(world, caseId, 'AWAITING_APPROVAL');
      const body = await approvalBody(world, caseId);
      const run = await post('/v1/payment-runs', world.tokens.admin, { month: next });
      // The run computed next month from the first approval and waits at its write.
      const deadline = Date.now() + 15_000;
      while (held === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(held).toBe(1);
      expect((await post(`/v1/cases/${caseId}/approval`, world.tokens.reviewer2, body)).status).toBe(202);
      await waitForStatus(world, caseId, 'APPROVED');
      release();
      const finished = await waitForRun(world, run.body.runId);
      expect(finished.status).toBe('SUCCEEDED');
    } finally {
      release();
      dynamo.middlewareStack.remove(name);
    }
    // The held write lost on the ledger; the run read again and wrote once more.
    expect(runWrites).toBe(2);
    const c = await waitForCase(world, caseId, () => true);
    const sums = instructedByKey(c);
    expect(sums.get(`disability_allowance@${next}`)).toBe(GRADE1_ALLOWANCE);
    expect(c.payments.filter((p: any) => p.kind === 'monthly')).toHaveLength(1);
  });
});

describe('life events end monthly items (D16)', () => {
  it("a worker's death cancels next month's instructed payment and nothing more is instructed for it", async () => {
    const { world } = env;
    const next = addMonthsToMonth(thisMonth(), 1);
    const { caseId } = await approvedGrade2(today());
    const run = await post('/v1/payment-runs', world.tokens.admin, { month: next });
    await waitForRun(world, run.body.runId);
    const before = await waitForCase(world, caseId, () => true);
    const monthly = before.payments.find((p: any) => p.kind === 'monthly');
    expect(monthly).toMatchObject({ status: 'INSTRUCTED', amountFen: GRADE2_ALLOWANCE + FULL_NURSING });

    expect((await post(`/v1/cases/${caseId}/life-events`, world.tokens.handler, { type: 'DEPENDANT_DIED', on: today(), dependantIndex: 1 })).status).toBe(422);
    const died = await post(`/v1/cases/${caseId}/life-events`, world.tokens.handler, { type: 'WORKER_DIED', on: today() });
    expect(died.status).toBe(202);
    const after = died.body;
    expect(after.payments.find((p: any) => p.paymentId === monthly.paymentId).status).toBe('CANCELLED');
    expect(after.lifeEvents).toEqual([expect.objectContaining({ type: 'WORKER_DIED', on: today() })]);
    expect((await post(`/v1/cases/${caseId}/life-events`, world.tokens.handler, { type: 'WORKER_DIED', on: today() })).status).toBe(409);
    const again = await post('/v1/payment-runs', world.tokens.admin, { month: next });
    await waitForRun(world, again.body.runId);
    const c = await waitForCase(world, caseId, () => true);
    expect(instructedByKey(c).get(`disability_allowance@${next}`)).toBeUndefined();
    expect(c.certification).toEqual([expect.objectContaining({ person: 'worker', lapsed: false })]);
  });

  it('a retirement ends the allowance, not the nursing; life events are refused before approval (409)', async () => {
    const { world } = env;
    const next = addMonthsToMonth(thisMonth(), 1);
    const early = await awaitingApproval();
    expect((await post(`/v1/cases/${early.caseId}/life-events`, world.tokens.handler, { type: 'RETIRED', on: today() })).status).toBe(409);
    const { caseId } = await approvedGrade2(today());
    expect((await post(`/v1/cases/${caseId}/life-events`, world.tokens.handler, { type: 'RETIRED', on: today() })).status).toBe(202);
    const run = await post('/v1/payment-runs', world.tokens.admin, { month: next });
    await waitForRun(world, run.body.runId);
    const sums = instructedByKey(await waitForCase(world, caseId, () => true));
    expect(sums.get(`disability_allowance@${next}`)).toBeUndefined();
    expect(sums.get(`nursing@${next}`)).toBe(FULL_NURSING);
  });
});

describe('the bank chain end to end (D14, D15)', () => {
  it('a returned payment is re-instructed once, to the corrected payee, after a reviewer confirms; the bank then pays it and the case is PAID', async () => {
    const { world } = env;
    const { caseId } = await awaitingApproval(80_000);
    expect((await approve(world, caseId)).status).toBe(202);
    await waitForStatus(world, caseId, 'APPROVED');
    const returned = await settleByBank(world, caseId, 'RETURNED', '账户已销户');
    const first = returned.payments[0];
    expect(first).toMatchObject({ status: 'RETURNED', returnReason: '账户已销户', amountFen: 80_000 });
    expect(returned.status).toBe('APPROVED');
    // A run does not pay a returned month again, and nothing is re-instructed before the payee is corrected.
    const again = await settleByBank(world, caseId);
    expect(again.payments).toHaveLength(1);

    const proof = await uploadDocument(world, caseId, 'BANK_ACCOUNT_PROOF');
    const body = { name: '张三', bankAccount: '6212260200000000006', bankName: '工商银行北京分行', bankCode: '102100000016', documentId: proof };
    expect((await put(`/v1/cases/${caseId}/payee`, world.tokens.handler2, body)).body.pendingPayee).toBeDefined();
    const confirmed = await post(`/v1/cases/${caseId}/payee/confirmation`, world.tokens.reviewer2);
    expect(confirmed.status).toBe(200);
    const replacement = confirmed.body.payments.find((p: any) => p.replaces === first.paymentId);
    expect(replacement).toMatchObject({ status: 'INSTRUCTED', amountFen: 80_000, payee: { bankAccount: '****0006' } });
    expect(confirmed.body.payments.find((p: any) => p.paymentId === first.paymentId).replacedBy).toBe(replacement.paymentId);
    // Confirming nothing more re-instructs nothing more.
    expect((await post(`/v1/cases/${caseId}/payee/confirmation`, world.tokens.reviewer2)).status).toBe(409);

    const paid = await settleByBank(world, caseId);
    expect(paid.payments.map((p: any) => p.status)).toEqual(['RETURNED', 'PAID']);
    expect((await waitForStatus(world, caseId, 'PAID')).payments).toHaveLength(2);
  });

  it("a worker's death recovers a month already sent to the bank: a negative payment, never sent, offset later (recoveryDueFen)", async () => {
    const { world } = env;
    const next = addMonthsToMonth(thisMonth(), 1);
    const { caseId } = await approvedGrade2(today());
    const run = await post('/v1/payment-runs', world.tokens.admin, { month: next });
    await waitForRun(world, run.body.runId);
    const sent = await settleByBank(world, caseId, 'PAID');
    expect(sent.payments.every((p: any) => p.status === 'PAID')).toBe(true);
    const died = await post(`/v1/cases/${caseId}/life-events`, world.tokens.handler, { type: 'WORKER_DIED', on: today() });
    expect(died.status).toBe(202);
    const recovery = died.body.payments.find((p: any) => p.kind === 'life-event');
    expect(recovery).toMatchObject({ status: 'INSTRUCTED', amountFen: -(GRADE2_ALLOWANCE + FULL_NURSING) });
    expect(recovery.items.map((i: any) => i.key).sort()).toEqual([`disability_allowance@${next}`, `nursing@${next}`]);
    expect(died.body.recoveryDueFen).toBe(GRADE2_ALLOWANCE + FULL_NURSING);
    // Per line and month, what counts is now exactly what is owed: nothing for next month.
    expect(instructedByKey(died.body).get(`disability_allowance@${next}`)).toBe(0);
  });
});

describe('yearly certification (D16)', () => {
  it('is due 12 months after the approval; the worker certifies themself, a handler anyone receiving a monthly item', async () => {
    const { world } = env;
    const { caseId, worker } = await approvedGrade2(today());
    const c = await waitForCase(world, caseId, () => true);
    const [y, m, d] = today().split('-');
    expect(c.certification).toEqual([{ person: 'worker', dueOn: `${Number(y) + 1}-${m}-${d}`, lapsed: false, owedMonths: [] }]);
    const own = await post(`/v1/cases/${caseId}/certifications`, worker.token, {});
    expect(own.status).toBe(201);
    expect(own.body).toEqual({ certifiedOn: today(), nextDueOn: `${Number(y) + 1}-${m}-${d}` });
    expect((await post(`/v1/cases/${caseId}/certifications`, worker.token, { personIndex: 1 })).status).toBe(403);
    const notRecipient = await post(`/v1/cases/${caseId}/certifications`, world.tokens.handler, { personIndex: 1 });
    expect(notRecipient.body).toMatchObject({ status: 422, code: 'NOT_MONTHLY_RECIPIENT', errors: [{ path: 'personIndex' }] });
    expect((await post(`/v1/cases/${caseId}/certifications`, world.tokens.reviewer, {})).status).toBe(403);
  });
});

describe("a death case's date of death (D16)", () => {
  it("moves the dependants' first month when the death crosses a month end, and bounds a sudden-illness death to 48 hours", async () => {
    const { world } = env;
    // Onset at 20:00 on the last day of last month, death at 10:00 the next morning (this month).
    const lastDay = shanghaiDate(new Date(Date.parse(`${thisMonth()}-01T00:00:00+08:00`) - 1));
    const at = new Date(`${lastDay}T20:00:00+08:00`);
    const diedAt = `${thisMonth()}-01T10:00:00+08:00`;
    const open = async (died: string) => {
      const worker = await registerWorker(world);
      await orderAround(world, worker, at);
      const r = await report(world, worker, at);
      const res = await post('/v1/cases', world.tokens.handler, openCaseBody(r.body.reportId, 'death', 'relative', { diedAt: died }));
      expect(res.status).toBe(201);
      await handInDocuments(world, res.body.caseId);
      return res.body.caseId as string;
    };
    const late = await open(new Date(at.getTime() + 49 * 3_600_000).toISOString());
    const refused = await post(`/v1/cases/${late}/confirmation`, world.tokens.handler, {
      outcome: 'DEEMED',
      basis: 'SUDDEN_ILLNESS_48H',
      assessmentRequired: false,
    });
    expect(refused.body).toMatchObject({ status: 422, code: 'DIED_AT_NOT_DEEMABLE', errors: [{ path: 'diedAt' }] });

    const caseId = await open(diedAt);
    expect(
      (await post(`/v1/cases/${caseId}/confirmation`, world.tokens.handler, { outcome: 'DEEMED', basis: 'SUDDEN_ILLNESS_48H', assessmentRequired: false }))
        .status,
    ).toBe(202);
    await waitForStatus(world, caseId, 'AWAITING_DEPENDANTS');
    await post(`/v1/cases/${caseId}/dependants`, world.tokens.handler2, { dependants: [{ name: '张三', relation: 'spouse', orphanOrAlone: false }] });
    const c = await waitForStatus(world, caseId, 'AWAITING_APPROVAL');
    expect(c.diedAt).toBe(diedAt);
    const pension = c.benefits.lines.find((l: any) => l.item === 'dependant_pension');
    expect(pension.fromMonth).toBe(addMonthsToMonth(thisMonth(), 1));
    expect(c.benefits.lines.find((l: any) => l.item === 'death_lump_sum').basis.deathDate).toBe(`${thisMonth()}-01`);
    // A date of death before the onset is refused (400, diedAt), and changes nothing.
    const worker = await registerWorker(world);
    await orderAround(world, worker, at);
    const r = await report(world, worker, at);
    const before = await post(
      '/v1/cases',
      world.tokens.handler,
      openCaseBody(r.body.reportId, 'death', 'relative', { diedAt: new Date(at.getTime() - 60_000).toISOString() }),
    );
    expect(before.body).toMatchObject({ status: 400, errors: [{ path: 'diedAt' }] });
    expect((await post('/v1/cases', world.tokens.handler, openCaseBody(r.body.reportId, 'death', 'relative', { diedAt }))).status).toBe(201);
  });
});
