/**
 * The case lifecycle (core/case-lifecycle.ts), without mocks: every status × every step, every refusal,
 * every applied step, the sweep's and the workflow's transitions, and properties over random sequences.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  acceptsStep,
  applyingNeedsBenefits,
  applyPendingStep,
  approvalPayment,
  type BenefitInputs,
  CASE_STATUSES,
  CASE_STEPS,
  type CaseRecord,
  type CaseStatus,
  type CaseStep,
  closable,
  deadlinesOf,
  isWorkflowStep,
  LIFECYCLE,
  monthlyPayment,
  NATIONAL_DEFAULT_PARAMETERS,
  openCase,
  type CaseDocument,
  type Outcome,
  type PaymentRecord,
  recordingNeedsBenefits,
  recordStep,
  SEEDED_CALENDARS,
  STEP_ROLES,
  type StepContext,
  type StepInput,
  type StoredCalculation,
  sweepCase,
  type Transition,
  WORKFLOW_ENTRY_STATE,
  WorkingDayCalendar,
  workflowEnds,
  workflowFailed,
  workflowNotStarted,
  workflowRestarted,
  workflowStarted,
} from '../../../core/index.ts';
import { CASE_NOW, openedCaseRecord, REPORT, version } from './fixtures.ts';

const calendar = new WorkingDayCalendar(SEEDED_CALENDARS);
const NOW = CASE_NOW;
const inputs: BenefitInputs = {
  worker: { sex: 'M', birthDate: '1990-05-20' },
  parameterVersions: [
    ...NATIONAL_DEFAULT_PARAMETERS,
    version('averageMonthlyWageFen', 1_000_000, '2020-01-01'),
    version('minimumMonthlyWageFen', 200_000, '2020-01-01'),
    version('inpatientMealFenPerDay', 7_000, '2020-01-01'),
  ],
};

const report = REPORT;
const opened = openedCaseRecord;

const ctx = (actor = 'handler-1', over: Partial<StepContext> = {}): StepContext => ({
  actor,
  role: 'handler',
  now: NOW,
  calendar,
  benefits: inputs,
  documents: HANDED_IN,
  ...over,
});

const uploaded = (over: Partial<CaseDocument> = {}): CaseDocument => ({
  documentId: 'D1',
  caseId: 'C1',
  type: 'OTHER',
  fileName: 'x.pdf',
  contentType: 'application/pdf',
  sizeBytes: 10,
  status: 'AVAILABLE',
  createdAt: NOW.toISOString(),
  expiresAt: NOW.toISOString(),
  uploadedBy: 'handler-1',
  uploaderRole: 'handler',
  ...over,
});

/** Every document a confirmation of an injury case needs, AVAILABLE. */
const HANDED_IN = (['ID_PROOF', 'MEDICAL_DIAGNOSIS', 'ACCIDENT_STATEMENT', 'POLICE_REPORT', 'DEATH_CERTIFICATE', 'KINSHIP_PROOF'] as const).map((type, i) =>
  uploaded({ documentId: `D${i}`, type }),
);

/** The steps recorded with recordStep (an upload is requested with requestUpload). */
type Recorded = Exclude<CaseStep, 'document-upload'>;
const RECORDED = CASE_STEPS.filter((s): s is Recorded => s !== 'document-upload');

/** A valid input for every step (what the API would have parsed); uploads are requested, not recorded. */
const INPUT: Readonly<Record<Recorded, StepInput>> = {
  confirmation: { step: 'confirmation', outcome: 'CONFIRMED', basis: 'ORDER_IN_PROGRESS', assessmentRequired: true },
  expenses: { step: 'expenses', items: [{ description: '门诊', amountFen: 50_000, inCatalogue: true }], inpatientDays: 2 },
  suspension: { step: 'suspension', reason: '等待公安证明' },
  resumption: { step: 'resumption' },
  assessment: { step: 'assessment', grade: 7, nursing: null, concludedOn: '2026-03-15' },
  reassessment: { step: 'reassessment', grade: 6, nursing: null, concludedOn: '2026-03-15' },
  review: { step: 'review', grade: 6, nursing: null, concludedOn: '2026-03-15' },
  'assessment-extension': { step: 'assessment-extension', reason: '需要专家会诊' },
  dependants: { step: 'dependants', dependants: [{ name: '李四', relation: 'spouse', orphanOrAlone: false }] },
  approval: { step: 'approval', decision: 'approve' },
  resubmission: { step: 'resubmission' },
  'document-waiver': { step: 'document-waiver', type: 'MEDICAL_DIAGNOSIS', reason: '持有纸质原件' },
  'document-withdrawal': { step: 'document-withdrawal', document: uploaded(), reason: '传错了' },
};

