/**
 * Every status transition of the contract's table, through the HTTP API on the local stack with the
 * case workflow running in the local Step Functions runner. Polls for statuses with a deadline.
 */
import { describe, expect, inject, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { addDays, appealDue, assessmentDue, SEEDED_CALENDARS, shanghaiDate, WorkingDayCalendar } from '../../core/index.ts';
import { useCaseStack } from './cases-stack.ts';
import { approve, openedCase, payMinorInjury, settleByBank, waitForCase, waitForStatus, W_FEN, MEAL_FEN_PER_DAY } from './cases-fixtures.ts';

const env = useCaseStack();

const post = (path: string, token: string, body?: unknown) => env.world.api('POST', path, { token, ...(body === undefined ? {} : { body }) });
/** The reminders the sweep stored for a case (its `REMINDER#` items). */
const reminders = async (caseId: string): Promise<Record<string, string>[]> => {
  const ddb = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: inject('ddbEndpoint'), region: 'cn-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  );
  const page = await ddb.send(
    new QueryCommand({
      TableName: env.stack.tables.CASES_TABLE!,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':sk': 'REMINDER#' },
    }),
  );
  return (page.Items ?? []) as Record<string, string>[];
};
const confirm = (caseId: string, body: Record<string, unknown>) => post(`/v1/cases/${caseId}/confirmation`, env.world.tokens.handler, body);

