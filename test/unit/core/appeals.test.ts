/**
 * Appeals (D17): the decision appealed, the due dates with the D12 end-of-period rule, the refusals, and
 * what each result does to the case (the lifecycle records it; the workflow applies OVERTURNED and VARIED).
 */
import { describe, expect, it } from 'vitest';
import {
  type Appeal,
  appealDue,
  appealedDecisionOn,
  appealWindows,
  applyingNeedsBenefits,
  applyPendingStep,
  type BenefitInputs,
  type CaseDocument,
  type CaseRecord,
  deadlinesOf,
  NATIONAL_DEFAULT_PARAMETERS,
  type Outcome,
  recordStep,
  SEEDED_CALENDARS,
  type StepContext,
  type StepInput,
  type Transition,
  WorkingDayCalendar,
} from '../../../core/index.ts';
import { calculation, CASE_NOW, oneOffLine, openedCaseRecord, payment, version } from './fixtures.ts';

const calendar = new WorkingDayCalendar(SEEDED_CALENDARS);
const NOW = CASE_NOW; // 2026-03-16 in Shanghai
const inputs: BenefitInputs = {
  worker: { sex: 'M', birthDate: '1990-05-20' },
  parameterVersions: [
    ...NATIONAL_DEFAULT_PARAMETERS,
    version('averageMonthlyWageFen', 1_000_000, '2020-01-01'),
    version('minimumMonthlyWageFen', 200_000, '2020-01-01'),
    version('inpatientMealFenPerDay', 7_000, '2020-01-01'),
  ],
};
const ctx = (over: Partial<StepContext> = {}): StepContext => ({
  actor: 'handler-1',
  role: 'handler',
  now: NOW,
  calendar,
  benefits: inputs,
  documents: [] as CaseDocument[],
  ledger: { seq: 0, payments: [] },
  ...over,
});
const ok = (o: Outcome): Transition => {
  if (!o.ok) throw new Error(`refused: ${o.refusal.code} ${o.refusal.message}`);
  return o;
};
const refusal = (o: Outcome) => (o.ok ? undefined : o.refusal);

const CONFIRMED = {
  confirmation: {
    outcome: 'CONFIRMED' as const,
    basis: 'ORDER_IN_PROGRESS',
    assessmentRequired: true,
    recordedBy: 'handler-9',
    recordedAt: '2026-03-02T03:00:00.000Z',
  },
};
const ASSESSED = {
  assessments: [{ type: 'initial' as const, grade: 7, nursing: null, concludedOn: '2026-03-10', recordedBy: 'assessor-1', recordedAt: 'x' }],
};
const LUMP = oneOffLine('disability_lump_sum', 500_000);
const APPROVED = {
  approved: calculation('calc-1', [LUMP]),
  benefits: calculation('calc-1', [LUMP]),
  approval: { decision: 'approve' as const, reviewer: 'reviewer-1', at: '2026-03-11T01:00:00.000Z' },
};

const file = (record: CaseRecord, input: Partial<Extract<StepInput, { step: 'appeal' }>> = {}, over: Partial<StepContext> = {}) =>
  recordStep(record, { step: 'appeal', kind: 'RECONSIDERATION', against: 'ASSESSMENT', filedOn: '2026-03-16', ...input }, ctx(over));
const decide = (record: CaseRecord, input: Partial<Extract<StepInput, { step: 'appeal-result' }>> = {}) =>
  recordStep(record, { step: 'appeal-result', appealId: 'A1', result: 'OVERTURNED', decidedOn: '2026-03-16', summary: '撤销原决定', ...input }, ctx());

describe('the decision appealed (contract: the latest of its kind)', () => {
  it('is the confirmation as recorded, the last assessment concluded, the approval that approved', () => {
    const r = openedCaseRecord({ ...CONFIRMED, ...ASSESSED, ...APPROVED });
    expect(appealedDecisionOn(r, 'CONFIRMATION')).toBe('2026-03-02');
    expect(appealedDecisionOn(r, 'ASSESSMENT')).toBe('2026-03-10');
    expect(appealedDecisionOn(r, 'BENEFITS')).toBe('2026-03-11');
  });

  it('is none without a decision, nor for benefits returned by the reviewer', () => {
    const r = openedCaseRecord();
    for (const against of ['CONFIRMATION', 'ASSESSMENT', 'BENEFITS'] as const) expect(appealedDecisionOn(r, against)).toBeUndefined();
    const returned = openedCaseRecord({ ...APPROVED, approval: { decision: 'return', reviewer: 'r', at: '2026-03-12T01:00:00.000Z' } });
    expect(appealedDecisionOn(returned, 'BENEFITS')).toBeUndefined();
  });
});

