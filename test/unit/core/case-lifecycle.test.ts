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
  type BenefitInputs,
  CASE_STATUSES,
  CASE_STEPS,
  type CaseRecord,
  caseRecordBytes,
  MAX_CASE_RECORD_BYTES,
  type CaseStatus,
  type CaseStep,
  closable,
  deadlinesOf,
  isWorkflowStep,
  type Ledger,
  LIFECYCLE,
  makersOf,
  monthlyPayment,
  NATIONAL_DEFAULT_PARAMETERS,
  openCase,
  type CaseDocument,
  type Outcome,
  countsAsInstructed,
  type Payee,
  type PaymentRecord,
  recordingNeedsBenefits,
  recordStep,
  SEEDED_CALENDARS,
  STEP_ROLES,
  type StepContext,
  type StepInput,
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
import {
  applyPaymentChanges,
  calculation as calc,
  CASE_NOW,
  monthlyLine,
  oneOffLine,
  openedCaseRecord,
  PAYEE,
  paidUp,
  payment,
  REPORT,
  version,
} from './fixtures.ts';

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

/** A case with no payment yet. */
const NO_PAYMENTS: Ledger = { seq: 0, payments: [] };

const ctx = (actor = 'handler-1', over: Partial<StepContext> = {}): StepContext => ({
  actor,
  role: 'handler',
  now: NOW,
  calendar,
  benefits: inputs,
  documents: HANDED_IN,
  ledger: NO_PAYMENTS,
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

/** Every document a confirmation needs, and a bank account proof (D6, for a payee change), AVAILABLE. */
const HANDED_IN = (
  ['ID_PROOF', 'MEDICAL_DIAGNOSIS', 'ACCIDENT_STATEMENT', 'POLICE_REPORT', 'DEATH_CERTIFICATE', 'KINSHIP_PROOF', 'BANK_ACCOUNT_PROOF'] as const
).map((type, i) => uploaded({ documentId: `D${i}`, type }));

/** A corrected payee (a handler's change, D14). */
const NEW_PAYEE: Omit<Payee, 'changedBy' | 'changedAt' | 'documentId'> = {
  nameEnc: 'enc-2',
  bankAccountEnc: 'enc-2',
  bankAccountLast4: '5678',
  nameInitial: '张',
  bankName: '工商银行',
};

/** An injury case's approved calculation: a lump sum, and an allowance from January 2026 (D9). */
const LUMP = oneOffLine('disability_lump_sum', 500_000);
const ALLOWANCE = monthlyLine('disability_allowance', 8_000, '2026-01');
const APPROVED_CALC = calc('calc-1', [LUMP, ALLOWANCE]);

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
  approval: { step: 'approval', decision: 'approve', calculationId: 'calc-1' },
  resubmission: { step: 'resubmission' },
  'document-waiver': { step: 'document-waiver', type: 'MEDICAL_DIAGNOSIS', reason: '持有纸质原件' },
  'document-withdrawal': { step: 'document-withdrawal', document: uploaded(), reason: '传错了' },
  payee: { step: 'payee', payee: NEW_PAYEE, documentId: 'D6', beneficiary: true },
  'payee-confirmation': { step: 'payee-confirmation' },
  'life-event': { step: 'life-event', type: 'RETIRED', on: '2026-03-15' },
  certification: { step: 'certification' },
  appeal: { step: 'appeal', kind: 'RECONSIDERATION', against: 'ASSESSMENT', filedOn: '2026-03-16' },
  'appeal-result': { step: 'appeal-result', appealId: 'A1', result: 'OVERTURNED', decidedOn: '2026-03-16', summary: '鉴定结论撤销' },
};

/** The steps that make their recorder a maker of the case (D14; an upload makes one through the documents). */
const MAKER_STEPS: readonly Recorded[] = [
  'confirmation',
  'expenses',
  'assessment',
  'reassessment',
  'review',
  'dependants',
  'document-waiver',
  'payee',
  'life-event',
];
/** The steps a reviewer records (one who made no change to the case). */
const REVIEWER_STEPS: readonly Recorded[] = ['approval', 'payee-confirmation'];
/** D16: life events and certifications from approval on. */
const AFTER_APPROVAL_STATUSES: readonly CaseStatus[] = ['AWAITING_APPROVAL', 'APPROVED', 'PAID', 'CLOSED'];

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

  it('ends the workflow exactly in the statuses that wait for no person (NOT_CONFIRMED, APPROVED, PAID, CLOSED)', () => {
    expect(CASE_STATUSES.filter(workflowEnds)).toEqual(['NOT_CONFIRMED', 'APPROVED', 'PAID', 'CLOSED']);
  });

  it('puts APPROVED between AWAITING_APPROVAL and PAID, accepting the same steps as PAID (D15)', () => {
    expect(CASE_STATUSES.indexOf('APPROVED')).toBe(CASE_STATUSES.indexOf('PAID') - 1);
    expect(LIFECYCLE.APPROVED.accepts).toEqual(LIFECYCLE.PAID.accepts);
  });

  it('takes payee changes in every status but NOT_CONFIRMED, life events and certifications from approval on (contract v2: Statuses)', () => {
    const open = CASE_STATUSES.filter((s) => s !== 'NOT_CONFIRMED');
    expect(CASE_STATUSES.filter((s) => acceptsStep(s, 'payee'))).toEqual(open);
    expect(CASE_STATUSES.filter((s) => acceptsStep(s, 'payee-confirmation'))).toEqual(open);
    expect(CASE_STATUSES.filter((s) => acceptsStep(s, 'life-event'))).toEqual(AFTER_APPROVAL_STATUSES);
    expect(CASE_STATUSES.filter((s) => acceptsStep(s, 'certification'))).toEqual(AFTER_APPROVAL_STATUSES);
  });

  it('lets a handler change the payee and record life events, a reviewer confirm a payee, the worker or a handler certify; finance records no step (D14–D16)', () => {
    expect(STEP_ROLES.payee).toEqual(['handler']);
    expect(STEP_ROLES['payee-confirmation']).toEqual(['reviewer']);
    expect(STEP_ROLES['life-event']).toEqual(['handler']);
    expect(STEP_ROLES.certification).toEqual(['handler', 'worker']);
    expect(CASE_STEPS.filter((s) => STEP_ROLES[s].includes('finance'))).toEqual([]);
  });

  it('accepts expenses in every open status before payment, and only waivers and withdrawals once not confirmed', () => {
    expect(CASE_STATUSES.filter((s) => LIFECYCLE[s].accepts.includes('expenses'))).toEqual([
      'UNDER_REVIEW',
      'AWAITING_ASSESSMENT',
      'AWAITING_DEPENDANTS',
      'AWAITING_APPROVAL',
      'RETURNED',
    ]);
    expect(LIFECYCLE.NOT_CONFIRMED.accepts).toEqual(['document-upload', 'document-waiver', 'document-withdrawal', 'appeal', 'appeal-result']);
    expect(LIFECYCLE.CLOSED.accepts).toEqual([
      'review',
      'document-upload',
      'document-waiver',
      'document-withdrawal',
      'payee',
      'payee-confirmation',
      'life-event',
      'certification',
      'appeal',
      'appeal-result',
    ]);
    expect(CASE_STATUSES.filter((s) => LIFECYCLE[s].accepts.includes('assessment-extension'))).toEqual(['AWAITING_ASSESSMENT']);
  });

  // Every status × every step: refused with STEP_NOT_ACCEPTED exactly when the table does not list it;
  // when it does, recorded (the fixtures satisfy each step's own rule) as version + 1, pending iff the workflow applies it,
  // its recorder a maker iff the step makes one (D14).
  const cells = CASE_STATUSES.flatMap((status) => RECORDED.map((step) => [status, step] as const));
  const fitting: Partial<Record<CaseStep, Partial<CaseRecord>>> = {
    resumption: { suspensions: [{ from: '2026-03-12', reason: '等待' }] },
    reassessment: { assessments: [{ type: 'initial', grade: 7, nursing: null, concludedOn: '2026-03-10', recordedBy: 'a', recordedAt: 'x' }] },
    review: { assessments: [{ type: 'initial', grade: 7, nursing: null, concludedOn: '2025-03-01', recordedBy: 'a', recordedAt: 'x' }] },
    'payee-confirmation': { pendingPayee: { payee: { ...NEW_PAYEE, changedBy: 'handler-2' }, by: 'handler-2', at: 'x' }, makers: ['worker-1', 'handler-2'] },
    'life-event': { approved: APPROVED_CALC },
    certification: { approved: APPROVED_CALC, monthlyGrants: { worker: '2026-03-16' } },
    appeal: { assessments: [{ type: 'initial', grade: 7, nursing: null, concludedOn: '2026-03-10', recordedBy: 'a', recordedAt: 'x' }] },
    'appeal-result': {
      appeals: [
        {
          appealId: 'A1',
          kind: 'RECONSIDERATION',
          against: 'ASSESSMENT',
          decisionOn: '2026-03-10',
          filedOn: '2026-03-12',
          due: { date: '2026-05-11', provisional: false },
          late: false,
          filedBy: 'worker-1',
          filedByRole: 'worker',
          recordedAt: 'x',
        },
      ],
    },
  };
  it.each(cells)('%s × %s', (status: CaseStatus, step: Recorded) => {
    const record = opened({ status, ...fitting[step], ...(status === 'AWAITING_APPROVAL' ? { benefits: calc('calc-1', []) } : {}) });
    // A waiver needs a missing required type: the fixture's documents minus MEDICAL_DIAGNOSIS.
    const documents = step === 'document-waiver' ? HANDED_IN.filter((d) => d.type !== 'MEDICAL_DIAGNOSIS') : HANDED_IN;
    const actor = REVIEWER_STEPS.includes(step) ? 'reviewer-1' : 'handler-1';
    const outcome = recordStep(record, INPUT[step], ctx(actor, { documents }));
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
    expect(t.record.makers).toEqual(MAKER_STEPS.includes(step) ? [...(record.makers ?? []), actor] : record.makers);
  });

  it('takes a life event or a certification only once a calculation was approved, whatever the status (D16)', () => {
    for (const status of AFTER_APPROVAL_STATUSES)
      for (const step of ['life-event', 'certification'] as const)
        expect(refusal(recordStep(opened({ status }), INPUT[step], ctx()))).toBe('STEP_NOT_ACCEPTED');
  });
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
  it("refuses a step that would grow the stored record past MAX_CASE_RECORD_BYTES (DynamoDB's 400 KB item), naming the field", () => {
    // The largest batch the API takes: 200 lines with 1,000-character descriptions (~200 KB in ASCII).
    const lines = (fill: string) => Array.from({ length: 200 }, (_, i) => ({ description: `门诊${i}`.padEnd(1000, fill), amountFen: 100, inCatalogue: true }));
    const batch: StepInput = { step: 'expenses', items: lines('x'), inpatientDays: 0 };
    // In Chinese (3 bytes a character) one such batch alone is ~600 KB: refused on an empty case.
    expect(refusal(recordStep(opened(), { ...batch, items: lines('药') }, ctx()))).toBe('CASE_TOO_LARGE');
    let record = opened();
    let accepted = 0;
    for (;;) {
      const o = recordStep(record, batch, ctx());
      if (!o.ok) {
        expect(o.refusal.code).toBe('CASE_TOO_LARGE');
        expect(o.refusal.fields).toEqual([{ path: 'items', message: expect.stringContaining(`${MAX_CASE_RECORD_BYTES}`) }]);
        expect(o.refusal.message).toMatch(/[\u4e00-\u9fff]/);
        break;
      }
      record = o.record;
      accepted++;
      expect(caseRecordBytes(record)).toBeLessThanOrEqual(MAX_CASE_RECORD_BYTES);
    }
    expect(accepted).toBe(1);
    expect(caseRecordBytes(record)).toBeLessThanOrEqual(MAX_CASE_RECORD_BYTES);
    // The JSON never under-counts: an item of it stays under DynamoDB's 400 KB with room for the workflow.
    expect(MAX_CASE_RECORD_BYTES).toBeLessThan(400 * 1024);
  });

  it('refuses any step on a record already at the cap; a step that appends no list names no field', () => {
    const full = opened({
      expenses: Array.from({ length: 1 }, () => ({
        description: 'x'.repeat(MAX_CASE_RECORD_BYTES),
        amountFen: 1,
        inCatalogue: true,
        recordedBy: 'h',
        recordedAt: NOW.toISOString(),
      })),
    });
    const suspension = recordStep(full, INPUT.suspension, ctx());
    expect(suspension.ok ? undefined : suspension.refusal).toMatchObject({ code: 'CASE_TOO_LARGE', fields: [{ path: 'reason' }] });
    const confirmation = recordStep(full, INPUT.confirmation, ctx());
    expect(confirmation.ok ? undefined : confirmation.refusal).toMatchObject({ code: 'CASE_TOO_LARGE', fields: [{ path: '' }] });
  });

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

  it('closes an open suspension when the confirmation is recorded, leaving the closed ones as they were', () => {
    const suspended = ok(recordStep(opened(), INPUT.suspension, ctx())).record;
    expect(ok(recordStep(suspended, INPUT.confirmation, ctx())).record.suspensions[0]?.to).toBe('2026-03-16');
    const twice = opened({
      suspensions: [
        { from: '2026-03-11', to: '2026-03-12', reason: 'a' },
        { from: '2026-03-13', reason: 'b' },
      ],
    });
    expect(ok(recordStep(twice, INPUT.confirmation, ctx())).record.suspensions.map((x) => x.to)).toEqual(['2026-03-12', '2026-03-16']);
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
    const awaiting = opened({ status: 'AWAITING_APPROVAL', benefits: calc('calc-1', []) });
    const ret = ok(recordStep(awaiting, { step: 'approval', decision: 'return', calculationId: 'calc-1', comment: '补充材料' }, ctx('r1')));
    expect(ret.record.approval).toMatchObject({ decision: 'return', comment: '补充材料', reviewer: 'r1' });
    expect(ret.event).toMatchObject({ action: 'approval.return', after: { decision: 'return', calculationId: 'calc-1', oneOffTotalFen: 0 } });
    expect(ok(recordStep(opened({ status: 'RETURNED' }), { step: 'resubmission', comment: '已补充' }, ctx())).event.after).toEqual({ comment: '已补充' });
  });
});