const ok = (o: Outcome): Transition => {
  if (!o.ok) throw new Error(`refused: ${o.refusal.code} ${o.refusal.message}`);
  return o;
};
const refusal = (o: Outcome) => (o.ok ? undefined : o.refusal.code);

describe('the lifecycle table', () => {
  it('names every status and every step once', () => {
    expect(Object.keys(LIFECYCLE).sort()).toEqual([...CASE_STATUSES].sort());
    expect(Object.keys(STEP_ROLES).sort()).toEqual([...CASE_STEPS].sort());
  });

  it('ends the workflow exactly in the statuses that wait for no person (NOT_CONFIRMED, PAID, CLOSED)', () => {
    expect(CASE_STATUSES.filter(workflowEnds)).toEqual(['NOT_CONFIRMED', 'PAID', 'CLOSED']);
  });

  it('accepts expenses in every open status before payment, and only waivers and withdrawals once not confirmed', () => {
    expect(CASE_STATUSES.filter((s) => LIFECYCLE[s].accepts.includes('expenses'))).toEqual([
      'UNDER_REVIEW',
      'AWAITING_ASSESSMENT',
      'AWAITING_DEPENDANTS',
      'AWAITING_APPROVAL',
      'RETURNED',
    ]);
    expect(LIFECYCLE.NOT_CONFIRMED.accepts).toEqual(['document-waiver', 'document-withdrawal']);
    expect(LIFECYCLE.CLOSED.accepts).toEqual(['review', 'document-upload', 'document-waiver', 'document-withdrawal']);
    expect(CASE_STATUSES.filter((s) => LIFECYCLE[s].accepts.includes('assessment-extension'))).toEqual(['AWAITING_ASSESSMENT']);
  });

  // Every status × every step: refused with STEP_NOT_ACCEPTED exactly when the table does not list it;
  // when it does, recorded (the fixtures satisfy each step's own rule) as version + 1, pending iff the workflow applies it.
  const cells = CASE_STATUSES.flatMap((status) => RECORDED.map((step) => [status, step] as const));
  const fitting: Partial<Record<CaseStep, Partial<CaseRecord>>> = {
    resumption: { suspensions: [{ from: '2026-03-12', reason: '等待' }] },
    reassessment: { assessments: [{ type: 'initial', grade: 7, nursing: null, concludedOn: '2026-03-10', recordedBy: 'a', recordedAt: 'x' }] },
    review: { assessments: [{ type: 'initial', grade: 7, nursing: null, concludedOn: '2025-03-01', recordedBy: 'a', recordedAt: 'x' }] },
  };
  it.each(cells)('%s × %s', (status: CaseStatus, step: Recorded) => {
    const record = opened({ status, ...fitting[step], ...(status === 'AWAITING_APPROVAL' ? { benefits: calc('calc-1', []) } : {}) });
    // A waiver needs a missing required type: the fixture's documents minus MEDICAL_DIAGNOSIS.
    const documents = step === 'document-waiver' ? HANDED_IN.filter((d) => d.type !== 'MEDICAL_DIAGNOSIS') : HANDED_IN;
    const outcome = recordStep(record, INPUT[step], ctx(step === 'approval' ? 'reviewer-1' : 'handler-1', { documents }));
    if (!LIFECYCLE[status].accepts.includes(step)) {
      expect(refusal(outcome)).toBe('STEP_NOT_ACCEPTED');
      return;
    }
    if (status === 'NOT_CONFIRMED' && step === 'document-waiver') {
      expect(refusal(outcome)).toBe('WAIVER_NOT_APPLICABLE'); // a refused case needs no document
      return;
    }
    const t = ok(outcome);
    expect(t.record.version).toBe(record.version + 1);
    expect(t.record.status).toBe(status);
    expect(t.record.pendingStep).toBe(isWorkflowStep(step) ? step : undefined);
    expect(t.event).toMatchObject({ at: NOW.toISOString(), role: 'handler' });
  });
});

const calc = (id: string, lines: StoredCalculation['lines']): StoredCalculation => ({
  ok: true,
  lines,
  oneOffTotalFen: lines.filter((l) => !l.monthly).reduce((s, l) => s + l.amountFen, 0),
  monthlyTotalFen: lines.filter((l) => l.monthly).reduce((s, l) => s + l.amountFen, 0),
  ruleTable: 't',
  parameterVersions: [],
  excludedDependants: [],
  calculationId: id,
  calculatedAt: '2026-11-01T00:00:00Z',
});

