/**
 * Case use cases behind the HTTP routes. Every change is a conditional write on the case's `version`
 * (a lost race → 409). Human steps are recorded here (`pendingStep`) and then resume the case workflow,
 * which applies them (status change, benefits, payment): the route answers 202 with the case as it stands.
 */
import { randomBytes } from 'node:crypto';
import {
  APPLICANT_TYPES_BY_ROLE,
  applicantTypeAllowed,
  applicationLateness,
  approvalAllowed,
  assessmentDue,
  checkAssessmentWindow,
  isDomainError,
  monthOfDate,
  shanghaiDate,
  sumFen,
} from '../../core/index.ts';
import { isStaff, requireRole, type Principal } from '../_shared/auth.ts';
import { config } from '../_shared/config.ts';
import { logger } from '../_shared/observability.ts';
import { pii } from '../_shared/pii.ts';
import { conflict, forbidden, HttpProblem, notFound, unprocessable } from '../_shared/problem.ts';
import { calendarsRepository } from '../_shared/repositories/calendars.ts';
import {
  casesRepository,
  CaseVersionConflict,
  DuplicateCase,
  type CaseBundle,
  type CaseRecord,
  type CaseStatus,
  type InjuryReport,
  type TimelineEvent,
  type WorkflowStep,
} from '../_shared/repositories/cases.ts';
import { workflowPort } from '../_shared/repositories/workflow.ts';
import { calculateFor } from './benefits.ts';
import { bump, conflictOf, event, STEP_OF, without, type CaseRequest } from './model.ts';
import { benefitsView, caseView, paymentView, summaryView, type Audience } from './view.ts';
import type * as z from '../_shared/zod.ts';
import type {
  ApprovalRequest,
  AssessmentExtensionRequest,
  AssessmentRequest,
  ConfirmationRequest,
  DependantsRequest,
  ExpensesRequest,
  OpenCaseRequest,
  ResubmissionRequest,
  SuspensionRequest,
} from './schemas.ts';

export const CASE_WORKFLOW_NAME = (caseId: string) => `case-${caseId}`;

/** Who may read a case: its worker, its platform, staff of its province. */
export const canRead = (p: Principal, r: Pick<CaseRecord, 'workerId' | 'platformId' | 'province'>): boolean =>
  (isStaff(p) && p.provinces.includes(r.province)) ||
  (p.role === 'worker' && p.workerId !== undefined && p.workerId === r.workerId) ||
  (p.role === 'platform' && p.platformId === r.platformId);

export const canReadReport = (p: Principal, r: InjuryReport): boolean =>
  canRead(p, { platformId: r.platformId, province: r.province, ...(r.workerId ? { workerId: r.workerId } : {}) });

const loadVisible = async (p: Principal, caseId: string): Promise<CaseBundle> => {
  const bundle = await casesRepository.bundle(caseId);
  if (!bundle || !canRead(p, bundle.record)) throw notFound();
  return bundle;
};

/** Personal data unmasked only for the worker reading their own case (contract; A3). */
export const audienceOf = (p: Principal, r: Pick<CaseRecord, 'workerId'>): Audience => ({
  unmasked: p.role === 'worker' && p.workerId !== undefined && p.workerId === r.workerId,
});

const render = async (p: Principal, bundle: CaseBundle, now: Date, report?: InjuryReport) =>
  caseView(bundle, await calendarsRepository.calendar(), shanghaiDate(now), audienceOf(p, bundle.record), report);

/** The case with the evidence of its report (D11 order snapshot). */
export const getCase = async (p: Principal, caseId: string, now: Date) => {
  const bundle = await loadVisible(p, caseId);
  return render(p, bundle, now, await casesRepository.getReport(bundle.record.reportId));
};

export const getBenefits = async (p: Principal, caseId: string) => {
  const { record } = await loadVisible(p, caseId);
  return benefitsView(record, audienceOf(p, record));
};

export const getPayments = async (p: Principal, caseId: string) => {
  const { record, payments } = await loadVisible(p, caseId);
  const audience = audienceOf(p, record);
  return { payments: payments.map((pay) => paymentView(pay, audience)) };
};

