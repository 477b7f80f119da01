/**
 * Case use cases behind the HTTP routes: load, ask the lifecycle (core/case-lifecycle.ts), store, signal.
 * Every change is a conditional write on the case's `version` (a lost race → 409). A step the workflow
 * applies is recorded here (`pendingStep`) and handed to the case workflow, which applies it (status,
 * benefits, payment): the route answers 202 with the case as it stands.
 */
import { randomBytes } from 'node:crypto';
import {
  APPLICANT_TYPES_BY_ROLE,
  applicantTypeAllowed,
  type CaseRecord,
  type CaseStatus,
  type InjuryReport,
  openCase as newCase,
  type Outcome,
  type Refusal,
  recordingNeedsBenefits,
  recordStep,
  type StepInput,
  workflowNotStarted,
} from '../../core/index.ts';
import { requireRole, type Principal } from '../_shared/auth.ts';
import { canReadReport, loadVisibleCase } from '../_shared/case-access.ts';
import { caseWorkflowName, loadBenefitInputs, signalStep, startCaseWorkflow } from '../_shared/case-workflow.ts';
import { logger } from '../_shared/observability.ts';
import { pii } from '../_shared/pii.ts';
import { badRequest, notFound, problem, refusalProblem } from '../_shared/problem.ts';
import { calendarsRepository } from '../_shared/repositories/calendars.ts';
import { type CaseBundle, CaseVersionConflict, casesRepository, DuplicateCase } from '../_shared/repositories/cases.ts';
import type * as z from '../_shared/zod.ts';
import type { OpenCaseRequest } from './schemas.ts';
import { type Audience, benefitsView, caseView, paymentView, summaryView } from './view.ts';

/** Personal data unmasked only for the worker reading their own case (contract; A3). */
const audienceOf = (p: Principal, r: Pick<CaseRecord, 'workerId'>): Audience => ({
  unmasked: p.role === 'worker' && p.workerId !== undefined && p.workerId === r.workerId,
});

const render = async (p: Principal, bundle: CaseBundle, now: Date, report?: InjuryReport) =>
  caseView(bundle, await calendarsRepository.calendar(), now, audienceOf(p, bundle.record), report);

/** The case with the evidence of its report (D11 order snapshot). */
export const getCase = async (p: Principal, caseId: string, now: Date) => {
  const bundle = await loadVisibleCase(p, caseId);
  return render(p, bundle, now, await casesRepository.getReport(bundle.record.reportId));
};

export const getBenefits = async (p: Principal, caseId: string) => {
  const { record } = await loadVisibleCase(p, caseId);
  return benefitsView(record, audienceOf(p, record));
};

export const getPayments = async (p: Principal, caseId: string) => {
  const { record, payments } = await loadVisibleCase(p, caseId);
  const audience = audienceOf(p, record);
  return { payments: payments.map((pay) => paymentView(pay, audience)) };
};