describe('opening a case (D6, D12)', () => {
  it('opens UNDER_REVIEW, version 1, with the workflow running under its execution name', () => {
    const r = opened();
    expect(r).toMatchObject({
      status: 'UNDER_REVIEW',
      version: 1,
      late: false,
      openedOn: '2026-03-16',
      workflow: { status: 'RUNNING', executionName: 'case-C1' },
    });
  });

  it('requires a written explanation past a final deadline, and records lateness with one', () => {
    const late = { ...report, injuryDate: '2025-01-02', occurredAt: '2025-01-02T01:00:00Z' };
    const base = {
      caseId: 'C2',
      executionName: 'case-C2',
      report: late,
      kind: 'injury' as const,
      applicant: { type: 'worker' as const },
      actor: 'w',
      now: NOW,
      calendar,
      documentsRequired: false,
    };
    const payee = { nameEnc: 'e', bankAccountEnc: 'e', bankAccountLast4: '1', nameInitial: '王' };
    const refused = openCase({ ...base, payee });
    expect(refused).toMatchObject({ ok: false, refusal: { code: 'LATE_EXPLANATION_REQUIRED', fields: [{ path: 'lateExplanation' }] } });
    expect(ok(openCase({ ...base, payee, lateExplanation: '住院无法申请' })).record).toMatchObject({ late: true, lateExplanation: '住院无法申请' });
  });
});

describe('opening, edge cases', () => {
  it('opens a case whose report names no registered worker (benefits are refused later)', () => {
    const { workerId: _w, ...anonymous } = report;
    const o = ok(
      openCase({
        caseId: 'C3',
        executionName: 'x',
        report: anonymous,
        kind: 'injury',
        applicant: { type: 'worker' },
        payee: opened().payee,
        actor: 'p',
        now: NOW,
        calendar,
        documentsRequired: false,
      }),
    );
    expect(o.record.workerId).toBeUndefined();
    expect(o.record.documentsRequired).toBeUndefined(); // opened as before documents existed
  });

  it('opens past a provisional deadline without an explanation, flagged for the handler (D12)', () => {
    const future = { ...report, injuryDate: '2031-01-02', occurredAt: '2031-01-02T01:00:00Z' };
    const o = ok(
      openCase({
        caseId: 'C4',
        executionName: 'x',
        report: future,
        kind: 'injury',
        applicant: { type: 'worker' },
        payee: opened().payee,
        actor: 'w',
        now: new Date('2031-03-01T02:00:00Z'),
        calendar,
        documentsRequired: false,
      }),
    );
    expect(o.record.late).toBe(true);
    expect(o.event.after).toMatchObject({ lateProvisional: true });
  });
});