describe('maker-checker and the calculation seen (D14)', () => {
  const awaiting = (over: Partial<CaseRecord> = {}) => opened({ status: 'AWAITING_APPROVAL', benefits: calc('calc-1', []), ...over });
  const confirmedBy = (by: string) => ({ outcome: 'CONFIRMED' as const, basis: 'x', assessmentRequired: true, recordedBy: by, recordedAt: 'x' });
  const expenseBy = (by: string) => ({ description: 'd', amountFen: 1, inCatalogue: true, recordedBy: by, recordedAt: 'x' });
  const assessedBy = (by: string) => ({ type: 'initial' as const, grade: 7, nursing: null, concludedOn: '2026-03-15', recordedBy: by, recordedAt: 'x' });
  const approve: StepInput = INPUT.approval;
  const giveBack: StepInput = { step: 'approval', decision: 'return', calculationId: 'calc-1' };

  it('names every maker: the opener, uploaders, waivers, the confirmation, expenses, assessments and the recorded makers (dependants, payee, life events)', () => {
    const record = opened({
      makers: ['worker-1', 'h-dependants', 'h-payee'],
      confirmation: confirmedBy('h-confirm'),
      expenses: [expenseBy('h-expense-1'), expenseBy('h-expense-2')],
      assessments: [assessedBy('assessor-1')],
      documentWaivers: [{ type: 'POLICE_REPORT', reason: '原件', by: 'h-waiver', at: 'x' }],
    });
    expect([...makersOf(record, [uploaded({ uploadedBy: 'platform-1' }), uploaded({ uploadedBy: 'h-upload' })])].sort()).toEqual(
      ['assessor-1', 'h-confirm', 'h-dependants', 'h-expense-1', 'h-expense-2', 'h-payee', 'h-upload', 'h-waiver', 'platform-1', 'worker-1'].sort(),
    );
  });

  it('gives the makers of a case stored before makers were recorded from its facts: the opener and what was recorded', () => {
    const legacy: CaseRecord = { ...opened({ confirmation: confirmedBy('h-confirm') }), makers: undefined };
    expect([...makersOf(legacy, [])].sort()).toEqual(['h-confirm', 'worker-1']);
  });

  it('records each maker once, starting the list on a case stored without one', () => {
    const once = ok(recordStep(opened(), INPUT.expenses, ctx('h1'))).record;
    expect(ok(recordStep(once, INPUT.expenses, ctx('h1'))).record.makers).toEqual(['worker-1', 'h1']);
    expect(opened().makers).toEqual(['worker-1']); // the opener (D14)
    expect(ok(recordStep({ ...opened(), makers: undefined }, INPUT.expenses, ctx('h1'))).record.makers).toEqual(['h1']);
  });

  it('refuses an approve or a return by anyone who made a change to the case (403 MAKER_CHECKER)', () => {
    const makers: [string, Partial<CaseRecord>, readonly CaseDocument[]][] = [
      ['worker-1', {}, []], // opened it
      ['h-upload', {}, [uploaded({ uploadedBy: 'h-upload' })]],
      ['h-waiver', { documentWaivers: [{ type: 'POLICE_REPORT', reason: '原件', by: 'h-waiver', at: 'x' }] }, []],
      ['h-confirm', { confirmation: confirmedBy('h-confirm') }, []],
      ['h-expense', { expenses: [expenseBy('h-expense')] }, []],
      ['assessor-1', { assessments: [assessedBy('assessor-1')] }, []],
      ['h-dependants', { makers: ['worker-1', 'h-dependants'] }, []],
    ];
    for (const [actor, over, documents] of makers)
      for (const input of [approve, giveBack]) expect(refusal(recordStep(awaiting(over), input, ctx(actor, { documents })))).toBe('MAKER_CHECKER');
    const t = ok(recordStep(awaiting(), approve, ctx('reviewer-1', { documents: [] })));
    expect(t.record.approval).toMatchObject({ decision: 'approve', reviewer: 'reviewer-1', at: NOW.toISOString() });
    expect(t.record.makers).toEqual(['worker-1']); // approving makes no maker
  });

  it('makes a maker of whoever records the dependants, the payee or a life event, who then may not approve (D14)', () => {
    const dependants = ok(recordStep(opened({ status: 'AWAITING_DEPENDANTS', kind: 'death' }), INPUT.dependants, ctx('h-dependants'))).record;
    const payee = ok(recordStep(opened(), INPUT.payee, ctx('h-payee'))).record;
    const life = ok(recordStep(opened({ status: 'PAID', approved: APPROVED_CALC }), INPUT['life-event'], ctx('h-life'))).record;
    for (const [record, actor] of [
      [dependants, 'h-dependants'],
      [payee, 'h-payee'],
      [life, 'h-life'],
    ] as const) {
      const pending = { ...record, pendingStep: undefined, status: 'AWAITING_APPROVAL' as const, benefits: calc('calc-1', []) };
      expect(refusal(recordStep(pending, approve, ctx(actor)))).toBe('MAKER_CHECKER');
    }
  });

  it('refuses an approval naming another calculation than the current one (409 CALCULATION_STALE), before the maker rule', () => {
    const stale = recordStep(awaiting(), { ...approve, calculationId: 'calc-0' } as StepInput, ctx('worker-1'));
    expect(stale).toMatchObject({ ok: false, refusal: { code: 'CALCULATION_STALE', fields: [{ path: 'calculationId' }] } });
    expect(!stale.ok && stale.refusal.message).toContain('calc-1');
    const none = recordStep(awaiting({ benefits: undefined }), approve, ctx('reviewer-1'));
    expect(none).toMatchObject({ ok: false, refusal: { code: 'CALCULATION_STALE', messageEn: expect.stringContaining('none') } });
    expect(refusal(recordStep(awaiting(), { ...giveBack, calculationId: 'calc-0' } as StepInput, ctx('reviewer-1')))).toBe('CALCULATION_STALE');
  });

  it('answers a wrong status before a stale calculation (contract: 409 status, then 409 stale, then 403 maker)', () => {
    expect(refusal(recordStep(opened({ status: 'RETURNED' }), { ...approve, calculationId: 'calc-0' } as StepInput, ctx('worker-1')))).toBe(
      'STEP_NOT_ACCEPTED',
    );
  });

  it('refuses to approve a case without a payee (422 PAYEE_REQUIRED), but lets it be returned', () => {
    const { payee: _p, ...withoutPayee } = awaiting();
    expect(recordStep(withoutPayee, approve, ctx('reviewer-1'))).toMatchObject({ ok: false, refusal: { code: 'PAYEE_REQUIRED', fields: [{ path: 'payee' }] } });
    expect(ok(recordStep(withoutPayee, giveBack, ctx('reviewer-1'))).record.pendingStep).toBe('approval');
  });
});

