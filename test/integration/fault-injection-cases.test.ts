/**
 * Fault injection in case transitions (issue 5): DynamoDB Local, persisted (`-dbPath`), is SIGKILLed in the
 * middle of case transitions — the approval that pays a case (its API transaction, and the workflow Task
 * whose transaction creates the payment), a monthly payment run between two cases' payments, opening a case,
 * recording a confirmation — then restarted on the same data and port. Recovery is what the system offers:
 * the client re-sends the same request with the same Idempotency-Key (as after any 5xx), the deadline sweep
 * re-signals recorded steps and restarts the ones whose execution was lost, the payment-run timer tick
 * re-issues the month's scheduled run. The final state of every faulted case equals a fault-free reference
 * run of the same scenario on other cases (status, benefits, payments once per (case, approval) and per
 * (case, month), timeline without doubled step events, escalations, run counters), and every request
 * answered while the database was down is a 5xx problem+json.
 *
 * What the local runner does when DynamoDB is down: the SDK's connection error (name `Error`) is not in
 * any Retry list of the ASL, so a Task failing on it goes to Mark Failed, which fails too; the execution
 * ends FAILED without marking the case (it cannot be written). The case keeps its recorded `pendingStep`
 * (visible on GET) and the sweep restarts it once the step has waited LOST_STEP_AFTER_MS (tests sweep "as
 * of" later); a payment run left RUNNING is continued by the next tick of the schedule.
 *
 * Like fault-injection.test.ts, this file starts its own DynamoDB Local (the run's shared one is in memory).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonthsToMonth, monthOfDate, shanghaiDate } from '../../core/index.ts';
import { startLocalApp, type LocalApp } from '../../local/app.ts';
import { localStepFunctions, type LocalStepFunctions } from '../../local/stepfunctions/index.ts';
import { startPersistedDynamoDb, transactWriteWith, type PersistedDynamoDb } from '../support/ddb-fault.ts';
import {
  approvalBody,
  openCaseBody,
  handInDocuments,
  openedCase,
  orderAround,
  registerWorker,
  report,
  setUpWorld,
  waitForCase,
  waitForRun,
  waitForStatus,
  type Api,
  type World,
} from './cases-fixtures.ts';

/** The local adapter's function timeout: an Idempotency-Key record left in progress by a crash expires after it. */
const FUNCTION_TIMEOUT_MS = 15_000;

/** A killed-after transaction is held this long first, so DynamoDB Local has made it durable (ddb-fault.ts). */
const SETTLE_MS = 1_000;

let ddb: PersistedDynamoDb;
let sfn: LocalStepFunctions;
let app: LocalApp;
let world: World;
/** functions/workflow/deadline-sweep.ts LOST_STEP_AFTER_MS, imported once the app has set the handlers' env. */
let LOST_STEP_AFTER_MS: number;
const timings: Record<string, number> = {};

interface Res {
  readonly status: number;
  readonly contentType: string;
  readonly body: any;
}

const call = async (method: string, path: string, options: { body?: unknown; token?: string; key?: string } = {}): Promise<Res> => {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.key) headers['idempotency-key'] = options.key;
  const res = await fetch(`${app.url}${path}`, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: kept as text */
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body };
};

let keys = 0;
const newKey = () => `fic-${Date.now().toString(36)}-${++keys}`;
const post = (path: string, token: string, body: unknown, key = newKey()) => call('POST', path, { token, body, key });

const expectOutageAnswer = (res: Res) => {
  expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(500);
  expect(res.contentType).toContain('application/problem+json');
  expect(res.body).toMatchObject({ status: res.status });
};

/**
 * The client's retry after a 5xx: the same request, the same Idempotency-Key. While the crashed request's
 * in-progress record has not expired (the function timeout) the answer is 409 "still in progress"; the
 * first other answer is returned.
 */