describe('recording a step: the refusals', () => {
  it('refuses every step while another is pending', () => {
    const pending = opened({ pendingStep: 'confirmation' });
    for (const step of RECORDED.filter((s) => acceptsStep('UNDER_REVIEW', s))) expect(refusal(recordStep(pending, INPUT[step], ctx()))).toBe('STEP_PENDING');
  });

  it('suspends the confirmation clock once, and resumes only a suspended one', () => {
    const suspended = ok(recordStep(opened(), INPUT.suspension, ctx())).record;
    expect(suspended.suspensions).toEqual([{ from: '2026-03-16', reason: '等待公安证明' }]);
    expect(refusal(recordStep(suspended, INPUT.suspension, ctx()))).toBe('ALREADY_SUSPENDED');
    expect(refusal(recordStep(opened(), INPUT.resumption, ctx()))).toBe('NOT_SUSPENDED');
    expect(ok(recordStep(suspended, INPUT.resumption, ctx())).record.suspensions).toEqual([{ from: '2026-03-16', to: '2026-03-16', reason: '等待公安证明' }]);
  });

  it('resumes only the open suspension of several', () => {
    const twice = opened({
      suspensions: [
        { from: '2026-03-11', to: '2026-03-12', reason: 'a' },
        { from: '2026-03-13', reason: 'b' },
      ],
    });
    expect(ok(recordStep(twice, INPUT.resumption, ctx())).record.suspensions.map((x) => x.to)).toEqual(['2026-03-12', '2026-03-16']);
  });

  it('refuses a review of a case never assessed, naming the field without a window (D8)', () => {
    expect(recordStep(opened({ status: 'PAID' }), INPUT.review, ctx('assessor-1'))).toMatchObject({
      ok: false,
      refusal: { code: 'OUTSIDE_ASSESSMENT_WINDOW', fields: [{ path: 'type', message: 'NO_PREVIOUS_CONCLUSION：请在受理期内申请。' }] },
    });
  });

  it('refuses a review before a year has passed, naming the window that opens (D8)', () => {
    const assessed = opened({
      status: 'PAID',
      assessments: [{ type: 'initial', grade: 7, nursing: null, concludedOn: '2026-03-01', recordedBy: 'a', recordedAt: 'x' }],
    });
    expect(recordStep(assessed, INPUT.review, ctx('assessor-1'))).toMatchObject({
      ok: false,
      refusal: { code: 'OUTSIDE_ASSESSMENT_WINDOW', fields: [{ path: 'type', message: 'REVIEW_TOO_EARLY（受理期 2027-03-01 起）：请在受理期内申请。' }] },
    });
  });

  it('closes an open suspension when the confirmation is recorded', () => {
    const suspended = ok(recordStep(opened(), INPUT.suspension, ctx())).record;
    expect(ok(recordStep(suspended, INPUT.confirmation, ctx())).record.suspensions[0]?.to).toBe('2026-03-16');
  });

  it('extends the assessment deadline once (D8 +30)', () => {
    const awaiting = opened({ status: 'AWAITING_ASSESSMENT', assessmentEnteredOn: '2026-03-16' });
    const extended = ok(recordStep(awaiting, INPUT['assessment-extension'], ctx('assessor-1')));
    expect(extended.event.after).toMatchObject({ reason: '需要专家会诊' });
    expect(refusal(recordStep(extended.record, INPUT['assessment-extension'], ctx('assessor-1')))).toBe('ALREADY_EXTENDED');
  });

  it('refuses a re-assessment more than 15 days after the last conclusion, naming the field (D8)', () => {
    const paid = opened({
      status: 'PAID',
      assessments: [{ type: 'initial', grade: 7, nursing: null, concludedOn: '2026-01-10', recordedBy: 'a', recordedAt: 'x' }],
    });
    expect(recordStep(paid, INPUT.reassessment, ctx('assessor-1'))).toMatchObject({
      ok: false,
      refusal: { code: 'OUTSIDE_ASSESSMENT_WINDOW', fields: [{ path: 'type' }] },
    });
  });

  it('refuses an approval by the handler who recorded the confirmation or an expense (D10 maker-checker)', () => {
    const base = opened({ status: 'AWAITING_APPROVAL', benefits: calc('calc-1', []) });
    const confirmedBy = { ...base, confirmation: { outcome: 'CONFIRMED' as const, basis: 'x', assessmentRequired: false, recordedBy: 'h1', recordedAt: 'x' } };
    expect(refusal(recordStep(confirmedBy, INPUT.approval, ctx('h1')))).toBe('MAKER_CHECKER');
    const expensedBy = { ...base, expenses: [{ description: 'd', amountFen: 1, inCatalogue: true, recordedBy: 'h2', recordedAt: 'x' }] };
    expect(refusal(recordStep(expensedBy, INPUT.approval, ctx('h2')))).toBe('MAKER_CHECKER');
    expect(ok(recordStep(expensedBy, INPUT.approval, ctx('r1'))).record.approval).toMatchObject({ decision: 'approve', reviewer: 'r1' });
  });

  it('recalculates benefits when expenses arrive while awaiting approval, and refuses when they cannot be calculated', () => {
    const awaiting = opened({ status: 'AWAITING_APPROVAL', benefits: calc('calc-1', []) });
    expect(recordingNeedsBenefits(awaiting, 'expenses')).toBe(true);
    expect(recordingNeedsBenefits(opened(), 'expenses')).toBe(false);
    const t = ok(recordStep(awaiting, INPUT.expenses, ctx()));
    expect(t.event.action).toBe('expenses.added.recalculated');
    expect(t.record.benefits?.calculationId).toBe('calc-000002');
    const noParameters = recordStep(awaiting, INPUT.expenses, ctx('h', { benefits: { ...inputs, parameterVersions: [] } }));
    expect(noParameters).toMatchObject({ ok: false, refusal: { code: 'BENEFITS_NOT_CALCULABLE', cause: 'MissingParameter' } });
    const noWorker = recordStep({ ...awaiting, workerId: undefined }, INPUT.expenses, ctx());
    expect(noWorker).toMatchObject({ ok: false, refusal: { code: 'BENEFITS_NOT_CALCULABLE', cause: 'ValidationError' } });
    const noProfile = recordStep(awaiting, INPUT.expenses, ctx('h', { benefits: { parameterVersions: inputs.parameterVersions } }));
    expect(noProfile).toMatchObject({ ok: false, refusal: { code: 'BENEFITS_NOT_CALCULABLE', cause: 'ValidationError' } });
    expect(() => recordStep(awaiting, INPUT.expenses, { ...ctx(), benefits: undefined })).toThrow(RangeError);
  });

  it('records dependants, a return with its comment and a resubmission', () => {
    expect(ok(recordStep(opened({ status: 'AWAITING_DEPENDANTS' }), INPUT.dependants, ctx())).event.after).toEqual({ dependants: ['spouse'] });
    const ret = ok(recordStep(opened({ status: 'AWAITING_APPROVAL' }), { step: 'approval', decision: 'return', comment: '补充材料' }, ctx('r1')));
    expect(ret.record.approval).toMatchObject({ decision: 'return', comment: '补充材料' });
    expect(ok(recordStep(opened({ status: 'RETURNED' }), { step: 'resubmission', comment: '已补充' }, ctx())).event.after).toEqual({ comment: '已补充' });
  });
});