describe('due dates (D17 with the D12 end-of-period rule)', () => {
  it('reconsideration: 60 calendar days after the decision, a working day as is', () => {
    // 2026-03-10 + 60 = 2026-05-09, a Saturday worked in exchange for the May Day holiday (2026 arrangement).
    expect(appealDue('RECONSIDERATION', '2026-03-10', undefined, calendar)).toEqual({ date: '2026-05-09', provisional: false });
  });

  it('reconsideration ending in the National Day holiday moves to the first working day after it', () => {
    // 2026-08-02 + 60 = 2026-10-01 (holiday until 10-07).
    expect(appealDue('RECONSIDERATION', '2026-08-02', undefined, calendar)).toEqual({ date: '2026-10-08', provisional: false });
  });

  it('litigation: 6 months after the decision, the same day of the month or that month’s last day', () => {
    expect(appealDue('LITIGATION', '2026-03-10', undefined, calendar)).toEqual({ date: '2026-09-10', provisional: false });
    expect(appealDue('LITIGATION', '2025-08-31', undefined, calendar).date).toBe('2026-02-28');
  });

  it('litigation after a reconsideration result: 15 days after it, shifted', () => {
    expect(appealDue('LITIGATION', '2026-03-10', { decidedOn: '2026-09-16' }, calendar)).toEqual({ date: '2026-10-08', provisional: false });
  });

  it('is provisional in a year whose calendar is not loaded', () => {
    expect(appealDue('RECONSIDERATION', '2027-03-01', undefined, calendar).provisional).toBe(true);
  });
});

describe("the worker's appeal windows (D17, reminded by D21)", () => {
  it('are the reconsideration deadlines of the decisions not yet appealed', () => {
    expect(appealWindows(openedCaseRecord(), calendar)).toEqual({});
    const decided = openedCaseRecord({ ...CONFIRMED, ...ASSESSED, ...APPROVED });
    expect(appealWindows(decided, calendar)).toEqual({
      'appealDue.CONFIRMATION': appealDue('RECONSIDERATION', '2026-03-02', undefined, calendar),
      'appealDue.ASSESSMENT': appealDue('RECONSIDERATION', '2026-03-10', undefined, calendar),
      'appealDue.BENEFITS': appealDue('RECONSIDERATION', '2026-03-11', undefined, calendar),
    });
    // The assessment appealed: its window is no longer a deadline to remind of.
    const appealed = ok(file(decided, { against: 'ASSESSMENT' })).record;
    expect(Object.keys(appealWindows(appealed, calendar))).toEqual(['appealDue.CONFIRMATION', 'appealDue.BENEFITS']);
  });
});