export const listCases = async (p: Principal, query: { status?: CaseStatus; province?: string; limit?: number }, nextToken: string | undefined) => {
  const provinces = query.province ? (p.provinces.includes(query.province) ? [query.province] : []) : [...p.provinces].sort();
  try {
    const [page, calendar] = await Promise.all([
      casesRepository.list({ provinces, ...(query.status ? { status: query.status } : {}) }, nextToken, query.limit ?? 50),
      calendarsRepository.calendar(),
    ]);
    return { items: page.items.map((r) => summaryView(r, calendar)), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  } catch (error) {
    if (error instanceof RangeError) throw badRequest([{ path: 'nextToken', message: '不是本接口签发的分页令牌：请使用上一页返回的 nextToken。' }]);
    throw error;
  }
};

/** A refusal of the lifecycle as a problem: its code is the catalogue's (core/error-codes.ts), status included. */
const problemOf = (refusal: Refusal) => refusalProblem(refusal);

const ROLE_NAMES: Readonly<Record<string, string>> = {
  platform: '平台',
  worker: '劳动者',
  handler: '经办人员',
  reviewer: '审核人员',
  assessor: '鉴定人员',
  admin: '管理员',
};

/** 403: the caller's role may not apply as this applicant type (D6). */
export const applicantTypeRefused = (role: Principal['role'], type: string) =>
  problem('APPLICANT_TYPE_NOT_ALLOWED', {
    detail: `${ROLE_NAMES[role] ?? role}令牌只能以 ${APPLICANT_TYPES_BY_ROLE[role].join(' 或 ')} 身份申请，不能以 ${type} 身份申请（D6）。`,
    detailEn: `A ${role} token applies as ${APPLICANT_TYPES_BY_ROLE[role].join(' or ')}, not as ${type} (D6).`,
  });

const accepted = <T extends Outcome>(outcome: T): Extract<T, { ok: true }> => {
  if (!outcome.ok) throw problemOf(outcome.refusal);
  return outcome as Extract<T, { ok: true }>;
};

export const openCase = async (p: Principal, body: z.infer<typeof OpenCaseRequest>, now: Date) => {
  if (!applicantTypeAllowed(p.role, body.applicant.type)) {
    throw applicantTypeRefused(p.role, body.applicant.type);
  }
  const report = await casesRepository.getReport(body.reportId);
  if (!report || !canReadReport(p, report)) throw notFound();
  if (report.caseId)
    throw problem('CASE_ALREADY_OPENED', {
      detail: `报告 ${report.reportId} 已有案件 ${report.caseId}。`,
      detailEn: `Report ${report.reportId} already has case ${report.caseId}.`,
    });
  const protector = pii();
  const caseId = `C${randomBytes(8).toString('hex')}`;
  const opened = accepted(
    newCase({
      caseId,
      executionName: caseWorkflowName(caseId),
      report,
      kind: body.kind,
      applicant: body.applicant,
      payee: {
        nameEnc: protector.encrypt(body.payee.name),
        nameInitial: [...body.payee.name][0] ?? '*',
        bankAccountEnc: protector.encrypt(body.payee.bankAccount),
        bankAccountLast4: body.payee.bankAccount.slice(-4),
      },
      ...(body.lateExplanation ? { lateExplanation: body.lateExplanation } : {}),
      actor: p.sub,
      now,
      calendar: await calendarsRepository.calendar(),
      // D13: every case opened from now on needs its documents (cases stored before carry no flag).
      documentsRequired: true,
    }),
  );
  try {
    await casesRepository.openCase(opened.record, opened.event);
  } catch (error) {
    if (error instanceof DuplicateCase)
      throw problem('CASE_ALREADY_OPENED', {
        detail: `报告 ${report.reportId} 已有案件。`,
        detailEn: `Report ${report.reportId} already has a case.`,
      });
    throw error;
  }
  let current = opened.record;
  try {
    await startCaseWorkflow(caseId, caseWorkflowName(caseId));
  } catch (error) {
    logger.error('Case workflow not started', { caseId, errorName: (error as Error).name, errorMessage: (error as Error).message });
    const notStarted = workflowNotStarted(current, error as Error, now);
    await casesRepository.transition(notStarted.record, current.version, notStarted.event);
    current = notStarted.record;
  }
  return render(p, { record: current, timeline: (await casesRepository.bundle(caseId))?.timeline ?? [], payments: [], documents: [], paymentSeq: 0 }, now, report);
};

/** Loads the case for a change: role (403) → visibility (404); the body is parsed after this (400). */
export const forChange = async (p: Principal, roles: Parameters<typeof requireRole>[1], caseId: string) => {
  requireRole(p, roles);
  return loadVisibleCase(p, caseId);
};

/**
 * Records a step: the lifecycle decides (409 status, 403 maker-checker, 422 rules), the conditional write
 * stores it (lost race → 409), and a step the workflow applies is handed to it → 202 with the case.
 */
export const recordCaseStep = async (p: Principal, bundle: CaseBundle, input: StepInput, now: Date) => {
  const record = bundle.record;
  const calendar = await calendarsRepository.calendar();
  const benefits = recordingNeedsBenefits(record, input.step) ? await loadBenefitInputs(record) : undefined;
  const { record: next, event } = accepted(
    recordStep(record, input, { actor: p.sub, role: p.role, now, calendar, documents: bundle.documents, ...(benefits ? { benefits } : {}) }),
  );
  try {
    await casesRepository.transition(next, record.version, event);
  } catch (error) {
    if (error instanceof CaseVersionConflict) throw problem('VERSION_CONFLICT');
    throw error;
  }
  if (next.pendingStep) await signalStep(next);
  return render(p, { ...bundle, record: next, timeline: [...bundle.timeline, event] }, now);
};