describe('applying a recorded step (the workflow)', () => {
  const confirmed = (over: Partial<StepInput & { step: 'confirmation' }>, kind: CaseRecord['kind'] = 'injury') =>
    ok(recordStep(opened({ kind }), { ...(INPUT.confirmation as StepInput & { step: 'confirmation' }), ...over }, ctx())).record;

  it('routes a confirmation: not confirmed, death → dependants, assessment required, or straight to approval with benefits', () => {
    const notConfirmed = confirmed({ outcome: 'NOT_CONFIRMED', basis: 'INTOXICATION', reasons: ['醉酒'] });
    expect(applyingNeedsBenefits(notConfirmed)).toBe(false);
    expect(ok(applyPendingStep(notConfirmed, { now: NOW, payments: [] })).record.status).toBe('NOT_CONFIRMED');
    expect(ok(applyPendingStep(confirmed({}, 'death'), { now: NOW, payments: [] })).record.status).toBe('AWAITING_DEPENDANTS');
    const assess = ok(applyPendingStep(confirmed({}), { now: NOW, payments: [] })).record;
    expect(assess).toMatchObject({ status: 'AWAITING_ASSESSMENT', assessmentEnteredOn: '2026-03-16' });
    expect(assess.pendingStep).toBeUndefined();
    const direct = confirmed({ assessmentRequired: false });
    expect(applyingNeedsBenefits(direct)).toBe(true);
    const applied = ok(applyPendingStep(direct, { now: NOW, payments: [], benefits: inputs }));
    expect(applied.record.status).toBe('AWAITING_APPROVAL');
    expect(applied.record.benefits?.calculationId).toBe(`calc-${String(direct.version + 1).padStart(6, '0')}`);
    expect(applied.clearTask).toBe(true);
  });

  it('moves an assessment, dependants and a resubmission to approval with a calculation', () => {
    for (const [status, step] of [
      ['AWAITING_ASSESSMENT', 'assessment'],
      ['AWAITING_DEPENDANTS', 'dependants'],
      ['RETURNED', 'resubmission'],
    ] as const) {
      const r = ok(recordStep(opened({ status, kind: step === 'dependants' ? 'death' : 'injury' }), INPUT[step], ctx())).record;
      expect(applyingNeedsBenefits(r)).toBe(true);
      const applied = ok(applyPendingStep(r, { now: NOW, payments: [], benefits: inputs })).record;
      expect(applied.status).toBe('AWAITING_APPROVAL');
      expect(applied.benefits?.ok).toBe(true);
    }
  });

  it('pays an approval (D10) and returns a return without paying', () => {
    const benefits = calc('calc-9', [{ item: 'disability_lump_sum', key: 'disability_lump_sum', amountFen: 500_000, monthly: false, basis: {} }]);
    const approved = ok(recordStep(opened({ status: 'AWAITING_APPROVAL', benefits }), INPUT.approval, ctx('r1'))).record;
    expect(applyingNeedsBenefits(approved)).toBe(false);
    const paid = ok(applyPendingStep(approved, { now: NOW, payments: [] }));
    expect(paid.record).toMatchObject({ status: 'PAID', approved: benefits });
    expect(paid.payment).toMatchObject({ key: 'APPROVAL#calc-9', amountFen: 500_000 });
    expect(paid.event.after).toMatchObject({ status: 'PAID', paidFen: 500_000 });
    const returned = ok(recordStep(opened({ status: 'AWAITING_APPROVAL', benefits }), { step: 'approval', decision: 'return' }, ctx('r1'))).record;
    const back = ok(applyPendingStep(returned, { now: NOW, payments: [] }));
    expect(back.record.status).toBe('RETURNED');
    expect(back.payment).toBeUndefined();
  });

  it('refuses when nothing is pending or benefits cannot be calculated, and needs the inputs it asks for', () => {
    expect(refusal(applyPendingStep(opened(), { now: NOW, payments: [] }))).toBe('NOTHING_PENDING');
    expect(applyingNeedsBenefits(opened())).toBe(false);
    const r = ok(recordStep(opened({ status: 'AWAITING_ASSESSMENT' }), INPUT.assessment, ctx())).record;
    expect(applyPendingStep(r, { now: NOW, payments: [], benefits: { ...inputs, parameterVersions: [] } })).toMatchObject({
      ok: false,
      refusal: { code: 'BENEFITS_NOT_CALCULABLE', cause: 'MissingParameter' },
    });
    expect(() => applyPendingStep(r, { now: NOW, payments: [] })).toThrow(RangeError);
  });
});