describe('the payee (D14)', () => {
  const payeeChange = INPUT.payee as Extract<StepInput, { step: 'payee' }>;
  const returned = payment('C1-P0001', [['disability_lump_sum', 500_000]], {
    kind: 'approval',
    status: 'RETURNED',
    batchId: 'B1',
    settledAt: '2026-03-15T00:00:00Z',
  });
  const withPayments: Ledger = { seq: 1, payments: [returned] };

  it('needs an AVAILABLE BANK_ACCOUNT_PROOF of the case, naming the document field (422)', () => {
    const refusedFor = (documentId: string, documents: readonly CaseDocument[]) =>
      recordStep(opened(), { ...payeeChange, documentId }, ctx('h1', { documents }));
    expect(refusedFor('D9', HANDED_IN)).toMatchObject({
      ok: false,
      refusal: { code: 'PAYEE_DOCUMENT_INVALID', fields: [{ path: 'documentId', message: '本案没有该材料。' }] },
    });
    expect(refusedFor('D0', HANDED_IN)).toMatchObject({
      ok: false,
      refusal: { code: 'PAYEE_DOCUMENT_INVALID', fields: [{ message: '该材料不是已通过校验的银行账户证明。' }] },
    });
    const pendingProof = [uploaded({ documentId: 'D6', type: 'BANK_ACCOUNT_PROOF', status: 'UPLOADING' })];
    expect(refusal(refusedFor('D6', pendingProof))).toBe('PAYEE_DOCUMENT_INVALID');
  });

  it('refuses a payee who is not the beneficiary, naming the name (422)', () => {
    expect(recordStep(opened(), { ...payeeChange, beneficiary: false }, ctx('h1'))).toMatchObject({
      ok: false,
      refusal: { code: 'PAYEE_NOT_BENEFICIARY', fields: [{ path: 'name' }] },
    });
  });

  it('changes the payee at once on a case without payments, on the timeline with the handler and the proof', () => {
    const t = ok(recordStep(opened({ pendingPayee: { payee: PAYEE, by: 'h0', at: 'x' } }), payeeChange, ctx('h1')));
    expect(t.record.payee).toEqual({ ...NEW_PAYEE, changedBy: 'h1', changedAt: NOW.toISOString(), documentId: 'D6' });
    expect(t.record.pendingPayee).toBeUndefined();
    expect(t.event).toMatchObject({
      action: 'payee.changed',
      before: { nameInitial: '张', bankAccountLast4: '1234' },
      after: { nameInitial: '张', bankAccountLast4: '5678', documentId: 'D6' },
    });
    // No payment, but the ledger advances: a run instructing the first payment meanwhile makes this change lose its race.
    expect(t.payments).toEqual([]);
    expect(t.ledger).toEqual({ from: 0, to: 1 });
    const { payee: _p, ...withoutPayee } = opened({ kind: 'death', applicant: { type: 'platform' } });
    expect(ok(recordStep(withoutPayee, payeeChange, ctx('h1'))).event.before).toBeUndefined(); // a death case opened by a platform gets its first payee
  });

  it('holds the change for a reviewer on a case with payments, who confirms it and re-instructs each returned payment once (contract: Payee)', () => {
    const requested = ok(recordStep(opened({ status: 'APPROVED' }), payeeChange, ctx('h1', { ledger: withPayments })));
    expect(requested.record.payee).toEqual(PAYEE);
    expect(requested.record.pendingPayee).toEqual({
      payee: { ...NEW_PAYEE, changedBy: 'h1', changedAt: NOW.toISOString(), documentId: 'D6' },
      by: 'h1',
      at: NOW.toISOString(),
    });
    expect(requested.event.action).toBe('payee.change_requested');
    expect(requested.payments).toBeUndefined();

    expect(refusal(recordStep(requested.record, INPUT['payee-confirmation'], ctx('h1', { ledger: withPayments })))).toBe('MAKER_CHECKER');
    const confirmed = ok(recordStep(requested.record, INPUT['payee-confirmation'], ctx('reviewer-1', { ledger: withPayments })));
    expect(confirmed.record.payee).toEqual(requested.record.pendingPayee?.payee);
    expect(confirmed.record.pendingPayee).toBeUndefined();
    expect(confirmed.record.makers).not.toContain('reviewer-1');
    expect(confirmed.payments?.map((c) => [c.next.paymentId, c.next.status, c.expected])).toEqual([
      ['C1-P0001', 'RETURNED', 'RETURNED'],
      ['C1-P0002', 'INSTRUCTED', undefined],
    ]);
    expect(confirmed.payments?.[1]?.next).toMatchObject({ replaces: 'C1-P0001', payee: requested.record.pendingPayee?.payee, amountFen: 500_000 });
    expect(confirmed.ledger).toEqual({ from: 1, to: 2 });
    expect(confirmed.event).toMatchObject({
      action: 'payee.changed',
      before: { bankAccountLast4: '1234' },
      after: { bankAccountLast4: '5678', requestedBy: 'h1', reinstructed: ['C1-P0002'] },
    });
    // Confirmed again with nothing returned: no payment, but the ledger still moves (a racing run computes again).
    const again = ok(recordStep({ ...confirmed.record, pendingPayee: requested.record.pendingPayee }, INPUT['payee-confirmation'], ctx('reviewer-1')));
    expect(again.payments).toEqual([]);
    expect(again.ledger).toEqual({ from: 0, to: 1 });
    const { payee: _p, ...withoutPayee } = requested.record;
    expect(ok(recordStep(withoutPayee, INPUT['payee-confirmation'], ctx('reviewer-1'))).event.before).toBeUndefined();
  });

  it('refuses a confirmation when no change is pending (409)', () => {
    expect(refusal(recordStep(opened(), INPUT['payee-confirmation'], ctx('reviewer-1')))).toBe('NO_PAYEE_CHANGE_PENDING');
  });

  it('needs the case ledger for a payee change and its confirmation', () => {
    expect(() => recordStep(opened(), payeeChange, ctx('h1', { ledger: undefined }))).toThrow(RangeError);
    const pending = opened({ pendingPayee: { payee: PAYEE, by: 'h1', at: 'x' } });
    expect(() => recordStep(pending, INPUT['payee-confirmation'], ctx('reviewer-1', { ledger: undefined }))).toThrow(RangeError);
    expect(() => recordStep(opened(), payeeChange, ctx('h1', { documents: undefined }))).toThrow(RangeError);
  });
});

