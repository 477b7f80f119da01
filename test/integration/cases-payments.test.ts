/**
 * Exactly-once payment: two reviewers approving at once produce one payment; a payment run re-run for a
 * month pays nothing twice; the next month pays again (D10).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonthsToMonth, monthOfDate, shanghaiDate } from '../../core/index.ts';
import { localStepFunctions } from '../../local/stepfunctions/index.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { approvalBody, approve, openedCase, setUpWorld, waitForCase, waitForRun, waitForStatus, W_FEN, type World } from './cases-fixtures.ts';

let stack: TestStack;
let world: World;

beforeAll(async () => {
  stack = await startTestStack({ services: [localStepFunctions({ sweepIntervalMs: 0 })] });
  world = await setUpWorld(
    (m, p, o) => stack.api(m, p, o),
    (c) => stack.token(c),
  );
});
afterAll(async () => {
  await stack?.stop();
});

const post = (path: string, token: string, body: unknown) => world.api('POST', path, { token, body });

/** A grade-2 injury with FULL nursing, concluded last month: monthly items from this month (D9). */
async function paidGrade2(): Promise<string> {
  const { caseId } = await openedCase(world);
  await post(`/v1/cases/${caseId}/confirmation`, world.tokens.handler, { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: true });
  await waitForStatus(world, caseId, 'AWAITING_ASSESSMENT');
  const lastMonth = addMonthsToMonth(monthOfDate(shanghaiDate(new Date())), -1);
  await post(`/v1/cases/${caseId}/assessment`, world.tokens.assessor, { grade: 2, nursing: 'FULL', concludedOn: `${lastMonth}-15` });
  await waitForStatus(world, caseId, 'AWAITING_APPROVAL');
  await approve(world, caseId);
  await waitForStatus(world, caseId, 'APPROVED');
  return caseId;
}

describe('exactly-once payments', () => {
  it('two reviewers approving at once: one 202, one 409, exactly one payment', async () => {
    const { caseId } = await openedCase(world);
    await post(`/v1/cases/${caseId}/expenses`, world.tokens.handler, {
      items: [{ description: '门诊', amountFen: 50_000, inCatalogue: true }],
      inpatientDays: 0,
    });
    await post(`/v1/cases/${caseId}/confirmation`, world.tokens.handler, { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: false });
    await waitForStatus(world, caseId, 'AWAITING_APPROVAL');
    const body = await approvalBody(world, caseId);
    const results = await Promise.all([
      post(`/v1/cases/${caseId}/approval`, world.tokens.reviewer, body),
      post(`/v1/cases/${caseId}/approval`, world.tokens.reviewer2, body),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([202, 409]);
    const paid = await waitForStatus(world, caseId, 'APPROVED');
    expect(paid.payments).toHaveLength(1);
    expect(paid.payments[0].amountFen).toBe(50_000);
    expect(paid.timeline.filter((e: any) => e.action === 'approval.approve')).toHaveLength(1);
  });

  it('an approval instructs through this month; a run for it owes nothing more; a re-run pays nothing; the next month pays once', async () => {
    const caseId = await paidGrade2();
    const benefits = (await world.api('GET', `/v1/cases/${caseId}/benefits`, { token: world.tokens.handler })).body;
    const monthly = benefits.lines.filter((l: any) => l.monthly);
    expect(monthly.map((l: any) => l.item).sort()).toEqual(['disability_allowance', 'nursing']);
    expect(benefits.monthlyTotalFen).toBe(Math.round(W_FEN * 0.85) + Math.round(W_FEN * 0.5));
    const month = monthOfDate(shanghaiDate(new Date()));
    const approved = await waitForCase(world, caseId, () => true);
    const thisMonth = approved.payments[0].items.filter((i: any) => i.month === month);
    expect(thisMonth.reduce((s: number, i: any) => s + i.amountFen, 0)).toBe(benefits.monthlyTotalFen);

    const first = await post('/v1/payment-runs', world.tokens.admin, { month });
    expect(first.status).toBe(202);
    const run1 = await waitForRun(world, first.body.runId);
    expect(run1).toMatchObject({ status: 'SUCCEEDED', month });

    const again = await post('/v1/payment-runs', world.tokens.admin, { month });
    const run2 = await waitForRun(world, again.body.runId);
    expect(run2).toMatchObject({ status: 'SUCCEEDED', payments: 0, totalFen: 0 });

    const next = await post('/v1/payment-runs', world.tokens.admin, { month: addMonthsToMonth(month, 1) });
    const run3 = await waitForRun(world, next.body.runId);
    expect(run3.payments).toBeGreaterThanOrEqual(1);
    const nextAgain = await post('/v1/payment-runs', world.tokens.admin, { month: addMonthsToMonth(month, 1) });
    expect(await waitForRun(world, nextAgain.body.runId)).toMatchObject({ payments: 0, totalFen: 0 });

    const c = await waitForCase(world, caseId, () => true);
    const monthlyPayments = c.payments.filter((p: any) => p.runId);
    expect(monthlyPayments).toHaveLength(1);
    expect(monthlyPayments[0]).toMatchObject({ amountFen: benefits.monthlyTotalFen, status: 'INSTRUCTED', kind: 'monthly' });
    expect(monthlyPayments[0].items.every((i: any) => i.month === addMonthsToMonth(month, 1))).toBe(true);
  });
});