export const listCases = async (p: Principal, query: { status?: CaseStatus; province?: string; limit?: number }, nextToken: string | undefined) => {
  requireRole(p, ['handler', 'reviewer', 'assessor', 'admin']);
  const provinces = query.province ? (p.provinces.includes(query.province) ? [query.province] : []) : [...p.provinces].sort();
  try {
    const [page, calendar] = await Promise.all([
      casesRepository.list({ provinces, ...(query.status ? { status: query.status } : {}) }, nextToken, query.limit ?? 50),
      calendarsRepository.calendar(),
    ]);
    return { items: page.items.map((r) => summaryView(r, calendar)), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  } catch (error) {
    if (error instanceof RangeError) throw new HttpProblem(400, 'nextToken is not valid.', [{ path: 'nextToken', message: 'Not a token this API issued.' }]);
    throw error;
  }
};

/**
 * Resumes the workflow for a recorded step, or (re-assessment of a paid case) starts an execution for it.
 * True when an execution took the step (a waiting token was resumed, or the re-assessment started); false
 * when none did (no wait registered yet, the token no longer waiting, or the signal failed).
 */
export const signal = async (record: CaseRecord, step: WorkflowStep): Promise<boolean> => {
  try {
    if (step === 'assessment' && (record.status === 'PAID' || record.status === 'CLOSED')) {
      return await workflowPort.start(config.stateMachines.caseWorkflow, `${CASE_WORKFLOW_NAME(record.caseId)}-v${record.version}`, {
        caseId: record.caseId,
        resumeAt: 'Apply Assessment',
      });
    }
    const task = await casesRepository.getTask(record.caseId);
    // No token yet: the workflow's wait task sees pendingStep when it registers and resumes itself.
    return task !== undefined && task.step === step && (await workflowPort.resume(task.token, { step }));
  } catch (error) {
    // Recorded but not signalled: the pending step is applied when the wait re-registers (docs/cases.md).
    logger.error('Could not signal the case workflow', {
      caseId: record.caseId,
      step,
      errorName: (error as Error).name,
      errorMessage: (error as Error).message,
    });
    return false;
  }
};

export const openCase = async (p: Principal, body: z.infer<typeof OpenCaseRequest>, now: Date) => {
  requireRole(p, ['platform', 'worker', 'handler', 'reviewer', 'assessor', 'admin']);
  if (!applicantTypeAllowed(p.role, body.applicant.type)) {
    throw forbidden(`A ${p.role} token applies as ${APPLICANT_TYPES_BY_ROLE[p.role].join(' or ')}, not as ${body.applicant.type} (D6).`);
  }
  const report = await casesRepository.getReport(body.reportId);
  if (!report || !canReadReport(p, report)) throw notFound();
  if (report.caseId) throw conflict(`Report ${report.reportId} already has case ${report.caseId}.`);
  const today = shanghaiDate(now);
  const calendar = await calendarsRepository.calendar();
  // D6 + D12: only a final deadline blocks; past a provisional one the case opens, flagged for the handler
  // (the view derives `late` again with the current calendar, so loading the year settles it).
  const { late, due, explanationRequired } = applicationLateness(report.injuryDate, body.applicant.type, today, calendar);
  if (explanationRequired && !body.lateExplanation) {
    throw unprocessable('The application deadline has passed (D6): a written explanation is required.', [
      { path: 'lateExplanation', message: 'Required for an application after the deadline.' },
    ]);
  }
  const protector = pii();
  const at = now.toISOString();
  const caseId = `C${randomBytes(8).toString('hex')}`;
  const record: CaseRecord = {
    caseId,
    reportId: report.reportId,
    status: 'UNDER_REVIEW',
    kind: body.kind,
    ...(report.workerId ? { workerId: report.workerId } : {}),
    platformId: report.platformId,
    province: report.province,
    occurredAt: report.occurredAt,
    injuryDate: report.injuryDate,
    applicant: body.applicant,
    payee: {
      nameEnc: protector.encrypt(body.payee.name),
      nameInitial: [...body.payee.name][0] ?? '*',
      bankAccountEnc: protector.encrypt(body.payee.bankAccount),
      bankAccountLast4: body.payee.bankAccount.slice(-4),
    },
    late,
    ...(body.lateExplanation ? { lateExplanation: body.lateExplanation } : {}),
    coverage: report.coverage,
    openedAt: at,
    openedOn: today,
    openedBy: p.sub,
    suspensions: [],
    expenses: [],
    inpatientDays: 0,
    assessments: [],
    escalations: [],
    workflow: { status: 'RUNNING', executionName: CASE_WORKFLOW_NAME(caseId) },
    version: 1,
  };
  try {
    await casesRepository.openCase(
      record,
      event(at, p.sub, 'case.opened', {
        after: {
          status: 'UNDER_REVIEW',
          late,
          ...(late && due.provisional ? { lateProvisional: true, applicationDue: due.date } : {}),
          kind: body.kind,
          applicant: body.applicant.type,
        },
      }),
    );
  } catch (error) {
    if (error instanceof DuplicateCase) throw conflict(`Report ${report.reportId} already has a case.`);
    throw error;
  }
  let current = record;
  try {
    await workflowPort.start(config.stateMachines.caseWorkflow, CASE_WORKFLOW_NAME(caseId), { caseId });
  } catch (error) {
    logger.error('Case workflow not started', { caseId, errorName: (error as Error).name, errorMessage: (error as Error).message });
    current = bump(record, {
      workflow: { status: 'NOT_STARTED', executionName: CASE_WORKFLOW_NAME(caseId), error: (error as Error).name },
      escalations: [{ kind: 'WORKFLOW_NOT_STARTED', recordedAt: at, detail: (error as Error).message }],
    });
    await casesRepository.transition(current, record.version, event(at, 'system', 'workflow.not_started', { after: { workflow: 'NOT_STARTED' } }));
  }
  return render(p, { record: current, timeline: (await casesRepository.bundle(caseId))?.timeline ?? [], payments: [] }, now, report);
};

interface Change {
  readonly changes: Partial<CaseRecord>;
  readonly remove?: (keyof CaseRecord)[];
  readonly action: string;
  readonly before?: Record<string, unknown>;
  readonly after?: Record<string, unknown>;
}

/**
 * The shape of every change request: visibility (404) → body (400, parsed by the caller before) →
 * status fits (409) → business checks (403 maker-checker, 422) → conditional write (lost race → 409) →
 * resume the workflow when the request is a workflow step → 202 with the case.
 */
const change = async (p: Principal, bundle: CaseBundle, request: CaseRequest, now: Date, build: (record: CaseRecord) => Change | Promise<Change>) => {
  const record = bundle.record;
  const reason = conflictOf(record, request);
  if (reason) throw conflict(reason);
  const c = await build(record);
  const step = STEP_OF[request];
  let next = bump(record, { ...c.changes, ...(step ? { pendingStep: step } : {}) });
  if (c.remove) next = without(next, ...c.remove);
  const ev: TimelineEvent = event(now.toISOString(), p.sub, c.action, {
    role: p.role,
    ...(c.before ? { before: c.before } : {}),
    ...(c.after ? { after: c.after } : {}),
  });
  try {
    await casesRepository.transition(next, record.version, ev);
  } catch (error) {
    if (error instanceof CaseVersionConflict) throw conflict('The case changed meanwhile (another request won); read it again.');
    throw error;
  }
  if (step) await signal(next, step);
  return render(p, { record: next, timeline: [...bundle.timeline, ev], payments: bundle.payments }, now);
};

/** Loads the case for a change: role (403) → visibility (404); the body is parsed after this (400). */
export const forChange = async (p: Principal, roles: Parameters<typeof requireRole>[1], caseId: string) => {
  requireRole(p, roles);
  return loadVisible(p, caseId);
};

export const suspend = (p: Principal, bundle: CaseBundle, body: z.infer<typeof SuspensionRequest>, now: Date) =>
  change(p, bundle, 'suspension', now, (r) => {
    if (r.suspensions.some((s) => s.to === undefined)) throw conflict('The confirmation clock is already suspended.');
    const from = shanghaiDate(now);
    return {
      changes: { suspensions: [...r.suspensions, { from, reason: body.reason }] },
      action: 'confirmation.suspended',
      after: { suspended: true, from, reason: body.reason },
    };
  });

export const resume = (p: Principal, bundle: CaseBundle, now: Date) =>
  change(p, bundle, 'suspension', now, (r) => {
    const open = r.suspensions.find((s) => s.to === undefined);
    if (!open) throw conflict('The confirmation clock is not suspended.');
    const to = shanghaiDate(now);
    return {
      changes: { suspensions: r.suspensions.map((s) => (s === open ? { ...s, to } : s)) },
      action: 'confirmation.resumed',
      before: { suspended: true, from: open.from },
      after: { suspended: false, to },
    };
  });

export const confirm = (p: Principal, bundle: CaseBundle, body: z.infer<typeof ConfirmationRequest>, now: Date) =>
  change(p, bundle, 'confirmation', now, (r) => {
    const today = shanghaiDate(now);
    return {
      changes: {
        confirmation: { ...body, recordedBy: p.sub, recordedAt: now.toISOString() },
        suspensions: r.suspensions.map((s) => (s.to === undefined ? { ...s, to: today } : s)),
      },
      action: 'confirmation.recorded',
      after: { outcome: body.outcome, basis: body.basis, assessmentRequired: body.assessmentRequired, ...(body.reasons ? { reasons: body.reasons } : {}) },
    };
  });

export const addExpenses = (p: Principal, bundle: CaseBundle, body: z.infer<typeof ExpensesRequest>, now: Date) =>
  change(p, bundle, 'expenses', now, async (r) => {
    const at = now.toISOString();
    const expenses = [...r.expenses, ...body.items.map((i) => ({ ...i, recordedBy: p.sub, recordedAt: at }))];
    const inpatientDays = r.inpatientDays + body.inpatientDays;
    const next = { ...r, expenses, inpatientDays };
    let benefits: CaseRecord['benefits'];
    if (r.status === 'AWAITING_APPROVAL') {
      try {
        benefits = await calculateFor(next, at);
      } catch (error) {
        if (isDomainError(error)) throw unprocessable(error.message);
        throw error;
      }
    }
    const total = (list: readonly { amountFen: number }[]) => sumFen(list.map((e) => e.amountFen));
    return {
      changes: { expenses, inpatientDays, ...(benefits ? { benefits } : {}) },
      action: benefits ? 'expenses.added.recalculated' : 'expenses.added',
      before: {
        items: r.expenses.length,
        totalFen: total(r.expenses),
        inpatientDays: r.inpatientDays,
        ...(r.benefits ? { oneOffTotalFen: r.benefits.oneOffTotalFen } : {}),
      },
      after: { items: expenses.length, totalFen: total(expenses), inpatientDays, ...(benefits ? { oneOffTotalFen: benefits.oneOffTotalFen } : {}) },
    };
  });

export const assess = async (p: Principal, bundle: CaseBundle, body: z.infer<typeof AssessmentRequest>, now: Date) => {
  const type = body.type ?? 'initial';
  const calendar = await calendarsRepository.calendar();
  return change(p, bundle, `assessment:${type}`, now, (r) => {
    const previous = r.assessments.at(-1)?.concludedOn;
    const window = checkAssessmentWindow(type, previous, shanghaiDate(now), calendar);
    if (!window.ok) {
      throw unprocessable(`A ${type} is not accepted now (D8): ${window.reason}.`, [
        { path: 'type', message: `${window.reason}${window.window ? ` (window ${window.window.from ?? ''}…${window.window.to ?? ''})` : ''}` },
      ]);
    }
    const assessment = { type, grade: body.grade, nursing: body.nursing, concludedOn: body.concludedOn, recordedBy: p.sub, recordedAt: now.toISOString() };
    const last = r.assessments.at(-1);
    return {
      changes: { assessments: [...r.assessments, assessment] },
      action: `assessment.${type}.recorded`,
      ...(last ? { before: { grade: last.grade, nursing: last.nursing, concludedOn: last.concludedOn } } : {}),
      after: { grade: body.grade, nursing: body.nursing, concludedOn: body.concludedOn },
    };
  });
};

/** D8: the assessment conclusion's due date moves by the rule table's extension (+30 days), once (409 after). */
export const extendAssessment = async (p: Principal, bundle: CaseBundle, body: z.infer<typeof AssessmentExtensionRequest>, now: Date) => {
  const calendar = await calendarsRepository.calendar();
  return change(p, bundle, 'assessment-extension', now, (r) => {
    if (r.assessmentExtension) throw conflict('The assessment deadline has already been extended (D8: once).');
    const enteredOn = r.assessmentEnteredOn ?? shanghaiDate(now);
    const before = assessmentDue(enteredOn, false, calendar);
    const after = assessmentDue(enteredOn, true, calendar);
    return {
      changes: { assessmentExtension: { on: shanghaiDate(now), by: p.sub, reason: body.reason } },
      action: 'assessment.extended',
      before: { assessmentDue: before.date },
      after: { assessmentDue: after.date, provisional: after.provisional, reason: body.reason },
    };
  });
};

export const recordDependants = (p: Principal, bundle: CaseBundle, body: z.infer<typeof DependantsRequest>, now: Date) =>
  change(p, bundle, 'dependants', now, () => ({
    changes: { dependants: body.dependants },
    action: 'dependants.recorded',
    after: { dependants: body.dependants.map((d) => d.relation) },
  }));

export const approve = (p: Principal, bundle: CaseBundle, body: z.infer<typeof ApprovalRequest>, now: Date) =>
  change(p, bundle, 'approval', now, (r) => {
    const makers = { confirmationRecordedBy: r.confirmation?.recordedBy, expensesRecordedBy: r.expenses.map((e) => e.recordedBy) };
    if (!approvalAllowed(makers, p.sub)) throw forbidden("Maker-checker (D10): the reviewer recorded this case's confirmation or expenses.");
    return {
      changes: { approval: { decision: body.decision, ...(body.comment ? { comment: body.comment } : {}), reviewer: p.sub, at: now.toISOString() } },
      action: `approval.${body.decision}`,
      after: { decision: body.decision, calculationId: r.benefits?.calculationId, oneOffTotalFen: r.benefits?.oneOffTotalFen },
    };
  });

export const resubmit = (p: Principal, bundle: CaseBundle, body: z.infer<typeof ResubmissionRequest>, now: Date) =>
  change(p, bundle, 'resubmission', now, () => ({
    changes: {},
    action: 'case.resubmitted',
    ...(body.comment ? { after: { comment: body.comment } } : {}),
  }));

export const currentMonth = (now: Date) => monthOfDate(shanghaiDate(now));