describe('the workflow and the sweep', () => {
  it('marks a failed or timed-out workflow with an escalation and clears the wait', () => {
    const failed = workflowFailed(opened({ pendingStep: 'confirmation' }), 'WORKFLOW_FAILED', { Error: 'MissingParameter', Cause: 'x'.repeat(900) }, NOW);
    expect(failed.record.workflow).toMatchObject({ status: 'FAILED', error: 'MissingParameter' });
    expect(failed.record.pendingStep).toBeUndefined();
    expect(failed.record.escalations[0]?.detail?.length).toBe('MissingParameter: '.length + 500);
    expect(failed.clearTask).toBe(true);
    const timedOut = workflowFailed(opened(), 'WORKFLOW_TIMEOUT', undefined, NOW);
    expect(timedOut.event.action).toBe('workflow.timed_out');
    expect(timedOut.record.workflow.error).toBe('WORKFLOW_TIMEOUT');
  });

  it('records a workflow not started, started later, and restarted at its recorded step', () => {
    const notStarted = workflowNotStarted(opened(), { name: 'ServiceUnavailable', message: 'down' }, NOW).record;
    expect(notStarted.workflow).toEqual({ status: 'NOT_STARTED', executionName: 'case-C1', error: 'ServiceUnavailable' });
    expect(workflowNotStarted({ ...opened(), workflow: { status: 'RUNNING' } }, { name: 'E', message: 'm' }, NOW).record.workflow).toEqual({
      status: 'NOT_STARTED',
      error: 'E',
    });
    expect(workflowStarted(notStarted, 'case-C1', NOW).record.workflow).toEqual({ status: 'RUNNING', executionName: 'case-C1' });
    const restarted = workflowRestarted(opened({ pendingStep: 'approval' }), 'case-C1-r3', NOW);
    expect(restarted.event).toMatchObject({ step: 'approval', after: { workflow: 'case-C1-r3', resumeAt: WORKFLOW_ENTRY_STATE } });
    expect(workflowRestarted({ ...opened(), workflow: { status: 'FAILED' } }, 'x', NOW).event.before).toEqual({ workflow: null });
  });

  it('escalates a missed confirmation deadline once (D7), not while suspended', () => {
    const late = new Date('2026-05-20T02:00:00Z');
    const swept = sweepCase(opened(), late, calendar)!;
    expect(swept.record.escalations.map((e) => e.kind)).toEqual(['CONFIRMATION_OVERDUE']);
    expect(sweepCase(swept.record, late, calendar)).toBeUndefined();
    expect(sweepCase(opened({ suspensions: [{ from: '2026-03-17', reason: 'x' }] }), late, calendar)).toBeUndefined();
    expect(sweepCase(opened(), NOW, calendar)).toBeUndefined();
  });

  it('escalates a missed assessment deadline (D8) and closes a finished paid case', () => {
    const swept = sweepCase(opened({ status: 'AWAITING_ASSESSMENT', assessmentEnteredOn: '2026-01-05' }), NOW, calendar)!;
    expect(swept.event.after).toEqual({ escalations: ['ASSESSMENT_OVERDUE'] });
    const approved = calc('c', [{ item: 'medical', key: 'medical', amountFen: 1, monthly: false, basis: {} }]);
    const closed = sweepCase(opened({ status: 'PAID', approved }), NOW, calendar)!;
    expect(closed.record.status).toBe('CLOSED');
    const assessed = { assessments: [{ type: 'initial' as const, grade: 9, nursing: null, concludedOn: '2026-03-01', recordedBy: 'a', recordedAt: 'x' }] };
    expect(sweepCase(opened({ status: 'PAID', approved, ...assessed }), NOW, calendar)).toBeUndefined();
  });
});