describe('filing an appeal', () => {
  it('on time: recorded with its due date, late false, on the timeline; nothing pending', () => {
    const t = ok(file(openedCaseRecord({ status: 'PAID', ...ASSESSED }), {}, { actor: 'worker-1', role: 'worker' }));
    expect(t.record.appeals).toEqual([
      {
        appealId: 'A1',
        kind: 'RECONSIDERATION',
        against: 'ASSESSMENT',
        decisionOn: '2026-03-10',
        filedOn: '2026-03-16',
        due: { date: '2026-05-09', provisional: false },
        late: false,
        filedBy: 'worker-1',
        filedByRole: 'worker',
        recordedAt: NOW.toISOString(),
      },
    ]);
    expect(t.record.status).toBe('PAID');
    expect(t.record.pendingStep).toBeUndefined();
    expect(t.event).toMatchObject({ action: 'appeal.filed', actor: 'worker-1', after: { appealId: 'A1', late: false } });
  });

  it('late: recorded all the same, with late true (D17: the body decides whether to hear it)', () => {
    const old = openedCaseRecord({ assessments: [{ ...ASSESSED.assessments[0]!, concludedOn: '2025-12-01' }] });
    const t = ok(file(old, { filedOn: '2026-03-16' }));
    expect(t.record.appeals?.[0]).toMatchObject({ due: { date: '2026-01-30' }, late: true });
  });

  it('a litigation after a decided reconsideration of the same decision runs 15 days from its result', () => {
    const decided: Appeal = {
      appealId: 'A1',
      kind: 'RECONSIDERATION',
      against: 'ASSESSMENT',
      decisionOn: '2026-03-10',
      filedOn: '2026-03-11',
      due: { date: '2026-05-09', provisional: false },
      late: false,
      filedBy: 'w',
      filedByRole: 'worker',
      recordedAt: 'x',
      result: 'UPHELD',
      decidedOn: '2026-03-13',
    };
    const t = ok(file(openedCaseRecord({ ...ASSESSED, appeals: [decided] }), { kind: 'LITIGATION' }));
    // 2026-03-13 + 15 = 2026-03-28, a Saturday → Monday 2026-03-30.
    expect(t.record.appeals?.[1]).toMatchObject({ appealId: 'A2', kind: 'LITIGATION', due: { date: '2026-03-30' }, late: false });
    // Its result leaves the earlier appeal as it was.
    const decidedA2 = ok(decide(t.record, { appealId: 'A2', result: 'UPHELD' })).record.appeals;
    expect(decidedA2?.[0]).toEqual(decided);
    expect(decidedA2?.[1]).toMatchObject({ appealId: 'A2', result: 'UPHELD' });
  });

  it('refuses an appeal against no decision (409) and a second open one against the same kind (409)', () => {
    expect(refusal(file(openedCaseRecord()))?.code).toBe('NO_DECISION_TO_APPEAL');
    const once = ok(file(openedCaseRecord({ ...ASSESSED, ...CONFIRMED })));
    expect(refusal(file(once.record, { kind: 'LITIGATION' }))?.code).toBe('APPEAL_OPEN');
    // Another kind of decision is appealed independently.
    expect(ok(file(once.record, { against: 'CONFIRMATION' })).record.appeals?.map((a) => a.appealId)).toEqual(['A1', 'A2']);
  });

  it('refuses a filing date in the future or before the decision (400, path filedOn)', () => {
    const r = openedCaseRecord(ASSESSED);
    expect(refusal(file(r, { filedOn: '2026-03-17' }))).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ path: 'filedOn' }] });
    expect(refusal(file(r, { filedOn: '2026-03-09' }))).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ path: 'filedOn' }] });
  });

  it('answers 400 before 409 (contract: the first of 400, 409, 422 wins): a bad date is named even with no decision or an open appeal', () => {
    expect(refusal(file(openedCaseRecord(), { filedOn: '2026-03-17' }))).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ path: 'filedOn' }] });
    const once = ok(file(openedCaseRecord({ ...ASSESSED, ...CONFIRMED }))).record;
    expect(refusal(file(once, { kind: 'LITIGATION', filedOn: '2026-03-17' }))).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ path: 'filedOn' }] });
    expect(refusal(file(once, { kind: 'LITIGATION', filedOn: '2026-03-09' }))).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ path: 'filedOn' }] });
  });
});