describe('life events (D16)', () => {
  const life = (type: 'WORKER_DIED' | 'DEPENDANT_DIED' | 'RETIRED', on: string, dependantIndex?: number): StepInput => ({
    step: 'life-event',
    type,
    on,
    ...(dependantIndex === undefined ? {} : { dependantIndex }),
  });
  const nursing = monthlyLine('nursing', 3_000, '2026-01');
  const injury = opened({ status: 'PAID', approved: calc('calc-1', [LUMP, ALLOWANCE, nursing]), monthlyGrants: { worker: '2026-01-05' } });
  const death = opened({
    status: 'PAID',
    kind: 'death',
    dependants: [
      { name: '李四', relation: 'spouse', orphanOrAlone: false },
      { name: '李小', relation: 'child', orphanOrAlone: false, birthDate: '2015-01-01' },
    ],
    approved: calc('calc-1', [monthlyLine('dependant_pension:1', 4_000, '2026-01'), monthlyLine('dependant_pension:2', 3_000, '2026-01')]),
  });
  /** January to March paid; April instructed by a run for the next month (`april` says how far it got). */
  const ledgerWith = (april: Partial<PaymentRecord>): Ledger => ({
    seq: 4,
    payments: [
      payment('C1-P0001', [['disability_lump_sum', 500_000]], { kind: 'approval', status: 'PAID' }),
      payment(
        'C1-P0002',
        [
          ['disability_allowance@2026-01', 8_000],
          ['nursing@2026-01', 3_000],
          ['disability_allowance@2026-02', 8_000],
          ['nursing@2026-02', 3_000],
        ],
        {
          status: 'PAID',
        },
      ),
      payment(
        'C1-P0003',
        [
          ['disability_allowance@2026-03', 8_000],
          ['nursing@2026-03', 3_000],
        ],
        { status: 'PAID' },
      ),
      payment(
        'C1-P0004',
        [
          ['disability_allowance@2026-04', 8_000],
          ['nursing@2026-04', 3_000],
        ],
        april,
      ),
    ],
  });
  const aprilInstructed = ledgerWith({});
  const aprilSent = ledgerWith({ status: 'SENT', batchId: 'B1' });
  const settlementOf = (t: Transition) => t.payments?.find((c) => c.expected === undefined)?.next;

  it('refuses a date in the future or before the injury, naming the field (422)', () => {
    expect(recordStep(injury, life('RETIRED', '2026-03-17'), ctx())).toMatchObject({
      ok: false,
      refusal: { code: 'LIFE_EVENT_INVALID', fields: [{ path: 'on' }] },
    });
    expect(recordStep(injury, life('RETIRED', '2026-03-09'), ctx())).toMatchObject({
      ok: false,
      refusal: { code: 'LIFE_EVENT_INVALID', fields: [{ path: 'on' }] },
    });
    expect(ok(recordStep(injury, life('RETIRED', '2026-03-10'), ctx())).record.lifeEvents).toHaveLength(1); // the injury date itself
    expect(ok(recordStep(injury, life('RETIRED', '2026-03-16'), ctx())).record.lifeEvents).toHaveLength(1); // today
  });

  it('needs a recorded dependant for a dependant death, and the worker events only on an injury case (422)', () => {
    const field = (record: CaseRecord, input: StepInput) => {
      const o = recordStep(record, input, ctx());
      return o.ok ? undefined : [o.refusal.code, o.refusal.fields?.[0]?.path];
    };
    expect(field(death, life('DEPENDANT_DIED', '2026-03-12'))).toEqual(['LIFE_EVENT_INVALID', 'dependantIndex']);
    expect(field(death, life('DEPENDANT_DIED', '2026-03-12', 3))).toEqual(['LIFE_EVENT_INVALID', 'dependantIndex']);
    expect(field(injury, life('DEPENDANT_DIED', '2026-03-12', 1))).toEqual(['LIFE_EVENT_INVALID', 'dependantIndex']); // an injury case has none
    expect(field(injury, life('RETIRED', '2026-03-12', 1))).toEqual(['LIFE_EVENT_INVALID', 'dependantIndex']);
    expect(field(death, life('WORKER_DIED', '2026-03-12'))).toEqual(['LIFE_EVENT_INVALID', 'type']);
    expect(field(death, life('RETIRED', '2026-03-12'))).toEqual(['LIFE_EVENT_INVALID', 'type']);
  });

  it('records each event once per person (409)', () => {
    const once = ok(recordStep(death, life('DEPENDANT_DIED', '2026-03-12', 1), ctx())).record;
    expect(refusal(recordStep(once, life('DEPENDANT_DIED', '2026-03-13', 1), ctx()))).toBe('LIFE_EVENT_RECORDED');
    expect(ok(recordStep(once, life('DEPENDANT_DIED', '2026-03-13', 2), ctx())).record.lifeEvents).toHaveLength(2);
    const retired = ok(recordStep(injury, life('RETIRED', '2026-03-12'), ctx())).record;
    expect(refusal(recordStep(retired, life('RETIRED', '2026-03-13'), ctx()))).toBe('LIFE_EVENT_RECORDED');
    expect(ok(recordStep(retired, life('WORKER_DIED', '2026-03-13'), ctx())).record.lifeEvents?.map((e) => e.type)).toEqual(['RETIRED', 'WORKER_DIED']);
  });

  it("cancels an instructed payment for a month the worker's death ends, without approval (contract: Life events)", () => {
    const t = ok(recordStep(injury, life('WORKER_DIED', '2026-03-12'), ctx('h1', { ledger: aprilInstructed })));
    expect(t.record.lifeEvents).toEqual([{ type: 'WORKER_DIED', on: '2026-03-12', by: 'h1', at: NOW.toISOString() }]);
    expect(t.record.pendingStep).toBeUndefined();
    expect(t.payments).toEqual([{ next: { ...aprilInstructed.payments[3], status: 'CANCELLED', cancelledAt: NOW.toISOString() }, expected: 'INSTRUCTED' }]);
    expect(t.ledger).toEqual({ from: 4, to: 5 });
    expect(t.event).toMatchObject({
      action: 'life_event.recorded',
      after: { type: 'WORKER_DIED', on: '2026-03-12', endsFrom: '2026-04', cancelled: ['C1-P0004'] },
    });
    expect(t.event.after).not.toHaveProperty('settlement');
    expect(t.event.after).not.toHaveProperty('dependantIndex');
  });

  it('recovers a month already sent that the death ends, in one settlement payment (contract: Life events)', () => {
    const t = ok(recordStep(injury, life('WORKER_DIED', '2026-03-12'), ctx('h1', { ledger: aprilSent })));
    expect(settlementOf(t)).toMatchObject({ paymentId: 'C1-P0005', kind: 'life-event', amountFen: -11_000, status: 'INSTRUCTED' });
    expect(settlementOf(t)?.items.map((i) => [i.key, i.amountFen])).toEqual([
      ['disability_allowance@2026-04', -8_000],
      ['nursing@2026-04', -3_000],
    ]);
    expect(t.payments).toHaveLength(1);
    expect(t.event.after).toMatchObject({ endsFrom: '2026-04', cancelled: [], settlement: 'C1-P0005' });
  });

  it("ends a dependant's pension alone, naming the dependant on the timeline; a retirement ends only the allowance (D16)", () => {
    const t = ok(recordStep(death, life('DEPENDANT_DIED', '2026-03-12', 2), ctx()));
    expect(t.record.lifeEvents?.[0]).toMatchObject({ type: 'DEPENDANT_DIED', dependantIndex: 2 });
    expect(t.event.after).toMatchObject({ dependantIndex: 2, endsFrom: '2026-04' });
    const retired = ok(recordStep(injury, life('RETIRED', '2026-03-12'), ctx('h1', { ledger: aprilSent })));
    expect(settlementOf(retired)?.items.map((i) => [i.key, i.amountFen])).toEqual([['disability_allowance@2026-04', -8_000]]);
  });

  it('needs the case ledger', () => {
    expect(() => recordStep(injury, life('RETIRED', '2026-03-12'), ctx('h1', { ledger: undefined }))).toThrow(RangeError);
  });
});