describe('case lifecycle (contract: case statuses)', () => {
  it('UNDER_REVIEW → NOT_CONFIRMED on a refusal with basis and reasons (D7), final', async () => {
    const { caseId } = await openedCase(env.world);
    const res = await confirm(caseId, { outcome: 'NOT_CONFIRMED', basis: 'INTOXICATION', reasons: ['血液酒精含量 120mg/100ml'], assessmentRequired: false });
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('UNDER_REVIEW');
    const c = await waitForStatus(env.world, caseId, 'NOT_CONFIRMED');
    expect(c.confirmation).toMatchObject({ outcome: 'NOT_CONFIRMED', basis: 'INTOXICATION', recordedBy: 'handler-1' });
    expect(c.workflow.status).toBe('RUNNING');
    expect((await post(`/v1/cases/${caseId}/expenses`, env.world.tokens.handler, { items: [], inpatientDays: 0 })).status).toBe(409);
  });

  it('UNDER_REVIEW → AWAITING_APPROVAL → APPROVED → PAID (bank) for a minor injury without assessment; one payment (D10, D15)', async () => {
    const { caseId } = await openedCase(env.world);
    const approved = await payMinorInjury(env.world, caseId);
    expect(approved.payments).toEqual([expect.objectContaining({ amountFen: 80_000, status: 'INSTRUCTED' })]);
    await settleByBank(env.world, caseId);
    const c = await waitForStatus(env.world, caseId, 'PAID');
    expect(c.payments).toHaveLength(1);
    expect(c.payments[0]).toMatchObject({ amountFen: 80_000, status: 'PAID' });
    expect(c.timeline.map((e: any) => e.action)).toEqual(
      expect.arrayContaining(['case.opened', 'expenses.added', 'confirmation.recorded', 'status.changed', 'approval.approve']),
    );
    const payments = await env.world.api('GET', `/v1/cases/${caseId}/payments`, { token: env.world.tokens.platform });
    expect(payments.body.payments).toHaveLength(1);
  });

  it('UNDER_REVIEW → AWAITING_ASSESSMENT → AWAITING_APPROVAL (grade 7, inpatient days) → PAID', async () => {
    const { caseId } = await openedCase(env.world);
    await post(`/v1/cases/${caseId}/expenses`, env.world.tokens.handler2, {
      items: [
        { description: '住院', amountFen: 1_500_000, inCatalogue: true },
        { description: '自费药', amountFen: 30_000, inCatalogue: false },
      ],
      inpatientDays: 12,
    });
    expect((await confirm(caseId, { outcome: 'CONFIRMED', basis: 'ORDER_TASK_TRAFFIC', assessmentRequired: true })).status).toBe(202);
    const awaiting = await waitForStatus(env.world, caseId, 'AWAITING_ASSESSMENT');
    expect(awaiting.deadlines.assessmentDue.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const a = await post(`/v1/cases/${caseId}/assessment`, env.world.tokens.assessor, { grade: 7, nursing: null, concludedOn: '2026-10-20' });
    expect(a.status).toBe(202);
    const c = await waitForStatus(env.world, caseId, 'AWAITING_APPROVAL');
    const benefits = (await env.world.api('GET', `/v1/cases/${caseId}/benefits`, { token: env.world.tokens.handler })).body;
    const byItem = Object.fromEntries(benefits.lines.map((l: any) => [l.item, l.amountFen]));
    expect(byItem).toEqual({ medical: 1_500_000, inpatient_meals: 12 * MEAL_FEN_PER_DAY, disability_lump_sum: 13 * W_FEN });
    expect(benefits.monthlyTotalFen).toBe(0);
    expect(c.deadlines.reassessmentRequestDue.date).toBeDefined();
    await approve(env.world, caseId);
    const approved = await waitForStatus(env.world, caseId, 'APPROVED');
    expect(approved.payments[0].amountFen).toBe(benefits.oneOffTotalFen);
  });

  it('AWAITING_APPROVAL → RETURNED → (resubmission) AWAITING_APPROVAL; expenses recalculate on the way', async () => {
    const { caseId } = await openedCase(env.world);
    await confirm(caseId, { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: false });
    const first = await waitForStatus(env.world, caseId, 'AWAITING_APPROVAL');
    expect(first.benefits.oneOffTotalFen).toBe(0);
    const more = await post(`/v1/cases/${caseId}/expenses`, env.world.tokens.handler, {
      items: [{ description: '复诊', amountFen: 12_000, inCatalogue: true }],
      inpatientDays: 0,
    });
    expect(more.status).toBe(202);
    expect(more.body.benefits.oneOffTotalFen).toBe(12_000);
    expect((await approve(env.world, caseId, env.world.tokens.reviewer, 'return', '缺发票')).status).toBe(202);
    await waitForStatus(env.world, caseId, 'RETURNED');
    expect((await approve(env.world, caseId)).status).toBe(409);
    await post(`/v1/cases/${caseId}/expenses`, env.world.tokens.handler, {
      items: [{ description: '发票补充', amountFen: 3_000, inCatalogue: true }],
      inpatientDays: 0,
    });
    expect((await post(`/v1/cases/${caseId}/resubmission`, env.world.tokens.handler, {})).status).toBe(202);
    const again = await waitForStatus(env.world, caseId, 'AWAITING_APPROVAL');
    expect(again.benefits.oneOffTotalFen).toBe(15_000);
  });

  it('death: UNDER_REVIEW → AWAITING_DEPENDANTS → AWAITING_APPROVAL; dependants capped at W (D9)', async () => {
    const { caseId } = await openedCase(env.world, { kind: 'death' });
    await confirm(caseId, { outcome: 'CONFIRMED', basis: 'ORDER_TASK_TRAFFIC', assessmentRequired: false });
    await waitForStatus(env.world, caseId, 'AWAITING_DEPENDANTS');
    const res = await post(`/v1/cases/${caseId}/dependants`, env.world.tokens.handler, {
      dependants: [
        { name: '李四', relation: 'spouse', orphanOrAlone: false },
        { name: '张小一', relation: 'child', orphanOrAlone: false, birthDate: '2015-03-01' },
        { name: '张小二', relation: 'child', orphanOrAlone: false, birthDate: '2018-07-01' },
        { name: '张父', relation: 'parent', orphanOrAlone: true },
      ],
    });
    expect(res.status).toBe(202);
    const c = await waitForStatus(env.world, caseId, 'AWAITING_APPROVAL');
    const pensions = c.benefits.lines.filter((l: any) => l.item === 'dependant_pension');
    expect(pensions).toHaveLength(4);
    const total = pensions.reduce((s: number, l: any) => s + l.amountFen, 0);
    expect(total).toBeLessThanOrEqual(W_FEN);
    expect(c.benefits.lines.find((l: any) => l.item === 'funeral').amountFen).toBe(6 * W_FEN);
  });

  it("masks dependants' names and birth dates for the platform and staff, not for the worker's own read; line keys carry no name (contract, A3)", async () => {
    const { caseId, worker } = await openedCase(env.world, { kind: 'death' });
    await confirm(caseId, { outcome: 'CONFIRMED', basis: 'ORDER_TASK_TRAFFIC', assessmentRequired: false });
    await waitForStatus(env.world, caseId, 'AWAITING_DEPENDANTS');
    const names = ['欧阳娜娜', '欧阳小明'];
    const recorded = await post(`/v1/cases/${caseId}/dependants`, env.world.tokens.handler, {
      dependants: [
        { name: names[0], relation: 'spouse', orphanOrAlone: false },
        { name: names[1], relation: 'child', orphanOrAlone: false, birthDate: '2016-04-09' },
      ],
    });
    expect(recorded.status).toBe(202);
    expect(JSON.stringify(recorded.body)).not.toMatch(/欧阳娜娜|欧阳小明|2016-04-09/);
    await waitForStatus(env.world, caseId, 'AWAITING_APPROVAL');
    const read = async (token: string) =>
      Promise.all(['', '/benefits', '/payments'].map(async (suffix) => (await env.world.api('GET', `/v1/cases/${caseId}${suffix}`, { token })).body));
    for (const token of [env.world.tokens.platform, env.world.tokens.handler, env.world.tokens.reviewer]) {
      const [c, benefits, payments] = await read(token);
      expect(JSON.stringify([c, benefits, payments])).not.toMatch(/欧阳娜娜|欧阳小明|2016-04-09/);
      expect(c.dependants).toEqual([
        { dependant: 1, name: '欧**', relation: 'spouse', orphanOrAlone: false },
        { dependant: 2, name: '欧**', relation: 'child', orphanOrAlone: false, birthDate: '****-**-**' },
      ]);
      expect(benefits.lines.filter((l: any) => l.item === 'dependant_pension').map((l: any) => [l.key, l.basis.dependant])).toEqual([
        ['dependant_pension:1', 1],
        ['dependant_pension:2', 2],
      ]);
    }
    const [own] = await read(worker.token);
    expect(own.dependants.map((d: any) => [d.name, d.birthDate])).toEqual([
      [names[0], undefined],
      [names[1], '2016-04-09'],
    ]);
  });

  it('extends the assessment deadline by 30 days once, by an assessor, in the timeline; the sweep honours it (D8 +30)', async () => {
    const { caseId } = await openedCase(env.world);
    const extend = (token: string, body: unknown = { reason: '需补充医学检查' }) => post(`/v1/cases/${caseId}/assessment-extension`, token, body);
    expect((await extend(env.world.tokens.assessor)).status, 'not awaiting the assessment yet').toBe(409);
    await confirm(caseId, { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: true });
    const awaiting = await waitForStatus(env.world, caseId, 'AWAITING_ASSESSMENT');
    const due = awaiting.deadlines.assessmentDue.date as string;
    expect((await extend(env.world.tokens.handler)).status).toBe(403);
    expect((await extend(env.world.tokens.assessor, {})).status).toBe(400);
    const extended = await extend(env.world.tokens.assessor);
    expect(extended.status).toBe(202);
    const newDue = extended.body.deadlines.assessmentDue.date as string;
    const entered = awaiting.timeline.find((e: any) => e.action === 'status.changed' && e.after?.status === 'AWAITING_ASSESSMENT');
    const enteredOn = shanghaiDate(new Date(entered.at));
    expect(due).toBe(assessmentDue(enteredOn, false).date);
    expect(newDue).toBe(assessmentDue(enteredOn, true).date);
    expect(newDue > due).toBe(true);
    expect(extended.body.timeline.at(-1)).toMatchObject({
      actor: 'assessor-1',
      action: 'assessment.extended',
      before: { assessmentDue: due },
      after: { assessmentDue: newDue },
    });
    expect((await extend(env.world.tokens.assessor)).status, 'once').toBe(409);
    // between the original and the extended due date, the sweep records nothing overdue
    const between = new Date(Date.parse(`${due}T12:00:00+08:00`) + 5 * 86_400_000);
    await env.sfn.sweepNow(between);
    const c = (await env.world.api('GET', `/v1/cases/${caseId}`, { token: env.world.tokens.handler })).body;
    expect(c.deadlines.assessmentDue.date).toBe(newDue);
    expect(c.escalations.filter((e: any) => e.kind === 'ASSESSMENT_OVERDUE')).toEqual([]);
  });

  it('PAID → reassessment → AWAITING_APPROVAL → PAID paying only the difference (D8, D10)', async () => {
    const { caseId } = await openedCase(env.world);
    await confirm(caseId, { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: true });
    await waitForStatus(env.world, caseId, 'AWAITING_ASSESSMENT');
    const concludedOn = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    await post(`/v1/cases/${caseId}/assessment`, env.world.tokens.assessor, { grade: 9, nursing: null, concludedOn });
    await waitForStatus(env.world, caseId, 'AWAITING_APPROVAL');
    await approve(env.world, caseId);
    await waitForStatus(env.world, caseId, 'APPROVED');
    await settleByBank(env.world, caseId);
    await waitForStatus(env.world, caseId, 'PAID');
    const early = await post(`/v1/cases/${caseId}/assessment`, env.world.tokens.assessor, { type: 'review', grade: 8, nursing: null, concludedOn });
    expect(early.status, 'a review before one year after concludedOn (D8)').toBe(422);
    expect(early.body.errors.map((e: any) => e.path)).toEqual(['type']);
    expect(early.body.detail).toMatch(/REVIEW_TOO_EARLY/);
    const re = await post(`/v1/cases/${caseId}/assessment`, env.world.tokens.assessor, { type: 'reassessment', grade: 8, nursing: null, concludedOn });
    expect(re.status).toBe(202);
    await waitForStatus(env.world, caseId, 'AWAITING_APPROVAL');
    await approve(env.world, caseId, env.world.tokens.reviewer2);
    const approved = await waitForCase(env.world, caseId, (c) => c.status === 'APPROVED' && c.payments.length === 2);
    expect(approved.payments.map((p: any) => p.amountFen)).toEqual([9 * W_FEN, 2 * W_FEN]);
    await settleByBank(env.world, caseId);
    await waitForStatus(env.world, caseId, 'PAID');
  });

  it('PAID → CLOSED by the sweep (nothing monthly, window passed) → review reopens it (D8)', async () => {
    const { caseId } = await openedCase(env.world);
    await confirm(caseId, { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: true });
    await waitForStatus(env.world, caseId, 'AWAITING_ASSESSMENT');
    await post(`/v1/cases/${caseId}/assessment`, env.world.tokens.assessor, { grade: 10, nursing: null, concludedOn: '2025-06-02' });
    await waitForStatus(env.world, caseId, 'AWAITING_APPROVAL');
    await approve(env.world, caseId);
    await waitForStatus(env.world, caseId, 'APPROVED');
    await settleByBank(env.world, caseId);
    await waitForStatus(env.world, caseId, 'PAID');
    expect(
      (await post(`/v1/cases/${caseId}/assessment`, env.world.tokens.assessor, { type: 'reassessment', grade: 9, nursing: null, concludedOn: '2026-11-01' }))
        .status,
    ).toBe(422);
    await env.sfn.sweepNow();
    const closed = await waitForStatus(env.world, caseId, 'CLOSED');
    expect(closed.timeline.at(-1).action).toBe('case.closed');
    expect(
      (await post(`/v1/cases/${caseId}/assessment`, env.world.tokens.assessor, { type: 'reassessment', grade: 9, nursing: null, concludedOn: '2026-11-01' }))
        .status,
    ).toBe(409);
    const review = await post(`/v1/cases/${caseId}/assessment`, env.world.tokens.assessor, {
      type: 'review',
      grade: 9,
      nursing: null,
      concludedOn: '2026-11-01',
    });
    expect(review.status).toBe(202);
    await waitForStatus(env.world, caseId, 'AWAITING_APPROVAL');
    await approve(env.world, caseId);
    const approved = await waitForCase(env.world, caseId, (c) => c.status === 'APPROVED' && c.payments.length === 2);
    expect(approved.payments[1].amountFen).toBe(2 * W_FEN);
  });

  it('suspends and resumes the confirmation clock (D7): the due date moves, double suspend/resume → 409', async () => {
    const { caseId, body } = await openedCase(env.world);
    const suspended = await post(`/v1/cases/${caseId}/suspension`, env.world.tokens.handler, { reason: '等待交警责任认定' });
    expect(suspended.status).toBe(202);
    expect(suspended.body.suspended).toMatchObject({ reason: '等待交警责任认定' });
    expect((await post(`/v1/cases/${caseId}/suspension`, env.world.tokens.handler, { reason: 'again' })).status).toBe(409);
    const resumed = await env.world.api('DELETE', `/v1/cases/${caseId}/suspension`, { token: env.world.tokens.handler });
    expect(resumed.status).toBe(202);
    expect(resumed.body.suspended).toBeUndefined();
    expect(resumed.body.deadlines.confirmationDue.date >= body.deadlines.confirmationDue.date).toBe(true);
    expect((await env.world.api('DELETE', `/v1/cases/${caseId}/suspension`, { token: env.world.tokens.handler })).status).toBe(409);
  });

  it("the deadline sweep reminds the worker of a refusal's appeal window 3 days before it ends, once (D17, D21)", async () => {
    const { caseId } = await openedCase(env.world);
    const refusal = { outcome: 'NOT_CONFIRMED', basis: 'INTOXICATION', reasons: ['醉酒'], assessmentRequired: false };
    expect((await post(`/v1/cases/${caseId}/confirmation`, env.world.tokens.handler, refusal)).status).toBe(202);
    await waitForStatus(env.world, caseId, 'NOT_CONFIRMED');
    const c = (await env.world.api('GET', `/v1/cases/${caseId}`, { token: env.world.tokens.handler })).body;
    const due = appealDue('RECONSIDERATION', shanghaiDate(c.confirmation.recordedAt), undefined, new WorkingDayCalendar(SEEDED_CALENDARS)).date;
    const morningOf = (date: string) => new Date(`${date}T10:00:00+08:00`);
    // Four days before: nothing yet; two days before: one reminder, and only one however often the sweep runs.
    await env.sfn.sweepNow(morningOf(addDays(due, -4)));
    expect((await reminders(caseId)).map((r) => r.key)).toEqual([]);
    await env.sfn.sweepNow(morningOf(addDays(due, -2)));
    await env.sfn.sweepNow(morningOf(addDays(due, -1)));
    expect(await reminders(caseId)).toEqual([expect.objectContaining({ kind: 'DEADLINE_NEAR', key: `appealDue.CONFIRMATION#${due}`, due })]);
  });

  it('the deadline sweep records a missed confirmation deadline once, and GET shows it (D7)', async () => {
    const { caseId } = await openedCase(env.world);
    const later = new Date(Date.now() + 75 * 86_400_000);
    const first = await env.sfn.sweepNow(later);
    expect(first.escalated).toBeGreaterThanOrEqual(1);
    await env.sfn.sweepNow(later);
    const c = (await env.world.api('GET', `/v1/cases/${caseId}`, { token: env.world.tokens.handler })).body;
    expect(c.escalations.filter((e: any) => e.kind === 'CONFIRMATION_OVERDUE')).toHaveLength(1);
    expect(c.escalations[0].due).toBe(c.deadlines.confirmationDue.date);
    expect(c.timeline.at(-1)).toMatchObject({ actor: 'deadline-sweep', action: 'deadline.missed' });
  });
});