describe('payments (D10)', () => {
  const lump = (amountFen: number) => ({ item: 'disability_lump_sum' as const, key: 'disability_lump_sum', amountFen, monthly: false, basis: {} });
  const allowance = { item: 'disability_allowance' as const, key: 'disability_allowance', amountFen: 1000, monthly: true, fromMonth: '2026-09', basis: {} };

  it('pays one-off items and the arrears of months before the current one', () => {
    const p = approvalPayment('C1', calc('calc-1', [lump(5000), allowance]), [], '2026-11', 'now')!;
    expect(p.key).toBe('APPROVAL#calc-1');
    expect(p.items.map((i) => i.key)).toEqual(['disability_lump_sum', 'disability_allowance@2026-09', 'disability_allowance@2026-10']);
    expect(p.amountFen).toBe(7000);
  });

  it('pays only the difference after a recalculation, or recovers it (negative)', () => {
    const first = approvalPayment('C1', calc('calc-1', [lump(5000)]), [], '2026-11', 'now')!;
    const up = approvalPayment('C1', calc('calc-2', [lump(6000)]), [first], '2026-11', 'now')!;
    expect(up.amountFen).toBe(1000);
    const down = approvalPayment('C1', calc('calc-3', [lump(4500)]), [first, up], '2026-11', 'now')!;
    expect(down.amountFen).toBe(-1500);
    expect(approvalPayment('C1', calc('calc-4', [lump(4500)]), [first, up, down], '2026-11', 'now')).toBeUndefined();
    expect(approvalPayment('C1', calc('calc-4', [lump(4500)]), [first, up, { ...down, status: 'FAILED' }], '2026-11', 'now')?.amountFen).toBe(-1500);
  });

  it('does not pay a month twice that a run already paid, and pays a month once in runs', () => {
    const record = opened({ status: 'PAID', approved: calc('calc-1', [allowance]) });
    const run = monthlyPayment(record, [], '2026-09', 'run-1', 'now')!;
    expect(run).toMatchObject({ key: 'MONTHLY#2026-09#calc-1', amountFen: 1000, runId: 'run-1' });
    expect(monthlyPayment(record, [run], '2026-09', 'run-2', 'now')).toBeUndefined();
    expect(monthlyPayment(opened(), [], '2026-09', 'run-1', 'now')).toBeUndefined();
    const p = approvalPayment('C1', calc('calc-2', [allowance]), [run], '2026-11', 'now')!;
    expect(p.items.map((i) => i.key)).toEqual(['disability_allowance@2026-10']);
  });

  it('closes when no monthly line runs and the re-assessment window has passed', () => {
    const approved = calc('c', [{ item: 'medical', key: 'medical', amountFen: 1, monthly: false, basis: {} }]);
    expect(closable(opened({ status: 'PAID', approved }), '2026-11-24', undefined)).toBe(true);
    expect(closable(opened({ status: 'PAID', approved }), '2026-11-24', '2026-11-30')).toBe(false);
    const monthly = calc('c', [{ item: 'nursing', key: 'nursing', amountFen: 1, monthly: true, fromMonth: '2026-01', basis: {} }]);
    expect(closable(opened({ status: 'PAID', approved: monthly }), '2026-11-24', undefined)).toBe(false);
    expect(closable(opened({ status: 'AWAITING_APPROVAL', approved }), '2026-11-24', undefined)).toBe(false);
    const ended = calc('c', [{ item: 'nursing', key: 'nursing', amountFen: 1, monthly: true, fromMonth: '2026-01', untilMonth: '2026-06', basis: {} }]);
    expect(closable(opened({ status: 'PAID', approved: ended }), '2026-11-24', undefined)).toBe(true);
    const endsLater = calc('c', [{ item: 'nursing', key: 'nursing', amountFen: 1, monthly: true, fromMonth: '2026-01', untilMonth: '2027-06', basis: {} }]);
    expect(closable(opened({ status: 'PAID', approved: endsLater }), '2026-11-24', undefined)).toBe(false);
  });
});

describe('deadlines of a case', () => {
  it('counts the confirmation deadline to the day the confirmation was recorded (D7)', () => {
    const confirmed = opened({
      confirmation: { outcome: 'CONFIRMED', basis: 'x', assessmentRequired: false, recordedBy: 'h', recordedAt: '2026-03-20T02:00:00Z' },
    });
    expect(deadlinesOf(confirmed, calendar, '2026-09-01').confirmationDue).toEqual(deadlinesOf(opened(), calendar, '2026-03-20').confirmationDue);
  });
});