describe('certification (D16)', () => {
  const death = opened({
    status: 'PAID',
    kind: 'death',
    dependants: [{ name: '李四', relation: 'spouse', orphanOrAlone: false }],
    approved: calc('calc-1', [oneOffLine('funeral', 60_000), monthlyLine('dependant_pension:1', 4_000, '2026-01')]),
    monthlyGrants: { '1': '2026-01-05' },
  });
  const injury = opened({ status: 'PAID', approved: APPROVED_CALC, monthlyGrants: { worker: '2026-01-05' } });

  it('certifies the worker, or a dependant by position, for 12 more months', () => {
    const worker = ok(recordStep(injury, INPUT.certification, ctx('worker-1', { role: 'worker' })));
    expect(worker.record.certifications).toEqual([{ person: 'worker', on: '2026-03-16', by: 'worker-1' }]);
    expect(worker.event).toMatchObject({ action: 'certification.recorded', after: { person: 'worker', certifiedOn: '2026-03-16', nextDueOn: '2027-03-16' } });
    expect(worker.payments).toBeUndefined();
    const spouse = ok(recordStep(death, { step: 'certification', personIndex: 1 }, ctx()));
    expect(spouse.event.after).toEqual({ person: 1, certifiedOn: '2026-03-16', nextDueOn: '2027-03-16' });
    expect(ok(recordStep(spouse.record, { step: 'certification', personIndex: 1 }, ctx())).record.certifications).toHaveLength(2);
  });

  it('lets a worker certify only themself (403)', () => {
    expect(refusal(recordStep(death, { step: 'certification', personIndex: 1 }, ctx('worker-1', { role: 'worker' })))).toBe('CERTIFICATION_NOT_OWN');
  });

  it('certifies only a person receiving a monthly item (422)', () => {
    expect(recordStep(death, INPUT.certification, ctx())).toMatchObject({
      ok: false,
      refusal: { code: 'NOT_MONTHLY_RECIPIENT', fields: [{ path: 'personIndex' }] },
    });
    expect(refusal(recordStep(death, { step: 'certification', personIndex: 2 }, ctx()))).toBe('NOT_MONTHLY_RECIPIENT');
    const lumpOnly = opened({ status: 'PAID', approved: calc('calc-1', [LUMP]) });
    expect(refusal(recordStep(lumpOnly, INPUT.certification, ctx()))).toBe('NOT_MONTHLY_RECIPIENT');
  });
});

