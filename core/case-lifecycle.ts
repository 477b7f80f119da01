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
import { approvalPayment, type BenefitInputs, calculateCaseBenefits, calculationTotals, closable } from './case-payments.ts';
import {
  type CaseRecord,
  type CaseStatus,
  type Assessment,
  type CaseStep,
  type Confirmation,
  type InjuryReport,
  type PaymentRecord,
  type StoredCalculation,
  type TimelineEvent,
  WORKFLOW_STEPS,
  type WorkflowStep,
} from './case-record.ts';
import { type CallerRole, approvalAllowed } from './cases.ts';
import { assessmentDue, applicationLateness, checkAssessmentWindow, reassessmentRequestDue } from './deadlines.ts';
import type { DependantInput, ExpenseItem } from './benefits.ts';
import { type CaseDocument, checklist, DOCUMENT_TYPE_NAMES, type DocumentType } from './documents.ts';
import { ruleTableOn } from './rule-tables.ts';
import { sumFen } from './money.ts';
import type { ApplicantType } from './rule-tables.ts';
import { monthOfDate, shanghaiDate } from './time.ts';

/** D13: documents are handed in, waived and withdrawn in every status; a refused (NOT_CONFIRMED) case takes no new upload. */
const DOCUMENTS = ['document-upload', 'document-waiver', 'document-withdrawal'] as const satisfies readonly CaseStep[];

/** What the case workflow does in a status: wait for the next person, or end (a re-assessment starts a new execution). */
export type WorkflowInStatus = 'waits' | 'ends';

/**
 * Which status accepts which step (anything else is refused: 409), and whether the workflow waits in it.
 * Extension of the contract's table: `assessment-extension` (D8 "+30") while AWAITING_ASSESSMENT;
 * `suspension` and `resumption` are the contract's suspension request (POST and DELETE).
 */
export const LIFECYCLE: Readonly<Record<CaseStatus, { readonly accepts: readonly CaseStep[]; readonly workflow: WorkflowInStatus }>> = {
  UNDER_REVIEW: { accepts: ['confirmation', 'expenses', 'suspension', 'resumption', ...DOCUMENTS], workflow: 'waits' },
  NOT_CONFIRMED: { accepts: ['document-waiver', 'document-withdrawal'], workflow: 'ends' },
  AWAITING_ASSESSMENT: { accepts: ['assessment', 'expenses', 'assessment-extension', ...DOCUMENTS], workflow: 'waits' },
  AWAITING_DEPENDANTS: { accepts: ['dependants', 'expenses', ...DOCUMENTS], workflow: 'waits' },
  AWAITING_APPROVAL: { accepts: ['approval', 'expenses', ...DOCUMENTS], workflow: 'waits' },
  RETURNED: { accepts: ['expenses', 'resubmission', ...DOCUMENTS], workflow: 'waits' },
  PAID: { accepts: ['reassessment', 'review', ...DOCUMENTS], workflow: 'ends' },
  CLOSED: { accepts: ['review', ...DOCUMENTS], workflow: 'ends' },
};

/** Who records each step (checked before the case is even looked up: 403 before 404). */
export const STEP_ROLES: Readonly<Record<CaseStep, readonly CallerRole[]>> = {
  confirmation: ['handler'],
  expenses: ['handler'],
  suspension: ['handler'],
  resumption: ['handler'],
  assessment: ['assessor'],
  reassessment: ['assessor'],
  review: ['assessor'],
  'assessment-extension': ['assessor'],
  dependants: ['handler'],
  approval: ['reviewer'],
  resubmission: ['handler'],
  'document-upload': ['worker', 'platform', 'handler'],
  'document-waiver': ['handler'],
  'document-withdrawal': ['worker', 'platform', 'handler'],
};

/** Whether a case in `status` accepts `step`. */
export const acceptsStep = (status: CaseStatus, step: CaseStep): boolean => LIFECYCLE[status].accepts.includes(step);

/** Whether the workflow applies `step` after it is recorded (else it takes effect at once). */
export const isWorkflowStep = (step: CaseStep): step is WorkflowStep => (WORKFLOW_STEPS as readonly CaseStep[]).includes(step);

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
  | { readonly step: 'approval'; readonly decision: 'approve' | 'return'; readonly comment?: string }
  | { readonly step: 'resubmission'; readonly comment?: string }
  | { readonly step: 'document-waiver'; readonly type: DocumentType; readonly reason: string }
  | { readonly step: 'document-withdrawal'; readonly document: CaseDocument; readonly reason: string };