describe('properties over random sequences of steps', () => {
  /** A step someone might try next: any step with its valid input, recorded by one of three people. */
  const attempt = fc.record({
    // Mostly the steps that move a case on, sometimes any step at all.
    step: fc.oneof(
      { arbitrary: fc.constantFrom<Recorded>('confirmation', 'assessment', 'dependants', 'approval', 'resubmission', 'reassessment'), weight: 4 },
      { arbitrary: fc.constantFrom(...RECORDED), weight: 1 },
    ),
    actor: fc.oneof({ arbitrary: fc.constant('reviewer-1'), weight: 3 }, { arbitrary: fc.constantFrom('handler-1', 'handler-2'), weight: 1 }),
    decision: fc.constantFrom('approve' as const, 'return' as const),
    assessmentRequired: fc.boolean(),
    grade: fc.integer({ min: 1, max: 10 }),
    days: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 3 }), weight: 4 }, { arbitrary: fc.integer({ min: 0, max: 400 }), weight: 1 }),
  });
  const kind = fc.constantFrom('injury' as const, 'death' as const);

  const inputOf = (a: { step: Recorded; decision: 'approve' | 'return'; assessmentRequired: boolean; grade: number }): StepInput => {
    switch (a.step) {
      case 'approval':
        return { step: 'approval', decision: a.decision };
      case 'confirmation':
        return { ...(INPUT.confirmation as StepInput & { step: 'confirmation' }), assessmentRequired: a.assessmentRequired };
      case 'assessment':
      case 'reassessment':
      case 'review':
        return { step: a.step, grade: a.grade, nursing: null, concludedOn: '2026-03-15' };
      default:
        return INPUT[a.step];
    }
  };

  it('a refused step changes nothing, an accepted one moves the version by one, and no payment key is paid twice', () => {
    let sequencesThatPaid = 0;
    fc.assert(
      fc.property(kind, fc.array(attempt, { minLength: 20, maxLength: 60 }), (k, attempts) => {
        let record = opened({ kind: k });
        let now = NOW;
        const payments: PaymentRecord[] = [];
        for (const a of attempts) {
          now = new Date(now.getTime() + a.days * 86_400_000);
          const before = structuredClone(record);
          // Handlers record; the approval is by the drawn actor (a reviewer, or sometimes a maker: refused).
          const outcome = recordStep(record, inputOf(a), ctx(a.step === 'approval' ? a.actor : 'handler-1', { now }));
          expect(record).toEqual(before); // the input is never mutated
          if (!outcome.ok) continue;
          expect(outcome.record.version).toBe(record.version + 1);
          record = outcome.record;
          if (!record.pendingStep) continue;
          const applied = applyPendingStep(record, { now, payments, benefits: inputs });
          if (!applied.ok) continue;
          expect(applied.record.pendingStep).toBeUndefined();
          record = applied.record;
          if (applied.payment) {
            expect(payments.map((p) => p.key)).not.toContain(applied.payment.key);
            payments.push(applied.payment);
          }
          for (let m = 0; m < 2 && record.status === 'PAID'; m++) {
            const month = `2027-0${m + 1}`;
            const run = monthlyPayment(record, payments, month, `run-${month}`, now.toISOString());
            if (run) {
              expect(payments.map((p) => p.key)).not.toContain(run.key);
              payments.push(run);
            }
            expect(monthlyPayment(record, payments, month, 'again', now.toISOString())).toBeUndefined(); // a month is paid once
          }
        }
        // What was paid per one-off item equals the last approved calculation's amount, never more.
        if (payments.length > 0) sequencesThatPaid++;
        if (record.approved) {
          for (const line of record.approved.lines.filter((l) => !l.monthly)) {
            const paid = payments
              .flatMap((p) => p.items)
              .filter((i) => i.key === line.key)
              .reduce((s, i) => s + i.amountFen, 0);
            expect(paid).toBe(line.amountFen);
          }
        }
      }),
      { numRuns: 300 },
    );
    expect(sequencesThatPaid).toBeGreaterThan(30); // the sequences do reach approvals and runs
  });

  it('a refused step is refused again on the same record: refusals depend only on the record and the input', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CASE_STATUSES), attempt, (status, a) => {
        const record = opened({ status });
        const first = recordStep(record, inputOf(a), ctx(a.actor));
        const second = recordStep(record, inputOf(a), ctx(a.actor));
        expect(second).toEqual(first);
      }),
    );
  });
});