const resend = async (path: string, token: string, body: unknown, key: string): Promise<Res> => {
  const deadline = Date.now() + FUNCTION_TIMEOUT_MS + 60_000;
  for (let attempts = 1; ; attempts++) {
    const res = await post(path, token, body, key);
    if (!(res.status === 409 && String(res.body?.detail ?? res.body?.title).includes('Idempotency-Key'))) {
      timings.resendAttempts = Math.max(timings.resendAttempts ?? 0, attempts);
      return res;
    }
    if (Date.now() > deadline) throw new Error(`re-send of ${path} still in progress after ${attempts} attempts`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
};

const executionArn = (machine: 'caseWorkflow' | 'paymentRun', name: string) => `${sfn.arn(machine).replace(':stateMachine:', ':execution:')}:${name}`;

/** Polls the local runner until the execution has left RUNNING; returns its status. */
const executionEnd = async (machine: 'caseWorkflow' | 'paymentRun', name: string): Promise<string> => {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const e = sfn.describe(executionArn(machine, name));
    if (e && e.status !== 'RUNNING') return e.status;
    if (Date.now() > deadline) throw new Error(`execution ${name} still ${e?.status ?? 'unknown'}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/** Kills DynamoDB Local at `trigger`, runs `during` (requests meanwhile), waits for the kill, restarts. */
const outage = async <T>(trigger: Parameters<PersistedDynamoDb['arm']>[0], during: () => Promise<T>, name: string): Promise<T> => {
  const trip = ddb.arm(trigger);
  const result = await during();
  await trip.killed;
  expect(trip.fired(), `DynamoDB Local was killed during ${name}`).toBe(true);
  // Anything asked meanwhile is a 5xx problem+json, never a false 2xx.
  expectOutageAnswer(await call('GET', `/v1/cases?status=PAID`, { token: world.tokens.handler }));
  expectOutageAnswer(await post('/v1/payment-runs', world.tokens.admin, { month: monthOfDate(shanghaiDate(new Date())) }));
  timings[`restart:${name}`] = await ddb.restart();
  return result;
};

const get = async (caseId: string) => {
  const res = await call('GET', `/v1/cases/${caseId}`, { token: world.tokens.handler });
  expect(res.status).toBe(200);
  return res.body;
};

/** A minor injury (expenses recorded by handler2, confirmed by handler) waiting for its approval. */
const awaitingApproval = async () => {
  const { caseId } = await openedCase(world);
  await finishMinor(caseId);
  await waitForStatus(world, caseId, 'AWAITING_APPROVAL');
  return caseId;
};
/** Approved: its payments instructed (D15; no bank runs here, so the cases stay APPROVED). */
const waitPaid = (caseId: string) => waitForCase(world, caseId, (c) => c.status === 'APPROVED', 30_000);
const approve = async (caseId: string, key = newKey(), body?: unknown) =>
  post(`/v1/cases/${caseId}/approval`, world.tokens.reviewer, body ?? (await approvalBody(world, caseId)), key);

/** A grade-2 injury with FULL nursing concluded last month, approved: monthly items from this month, instructed by the approval (D9, D15). */
const paidGrade2 = async () => {
  const { caseId } = await openedCase(world);
  expect(
    (await post(`/v1/cases/${caseId}/confirmation`, world.tokens.handler, { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: true }))
      .status,
  ).toBe(202);
  await waitForStatus(world, caseId, 'AWAITING_ASSESSMENT');
  const lastMonth = addMonthsToMonth(monthOfDate(shanghaiDate(new Date())), -1);
  expect((await post(`/v1/cases/${caseId}/assessment`, world.tokens.assessor, { grade: 2, nursing: 'FULL', concludedOn: `${lastMonth}-15` })).status).toBe(202);
  await waitForStatus(world, caseId, 'AWAITING_APPROVAL');
  expect((await approve(caseId)).status).toBe(202);
  await waitForStatus(world, caseId, 'APPROVED');
  return caseId;
};

/** A report covered by an order, ready for a case. */
const coveredReport = async () => {
  const at = new Date(Date.now() - 30 * 60_000);
  const worker = await registerWorker(world);
  await orderAround(world, worker, at);
  const r = await report(world, worker, at);
  expect(r.status).toBe(201);
  return r.body.reportId as string;
};
/** Documents, expenses (handler2) and a confirmation without assessment (handler): a minor injury's steps before approval. */
const finishMinor = async (caseId: string) => {
  await handInDocuments(world, caseId);
  expect(
    (
      await post(`/v1/cases/${caseId}/expenses`, world.tokens.handler2, {
        items: [{ description: '门诊', amountFen: 80_000, inCatalogue: true }],
        inpatientDays: 0,
      })
    ).status,
  ).toBe(202);
  expect(
    (await post(`/v1/cases/${caseId}/confirmation`, world.tokens.handler, { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: false }))
      .status,
  ).toBe(202);
};

/** What is compared between a faulted case and its reference (ids, times and calculation ids normalised). */
const snapshot = async (caseId: string) => {
  const c = await waitForCase(world, caseId, () => true);
  const calc = c.benefits?.calculationId as string | undefined;
  const norm = (s: string) => (calc ? s.replaceAll(calc, 'CALC') : s).replaceAll(caseId, 'CASE');
  const actions = (c.timeline as { action: string }[]).map((e) => e.action);
  return {
    status: c.status,
    pendingStep: c.pendingStep ?? null,
    workflow: c.workflow.status,
    escalations: (c.escalations as { kind: string }[]).map((e) => e.kind).sort(),
    benefits: c.benefits
      ? {
          oneOffTotalFen: c.benefits.oneOffTotalFen,
          monthlyTotalFen: c.benefits.monthlyTotalFen,
          lines: c.benefits.lines.map((l: any) => `${l.item}:${l.amountFen}:${l.monthly}`).sort(),
        }
      : null,
    payments: (c.payments as any[])
      .map((p) => ({
        paymentId: norm(p.paymentId),
        amountFen: p.amountFen,
        status: p.status,
        run: p.runId !== undefined,
        items: p.items.map((i: any) => `${i.item}:${i.amountFen}:${i.month ?? ''}`).sort(),
      }))
      .sort((a, b) => a.paymentId.localeCompare(b.paymentId)),
    // The sweep's repair is an event of its own (asserted where expected); every other event is compared as is.
    timeline: actions.filter((a) => a !== 'workflow.restarted'),
  };
};

/** Each (case, approval) and (case, month) paid once: no payment id twice, and the step events once each. */
const expectNothingDoubled = (s: Awaited<ReturnType<typeof snapshot>>) => {
  const ids = s.payments.map((p) => p.paymentId);
  expect(new Set(ids).size).toBe(ids.length);
  for (const step of ['case.opened', 'confirmation.recorded', 'approval.approve', 'assessment.initial.recorded']) {
    expect(s.timeline.filter((a) => a === step).length, step).toBeLessThanOrEqual(1);
  }
};

beforeAll(async () => {
  const started = await startPersistedDynamoDb('fault-injection-cases-');
  timings.ddbStart = started.startMs;
  ddb = started;
  sfn = localStepFunctions({ sweepIntervalMs: 0 });
  app = await startLocalApp({
    ddbEndpoint: ddb.endpoint,
    port: 0,
    tablePrefix: 'fic_',
    stage: 'test',
    services: [sfn],
    adapter: { timeoutMs: FUNCTION_TIMEOUT_MS },
    ...(process.env.PII_LOCAL_KEY ? { piiKey: process.env.PII_LOCAL_KEY } : {}),
  });
  const { dynamo } = await import('../../functions/_shared/db.ts');
  ddb.install(dynamo);
  ({ LOST_STEP_AFTER_MS } = await import('../../functions/workflow/deadline-sweep.ts'));
  const api: Api = (method, path, options = {}) => call(method, path, options);
  world = await setUpWorld(api, (claims) => app.token(claims));
}, 90_000);

afterAll(async () => {
  await app?.stop();
  await ddb?.dispose();
  console.info(`fault-injection-cases timings (ms): ${JSON.stringify(timings)}`);
});

describe('DynamoDB Local killed in case transitions, restarted on the same data (issue 5)', () => {
  it('converges to the state of a fault-free run: one payment per approval and per month, no step lost or doubled', async () => {
    const started = Date.now();
    // The runs here pay next month: this month was instructed by each approval (D15: through the current month).
    const month = addMonthsToMonth(monthOfDate(shanghaiDate(new Date())), 1);
    const runAt = new Date(`${month}-28T12:00:00+08:00`);
    const later = () => new Date(Date.now() + LOST_STEP_AFTER_MS + 60_000);

    // ---- Fault-free reference: the same scenario on other cases. ----
    const ref = { approval: '', applyApproval: '', monthlyA: '', monthlyB: '', opened: '', confirmed: '' };
    ref.approval = await awaitingApproval();
    expect((await approve(ref.approval)).status).toBe(202);
    ref.applyApproval = await awaitingApproval();
    expect((await approve(ref.applyApproval)).status).toBe(202);
    ref.monthlyA = await paidGrade2();
    ref.monthlyB = await paidGrade2();
    const refRunStart = await post('/v1/payment-runs', world.tokens.admin, { month });
    expect(refRunStart.status).toBe(202);
    const refRun = await waitForRun(world, refRunStart.body.runId, 60_000);
    expect(refRun).toMatchObject({ status: 'SUCCEEDED', payments: 2 });
    const refOpen = await post('/v1/cases', world.tokens.platform, openCaseBody(await coveredReport()));
    expect(refOpen.status).toBe(201);
    ref.opened = refOpen.body.caseId;
    await finishMinor(ref.opened);
    await waitForStatus(world, ref.opened, 'AWAITING_APPROVAL');
    expect((await approve(ref.opened)).status).toBe(202);
    ref.confirmed = (await openedCase(world)).caseId;
    await finishMinor(ref.confirmed);
    await waitForStatus(world, ref.confirmed, 'AWAITING_APPROVAL');
    expect((await approve(ref.confirmed)).status).toBe(202);
    for (const id of Object.values(ref)) expect((await waitPaid(id)).payments.length).toBeGreaterThanOrEqual(1);
    timings.referenceRun = Date.now() - started;

    const fault = { approval: '', applyApproval: '', monthlyA: '', monthlyB: '', opened: '', confirmed: '' };

    // ---- 1a. Killed right after the approval's own transaction (the step is recorded, its signal lost). ----
    fault.approval = await awaitingApproval();
    const approvalKey = newKey();
    const approvalSent = await approvalBody(world, fault.approval);
    const killedApproval = await outage(
      { match: transactWriteWith(`CASE#${fault.approval}`, 'approval.approve'), when: 'after', settleMs: SETTLE_MS },
      () => approve(fault.approval, approvalKey, approvalSent),
      'approval request',
    );
    expectOutageAnswer(killedApproval); // committed, but the request could not finish: 500, not 202
    expect(await get(fault.approval)).toMatchObject({ status: 'AWAITING_APPROVAL', pendingStep: 'approval', payments: [] });
    // The client's re-send after the 5xx never approves twice: 409 (the step is recorded already).
    expect((await resend(`/v1/cases/${fault.approval}/approval`, world.tokens.reviewer, approvalSent, approvalKey)).status).toBe(409);
    // The execution still waits on its token (the runner lost nothing): the sweep's re-signal applies the step.
    expect((await sfn.sweepNow()).resignalled).toBeGreaterThanOrEqual(1);
    expect((await waitPaid(fault.approval)).payments).toHaveLength(1);

    // ---- 1b. Killed in the workflow Task that creates the approval payment (before its transaction). ----
    fault.applyApproval = await awaitingApproval();
    let answered = () => {};
    const gate = new Promise<void>((resolve) => (answered = resolve));
    await outage(
      // The approval's own transaction instructs its payment: the first one of the case to advance its ledger.
      { match: transactWriteWith(`CASE#${fault.applyApproval}`, '"LEDGER"'), when: 'before', gate },
      async () => {
        const res = await approve(fault.applyApproval);
        expect(res.status).toBe(202); // answered before the kill (the gate): the step is recorded
        answered();
        // Apply Approval fails on the dead database, no Retry matches, Mark Failed fails too: the execution is lost.
        expect(await executionEnd('caseWorkflow', `case-${fault.applyApproval}`)).toBe('FAILED');
      },
      'apply approval',
    );
    expect(await get(fault.applyApproval)).toMatchObject({
      status: 'AWAITING_APPROVAL',
      pendingStep: 'approval',
      payments: [],
      workflow: { status: 'RUNNING' },
    });
    // The sweep re-signals; no execution waits. Within LOST_STEP_AFTER_MS it leaves the case alone…
    expect((await sfn.sweepNow()).restarted).toBe(0);
    expect(await get(fault.applyApproval)).toMatchObject({ pendingStep: 'approval', payments: [] });
    // …after it, it restarts the execution at Apply Approval, once.
    expect((await sfn.sweepNow(later())).restarted).toBe(1);
    expect((await sfn.sweepNow(later())).restarted).toBe(0);
    expect((await waitPaid(fault.applyApproval)).payments).toHaveLength(1);

    // ---- 2. Killed in a monthly payment run, after one case's payment and before the other's. ----
    fault.monthlyA = await paidGrade2();
    fault.monthlyB = await paidGrade2();
    const monthlyOf = (input: string) =>
      input.includes('payment-run') && (input.includes(`CASE#${fault.monthlyA}`) || input.includes(`CASE#${fault.monthlyB}`));
    const scheduled = await outage(
      { match: (commandName, input) => /TransactWrite/.test(commandName) && monthlyOf(input), when: 'before', nth: 2, settleMs: SETTLE_MS },
      async () => {
        const s = await sfn.runScheduledPaymentRun(runAt);
        expect(s).toMatchObject({ runId: `run-${month}-scheduled`, created: true });
        expect(await executionEnd('paymentRun', s.runId)).toBe('FAILED'); // Finish Run and Mark Run Failed both failed
        return s;
      },
      'payment run',
    );
    const cut = await call('GET', `/v1/payment-runs/${scheduled.runId}`, { token: world.tokens.admin });
    expect(cut.body).toMatchObject({ status: 'RUNNING', payments: 1 }); // one case paid and counted, the other not
    const monthlyPaid = async () => (await Promise.all([fault.monthlyA, fault.monthlyB].map(get))).flatMap((c) => c.payments.filter((p: any) => p.runId));
    expect(await monthlyPaid()).toHaveLength(1);
    // The schedule's next tick finds the run RUNNING with no execution running: it continues the run.
    expect(await sfn.paymentRunTick(runAt)).toMatchObject({ runId: scheduled.runId, created: false });
    const faultRun = await waitForRun(world, scheduled.runId, 60_000);
    expect(faultRun).toMatchObject({ status: 'SUCCEEDED', payments: refRun.payments, totalFen: refRun.totalFen });
    const paidByRun = await monthlyPaid();
    expect(paidByRun).toHaveLength(2);
    expect(paidByRun.reduce((s: number, p: any) => s + p.amountFen, 0)).toBe(faultRun.totalFen);
    expect(await sfn.paymentRunTick(runAt)).toBeUndefined(); // finished: nothing more

    // ---- 3a. Killed right after opening a case (case and report link committed; the workflow's first Task lost). ----
    const reportId = await coveredReport();
    const openBody = openCaseBody(reportId);
    const openKey = newKey();
    const killedOpen = await outage(
      { match: transactWriteWith(reportId, 'case.opened'), when: 'after', settleMs: SETTLE_MS },
      () => post('/v1/cases', world.tokens.platform, openBody, openKey),
      'open case',
    );
    expectOutageAnswer(killedOpen);
    const reopened = await resend('/v1/cases', world.tokens.platform, openBody, openKey);
    expect(reopened.body).toMatchObject({ status: 409, code: 'CASE_ALREADY_OPENED' }); // one case per report: the re-send names the case that exists
    fault.opened = /(C[0-9a-f]+)。$/.exec(String(reopened.body.detail))?.[1] ?? '';
    expect(fault.opened).toMatch(/^C[0-9a-f]+$/);
    expect(await executionEnd('caseWorkflow', `case-${fault.opened}`)).toBe('FAILED'); // Await Confirmation could not register its token
    expect(await get(fault.opened)).toMatchObject({ status: 'UNDER_REVIEW', workflow: { status: 'RUNNING' }, escalations: [] });
    await finishMinor(fault.opened); // the handler works on the case as usual; the step is recorded, no execution takes it
    expect((await sfn.sweepNow()).restarted).toBe(0);
    expect(await get(fault.opened)).toMatchObject({ status: 'UNDER_REVIEW', pendingStep: 'confirmation' });
    expect((await sfn.sweepNow(later())).restarted).toBe(1);
    await waitForStatus(world, fault.opened, 'AWAITING_APPROVAL', 30_000);
    expect((await approve(fault.opened)).status).toBe(202);
    expect((await waitPaid(fault.opened)).payments).toHaveLength(1);

    // ---- 3b. Killed before a confirmation's transaction (nothing recorded): the re-send records it once. ----
    fault.confirmed = (await openedCase(world)).caseId;
    expect(
      (
        await post(`/v1/cases/${fault.confirmed}/expenses`, world.tokens.handler2, {
          items: [{ description: '门诊', amountFen: 80_000, inCatalogue: true }],
          inpatientDays: 0,
        })
      ).status,
    ).toBe(202);
    const confirmation = { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: false };
    const confirmKey = newKey();
    const killedConfirm = await outage(
      { match: transactWriteWith(`CASE#${fault.confirmed}`, 'confirmation.recorded'), when: 'before' },
      () => post(`/v1/cases/${fault.confirmed}/confirmation`, world.tokens.handler, confirmation, confirmKey),
      'confirmation',
    );
    expectOutageAnswer(killedConfirm);
    expect(await get(fault.confirmed)).toMatchObject({ status: 'UNDER_REVIEW' });
    expect((await get(fault.confirmed)).confirmation).toBeUndefined();
    expect((await resend(`/v1/cases/${fault.confirmed}/confirmation`, world.tokens.handler, confirmation, confirmKey)).status).toBe(202);
    await waitForStatus(world, fault.confirmed, 'AWAITING_APPROVAL', 30_000);
    expect((await approve(fault.confirmed)).status).toBe(202);
    expect((await waitPaid(fault.confirmed)).payments).toHaveLength(1);

    // ---- The final state: both sets swept alike, then compared case by case. ----
    const last = await sfn.sweepNow(later());
    expect(last.restarted).toBe(0);
    for (const name of Object.keys(ref) as (keyof typeof ref)[]) {
      const expected = await snapshot(ref[name]);
      const actual = await snapshot(fault[name]);
      expectNothingDoubled(expected);
      expectNothingDoubled(actual);
      expect(actual, name).toEqual(expected);
    }
    const expected = await snapshot(ref.approval);
    expect(expected).toMatchObject({ status: 'APPROVED', escalations: [], payments: [{ amountFen: 80_000, run: false, status: 'INSTRUCTED' }] });
    const monthly = await snapshot(ref.monthlyA);
    expect(monthly.status).toBe('APPROVED');
    expect(monthly.payments.filter((p) => p.run)).toHaveLength(1);
    // The sweep's repairs are in the timelines of the two cases whose execution was lost, and only there.
    const restarts = async (id: string) => ((await get(id)).timeline as { action: string }[]).filter((e) => e.action === 'workflow.restarted').length;
    expect(await restarts(fault.applyApproval)).toBe(1);
    expect(await restarts(fault.opened)).toBe(1);
    for (const id of [fault.approval, fault.monthlyA, fault.monthlyB, fault.confirmed, ...Object.values(ref)]) expect(await restarts(id)).toBe(0);
    // The reference run's counters and the faulted run's agree with the payments they made.
    const refPaid = (await Promise.all([ref.monthlyA, ref.monthlyB].map(get))).flatMap((c) => c.payments.filter((p: any) => p.runId === refRun.runId));
    expect(refPaid.reduce((s: number, p: any) => s + p.amountFen, 0)).toBe(refRun.totalFen);
    timings.total = Date.now() - started;
  }, 600_000);
});
