/**
 * The case lifecycle in one place (contract: "Case statuses and which step accepts what"; D6–D10).
 *
 * `LIFECYCLE` says which status accepts which step and whether the case workflow still waits for a
 * person in it; `STEP_ROLES` who records each step. Every change of a case is a pure transition here:
 * the current record and a step (with the time, the calendar and, when benefits are calculated, the
 * benefit inputs) in; the next record, its timeline event and any payment out — or a named refusal that
 * changes nothing. The API records a step (`recordStep`); the workflow applies a recorded one
 * (`applyPendingStep`); the deadline sweep and the workflow's failure paths use the transitions at the end.
 * The adapters only load, store and signal.
 */
import type { ErrorCode } from './error-codes.ts';
import type { WorkingDayCalendar } from './calendar.ts';
import { type Deadline, deadlinesOf, missedDeadlines } from './case-deadlines.ts';
import { type BenefitInputs, calculateCaseBenefits, calculationTotals, closable } from './case-payments.ts';
import {
  certificationDueOn,
  instruct,
  approvalSettled,
  monthlyRecipients,
  newPayments,
  owedItems,
  type PaymentChange,
  reinstructions,
  settleAfterLifeEvent,
} from './payment-chain.ts';
import { suddenIllnessDeathDeemable } from './confirmation.ts';
import { APPEAL_RETURNS_TO, appealDue, appealedDecisionOn, decidedReconsideration, nextAppealId, openAppeal } from './appeals.ts';
import {
  type Appeal,
  type AppealAgainst,
  type AppealKind,
  type AppealResult,
  type CaseRecord,
  caseRecordBytes,
  MAX_CASE_RECORD_BYTES,
  type CaseStatus,
  type Assessment,
  type CaseStep,
  type Confirmation,
  type InjuryReport,
  type LifeEventType,
  type Payee,
  type PaymentRecord,
  type Person,
  type StoredCalculation,
  type TimelineEvent,
  WORKFLOW_STEPS,
  type WorkflowStep,
} from './case-record.ts';
import type { CallerRole } from './cases.ts';
import { AFTER_APPROVAL, acceptsStep, LIFECYCLE } from './case-steps.ts';
import { assessmentDue, applicationLateness, checkAssessmentWindow, reassessmentRequestDue } from './deadlines.ts';
import type { DependantInput, ExpenseItem } from './benefits.ts';
import { type CaseDocument, checklist, DOCUMENT_TYPE_NAMES, type DocumentType } from './documents.ts';
import { ruleTableOn } from './rule-tables.ts';
import { sumFen } from './money.ts';
import type { ApplicantType } from './rule-tables.ts';
import { addMonthsToMonth, monthOfDate, shanghaiDate } from './time.ts';

/** Whether `record` accepts `step`: its status does, and a life event or certification needs an approved calculation (D16). */
const recordAccepts = (record: CaseRecord, step: CaseStep): boolean =>
  acceptsStep(record.status, step) && (!(AFTER_APPROVAL as readonly CaseStep[]).includes(step) || record.approved !== undefined);

/**
 * D14: everyone who made a change to the case — opened it, handed in or waived a document, recorded the
 * confirmation, expenses, an assessment, the dependants, the payee or a life event. None of them may
 * approve or return its calculation, nor confirm a payee change. Cases stored before `makers` existed
 * give theirs from the recorded facts.
 */
export function makersOf(record: CaseRecord, documents: readonly CaseDocument[]): Set<string> {
  return new Set([
    record.openedBy,
    ...(record.makers ?? []),
    ...(record.confirmation ? [record.confirmation.recordedBy] : []),
    ...record.expenses.map((e) => e.recordedBy),
    ...record.assessments.map((a) => a.recordedBy),
    ...(record.documentWaivers ?? []).map((w) => w.by),
    ...documents.map((d) => d.uploadedBy),
  ]);
}

const withMaker = (record: CaseRecord, actor: string): readonly string[] =>
  record.makers?.includes(actor) ? record.makers : [...(record.makers ?? []), actor];