describe('death cases (D16)', () => {
  const deathCase = (diedAt: string | undefined) => opened({ kind: 'death', occurredAt: '2026-03-10T01:00:00Z', ...(diedAt ? { diedAt } : {}) });
  const deemed: StepInput = { step: 'confirmation', outcome: 'DEEMED', basis: 'SUDDEN_ILLNESS_48H', assessmentRequired: false };

  it('deems a sudden-illness death only within 48 hours of the onset, naming diedAt (422)', () => {
    expect(recordStep(deathCase('2026-03-12T02:00:00Z'), deemed, ctx())).toMatchObject({
      ok: false,
      refusal: { code: 'DIED_AT_NOT_DEEMABLE', fields: [{ path: 'diedAt' }] },
    });
    expect(ok(recordStep(deathCase('2026-03-12T01:00:00Z'), deemed, ctx())).record.confirmation?.outcome).toBe('DEEMED'); // 48 hours exactly
    expect(ok(recordStep(deathCase(undefined), deemed, ctx())).record.pendingStep).toBe('confirmation'); // diedAt defaults to occurredAt
  });

  it('checks diedAt only for that basis of a death case', () => {
    const late = deathCase('2026-04-01T00:00:00Z');
    expect(ok(recordStep(late, { ...deemed, basis: 'RESCUE_PUBLIC_INTEREST' } as StepInput, ctx())).record.pendingStep).toBe('confirmation');
    expect(ok(recordStep(late, { ...deemed, outcome: 'CONFIRMED', basis: 'SUDDEN_ILLNESS_48H' } as StepInput, ctx())).record.pendingStep).toBe('confirmation');
    expect(ok(recordStep({ ...late, kind: 'injury' }, deemed, ctx())).record.pendingStep).toBe('confirmation');
  });

  it("takes N on the date of death and starts the dependants' pensions the month after it, not after the injury (D16)", () => {
    const dependants = { step: 'dependants' as const, dependants: [{ name: '李四', relation: 'spouse' as const, orphanOrAlone: false }] };
    const linesOf = (diedAt: string | undefined) => {
      const r = ok(recordStep({ ...deathCase(diedAt), status: 'AWAITING_DEPENDANTS' }, dependants, ctx())).record;
      const lines = ok(applyPendingStep(r, { now: NOW, ledger: NO_PAYMENTS, benefits: inputs })).record.benefits?.lines ?? [];
      return {
        pensionFrom: lines.find((l) => l.item === 'dependant_pension')?.fromMonth,
        deathDate: lines.find((l) => l.item === 'death_lump_sum')?.basis.deathDate,
      };
    };
    expect(linesOf(undefined)).toEqual({ pensionFrom: '2026-04', deathDate: '2026-03-10' });
    expect(linesOf('2026-04-01T17:00:00Z')).toEqual({ pensionFrom: '2026-05', deathDate: '2026-04-02' }); // 01:00 on 2 April in Shanghai
  });

  it('opens a death case with its date of death, and without a payee when a union opens it (D14, D16)', () => {
    const o = ok(
      openCase({
        caseId: 'C5',
        executionName: 'x',
        report,
        kind: 'death',
        applicant: { type: 'union' },
        diedAt: '2026-03-11T01:00:00Z',
        actor: 'handler-1',
        now: NOW,
        calendar,
        documentsRequired: true,
      }),
    );
    expect(o.record).toMatchObject({ diedAt: '2026-03-11T01:00:00Z', makers: ['handler-1'] });
    expect(o.record).not.toHaveProperty('payee');
  });
});

describe('applying a recorded step (the workflow)', () => {
  const confirmed = (over: Partial<StepInput & { step: 'confirmation' }>, kind: CaseRecord['kind'] = 'injury') =>
    ok(recordStep(opened({ kind }), { ...(INPUT.confirmation as StepInput & { step: 'confirmation' }), ...over }, ctx())).record;

  it('routes a confirmation: not confirmed, death → dependants, assessment required, or straight to approval with benefits', () => {
    const notConfirmed = confirmed({ outcome: 'NOT_CONFIRMED', basis: 'INTOXICATION', reasons: ['醉酒'] });
    expect(applyingNeedsBenefits(notConfirmed)).toBe(false);
    expect(ok(applyPendingStep(notConfirmed, { now: NOW, ledger: NO_PAYMENTS })).record.status).toBe('NOT_CONFIRMED');
    expect(ok(applyPendingStep(confirmed({}, 'death'), { now: NOW, ledger: NO_PAYMENTS })).record.status).toBe('AWAITING_DEPENDANTS');
    const assess = ok(applyPendingStep(confirmed({}), { now: NOW, ledger: NO_PAYMENTS })).record;
    expect(assess).toMatchObject({ status: 'AWAITING_ASSESSMENT', assessmentEnteredOn: '2026-03-16' });
    expect(assess.pendingStep).toBeUndefined();
    const direct = confirmed({ assessmentRequired: false });
    expect(applyingNeedsBenefits(direct)).toBe(true);
    const applied = ok(applyPendingStep(direct, { now: NOW, ledger: NO_PAYMENTS, benefits: inputs }));
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
      const applied = ok(applyPendingStep(r, { now: NOW, ledger: NO_PAYMENTS, benefits: inputs })).record;
      expect(applied.status).toBe('AWAITING_APPROVAL');
      expect(applied.benefits?.ok).toBe(true);
    }
  });

  /** The case once a reviewer approved `benefits` (recorded, not yet applied). */
  const approvedBy = (benefits: ReturnType<typeof calc>, over: Partial<CaseRecord> = {}) =>
    ok(
      recordStep(
        opened({ status: 'AWAITING_APPROVAL', benefits, ...over }),
        { ...INPUT.approval, calculationId: benefits.calculationId } as StepInput,
        ctx('r1'),
      ),
    ).record;

  it('instructs the one-offs and the months owed through the current month on approval: APPROVED until the bank pays (D10, D15)', () => {
    const approved = approvedBy(APPROVED_CALC);
    expect(applyingNeedsBenefits(approved)).toBe(false);
    const t = ok(applyPendingStep(approved, { now: NOW, ledger: NO_PAYMENTS }));
    expect(t.record).toMatchObject({ status: 'APPROVED', approved: APPROVED_CALC, monthlyGrants: { worker: '2026-03-16' } });
    expect(t.record.pendingStep).toBeUndefined();
    expect(t.payments).toHaveLength(1);
    const p = t.payments![0]!;
    expect(p.expected).toBeUndefined(); // created once
    expect(p.next).toMatchObject({
      paymentId: 'C1-P0001',
      key: 'C1-P0001',
      kind: 'approval',
      status: 'INSTRUCTED',
      amountFen: 524_000,
      calculationId: 'calc-1',
      province: '110000',
      payee: PAYEE,
      createdAt: NOW.toISOString(),
    });
    expect(p.next.items.map((i) => i.key)).toEqual([
      'disability_lump_sum',
      'disability_allowance@2026-01',
      'disability_allowance@2026-02',
      'disability_allowance@2026-03',
    ]);
    expect(t.ledger).toEqual({ from: 0, to: 1 });
    expect(t.event.after).toMatchObject({ status: 'APPROVED', paymentId: 'C1-P0001', instructedFen: 524_000 });
    expect(t.clearTask).toBe(true);
  });

  it('instructs no month ahead: a conclusion of 15 March starts the allowance in April, paid by a run (D9)', () => {
    const startsInApril = calc('calc-1', [LUMP, monthlyLine('disability_allowance', 8_000, '2026-04')]);
    const t = ok(applyPendingStep(approvedBy(startsInApril), { now: NOW, ledger: NO_PAYMENTS }));
    expect(t.payments?.[0]?.next.items.map((i) => i.key)).toEqual(['disability_lump_sum']);
    expect(t.record.monthlyGrants).toEqual({ worker: '2026-03-16' }); // granted now, paid from April
  });

  it('goes straight to PAID when the approval instructs no positive one-off amount (contract: Payment chain)', () => {
    const monthlyOnly = ok(applyPendingStep(approvedBy(calc('calc-1', [ALLOWANCE])), { now: NOW, ledger: NO_PAYMENTS }));
    expect(monthlyOnly.record.status).toBe('PAID');
    expect(monthlyOnly.payments?.[0]?.next.amountFen).toBe(24_000);
    // Everything already instructed and paid: nothing new, and the ledger still moves (a racing run computes again).
    const paid = [payment('C1-P0001', [['disability_lump_sum', 500_000]], { status: 'PAID' })];
    const nothing = ok(applyPendingStep(approvedBy(calc('calc-2', [LUMP])), { now: NOW, ledger: { seq: 3, payments: paid } }));
    expect(nothing.record.status).toBe('PAID');
    expect(nothing.payments).toEqual([]);
    expect(nothing.ledger).toEqual({ from: 3, to: 4 });
    expect(nothing.event.after).not.toHaveProperty('paymentId');
  });

  it('pays only the difference on a new approval, and keeps the date each person was first granted a monthly item (D10, D16)', () => {
    const first = [
      payment(
        'C1-P0001',
        [
          ['disability_lump_sum', 500_000],
          ['disability_allowance@2026-01', 8_000],
          ['disability_allowance@2026-02', 8_000],
        ],
        { status: 'PAID' },
      ),
    ];
    const raised = calc('calc-2', [oneOffLine('disability_lump_sum', 520_000), monthlyLine('disability_allowance', 9_000, '2026-01')]);
    const t = ok(applyPendingStep(approvedBy(raised, { monthlyGrants: { worker: '2026-01-05' } }), { now: NOW, ledger: { seq: 1, payments: first } }));
    expect(t.payments?.[0]?.next.items.map((i) => [i.key, i.amountFen])).toEqual([
      ['disability_lump_sum', 20_000],
      ['disability_allowance@2026-01', 1_000],
      ['disability_allowance@2026-02', 1_000],
      ['disability_allowance@2026-03', 9_000],
    ]);
    expect(t.payments?.[0]?.next.paymentId).toBe('C1-P0002');
    expect(t.record.monthlyGrants).toEqual({ worker: '2026-01-05' });
    expect(t.record.status).toBe('APPROVED');
  });

  it('returns a return without instructing anything or moving the ledger', () => {
    const returned = ok(
      recordStep(opened({ status: 'AWAITING_APPROVAL', benefits: APPROVED_CALC }), { ...INPUT.approval, decision: 'return' } as StepInput, ctx('r1')),
    ).record;
    const back = ok(applyPendingStep(returned, { now: NOW, ledger: NO_PAYMENTS }));
    expect(back.record.status).toBe('RETURNED');
    expect(back.record.approved).toBeUndefined();
    expect(back.payments).toBeUndefined();
    expect(back.ledger).toBeUndefined();
  });

  it('refuses when nothing is pending or benefits cannot be calculated, and needs the inputs it asks for', () => {
    expect(refusal(applyPendingStep(opened(), { now: NOW, ledger: NO_PAYMENTS }))).toBe('NOTHING_PENDING');
    expect(applyingNeedsBenefits(opened())).toBe(false);
    const r = ok(recordStep(opened({ status: 'AWAITING_ASSESSMENT' }), INPUT.assessment, ctx())).record;
    expect(applyPendingStep(r, { now: NOW, ledger: NO_PAYMENTS, benefits: { ...inputs, parameterVersions: [] } })).toMatchObject({
      ok: false,
      refusal: { code: 'BENEFITS_NOT_CALCULABLE', cause: 'MissingParameter' },
    });
    expect(() => applyPendingStep(r, { now: NOW, ledger: NO_PAYMENTS })).toThrow(RangeError);
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
    const swept = sweepCase(opened(), [], late, calendar)!;
    expect(swept.record.escalations.map((e) => e.kind)).toEqual(['CONFIRMATION_OVERDUE']);
    expect(sweepCase(swept.record, [], late, calendar)).toBeUndefined();
    expect(sweepCase(opened({ suspensions: [{ from: '2026-03-17', reason: 'x' }] }), [], late, calendar)).toBeUndefined();
    expect(sweepCase(opened(), [], NOW, calendar)).toBeUndefined();
  });

  it('escalates a missed assessment deadline (D8) and closes a finished paid case', () => {
    const swept = sweepCase(opened({ status: 'AWAITING_ASSESSMENT', assessmentEnteredOn: '2026-01-05' }), [], NOW, calendar)!;
    expect(swept.event.after).toEqual({ escalations: ['ASSESSMENT_OVERDUE'] });
    const approved = calc('c', [{ item: 'medical', key: 'medical', amountFen: 1, monthly: false, basis: {} }]);
    const paidCase = opened({ status: 'PAID', approved });
    const closed = sweepCase(paidCase, paidUp(paidCase, '2026-03-16'), NOW, calendar)!;
    expect(closed.record.status).toBe('CLOSED');
    const assessed = { assessments: [{ type: 'initial' as const, grade: 9, nursing: null, concludedOn: '2026-03-01', recordedBy: 'a', recordedAt: 'x' }] };
    expect(sweepCase(opened({ status: 'PAID', approved, ...assessed }), [], NOW, calendar)).toBeUndefined();
  });
});