describe('recording the result', () => {
  const filed = (over: Partial<CaseRecord>, against: Appeal['against']) => ok(file(openedCaseRecord(over), { against })).record;

  it('UPHELD: the appeal is closed, nothing else changes, nothing pending', () => {
    const r = filed({ status: 'PAID', ...ASSESSED }, 'ASSESSMENT');
    const t = ok(decide(r, { result: 'UPHELD' }));
    expect(t.record.status).toBe('PAID');
    expect(t.record.pendingStep).toBeUndefined();
    expect(t.record.pendingAppeal).toBeUndefined();
    expect(t.record.appeals?.[0]).toMatchObject({ result: 'UPHELD', decidedOn: '2026-03-16', summary: '撤销原决定', resultBy: 'handler-1' });
    expect(t.event).toMatchObject({ action: 'appeal.decided', after: { result: 'UPHELD' } });
    expect(t.event.after).not.toHaveProperty('returnsTo');
  });

  it('OVERTURNED confirmation: pending for the workflow, which reopens the case UNDER_REVIEW with its clock from the result', () => {
    const r = filed({ status: 'NOT_CONFIRMED', ...CONFIRMED, confirmation: { ...CONFIRMED.confirmation, outcome: 'NOT_CONFIRMED' } }, 'CONFIRMATION');
    const t = ok(decide(r));
    expect(t.record).toMatchObject({ pendingStep: 'appeal-result', pendingAppeal: 'A1', status: 'NOT_CONFIRMED' });
    expect(t.event.after).toMatchObject({ returnsTo: 'UNDER_REVIEW' });
    expect(applyingNeedsBenefits(t.record)).toBe(false);
    const applied = ok(applyPendingStep(t.record, { now: NOW, ledger: { seq: 0, payments: [] } }));
    expect(applied.record.status).toBe('UNDER_REVIEW');
    expect(applied.record.confirmation).toBeUndefined();
    expect(applied.record.pendingStep).toBeUndefined();
    expect(applied.record.pendingAppeal).toBeUndefined();
    expect(applied.record.confirmationReopenedOn).toBe('2026-03-16');
    expect(applied.event).toMatchObject({
      action: 'status.changed',
      step: 'appeal-result',
      before: { status: 'NOT_CONFIRMED' },
      after: { status: 'UNDER_REVIEW' },
    });
    // contract: confirmationDue = decidedOn + 60 days (2026-05-15, a Friday); a suspension before the result no longer counts.
    const reopened = { ...applied.record, suspensions: [{ from: '2026-03-01', to: '2026-03-05', reason: '旧' }] };
    expect(deadlinesOf(reopened, calendar, '2026-03-16').confirmationDue).toEqual({ date: '2026-05-15', provisional: false });
  });

  it('VARIED assessment: back to AWAITING_ASSESSMENT with a new assessment clock', () => {
    const r = filed({ status: 'PAID', ...ASSESSED, ...APPROVED }, 'ASSESSMENT');
    const t = ok(decide(r, { result: 'VARIED' }));
    expect(applyingNeedsBenefits(t.record)).toBe(false);
    const applied = ok(applyPendingStep(t.record, { now: NOW, ledger: { seq: 0, payments: [] } })).record;
    expect(applied).toMatchObject({ status: 'AWAITING_ASSESSMENT', assessmentEnteredOn: '2026-03-16' });
    expect(applied.approved).toEqual(APPROVED.approved);
  });

  it('OVERTURNED benefits: recalculated and AWAITING_APPROVAL; nothing is paid until approved again', () => {
    const r = filed({ status: 'PAID', ...CONFIRMED, ...ASSESSED, ...APPROVED }, 'BENEFITS');
    const t = ok(decide(r));
    expect(applyingNeedsBenefits(t.record)).toBe(true);
    const paid = [payment('P1', [['disability_lump_sum', 500_000]], { status: 'PAID' })];
    const applied = ok(applyPendingStep(t.record, { now: NOW, ledger: { seq: 1, payments: paid }, benefits: inputs }));
    expect(applied.record.status).toBe('AWAITING_APPROVAL');
    expect(applied.record.benefits?.calculationId).not.toBe('calc-1');
    expect(applied.payments).toBeUndefined();
    expect(() => applyPendingStep(t.record, { now: NOW, ledger: { seq: 1, payments: paid } })).toThrow(RangeError);
  });

  it('refuses an unknown appeal (404), a second result (409), and a decision date in the future or before the filing (400)', () => {
    const r = filed(ASSESSED, 'ASSESSMENT');
    expect(refusal(decide(r, { appealId: 'A9' }))?.code).toBe('NOT_FOUND');
    const once = ok(decide(r, { result: 'UPHELD' })).record;
    expect(refusal(decide(once))?.code).toBe('APPEAL_DECIDED');
    // 400 before 409: a bad date on an already decided appeal is named.
    expect(refusal(decide(once, { decidedOn: '2026-03-17' }))).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ path: 'decidedOn' }] });
    expect(refusal(decide(r, { decidedOn: '2026-03-17' }))).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ path: 'decidedOn' }] });
    expect(refusal(decide(r, { decidedOn: '2026-03-15' }))).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ path: 'decidedOn' }] });
  });

  it('a pending appeal result that names no appeal is a programming error, not a transition', () => {
    const broken = openedCaseRecord({ pendingStep: 'appeal-result' });
    expect(() => applyingNeedsBenefits(broken)).toThrow(RangeError);
  });
});