/** The steps that make their recorder a maker of the case (D14). */
const MAKER_STEPS: readonly CaseStep[] = [
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

/** Whether the workflow applies `step` after it is recorded (else it takes effect at once). */
export const isWorkflowStep = (step: CaseStep): step is WorkflowStep => (WORKFLOW_STEPS as readonly CaseStep[]).includes(step);

/** Whether the workflow applies this recorded step (an UPHELD appeal result changes nothing it would apply). */
const appliedByWorkflow = (input: StepInput): boolean => isWorkflowStep(input.step) && !(input.step === 'appeal-result' && input.result === 'UPHELD');

/** Whether the workflow has ended in `status` (a step recorded then starts a new execution instead of resuming a wait). */
export const workflowEnds = (status: CaseStatus): boolean => LIFECYCLE[status].workflow === 'ends';

// ── Inputs and outcomes ────────────────────────────────────────────────────────────────────────────

export type StepInput =
  | {
      readonly step: 'confirmation';
      readonly outcome: Confirmation['outcome'];
      readonly basis: string;
      readonly reasons?: readonly string[];
      readonly assessmentRequired: boolean;
    }
  | { readonly step: 'expenses'; readonly items: readonly ExpenseItem[]; readonly inpatientDays: number }
  | { readonly step: 'suspension'; readonly reason: string }
  | { readonly step: 'resumption' }
  | {
      readonly step: 'assessment' | 'reassessment' | 'review';
      readonly grade: number | null;
      readonly nursing: 'FULL' | 'MAJOR' | 'PARTIAL' | null;
      readonly concludedOn: string;
    }
  | { readonly step: 'assessment-extension'; readonly reason: string }
  | { readonly step: 'dependants'; readonly dependants: readonly DependantInput[] }
  | { readonly step: 'approval'; readonly decision: 'approve' | 'return'; readonly calculationId: string; readonly comment?: string }
  | { readonly step: 'resubmission'; readonly comment?: string }
  | { readonly step: 'document-waiver'; readonly type: DocumentType; readonly reason: string }
  | { readonly step: 'document-withdrawal'; readonly document: CaseDocument; readonly reason: string }
  | {
      readonly step: 'payee';
      /** Encrypted by the adapter; `changedBy`, `changedAt` and `documentId` are set here. */
      readonly payee: Omit<Payee, 'changedBy' | 'changedAt' | 'documentId'>;
      readonly documentId: string;
      /** Whether the name is the beneficiary's (the adapter compares the plain names with core/payee.ts). */
      readonly beneficiary: boolean;
    }
  | { readonly step: 'payee-confirmation' }
  | { readonly step: 'life-event'; readonly type: LifeEventType; readonly on: string; readonly dependantIndex?: number }
  | { readonly step: 'certification'; readonly personIndex?: number }
  | { readonly step: 'appeal'; readonly kind: AppealKind; readonly against: AppealAgainst; readonly filedOn: string }
  | { readonly step: 'appeal-result'; readonly appealId: string; readonly result: AppealResult; readonly decidedOn: string; readonly summary: string };

export interface StepContext {
  /** Who records the step (the token's `sub`) and as what. */
  readonly actor: string;
  readonly role: CallerRole;
  readonly now: Date;
  readonly calendar: WorkingDayCalendar;
  /** Required when {@link recordingNeedsBenefits} says so. */
  readonly benefits?: BenefitInputs;
  /** The case's documents: required by a confirmation (its checklist), a waiver, an approval (its makers) and a payee change. */
  readonly documents?: readonly CaseDocument[];
  /** The case's payments and ledger sequence: required by the steps that instruct or re-instruct (D15, D16). */
  readonly ledger?: Ledger;
}

/** A case's payments as read, with its ledger sequence (every instruction advances it, so racing ones serialise). */
export interface Ledger {
  readonly seq: number;
  readonly payments: readonly PaymentRecord[];
}

export const REFUSALS = [
  'STEP_PENDING',
  'STEP_NOT_ACCEPTED',
  'ALREADY_SUSPENDED',
  'NOT_SUSPENDED',
  'ALREADY_EXTENDED',
  'MAKER_CHECKER',
  'OUTSIDE_ASSESSMENT_WINDOW',
  'BENEFITS_NOT_CALCULABLE',
  'LATE_EXPLANATION_REQUIRED',
  'NOTHING_PENDING',
  'DOCUMENTS_MISSING',
  'WAIVER_NOT_APPLICABLE',
  'ALREADY_WAIVED',
  'NOT_UPLOADER',
  'ALREADY_WITHDRAWN',
  'CALCULATION_STALE',
  'PAYEE_REQUIRED',
  'PAYEE_NOT_BENEFICIARY',
  'PAYEE_DOCUMENT_INVALID',
  'NO_PAYEE_CHANGE_PENDING',
  'LIFE_EVENT_INVALID',
  'LIFE_EVENT_RECORDED',
  'NOT_MONTHLY_RECIPIENT',
  'CERTIFICATION_NOT_OWN',
  'DIED_AT_NOT_DEEMABLE',
  'NO_DECISION_TO_APPEAL',
  'APPEAL_OPEN',
  'APPEAL_DECIDED',
  'NOT_FOUND',
  'VALIDATION_FAILED',
  'CASE_TOO_LARGE',
] as const satisfies readonly ErrorCode[];
export type RefusalCode = (typeof REFUSALS)[number];

/** A refusal: its code is the error catalogue's (core/error-codes.ts); `message` is simplified Chinese. */
export interface Refusal {
  readonly code: RefusalCode;
  readonly message: string;
  /** The message in English (the problem's `detail_en`). */
  readonly messageEn?: string;
  readonly fields?: readonly { readonly path: string; readonly message: string }[];
  /** BENEFITS_NOT_CALCULABLE: the domain error behind it (MissingParameter, ValidationError). */
  readonly cause?: 'MissingParameter' | 'ValidationError';
}

export interface Transition {
  readonly ok: true;
  readonly record: CaseRecord;
  readonly event: TimelineEvent;
  /** Payments instructed (created once) or changed (conditional on their status) with this transition. */
  readonly payments?: readonly PaymentChange[];
  /** The case's ledger sequence before and after (set when `payments` is). */
  readonly ledger?: { readonly from: number; readonly to: number };
  /** The workflow's wait is over: its task token is removed with the transition. */
  readonly clearTask?: boolean;
  /** A document changed by this transition (a withdrawal), stored with it. */
  readonly document?: CaseDocument;
}

export type Outcome = Transition | { readonly ok: false; readonly refusal: Refusal };

const refuse = (code: RefusalCode, message: string, messageEn: string, extra: Omit<Refusal, 'code' | 'message' | 'messageEn'> = {}): Outcome => ({
  ok: false,
  refusal: { code, message, messageEn, ...extra },
});

const ASSESSMENT_NAMES: Readonly<Record<Assessment['type'], string>> = { initial: '初次鉴定', reassessment: '再次鉴定', review: '复查鉴定' };

/** BENEFITS_NOT_CALCULABLE: the Chinese message keeps the core's technical reason (the parameter it lacks). */
const notCalculable = (result: { message: string; error: 'MissingParameter' | 'ValidationError' }): Outcome =>
  refuse('BENEFITS_NOT_CALCULABLE', `无法计算待遇（${result.error}）：${result.message}`, result.message, { cause: result.error });

/** The next version of a record: `changes` applied, `remove` dropped, version + 1. */
const bump = (record: CaseRecord, changes: Partial<CaseRecord>, remove: readonly (keyof CaseRecord)[] = []): CaseRecord => {
  const next: Record<string, unknown> = { ...record, ...changes, version: record.version + 1 };
  for (const key of remove) delete next[key];
  return next as unknown as CaseRecord;
};

const timelineEvent = (at: string, actor: string, action: string, extra: Omit<TimelineEvent, 'at' | 'actor' | 'action'> = {}): TimelineEvent => ({
  at,
  actor,
  action,
  ...extra,
});

// ── Opening ────────────────────────────────────────────────────────────────────────────────────────

export interface NewCaseInput {
  readonly caseId: string;
  readonly executionName: string;
  readonly report: InjuryReport;
  readonly kind: CaseRecord['kind'];
  readonly applicant: { readonly type: ApplicantType; readonly name?: string };
  /** Absent only on a death case opened by a platform or union (a handler sets it once dependants are recorded). */
  readonly payee?: Payee;
  /** A death case's date of death (D16; the adapter defaults it to `occurredAt`). */
  readonly diedAt?: string;
  readonly lateExplanation?: string;
  readonly actor: string;
  readonly now: Date;
  readonly calendar: WorkingDayCalendar;
  /** D13: whether the case's confirmation needs documents (cases opened before documents existed do not). */
  readonly documentsRequired: boolean;
}

/**
 * The province a case belongs to (D18): that of the order covering the injury (the province the worker was
 * enrolled in for it), whatever province the report was filed from; the report's when no order covers it.
 */
export function caseProvince(report: Pick<InjuryReport, 'province' | 'coverage' | 'orders'>): string {
  const { coverage } = report;
  const covering = coverage.covered ? report.orders.find((o) => o.orderId === coverage.orderId) : undefined;
  return covering?.province ?? report.province;
}

/**
 * A new case for a report (D6, D12): only a final deadline requires the written explanation; past a
 * provisional one the case opens flagged `late` (the view derives it again when the year is loaded).
 */
export function openCase(input: NewCaseInput): Outcome {
  const { report, now } = input;
  const today = shanghaiDate(now);
  const { late, due, explanationRequired } = applicationLateness(report.injuryDate, input.applicant.type, today, input.calendar);
  if (explanationRequired && !input.lateExplanation) {
    return refuse(
      'LATE_EXPLANATION_REQUIRED',
      '申请期限已过（D6）：须提交逾期原因的书面说明。',
      'The application deadline has passed (D6): a written explanation is required.',
      {
        fields: [{ path: 'lateExplanation', message: '申请已过期限：请在此填写逾期原因的书面说明。' }],
      },
    );
  }
  const at = now.toISOString();
  const record: CaseRecord = {
    caseId: input.caseId,
    reportId: report.reportId,
    status: 'UNDER_REVIEW',
    kind: input.kind,
    ...(report.workerId ? { workerId: report.workerId } : {}),
    platformId: report.platformId,
    province: caseProvince(report),
    occurredAt: report.occurredAt,
    injuryDate: report.injuryDate,
    applicant: input.applicant,
    ...(input.payee ? { payee: input.payee } : {}),
    ...(input.diedAt ? { diedAt: input.diedAt } : {}),
    late,
    ...(input.lateExplanation ? { lateExplanation: input.lateExplanation } : {}),
    coverage: report.coverage,
    openedAt: at,
    openedOn: today,
    openedBy: input.actor,
    suspensions: [],
    expenses: [],
    inpatientDays: 0,
    assessments: [],
    escalations: [],
    ...(input.documentsRequired ? { documentsRequired: true } : {}),
    makers: [input.actor],
    workflow: { status: 'RUNNING', executionName: input.executionName },
    version: 1,
  };
  const event = timelineEvent(at, input.actor, 'case.opened', {
    after: {
      status: 'UNDER_REVIEW',
      late,
      ...(late && due.provisional ? { lateProvisional: true, applicationDue: due.date } : {}),
      kind: input.kind,
      applicant: input.applicant.type,
    },
  });
  return { ok: true, record, event };
}

// ── Recording a step (the API) ─────────────────────────────────────────────────────────────────────

/** Whether recording `step` on `record` recalculates benefits (expenses added while awaiting approval). */
export const recordingNeedsBenefits = (record: CaseRecord, step: CaseStep): boolean => step === 'expenses' && record.status === 'AWAITING_APPROVAL';

interface Change {
  readonly changes: Partial<CaseRecord>;
  readonly remove?: readonly (keyof CaseRecord)[];
  readonly action: string;
  readonly before?: Record<string, unknown>;
  readonly after?: Record<string, unknown>;
  readonly document?: CaseDocument;
  readonly payments?: readonly PaymentChange[];
}

const totalFen = (list: readonly { amountFen: number }[]) => sumFen(list.map((e) => e.amountFen));

/** What recording `input` changes on `record`, or why not (the status already fits). */
function changeOf(record: CaseRecord, input: StepInput, ctx: StepContext): Change | Outcome {
  const at = ctx.now.toISOString();
  const today = shanghaiDate(ctx.now);
  switch (input.step) {
    case 'suspension': {
      if (record.suspensions.some((s) => s.to === undefined))
        return refuse('ALREADY_SUSPENDED', '认定时限已经中止。', 'The confirmation clock is already suspended.');
      return {
        changes: { suspensions: [...record.suspensions, { from: today, reason: input.reason }] },
        action: 'confirmation.suspended',
        after: { suspended: true, from: today, reason: input.reason },
      };
    }
    case 'resumption': {
      const open = record.suspensions.find((s) => s.to === undefined);
      if (!open) return refuse('NOT_SUSPENDED', '认定时限未中止，无须恢复。', 'The confirmation clock is not suspended.');
      return {
        changes: { suspensions: record.suspensions.map((s) => (s === open ? { ...s, to: today } : s)) },
        action: 'confirmation.resumed',
        before: { suspended: true, from: open.from },
        after: { suspended: false, to: today },
      };
    }
    case 'confirmation': {
      if (input.outcome !== 'NOT_CONFIRMED') {
        const { missing } = checklist(record, documentsOf(ctx), input.basis);
        if (missing.length > 0) {
          return refuse(
            'DOCUMENTS_MISSING',
            `确认前须提交以下材料（D13）：${missing.map((t) => DOCUMENT_TYPE_NAMES[t]).join('、')}。`,
            `These documents are required before a confirmation (D13): ${missing.join(', ')}.`,
            {
              fields: missing.map((t) => ({ path: `documents.${t}`, message: `缺少${DOCUMENT_TYPE_NAMES[t]}：请上传，或由经办人员在持有原件时免于提交。` })),
            },
          );
        }
      }
      if (
        record.kind === 'death' &&
        input.outcome === 'DEEMED' &&
        input.basis === 'SUDDEN_ILLNESS_48H' &&
        !suddenIllnessDeathDeemable(record.occurredAt, record.diedAt ?? record.occurredAt)
      ) {
        return refuse(
          'DIED_AT_NOT_DEEMABLE',
          '突发疾病死亡须在发病后 48 小时内（D7、D16）：本案死亡时间不在此范围内，不能以 SUDDEN_ILLNESS_48H 视同。',
          'A sudden-illness death is deemed only within 48 hours of the onset (D7, D16): diedAt is outside.',
          { fields: [{ path: 'diedAt', message: '死亡时间距发病超过 48 小时。' }] },
        );
      }
      const { step: _step, ...decision } = input;
      return {
        changes: {
          confirmation: { ...decision, recordedBy: ctx.actor, recordedAt: at },
          suspensions: record.suspensions.map((s) => (s.to === undefined ? { ...s, to: today } : s)),
        },
        action: 'confirmation.recorded',
        after: {
          outcome: input.outcome,
          basis: input.basis,
          assessmentRequired: input.assessmentRequired,
          ...(input.reasons ? { reasons: input.reasons } : {}),
        },
      };
    }
    case 'expenses': {
      const expenses = [...record.expenses, ...input.items.map((i) => ({ ...i, recordedBy: ctx.actor, recordedAt: at }))];
      const inpatientDays = record.inpatientDays + input.inpatientDays;
      let benefits: StoredCalculation | undefined;
      if (recordingNeedsBenefits(record, 'expenses')) {
        if (!ctx.benefits) throw new RangeError('Recording expenses while awaiting approval needs the benefit inputs');
        const result = calculateCaseBenefits({ ...record, expenses, inpatientDays }, ctx.benefits, at);
        if (!result.ok) return notCalculable(result);
        benefits = result.calculation;
      }
      return {
        changes: { expenses, inpatientDays, ...(benefits ? { benefits } : {}) },
        action: benefits ? 'expenses.added.recalculated' : 'expenses.added',
        before: {
          items: record.expenses.length,
          totalFen: totalFen(record.expenses),
          inpatientDays: record.inpatientDays,
          ...(record.benefits ? { oneOffTotalFen: record.benefits.oneOffTotalFen } : {}),
        },
        after: { items: expenses.length, totalFen: totalFen(expenses), inpatientDays, ...(benefits ? { oneOffTotalFen: benefits.oneOffTotalFen } : {}) },
      };
    }
    case 'assessment':
    case 'reassessment':
    case 'review': {
      const type: Assessment['type'] = input.step === 'assessment' ? 'initial' : input.step;
      const last = record.assessments.at(-1);
      const window = checkAssessmentWindow(type, last?.concludedOn, today, ctx.calendar);
      if (!window.ok) {
        const range = window.window ? `（受理期 ${window.window.from}${window.window.to ? ` 至 ${window.window.to}` : ' 起'}）` : '';
        return refuse(
          'OUTSIDE_ASSESSMENT_WINDOW',
          `现在不受理${ASSESSMENT_NAMES[type]}（D8）：${window.reason}${range}。`,
          `A ${type} is not accepted now (D8): ${window.reason}.`,
          { fields: [{ path: 'type', message: `${window.reason}${range}：请在受理期内申请。` }] },
        );
      }
      const assessment = { type, grade: input.grade, nursing: input.nursing, concludedOn: input.concludedOn, recordedBy: ctx.actor, recordedAt: at };
      return {
        changes: { assessments: [...record.assessments, assessment] },
        action: `assessment.${type}.recorded`,
        ...(last ? { before: { grade: last.grade, nursing: last.nursing, concludedOn: last.concludedOn } } : {}),
        after: { grade: input.grade, nursing: input.nursing, concludedOn: input.concludedOn },
      };
    }
    case 'assessment-extension': {
      if (record.assessmentExtension)
        return refuse('ALREADY_EXTENDED', '鉴定期限已延长过一次（D8：只能延长一次）。', 'The assessment deadline has already been extended (D8: once).');
      const enteredOn = record.assessmentEnteredOn ?? today;
      const before = assessmentDue(enteredOn, false, ctx.calendar);
      const after = assessmentDue(enteredOn, true, ctx.calendar);
      return {
        changes: { assessmentExtension: { on: today, by: ctx.actor, reason: input.reason } },
        action: 'assessment.extended',
        before: { assessmentDue: before.date },
        after: { assessmentDue: after.date, provisional: after.provisional, reason: input.reason },
      };
    }
    case 'dependants':
      return { changes: { dependants: input.dependants }, action: 'dependants.recorded', after: { dependants: input.dependants.map((d) => d.relation) } };
    case 'approval': {
      if (input.calculationId !== record.benefits?.calculationId)
        return refuse(
          'CALCULATION_STALE',
          `待遇核定已更新（当前为 ${record.benefits?.calculationId ?? '无'}）：请重新查看核定结果后再审批（D14）。`,
          `The calculation changed since it was seen (now ${record.benefits?.calculationId ?? 'none'}): look again before approving (D14).`,
          { fields: [{ path: 'calculationId', message: `当前核定为 ${record.benefits?.calculationId ?? '无'}，请重新查看。` }] },
        );
      if (makersOf(record, documentsOf(ctx)).has(ctx.actor))
        return refuse(
          'MAKER_CHECKER',
          '经办与审核须分离（D14）：您对本案做过变更（受理、提交或免交材料、认定、费用、鉴定、供养亲属、收款人或生存状况），不能审批本案，请由其他审核人员审批。',
          'Maker-checker (D14): the reviewer made a change to this case.',
        );
      if (input.decision === 'approve' && !record.payee)
        return refuse('PAYEE_REQUIRED', '本案尚未设定收款人：请经办人员先设定收款人（D14）。', 'The case has no payee yet (D14).', {
          fields: [{ path: 'payee', message: '尚未设定收款人。' }],
        });
      return {
        changes: { approval: { decision: input.decision, ...(input.comment ? { comment: input.comment } : {}), reviewer: ctx.actor, at } },
        action: `approval.${input.decision}`,
        after: { decision: input.decision, calculationId: input.calculationId, oneOffTotalFen: record.benefits?.oneOffTotalFen },
      };
    }
    case 'resubmission':
      return { changes: {}, action: 'case.resubmitted', ...(input.comment ? { after: { comment: input.comment } } : {}) };
    case 'document-waiver': {
      const waivers = record.documentWaivers ?? [];
      if (waivers.some((w) => w.type === input.type))
        return refuse('ALREADY_WAIVED', `${DOCUMENT_TYPE_NAMES[input.type]}已免于提交。`, `${input.type} is already waived.`);
      // A missing required type, or one the confirmation's basis may still require (the police report).
      const documents = documentsOf(ctx);
      const list = checklist(record, documents);
      const handedIn = documents.some((d) => d.type === input.type && d.status === 'AVAILABLE');
      const waivable = list.missing.includes(input.type) || (!handedIn && list.conditional.some((c) => c.type === input.type));
      if (!waivable) {
        return refuse(
          'WAIVER_NOT_APPLICABLE',
          `${DOCUMENT_TYPE_NAMES[input.type]}在本环节无须免交：它不是必需材料，或已提交。`,
          `${input.type} needs no waiver at this step: it is not required, or is handed in.`,
          {
            fields: [{ path: 'type', message: handedIn ? '该材料已提交。' : '该材料在本环节不是必需材料。' }],
          },
        );
      }
      return {
        changes: { documentWaivers: [...waivers, { type: input.type, reason: input.reason, by: ctx.actor, at }] },
        action: 'document.waived',
        after: { type: input.type, reason: input.reason },
      };
    }
    case 'document-withdrawal': {
      const d = input.document;
      if (d.status === 'WITHDRAWN') return refuse('ALREADY_WITHDRAWN', '该材料已撤回。', 'The document is already withdrawn.');
      // The case's worker or a handler may withdraw any of its documents; a platform only those it uploaded (contract).
      if (ctx.role === 'platform' && d.uploadedBy !== ctx.actor)
        return refuse('NOT_UPLOADER', '平台只能撤回本平台上传的材料。', 'A platform may withdraw only the documents it uploaded.');
      return {
        changes: {},
        action: 'document.withdrawn',
        before: { documentId: d.documentId, type: d.type, status: d.status },
        after: { documentId: d.documentId, status: 'WITHDRAWN', reason: input.reason },
        document: { ...d, status: 'WITHDRAWN', withdrawal: { by: ctx.actor, at, reason: input.reason } },
      };
    }
    case 'payee': {
      const doc = documentsOf(ctx).find((d) => d.documentId === input.documentId);
      if (doc?.type !== 'BANK_ACCOUNT_PROOF' || doc.status !== 'AVAILABLE')
        return refuse(
          'PAYEE_DOCUMENT_INVALID',
          '变更收款人须附本案已通过校验的银行账户证明（BANK_ACCOUNT_PROOF）（D14）。',
          'A payee change needs an AVAILABLE BANK_ACCOUNT_PROOF document of this case (D14).',
          { fields: [{ path: 'documentId', message: doc ? '该材料不是已通过校验的银行账户证明。' : '本案没有该材料。' }] },
        );
      if (!input.beneficiary)
        return refuse('PAYEE_NOT_BENEFICIARY', '收款人须为待遇享受人本人（D14）。', 'The payee must be the beneficiary (D14).', {
          fields: [{ path: 'name', message: '收款人姓名与待遇享受人不一致。' }],
        });
      const payee: Payee = { ...input.payee, changedBy: ctx.actor, changedAt: at, documentId: input.documentId };
      const shown = { nameInitial: payee.nameInitial, bankAccountLast4: payee.bankAccountLast4, documentId: input.documentId };
      // With payments the change waits for a reviewer who is not a maker (contract: payee confirmation).
      if (ledgerOf(ctx).payments.length > 0) return { changes: { pendingPayee: { payee, by: ctx.actor, at } }, action: 'payee.change_requested', after: shown };
      // At once: conditional on the ledger read (no payment yet), so a run instructing the first payment meanwhile wins the race.
      return {
        changes: { payee },
        remove: ['pendingPayee'],
        action: 'payee.changed',
        ...(record.payee ? { before: { nameInitial: record.payee.nameInitial, bankAccountLast4: record.payee.bankAccountLast4 } } : {}),
        after: shown,
        payments: [],
      };
    }
    case 'payee-confirmation': {
      const pending = record.pendingPayee;
      if (!pending) return refuse('NO_PAYEE_CHANGE_PENDING', '本案没有待确认的收款人变更。', 'No payee change is waiting for confirmation.');
      if (makersOf(record, documentsOf(ctx)).has(ctx.actor))
        return refuse(
          'MAKER_CHECKER',
          '经办与审核须分离（D14）：您对本案做过变更，不能确认收款人变更。',
          'Maker-checker (D14): a maker of the case cannot confirm a payee change.',
        );
      const ledger = ledgerOf(ctx);
      const payments = reinstructions({ ...record, payee: pending.payee }, ledger.payments, { seq: ledger.seq, at });
      return {
        changes: { payee: pending.payee },
        remove: ['pendingPayee'],
        action: 'payee.changed',
        ...(record.payee ? { before: { nameInitial: record.payee.nameInitial, bankAccountLast4: record.payee.bankAccountLast4 } } : {}),
        after: {
          nameInitial: pending.payee.nameInitial,
          bankAccountLast4: pending.payee.bankAccountLast4,
          requestedBy: pending.by,
          reinstructed: payments.filter((c) => c.expected === undefined).map((c) => c.next.paymentId),
        },
        payments,
      };
    }
    case 'life-event':
      return lifeEventChange(record, input, ctx, at, today);
    case 'appeal':
      return appealFiled(record, input, ctx, at, today);
    case 'appeal-result':
      return appealDecided(record, input, ctx, at, today);
    case 'certification': {
      const person: Person = input.personIndex ?? 'worker';
      if (ctx.role === 'worker' && input.personIndex !== undefined)
        return refuse('CERTIFICATION_NOT_OWN', '劳动者只能为本人进行待遇资格认证。', 'A worker certifies only themself.');
      if (!monthlyRecipients(record).includes(person))
        return refuse('NOT_MONTHLY_RECIPIENT', '此人不领取按月待遇，无须资格认证（D16）。', 'This person receives no monthly item (D16).', {
          fields: [{ path: 'personIndex', message: '不是按月待遇的领取人。' }],
        });
      const certifications = [...(record.certifications ?? []), { person, on: today, by: ctx.actor }];
      const nextDueOn = certificationDueOn({ ...record, certifications }, person);
      return { changes: { certifications }, action: 'certification.recorded', after: { person, certifiedOn: today, nextDueOn } };
    }
  }
}

const AGAINST_NAMES: Readonly<Record<AppealAgainst, string>> = { CONFIRMATION: '职业伤害确认', ASSESSMENT: '劳动能力鉴定', BENEFITS: '待遇核定' };
const KIND_NAMES: Readonly<Record<AppealKind, string>> = { RECONSIDERATION: '行政复议', LITIGATION: '行政诉讼' };

const invalidDate = (path: string, message: string, messageEn: string) => refuse('VALIDATION_FAILED', message, messageEn, { fields: [{ path, message }] });

/**
 * D17: an appeal against the latest decision of its kind (none → 409; one open per case and kind of
 * decision → 409), due per the rule table and D12; filed after its due date it is recorded `late: true`.
 */
function appealFiled(record: CaseRecord, input: Extract<StepInput, { step: 'appeal' }>, ctx: StepContext, at: string, today: string): Change | Outcome {
  // 400 before 409 (contract: the first of 400, 409, 422 wins): the dates are checked before the case's state.
  if (input.filedOn > today) return invalidDate('filedOn', `提出日期不能晚于今天（${today}）。`, 'filedOn is in the future.');
  const decisionOn = appealedDecisionOn(record, input.against);
  if (decisionOn === undefined)
    return refuse(
      'NO_DECISION_TO_APPEAL',
      `本案尚无${AGAINST_NAMES[input.against]}决定，不能申请${KIND_NAMES[input.kind]}（D17）。`,
      `The case has no ${input.against} decision to appeal (D17).`,
    );
  if (input.filedOn < decisionOn) return invalidDate('filedOn', `提出日期不能早于被申诉决定的日期（${decisionOn}）。`, 'filedOn is before the decision.');
  const appeals = record.appeals ?? [];
  const open = openAppeal(appeals, input.against);
  if (open)
    return refuse(
      'APPEAL_OPEN',
      `本案对${AGAINST_NAMES[input.against]}决定已有未决的${KIND_NAMES[open.kind]}（${open.appealId}）（D17）。`,
      `Appeal ${open.appealId} against ${input.against} is still open (D17).`,
    );
  const due = appealDue(input.kind, decisionOn, decidedReconsideration(appeals, input.against, decisionOn), ctx.calendar);
  const appeal: Appeal = {
    appealId: nextAppealId(appeals),
    kind: input.kind,
    against: input.against,
    decisionOn,
    filedOn: input.filedOn,
    due,
    late: input.filedOn > due.date,
    filedBy: ctx.actor,
    filedByRole: ctx.role,
    recordedAt: at,
  };
  return {
    changes: { appeals: [...appeals, appeal] },
    action: 'appeal.filed',
    after: { appealId: appeal.appealId, kind: appeal.kind, against: appeal.against, decisionOn, filedOn: appeal.filedOn, due, late: appeal.late },
  };
}

/**
 * D17: the result of an appeal, recorded by a handler. UPHELD changes nothing else; OVERTURNED or VARIED
 * is applied by the workflow (`appeal-result` pending): the case returns to the step decided again.
 */
function appealDecided(
  record: CaseRecord,
  input: Extract<StepInput, { step: 'appeal-result' }>,
  ctx: StepContext,
  at: string,
  today: string,
): Change | Outcome {
  const appeals = record.appeals ?? [];
  const appeal = appeals.find((a) => a.appealId === input.appealId);
  if (!appeal) return refuse('NOT_FOUND', `本案没有申诉 ${input.appealId}。`, `The case has no appeal ${input.appealId}.`);
  if (input.decidedOn > today) return invalidDate('decidedOn', `决定日期不能晚于今天（${today}）。`, 'decidedOn is in the future.');
  if (input.decidedOn < appeal.filedOn) return invalidDate('decidedOn', `决定日期不能早于提出日期（${appeal.filedOn}）。`, 'decidedOn is before filedOn.');
  if (appeal.result !== undefined)
    return refuse('APPEAL_DECIDED', `申诉 ${appeal.appealId} 已登记结果（${appeal.result}）。`, `Appeal ${appeal.appealId} is already decided.`);
  const decided: Appeal = { ...appeal, result: input.result, decidedOn: input.decidedOn, summary: input.summary, resultBy: ctx.actor, resultAt: at };
  const returns = input.result !== 'UPHELD';
  return {
    changes: { appeals: appeals.map((a) => (a === appeal ? decided : a)), ...(returns ? { pendingAppeal: appeal.appealId } : {}) },
    action: 'appeal.decided',
    after: {
      appealId: appeal.appealId,
      kind: appeal.kind,
      against: appeal.against,
      result: input.result,
      decidedOn: input.decidedOn,
      summary: input.summary,
      ...(returns ? { returnsTo: APPEAL_RETURNS_TO[appeal.against] } : {}),
    },
  };
}

const LIFE_EVENT_NAMES: Readonly<Record<LifeEventType, string>> = { WORKER_DIED: '劳动者死亡', DEPENDANT_DIED: '供养亲属死亡', RETIRED: '退休' };

/**
 * D16: a death or retirement ends monthly items from the month after; it applies without approval:
 * instructed payments it ends are cancelled and months already sent or paid are recovered.
 */
function lifeEventChange(record: CaseRecord, input: Extract<StepInput, { step: 'life-event' }>, ctx: StepContext, at: string, today: string): Change | Outcome {
  const invalid = (path: string, message: string) =>
    refuse('LIFE_EVENT_INVALID', `${LIFE_EVENT_NAMES[input.type]}的登记不成立：${message}`, `The life event does not apply: ${path}.`, {
      fields: [{ path, message }],
    });
  if (input.on > today || input.on < record.injuryDate) return invalid('on', `日期须在 ${record.injuryDate} 至 ${today} 之间。`);
  if (input.type === 'DEPENDANT_DIED') {
    const count = record.dependants?.length ?? 0;
    if (input.dependantIndex === undefined || input.dependantIndex < 1 || input.dependantIndex > count)
      return invalid('dependantIndex', `须为 1–${count} 之间的供养亲属序号。`);
  } else {
    if (input.dependantIndex !== undefined) return invalid('dependantIndex', '只有供养亲属死亡才填写序号。');
    if (record.kind === 'death') return invalid('type', '因工死亡案件只登记供养亲属的死亡。');
  }
  const lifeEvents = record.lifeEvents ?? [];
  if (lifeEvents.some((e) => e.type === input.type && e.dependantIndex === input.dependantIndex))
    return refuse('LIFE_EVENT_RECORDED', `${LIFE_EVENT_NAMES[input.type]}已登记。`, `${input.type} is already recorded.`);
  const event = { type: input.type, on: input.on, ...(input.dependantIndex ? { dependantIndex: input.dependantIndex } : {}), by: ctx.actor, at };
  const next = { ...record, lifeEvents: [...lifeEvents, event] };
  const ledger = ledgerOf(ctx);
  const payments = settleAfterLifeEvent(next, ledger.payments, { throughMonth: monthOfDate(today), asOf: today, seq: ledger.seq, at });
  return {
    changes: { lifeEvents: next.lifeEvents },
    action: 'life_event.recorded',
    after: {
      type: input.type,
      on: input.on,
      ...(input.dependantIndex ? { dependantIndex: input.dependantIndex } : {}),
      endsFrom: addMonthsToMonth(monthOfDate(input.on), 1),
      cancelled: payments.filter((c) => c.expected !== undefined).map((c) => c.next.paymentId),
      ...(payments.some((c) => c.expected === undefined) ? { settlement: payments.find((c) => c.expected === undefined)!.next.paymentId } : {}),
    },
    payments,
  };
}

const documentsOf = (ctx: StepContext): readonly CaseDocument[] => {
  if (!ctx.documents) throw new RangeError('This step needs the case documents');
  return ctx.documents;
};

const ledgerOf = (ctx: { ledger?: Ledger }): Ledger => {
  if (!ctx.ledger) throw new RangeError('This step needs the case ledger');
  return ctx.ledger;
};

/** The ledger advance of a transition that changes payments: one number per new payment, at least one. */
const ledgerAdvance = (ledger: Ledger, payments: readonly PaymentChange[]) => ({ from: ledger.seq, to: ledger.seq + Math.max(1, newPayments(payments)) });

export interface UploadRequest {
  readonly documentId: string;
  readonly type: DocumentType;
  readonly fileName: string;
  readonly contentType: CaseDocument['contentType'];
  readonly sizeBytes: number;
}

/**
 * A document to be uploaded (D13): UPLOADING until the check has seen its bytes, its upload URL valid
 * for the rule table's minutes. Refused on a case that takes no uploads (NOT_CONFIRMED: 409).
 */
export function requestUpload(
  record: CaseRecord,
  input: UploadRequest,
  ctx: Pick<StepContext, 'actor' | 'role' | 'now'>,
): { ok: true; document: CaseDocument } {
  // Every status accepts uploads (contract v2 "Statuses"; LIFECYCLE, tested for each status): no refusal here.
  const seconds = ruleTableOn(record.injuryDate).documents.uploadUrlSeconds;
  return {
    ok: true,
    document: {
      ...input,
      caseId: record.caseId,
      status: 'UPLOADING',
      createdAt: ctx.now.toISOString(),
      expiresAt: new Date(ctx.now.getTime() + seconds * 1000).toISOString(),
      uploadedBy: ctx.actor,
      uploaderRole: ctx.role,
    },
  };
}

/** The body field that grows the case record, per step that appends to one of its lists (the 422 names it). */
const STEP_BODY_FIELD: Partial<Record<CaseStep, string>> = {
  expenses: 'items',
  dependants: 'dependants',
  suspension: 'reason',
  'document-waiver': 'reason',
  'life-event': 'type',
  certification: 'personIndex',
};

/**
 * A person records a step: refused while another step is pending or when the status does not accept it
 * (409), or by the step's own rule; otherwise the next record, with `pendingStep` set when the workflow
 * applies the step. A step that would grow the stored record past `MAX_CASE_RECORD_BYTES` is refused
 * (CASE_TOO_LARGE, 422): the case stays writable for the workflow and every later step.
 */
export function recordStep(record: CaseRecord, input: StepInput, ctx: StepContext): Outcome {
  if (record.pendingStep)
    return refuse(
      'STEP_PENDING',
      `案件流程仍在处理 ${record.pendingStep} 步骤：请稍后重试。`,
      `The case workflow is still applying the ${record.pendingStep} step; retry in a moment.`,
    );
  if (!recordAccepts(record, input.step))
    return refuse(
      'STEP_NOT_ACCEPTED',
      `案件当前状态为 ${record.status}，不接受 ${input.step} 步骤。`,
      `A case in status ${record.status} does not accept ${input.step}.`,
    );
  const change = changeOf(record, input, ctx);
  if ('ok' in change) return change;
  const next = bump(
    record,
    {
      ...change.changes,
      ...(appliedByWorkflow(input) ? { pendingStep: input.step as WorkflowStep } : {}),
      ...(MAKER_STEPS.includes(input.step) ? { makers: withMaker(record, ctx.actor) } : {}),
    },
    change.remove,
  );
  const bytes = caseRecordBytes(next);
  if (bytes > MAX_CASE_RECORD_BYTES) {
    const message = `登记后案件记录将为 ${bytes} 字节，超过上限 ${MAX_CASE_RECORD_BYTES} 字节，未予登记。`;
    return refuse('CASE_TOO_LARGE', message, `The case record would be ${bytes} bytes, over its cap of ${MAX_CASE_RECORD_BYTES}; nothing was recorded.`, {
      fields: [{ path: STEP_BODY_FIELD[input.step] ?? '', message }],
    });
  }
  const event = timelineEvent(ctx.now.toISOString(), ctx.actor, change.action, {
    role: ctx.role,
    ...(change.before ? { before: change.before } : {}),
    ...(change.after ? { after: change.after } : {}),
  });
  // A step that settles payments advances the ledger even when it changes none: a run racing it computes again.
  return {
    ok: true,
    record: next,
    event,
    ...(change.document ? { document: change.document } : {}),
    ...(change.payments ? { payments: change.payments, ledger: ledgerAdvance(ledgerOf(ctx), change.payments) } : {}),
  };
}

// ── Applying a recorded step (the workflow) ────────────────────────────────────────────────────────

/** Whether applying the recorded step calculates benefits (the adapter then loads the benefit inputs). */
export function applyingNeedsBenefits(record: CaseRecord): boolean {
  switch (record.pendingStep) {
    case undefined:
    case 'approval':
      return false;
    case 'confirmation':
      return record.confirmation?.outcome !== 'NOT_CONFIRMED' && record.kind !== 'death' && record.confirmation?.assessmentRequired === false;
    case 'appeal-result':
      return pendingAppealOf(record).against === 'BENEFITS';
    default:
      return true;
  }
}

/** The appeal whose result the workflow applies. */
const pendingAppealOf = (record: CaseRecord): Appeal => {
  const appeal = record.appeals?.find((a) => a.appealId === record.pendingAppeal);
  if (!appeal) throw new RangeError(`Case ${record.caseId} has no pending appeal result to apply`);
  return appeal;
};

export interface ApplyContext {
  readonly now: Date;
  /** The case's payments so far and its ledger sequence (an approval instructs what is owed, D10, D15). */
  readonly ledger: Ledger;
  /** Required when {@link applyingNeedsBenefits} says so. */
  readonly benefits?: BenefitInputs;
}

/** The status a recorded step leads to, with what it changes besides. */
function resultOf(
  record: CaseRecord,
  step: WorkflowStep,
  today: string,
): { status: CaseStatus; changes: Partial<CaseRecord>; calculate: boolean; remove?: readonly (keyof CaseRecord)[] } {
  switch (step) {
    case 'appeal-result': {
      // D17: back to the step decided again; a new approval then instructs only what is still owed (netting).
      const appeal = pendingAppealOf(record);
      const status = APPEAL_RETURNS_TO[appeal.against];
      if (appeal.against === 'CONFIRMATION')
        return { status, changes: { confirmationReopenedOn: appeal.decidedOn! }, calculate: false, remove: ['confirmation', 'pendingAppeal'] };
      if (appeal.against === 'ASSESSMENT') return { status, changes: { assessmentEnteredOn: today }, calculate: false, remove: ['pendingAppeal'] };
      return { status, changes: {}, calculate: true, remove: ['pendingAppeal'] };
    }
    case 'confirmation': {
      const c = record.confirmation!;
      if (c.outcome === 'NOT_CONFIRMED') return { status: 'NOT_CONFIRMED', changes: {}, calculate: false };
      if (record.kind === 'death') return { status: 'AWAITING_DEPENDANTS', changes: {}, calculate: false };
      if (c.assessmentRequired) return { status: 'AWAITING_ASSESSMENT', changes: { assessmentEnteredOn: today }, calculate: false };
      return { status: 'AWAITING_APPROVAL', changes: {}, calculate: true };
    }
    case 'approval':
      return record.approval?.decision === 'return'
        ? { status: 'RETURNED', changes: {}, calculate: false }
        : { status: 'APPROVED', changes: { approved: record.benefits! }, calculate: false };
    default:
      return { status: 'AWAITING_APPROVAL', changes: {}, calculate: true };
  }
}

/**
 * The workflow applies the recorded step (contract table): the status it leads to, the benefits it
 * calculates and the payment an approval instructs, all in one transition that clears the wait.
 */
export function applyPendingStep(record: CaseRecord, ctx: ApplyContext): Outcome {
  const step = record.pendingStep;
  if (!step) return refuse('NOTHING_PENDING', `案件 ${record.caseId} 没有待处理的已记录步骤。`, `Case ${record.caseId} has no recorded step to apply.`);
  const at = ctx.now.toISOString();
  const today = shanghaiDate(ctx.now);
  const { status, changes, calculate, remove = [] } = resultOf(record, step, today);
  let benefits: StoredCalculation | undefined;
  if (calculate) {
    if (!ctx.benefits) throw new RangeError(`Applying ${step} needs the benefit inputs`);
    const result = calculateCaseBenefits(record, ctx.benefits, at);
    if (!result.ok) return notCalculable(result);
    benefits = result.calculation;
  }
  let next = bump(record, { ...changes, ...(benefits ? { benefits } : {}), status }, ['pendingStep', ...remove]);
  let payment: PaymentRecord | undefined;
  if (status === 'APPROVED') {
    // D15: the approval instructs what is owed through this month; the case is PAID once its one-offs are.
    const month = monthOfDate(today);
    payment = instruct(next, owedItems(next, ctx.ledger.payments, { throughMonth: month, asOf: today }), {
      seq: ctx.ledger.seq,
      kind: 'approval',
      at,
      calculationId: next.approved!.calculationId,
    });
    const grants = { ...(record.monthlyGrants ?? {}) };
    for (const person of monthlyRecipients(next)) grants[String(person)] ??= today;
    const settled = approvalSettled(next, [...ctx.ledger.payments, ...(payment ? [payment] : [])]);
    next = { ...next, monthlyGrants: grants, ...(settled ? { status: 'PAID' as const } : {}) };
  }
  const event = timelineEvent(at, 'workflow', 'status.changed', {
    step,
    before: { status: record.status },
    after: {
      status: next.status,
      ...(benefits ? calculationTotals(benefits) : {}),
      ...(payment ? { paymentId: payment.paymentId, instructedFen: payment.amountFen } : {}),
    },
  });
  // An approval advances the ledger even when it instructs nothing: a run racing it computes again with it.
  const payments = payment ? [{ next: payment }] : [];
  return {
    ok: true,
    record: next,
    event,
    ...(status === 'APPROVED' ? { payments, ledger: ledgerAdvance(ctx.ledger, payments) } : {}),
    clearTask: true,
  };
}

// ── The workflow's own state, and the deadline sweep ───────────────────────────────────────────────

/** The workflow failed or its wait for a person timed out: visible on the case, with an escalation. */
export function workflowFailed(
  record: CaseRecord,
  kind: 'WORKFLOW_FAILED' | 'WORKFLOW_TIMEOUT',
  error: { Error?: string; Cause?: string } | undefined,
  now: Date,
): Transition {
  const at = now.toISOString();
  const next = bump(
    record,
    {
      workflow: { ...record.workflow, status: 'FAILED', error: error?.Error ?? kind },
      escalations: [...record.escalations, { kind, recordedAt: at, detail: `${error?.Error ?? ''}: ${String(error?.Cause ?? '').slice(0, 500)}` }],
    },
    ['pendingStep'],
  );
  const action = kind === 'WORKFLOW_FAILED' ? 'workflow.failed' : 'workflow.timed_out';
  return { ok: true, record: next, event: timelineEvent(at, 'workflow', action, { after: { error: error?.Error } }), clearTask: true };
}

/** The case was opened but its workflow could not be started: the sweep starts it later. */
export function workflowNotStarted(record: CaseRecord, error: { name: string; message: string }, now: Date): Transition {
  const at = now.toISOString();
  const next = bump(record, {
    workflow: { status: 'NOT_STARTED', ...(record.workflow.executionName ? { executionName: record.workflow.executionName } : {}), error: error.name },
    escalations: [...record.escalations, { kind: 'WORKFLOW_NOT_STARTED', recordedAt: at, detail: error.message }],
  });
  return { ok: true, record: next, event: timelineEvent(at, 'system', 'workflow.not_started', { after: { workflow: 'NOT_STARTED' } }) };
}

/** The sweep started the workflow of a case that had none. */
export function workflowStarted(record: CaseRecord, executionName: string, now: Date): Transition {
  const next = bump(record, { workflow: { status: 'RUNNING', executionName } });
  const event = timelineEvent(now.toISOString(), 'deadline-sweep', 'workflow.started', { before: { workflow: 'NOT_STARTED' }, after: { workflow: 'RUNNING' } });
  return { ok: true, record: next, event };
}

/** The state every new or restarted execution begins with: it awaits the next step, and resumes itself when one is recorded. */
export const WORKFLOW_ENTRY_STATE = 'Await Step';

/** The sweep restarts a recorded step that no execution took (its execution was lost). */
export function workflowRestarted(record: CaseRecord, executionName: string, now: Date): Transition {
  const next = bump(record, { workflow: { status: 'RUNNING', executionName } });
  const event = timelineEvent(now.toISOString(), 'deadline-sweep', 'workflow.restarted', {
    step: record.pendingStep,
    before: { workflow: record.workflow.executionName ?? null },
    after: { workflow: executionName, resumeAt: WORKFLOW_ENTRY_STATE },
  });
  return { ok: true, record: next, event };
}

/**
 * What the daily sweep records on a case (undefined: nothing): an escalation for each statutory deadline
 * newly missed (D7, D8), or the close of a paid case with nothing more to pay once the re-assessment
 * window has passed.
 */
export function sweepCase(record: CaseRecord, payments: readonly PaymentRecord[], now: Date, calendar: WorkingDayCalendar): Transition | undefined {
  const today = shanghaiDate(now);
  const deadlines: Record<string, Deadline> = deadlinesOf(record, calendar, today);
  const known = new Set(record.escalations.map((x) => x.kind));
  const missed = missedDeadlines(record, deadlines, today).filter((m) => !known.has(m.kind));
  const last = record.assessments.at(-1);
  const close = closable(record, payments, today, last ? reassessmentRequestDue(last.concludedOn, calendar).date : undefined);
  if (missed.length === 0 && !close) return undefined;
  const at = now.toISOString();
  const next = bump(record, {
    escalations: [...record.escalations, ...missed.map((m) => ({ ...m, recordedAt: at }))],
    ...(close ? { status: 'CLOSED' as const } : {}),
  });
  const event = close
    ? timelineEvent(at, 'deadline-sweep', 'case.closed', { before: { status: 'PAID' }, after: { status: 'CLOSED' } })
    : timelineEvent(at, 'deadline-sweep', 'deadline.missed', { after: { escalations: missed.map((m) => m.kind) } });
  return { ok: true, record: next, event };
}