describe('monthly runs and closing (D10, D15, D16)', () => {
  const approvedCase = (over: Partial<CaseRecord> = {}) =>
    opened({ status: 'PAID', approved: calc('calc-1', [ALLOWANCE]), monthlyGrants: { worker: '2026-03-16' }, ...over });
  const at = (iso: string) => new Date(iso);

  it('instructs the months owed through the run month as one payment, and nothing when run again (D15)', () => {
    const run = monthlyPayment(approvedCase(), NO_PAYMENTS, '2026-04', 'run-1', NOW)!;
    expect(run).toMatchObject({ paymentId: 'C1-P0001', kind: 'monthly', runId: 'run-1', calculationId: 'calc-1', amountFen: 32_000, status: 'INSTRUCTED' });
    expect(run.items.map((i) => i.key)).toEqual([
      'disability_allowance@2026-01',
      'disability_allowance@2026-02',
      'disability_allowance@2026-03',
      'disability_allowance@2026-04',
    ]);
    expect(monthlyPayment(approvedCase(), { seq: 1, payments: [run] }, '2026-04', 'run-2', NOW)).toBeUndefined();
    expect(monthlyPayment(approvedCase(), { seq: 1, payments: [run] }, '2026-05', 'run-2', NOW)?.paymentId).toBe('C1-P0002');
  });

  it('pays a case that has an approved calculation whatever its status, and none without one (contract: Payment chain)', () => {
    expect(monthlyPayment(approvedCase({ status: 'AWAITING_APPROVAL' }), NO_PAYMENTS, '2026-03', 'run-1', NOW)?.amountFen).toBe(24_000);
    expect(monthlyPayment(opened(), NO_PAYMENTS, '2026-03', 'run-1', NOW)).toBeUndefined();
  });

  it("skips a lapsed person's months from the month after their certification was due, and pays them once certified (D16)", () => {
    const lapsed = approvedCase({ monthlyGrants: { worker: '2025-03-16' }, approved: calc('calc-1', [monthlyLine('disability_allowance', 8_000, '2026-01')]) });
    const run = monthlyPayment(lapsed, NO_PAYMENTS, '2026-05', 'run-1', at('2026-04-20T02:00:00Z'))!;
    expect(run.items.map((i) => i.month)).toEqual(['2026-01', '2026-02', '2026-03']); // due 2026-03-16, lapsed from April
    const certified = { ...lapsed, certifications: [{ person: 'worker' as const, on: '2026-04-21', by: 'worker-1' }] };
    const after = monthlyPayment(certified, { seq: 1, payments: [run] }, '2026-05', 'run-2', at('2026-04-21T02:00:00Z'))!;
    expect(after.items.map((i) => i.month)).toEqual(['2026-04', '2026-05']);
  });

  /** Whether the case closes once everything it was owed on `today` has been paid by the bank. */
  const closes = (record: CaseRecord, today: string, reassessmentDue: string | undefined) => closable(record, paidUp(record, today), today, reassessmentDue);

  it('closes a paid case when no monthly line runs and the re-assessment window has passed', () => {
    const approved = calc('c', [oneOffLine('medical', 1)]);
    expect(closes(opened({ status: 'PAID', approved }), '2026-11-24', undefined)).toBe(true);
    expect(closable(opened({ status: 'PAID', approved }), [], '2026-11-24', '2026-11-30')).toBe(false);
    expect(closes(opened({ status: 'PAID', approved }), '2026-11-24', '2026-11-23')).toBe(true);
    const monthly = calc('c', [monthlyLine('nursing', 1, '2026-01')]);
    expect(closable(opened({ status: 'PAID', approved: monthly }), [], '2026-11-24', undefined)).toBe(false);
    expect(closable(opened({ status: 'APPROVED', approved }), [], '2026-11-24', undefined)).toBe(false);
    expect(closable(opened({ status: 'PAID' }), [], '2026-11-24', undefined)).toBe(false);
    const ended = calc('c', [monthlyLine('nursing', 1, '2026-01', { untilMonth: '2026-06' })]);
    expect(closes(opened({ status: 'PAID', approved: ended }), '2026-11-24', undefined)).toBe(true);
    // Months still owed (never instructed, e.g. held for a lapse and certified since) keep it open: runs skip closed cases.
    expect(closable(opened({ status: 'PAID', approved: ended }), [], '2026-11-24', undefined)).toBe(false);
    const endsLater = calc('c', [monthlyLine('nursing', 1, '2026-01', { untilMonth: '2027-06' })]);
    expect(closable(opened({ status: 'PAID', approved: endsLater }), [], '2026-11-24', undefined)).toBe(false);
    const startsLater = calc('c', [monthlyLine('nursing', 1, '2026-12', { untilMonth: '2027-01' })]);
    expect(closable(opened({ status: 'PAID', approved: startsLater }), [], '2026-11-24', undefined)).toBe(false);
    const neverStarts = calc('c', [monthlyLine('nursing', 1, '2026-01', { fromMonth: undefined })]); // a monthly line with no first month pays nothing
    expect(closes(opened({ status: 'PAID', approved: neverStarts }), '2026-11-24', undefined)).toBe(true);
  });

  it('does not close while a payment is on its way to or from the bank (D15)', () => {
    const approved = calc('c', [oneOffLine('medical', 1)]);
    const paid = opened({ status: 'PAID', approved });
    const p = (status: PaymentRecord['status'], over: Partial<PaymentRecord> = {}): PaymentRecord => ({
      paymentId: `C1-P${status}`,
      caseId: 'C1',
      key: `C1-P${status}`,
      amountFen: 1,
      status,
      items: [],
      createdAt: 'x',
      ...over,
    });
    for (const status of ['INSTRUCTED', 'SENT', 'RETURNED'] as const) expect(closable(paid, [p(status)], '2026-11-24', undefined)).toBe(false);
    expect(closable(paid, [p('INSTRUCTED', { amountFen: -1 })], '2026-11-24', undefined)).toBe(false); // a recovery still to offset
    expect(closable(paid, [p('RETURNED', { replacedBy: 'C1-P2' }), ...paidUp(paid, '2026-11-24'), p('CANCELLED'), p('PENDING')], '2026-11-24', undefined)).toBe(
      true,
    );
    expect(sweepCase(paid, [p('SENT')], NOW, calendar)).toBeUndefined();
  });

  it('closes once a life event ended the last monthly line, not while a certification has lapsed (D16)', () => {
    const nursing = calc('c', [monthlyLine('nursing', 1, '2026-01')]);
    const died = { type: 'WORKER_DIED' as const, on: '2026-05-10', by: 'h', at: 'x' };
    expect(closes(opened({ status: 'PAID', approved: nursing, lifeEvents: [died] }), '2026-06-01', undefined)).toBe(true);
    expect(closable(opened({ status: 'PAID', approved: nursing, lifeEvents: [died] }), [], '2026-05-31', undefined)).toBe(false); // May still runs
    const ended = calc('c', [monthlyLine('nursing', 1, '2026-01', { untilMonth: '2026-06' })]);
    expect(closes(opened({ status: 'PAID', approved: ended, monthlyGrants: { worker: '2026-01-05' } }), '2026-11-24', undefined)).toBe(true);
    // Lapsed since 2026-01-05: February to May are kept owed until the worker is certified again.
    expect(closes(opened({ status: 'PAID', approved: ended, monthlyGrants: { worker: '2025-01-05' } }), '2026-11-24', undefined)).toBe(false);
    // Lapsed since 2026-06-01, after the line's last month (May): nothing is kept owed, the case closes.
    expect(closes(opened({ status: 'PAID', approved: ended, monthlyGrants: { worker: '2025-06-01' } }), '2026-11-24', undefined)).toBe(true);
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

  const inputOf = (a: { step: Recorded; decision: 'approve' | 'return'; assessmentRequired: boolean; grade: number }, record: CaseRecord): StepInput => {
    switch (a.step) {
      case 'approval':
        return { step: 'approval', decision: a.decision, calculationId: record.benefits?.calculationId ?? 'none' };
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

  it('a refused step changes nothing, an accepted one moves the version by one, and no payment is instructed twice', () => {
    let sequencesThatPaid = 0;
    fc.assert(
      fc.property(kind, fc.array(attempt, { minLength: 20, maxLength: 60 }), (k, attempts) => {
        let record = opened({ kind: k });
        let now = NOW;
        let ledger: Ledger = NO_PAYMENTS;
        /** Stores a transition's payments as the repository does (ids unique, changes from the status read). */
        const store = (t: Transition) => {
          if (!t.ledger) return;
          expect(t.ledger.from).toBe(ledger.seq);
          ledger = { seq: t.ledger.to, payments: applyPaymentChanges(ledger.payments, t.payments ?? []) };
        };
        for (const a of attempts) {
          now = new Date(now.getTime() + a.days * 86_400_000);
          const before = structuredClone(record);
          // Handlers record; the approval is by the drawn actor (a reviewer, or sometimes a maker: refused).
          const outcome = recordStep(record, inputOf(a, record), ctx(a.step === 'approval' ? a.actor : 'handler-1', { now, ledger }));
          expect(record).toEqual(before); // the input is never mutated
          if (!outcome.ok) continue;
          expect(outcome.record.version).toBe(record.version + 1);
          record = outcome.record;
          store(outcome);
          if (!record.pendingStep) continue;
          const applied = applyPendingStep(record, { now, ledger, benefits: inputs });
          if (!applied.ok) continue;
          expect(applied.record.pendingStep).toBeUndefined();
          record = applied.record;
          store(applied);
          for (let m = 0; m < 2 && record.approved; m++) {
            const month = `2027-0${m + 1}`;
            const run = monthlyPayment(record, ledger, month, `run-${month}`, now);
            if (run) ledger = { seq: ledger.seq + 1, payments: applyPaymentChanges(ledger.payments, [{ next: run }]) };
            expect(monthlyPayment(record, ledger, month, 'again', now)).toBeUndefined(); // a month is paid once
          }
        }
        // What is instructed per one-off item equals the last approved calculation's amount, never more.
        if (ledger.payments.length > 0) sequencesThatPaid++;
        if (record.approved) {
          for (const line of record.approved.lines.filter((l) => !l.monthly)) {
            const instructed = ledger.payments
              .filter(countsAsInstructed)
              .flatMap((p) => p.items)
              .filter((i) => i.key === line.key)
              .reduce((s, i) => s + i.amountFen, 0);
            expect(instructed).toBe(line.amountFen);
          }
        }
      }),
      { numRuns: 300 },
    );
    expect(sequencesThatPaid).toBeGreaterThan(30); // the sequences do reach approvals and runs
    // 300 sequences of up to 60 steps: ~1 s alone, over 5 s on a 2-core machine running other suites.
  }, 60_000);

  it('a refused step is refused again on the same record: refusals depend only on the record and the input', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CASE_STATUSES), attempt, (status, a) => {
        const record = opened({ status });
        const first = recordStep(record, inputOf(a, record), ctx(a.actor));
        const second = recordStep(record, inputOf(a, record), ctx(a.actor));
        expect(second).toEqual(first);
      }),
    );
  });
});
