/**
 * The monthly payment run on its schedule, on the local stack: the scheduled entry
 * (functions/payment-runs/scheduled.ts, invoked as EventBridge Scheduler would) starts the month's run
 * under a deterministic id and pays the entitled cases; duplicate deliveries start nothing and pay
 * nothing twice; a POST run of the same month afterwards pays 0; and the local timer's tick starts a
 * month's run only from the configured day on, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonthsToMonth, monthOfDate, shanghaiDate } from '../../core/index.ts';
import { localStepFunctions, type LocalStepFunctions } from '../../local/stepfunctions/index.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { approve, openedCase, setUpWorld, waitForCase, waitForRun, waitForStatus, W_FEN, type World } from './cases-fixtures.ts';

/** Day of month of this file's local payment-run timer (a later day than the default 1, to test the "before" side). */
const RUN_DAY = 15;

let stack: TestStack;
let sfn: LocalStepFunctions;
let world: World;
let caseId: string;
let monthlyTotalFen: number;
const month = monthOfDate(shanghaiDate(new Date()));
/** Noon in Shanghai on `day` of `m`. */
const shanghaiNoon = (m: string, day: number) => new Date(`${m}-${String(day).padStart(2, '0')}T12:00:00+08:00`);

const post = (path: string, token: string, body: unknown) => world.api('POST', path, { token, body });
const getRun = async (runId: string) => (await world.api('GET', `/v1/payment-runs/${runId}`, { token: world.tokens.admin })).body;
/** The case's payments made by payment runs (the approval payment has no runId). */
const runPayments = async () => (await waitForCase(world, caseId, () => true)).payments.filter((p: any) => p.runId);

beforeAll(async () => {
  sfn = localStepFunctions({ sweepIntervalMs: 0, paymentRunDay: RUN_DAY });
  stack = await startTestStack({ services: [sfn] });
  world = await setUpWorld(
    (m, p, o) => stack.api(m, p, o),
    (c) => stack.token(c),
  );
  // A grade-2 injury with FULL nursing, concluded last month: monthly items from this month on (D9); its
  // approval instructs this month (D15: through the current month), the runs the months after.
  ({ caseId } = await openedCase(world));
  await post(`/v1/cases/${caseId}/confirmation`, world.tokens.handler, { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: true });
  await waitForStatus(world, caseId, 'AWAITING_ASSESSMENT');
  await post(`/v1/cases/${caseId}/assessment`, world.tokens.assessor, { grade: 2, nursing: 'FULL', concludedOn: `${addMonthsToMonth(month, -1)}-15` });
  await waitForStatus(world, caseId, 'AWAITING_APPROVAL');
  await approve(world, caseId);
  await waitForStatus(world, caseId, 'APPROVED');
  monthlyTotalFen = (await world.api('GET', `/v1/cases/${caseId}/benefits`, { token: world.tokens.handler })).body.monthlyTotalFen;
  expect(monthlyTotalFen).toBe(Math.round(W_FEN * 0.85) + Math.round(W_FEN * 0.5));
});
afterAll(async () => {
  await stack?.stop();
});

describe('the scheduled monthly payment run', () => {
  it("starts this month's run under its deterministic id, which owes the case nothing: its approval instructed this month", async () => {
    const delivered = await sfn.runScheduledPaymentRun();
    expect(delivered).toEqual({ runId: `run-${month}-scheduled`, month, status: 'RUNNING', created: true });
    const run = await waitForRun(world, delivered.runId);
    expect(run).toMatchObject({ runId: `run-${month}-scheduled`, month, status: 'SUCCEEDED', payments: 0, totalFen: 0 });
    expect(await runPayments()).toHaveLength(0);
    const approval = (await waitForCase(world, caseId, () => true)).payments[0];
    const thisMonth = approval.items.filter((i: any) => i.month === month).reduce((sum: number, i: any) => sum + i.amountFen, 0);
    expect(thisMonth).toBe(monthlyTotalFen);
  });

  it('a duplicate delivery of the schedule starts nothing and pays nothing twice', async () => {
    const before = await getRun(`run-${month}-scheduled`);
    const again = await sfn.runScheduledPaymentRun();
    expect(again).toEqual({ runId: `run-${month}-scheduled`, month, status: 'SUCCEEDED', created: false });
    expect(await getRun(`run-${month}-scheduled`)).toEqual(before);
    expect(await runPayments()).toHaveLength(0);
  });

  it('a POST run of the same month afterwards pays 0', async () => {
    const posted = await post('/v1/payment-runs', world.tokens.admin, { month });
    expect(posted.status).toBe(202);
    expect(posted.body.runId).not.toBe(`run-${month}-scheduled`);
    expect(await waitForRun(world, posted.body.runId)).toMatchObject({ status: 'SUCCEEDED', payments: 0, totalFen: 0 });
    expect(await runPayments()).toHaveLength(0);
  });

  it('two deliveries at once for a new month create one run, which pays the month once', async () => {
    const next = addMonthsToMonth(month, 1);
    const at = shanghaiNoon(next, 1);
    const results = await Promise.all([sfn.runScheduledPaymentRun(at), sfn.runScheduledPaymentRun(at)]);
    expect(results.map((r) => r.runId)).toEqual([`run-${next}-scheduled`, `run-${next}-scheduled`]);
    expect(results.map((r) => r.created).sort()).toEqual([false, true]);
    const run = await waitForRun(world, `run-${next}-scheduled`);
    expect(run).toMatchObject({ month: next, status: 'SUCCEEDED', payments: 1, totalFen: monthlyTotalFen });
    const payments = await runPayments();
    expect(payments.map((p: any) => p.runId)).toEqual([`run-${next}-scheduled`]);
    for (const p of payments) expect(p.amountFen).toBe(monthlyTotalFen);
  });
});

describe("the local runtime's payment-run timer", () => {
  const later = addMonthsToMonth(month, 2);

  it('does nothing before the configured day of the month', async () => {
    expect(await sfn.paymentRunTick(shanghaiNoon(later, RUN_DAY - 1))).toBeUndefined();
    expect((await world.api('GET', `/v1/payment-runs/run-${later}-scheduled`, { token: world.tokens.admin })).status).toBe(404);
  });

  it("starts the month's scheduled run on the configured day, then leaves it alone on later ticks", async () => {
    const started = await sfn.paymentRunTick(shanghaiNoon(later, RUN_DAY));
    expect(started).toMatchObject({ runId: `run-${later}-scheduled`, month: later, created: true });
    expect(await waitForRun(world, `run-${later}-scheduled`)).toMatchObject({ status: 'SUCCEEDED', payments: 1, totalFen: monthlyTotalFen });
    expect(await sfn.paymentRunTick(shanghaiNoon(later, 28))).toBeUndefined();
    expect(await runPayments()).toHaveLength(2);
  });

  it('does nothing for a month whose scheduled run has finished', async () => {
    expect(await sfn.paymentRunTick(shanghaiNoon(month, 28))).toBeUndefined();
    expect(await runPayments()).toHaveLength(2);
  });
});