export interface StepContext {
  /** Who records the step (the token's `sub`) and as what. */
  readonly actor: string;
  readonly role: CallerRole;
  readonly now: Date;
  readonly calendar: WorkingDayCalendar;
  /** Required when {@link recordingNeedsBenefits} says so. */
  readonly benefits?: BenefitInputs;
  /** The case's documents: required by a confirmation (its checklist) and a waiver. */
  readonly documents?: readonly CaseDocument[];
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
  /** A payment instructed by this transition, created with it (once). */
  readonly payment?: PaymentRecord;
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
  readonly payee: CaseRecord['payee'];
  readonly lateExplanation?: string;
  readonly actor: string;
  readonly now: Date;
  readonly calendar: WorkingDayCalendar;
  /** D13: whether the case's confirmation needs documents (cases opened before documents existed do not). */
  readonly documentsRequired: boolean;
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
    province: report.province,
    occurredAt: report.occurredAt,
    injuryDate: report.injuryDate,
    applicant: input.applicant,
    payee: input.payee,
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
  readonly action: string;
  readonly before?: Record<string, unknown>;
  readonly after?: Record<string, unknown>;
  readonly document?: CaseDocument;
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
      const makers = { confirmationRecordedBy: record.confirmation?.recordedBy, expensesRecordedBy: record.expenses.map((e) => e.recordedBy) };
      if (!approvalAllowed(makers, ctx.actor))
        return refuse(
          'MAKER_CHECKER',
          '经办与审核须分离（D10）：您记录过本案的认定或费用，不能审批本案，请由其他审核人员审批。',
          "Maker-checker (D10): the reviewer recorded this case's confirmation or expenses.",
        );
      return {
        changes: { approval: { decision: input.decision, ...(input.comment ? { comment: input.comment } : {}), reviewer: ctx.actor, at } },
        action: `approval.${input.decision}`,
        after: { decision: input.decision, calculationId: record.benefits?.calculationId, oneOffTotalFen: record.benefits?.oneOffTotalFen },
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
  }
}

const documentsOf = (ctx: StepContext): readonly CaseDocument[] => {
  if (!ctx.documents) throw new RangeError('This step needs the case documents');
  return ctx.documents;
};

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
): { ok: true; document: CaseDocument } | { ok: false; refusal: Refusal } {
  if (!acceptsStep(record.status, 'document-upload')) {
    return {
      ok: false,
      refusal: {
        code: 'STEP_NOT_ACCEPTED',
        message: `案件当前状态为 ${record.status}，不接受上传材料。`,
        messageEn: `A case in status ${record.status} does not accept document-upload.`,
      },
    };
  }
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

/**
 * A person records a step: refused while another step is pending or when the status does not accept it
 * (409), or by the step's own rule; otherwise the next record, with `pendingStep` set when the workflow
 * applies the step.
 */
export function recordStep(record: CaseRecord, input: StepInput, ctx: StepContext): Outcome {
  if (record.pendingStep)
    return refuse(
      'STEP_PENDING',
      `案件流程仍在处理 ${record.pendingStep} 步骤：请稍后重试。`,
      `The case workflow is still applying the ${record.pendingStep} step; retry in a moment.`,
    );
  if (!acceptsStep(record.status, input.step))
    return refuse(
      'STEP_NOT_ACCEPTED',
      `案件当前状态为 ${record.status}，不接受 ${input.step} 步骤。`,
      `A case in status ${record.status} does not accept ${input.step}.`,
    );
  const change = changeOf(record, input, ctx);
  if ('ok' in change) return change;
  const next = bump(record, { ...change.changes, ...(isWorkflowStep(input.step) ? { pendingStep: input.step } : {}) });
  const event = timelineEvent(ctx.now.toISOString(), ctx.actor, change.action, {
    role: ctx.role,
    ...(change.before ? { before: change.before } : {}),
    ...(change.after ? { after: change.after } : {}),
  });
  return { ok: true, record: next, event, ...(change.document ? { document: change.document } : {}) };
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
    default:
      return true;
  }
}

export interface ApplyContext {
  readonly now: Date;
  /** The case's payments so far (an approval nets against them, D10). */
  readonly payments: readonly PaymentRecord[];
  /** Required when {@link applyingNeedsBenefits} says so. */
  readonly benefits?: BenefitInputs;
}

/** The status a recorded step leads to, with what it changes besides. */
function resultOf(record: CaseRecord, step: WorkflowStep, today: string): { status: CaseStatus; changes: Partial<CaseRecord>; calculate: boolean } {
  switch (step) {
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
        : { status: 'PAID', changes: { approved: record.benefits! }, calculate: false };
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
  const { status, changes, calculate } = resultOf(record, step, today);
  let benefits: StoredCalculation | undefined;
  if (calculate) {
    if (!ctx.benefits) throw new RangeError(`Applying ${step} needs the benefit inputs`);
    const result = calculateCaseBenefits(record, ctx.benefits, at);
    if (!result.ok) return notCalculable(result);
    benefits = result.calculation;
  }
  const payment = status === 'PAID' ? approvalPayment(record.caseId, record.benefits!, ctx.payments, monthOfDate(today), at) : undefined;
  const next = bump(record, { ...changes, ...(benefits ? { benefits } : {}), status }, ['pendingStep']);
  const event = timelineEvent(at, 'workflow', 'status.changed', {
    step,
    before: { status: record.status },
    after: {
      status,
      ...(benefits ? calculationTotals(benefits) : {}),
      ...(payment ? { paymentId: payment.paymentId, paidFen: payment.amountFen } : {}),
    },
  });
  return { ok: true, record: next, event, ...(payment ? { payment } : {}), clearTask: true };
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
export function sweepCase(record: CaseRecord, now: Date, calendar: WorkingDayCalendar): Transition | undefined {
  const today = shanghaiDate(now);
  const deadlines: Record<string, Deadline> = deadlinesOf(record, calendar, today);
  const known = new Set(record.escalations.map((x) => x.kind));
  const missed = missedDeadlines(record, deadlines, today).filter((m) => !known.has(m.kind));
  const last = record.assessments.at(-1);
  const close = closable(record, today, last ? reassessmentRequestDue(last.concludedOn, calendar).date : undefined);
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
