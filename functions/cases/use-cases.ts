/**
 * Case use cases behind the HTTP routes: load, ask the lifecycle (core/case-lifecycle.ts), store, signal.
 * Every change is a conditional write on the case's `version` (a lost race → 409). A step the workflow
 * applies is recorded here (`pendingStep`) and handed to the case workflow, which applies it (status,
 * benefits, payment): the route answers 202 with the case as it stands.
 */
import { randomBytes } from 'node:crypto';
import {
  answerAssistance,
  type AssistanceRefusal,
  assistanceView,
  requestAssistance,
  APPLICANT_TYPES_BY_ROLE,
  applicantTypeAllowed,
  applicationLateness,
  lateReportRecord,
  shanghaiDate,
  beneficiaryNames,
  isBeneficiary,
  type Payee,
  parseInstant,
  type CaseRecord,
  type CaseStatus,
  type InjuryReport,
  openCase as newCase,
  type Outcome,
  type Refusal,
  recordingNeedsBenefits,
  recordStep,
  type StepInput,
  withChanges,
  workflowNotStarted,
} from '../../core/index.ts';
import { isStaff, requireRole, type Principal } from '../_shared/auth.ts';
import { canReadReport, loadVisibleCase } from '../_shared/case-access.ts';
import { caseWorkflowName, loadBenefitInputs, signalStep, startCaseWorkflow } from '../_shared/case-workflow.ts';
import { businessMetrics } from '../_shared/metrics.ts';
import { logger } from '../_shared/observability.ts';
import { pii } from '../_shared/pii.ts';
import { piiFields } from '../_shared/pii-fields.ts';
import { badRequest, notFound, problem, refusalProblem } from '../_shared/problem.ts';
import { calendarsRepository } from '../_shared/repositories/calendars.ts';
import { settlementRepository } from '../_shared/repositories/settlement.ts';
import { workersRepository } from '../_shared/repositories/workers.ts';
import { AssistanceAlreadyAnswered, assistanceRepository } from '../_shared/repositories/assistance.ts';
import { type CaseBundle, CaseVersionConflict, casesRepository, DuplicateCase } from '../_shared/repositories/cases.ts';
import type * as z from '../_shared/zod.ts';
import type { OpenCaseRequest, PayeeRequest } from './schemas.ts';
import { type Audience, benefitsView, caseView, paymentView, summaryView } from './view.ts';

/** Personal data unmasked only for the worker reading their own case (contract; A3). */
const audienceOf = (p: Principal, r: Pick<CaseRecord, 'workerId'>): Audience => ({
  unmasked: p.role === 'worker' && p.workerId !== undefined && p.workerId === r.workerId,
  staff: isStaff(p),
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
    return { items: page.items.map((r) => summaryView(r, calendar, new Date())), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
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
  finance: '资金管理人员',
};

/** The payee as stored (D14): name and account encrypted for this case, with what may be shown. */
const protectPayee = (caseId: string, payee: { name: string; bankAccount: string; bankName?: string | undefined; bankCode?: string | undefined }): Payee => {
  const protector = pii();
  const context = piiFields.payee(caseId);
  return {
    nameEnc: protector.encrypt(payee.name, context.name),
    nameInitial: [...payee.name.trim()][0] ?? '*',
    bankAccountEnc: protector.encrypt(payee.bankAccount, context.bankAccount),
    bankAccountLast4: payee.bankAccount.slice(-4),
    ...(payee.bankName ? { bankName: payee.bankName } : {}),
    ...(payee.bankCode ? { bankCode: payee.bankCode } : {}),
  };
};

/** The names a case may pay (D14): the worker's registered name (decrypted here only), the applying relative, the dependants. */
const beneficiariesOf = async (record: Pick<CaseRecord, 'kind' | 'applicant' | 'dependants' | 'workerId'>): Promise<string[] | undefined> => {
  if (record.kind === 'injury') {
    const profile = record.workerId ? await workersRepository.profile(record.workerId) : undefined;
    // A report that names no registered worker has no known name (and no calculable benefits): not checked.
    if (!profile) return undefined;
    return beneficiaryNames(record, pii().decrypt(profile.nameEnc, piiFields.worker(profile.workerId).name));
  }
  return beneficiaryNames(record, undefined);
};

const notBeneficiary = (path: string) =>
  problem('PAYEE_NOT_BENEFICIARY', {
    detail: '收款人须为待遇享受人本人（D14）：工伤案件为劳动者本人，工亡案件为申请的亲属或已登记的供养亲属。',
    detailEn: 'The payee must be the beneficiary (D14).',
    errors: [{ path, message: '收款人姓名与待遇享受人不一致。' }],
  });

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
  const occurred = parseInstant(report.occurredAt)!;
  if (body.diedAt && parseInstant(body.diedAt)!.getTime() < occurred.getTime())
    throw badRequest([{ path: 'diedAt', message: `死亡时间不能早于事故发生时间（${report.occurredAt}）。` }]);
  if (body.payee) {
    const names = await beneficiariesOf({ kind: body.kind, applicant: body.applicant, ...(report.workerId ? { workerId: report.workerId } : {}) });
    if (names && !isBeneficiary(body.payee.name, names)) throw notBeneficiary('payee.name');
  }
  const caseId = `C${randomBytes(8).toString('hex')}`;
  const calendar = await calendarsRepository.calendar();
  const opened = accepted(
    newCase({
      caseId,
      executionName: caseWorkflowName(caseId),
      report,
      kind: body.kind,
      applicant: body.applicant,
      ...(body.payee ? { payee: protectPayee(caseId, body.payee) } : {}),
      ...(body.kind === 'death' ? { diedAt: body.diedAt ?? report.occurredAt } : {}),
      ...(body.lateExplanation ? { lateExplanation: body.lateExplanation } : {}),
      actor: p.sub,
      now,
      calendar,
      // D13: every case opened from now on needs its documents (cases stored before carry no flag).
      documentsRequired: true,
    }),
  );
  // D19: a platform that files after its D6 deadline (a deadline that is not provisional) gets a credit
  // record, written with the case (one transaction: no case without its record, none twice).
  const today = shanghaiDate(now);
  const lateness = applicationLateness(report.injuryDate, body.applicant.type, today, calendar);
  const lateRecord = lateReportRecord({
    caseId,
    platformId: report.platformId,
    applicantType: body.applicant.type,
    late: lateness.late,
    dueOn: lateness.due.date,
    dueProvisional: lateness.due.provisional,
    filedOn: today,
  });
  try {
    await casesRepository.openCase(opened.record, opened.event, lateRecord ? [settlementRepository.creditPut(lateRecord)] : []);
  } catch (error) {
    if (error instanceof DuplicateCase)
      throw problem('CASE_ALREADY_OPENED', {
        detail: `报告 ${report.reportId} 已有案件。`,
        detailEn: `Report ${report.reportId} already has a case.`,
      });
    throw error;
  }
  businessMetrics.caseOpened();
  let current = opened.record;
  try {
    await startCaseWorkflow(caseId, caseWorkflowName(caseId));
  } catch (error) {
    logger.error('Case workflow not started', { caseId, errorName: (error as Error).name, errorMessage: (error as Error).message });
    const notStarted = workflowNotStarted(current, error as Error, now);
    await casesRepository.transition(notStarted.record, current.version, notStarted.event);
    current = notStarted.record;
  }
  return render(
    p,
    { record: current, timeline: (await casesRepository.bundle(caseId))?.timeline ?? [], payments: [], documents: [], paymentSeq: 0 },
    now,
    report,
  );
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
  const outcome = accepted(
    recordStep(record, input, {
      actor: p.sub,
      role: p.role,
      now,
      calendar,
      documents: bundle.documents,
      ledger: { seq: bundle.paymentSeq, payments: bundle.payments },
      ...(benefits ? { benefits } : {}),
    }),
  );
  const { record: next, event } = outcome;
  try {
    await casesRepository.transition(next, record.version, event, outcome.ledger ? { payments: outcome.payments ?? [], ledger: outcome.ledger } : {});
  } catch (error) {
    if (error instanceof CaseVersionConflict) throw problem('VERSION_CONFLICT');
    throw error;
  }
  businessMetrics.stepRecorded(input);
  if (outcome.ledger) businessMetrics.paymentChangesStored(outcome.payments ?? []);
  if (next.pendingStep) await signalStep(next);
  const payments = withChanges(bundle.payments, outcome.payments ?? []);
  return { view: await render(p, { ...bundle, record: next, timeline: [...bundle.timeline, event], payments }, now), event };
};

/** D14: a handler's payee change: the name must be the beneficiary's (compared in the clear here, stored encrypted). */
export const payeeStep = async (bundle: CaseBundle, body: z.infer<typeof PayeeRequest>): Promise<StepInput> => {
  const names = await beneficiariesOf(bundle.record);
  return {
    step: 'payee',
    payee: protectPayee(bundle.record.caseId, body),
    documentId: body.documentId,
    beneficiary: names === undefined || isBeneficiary(body.name, names),
  };
};

// ── Assistance between provinces (D18) ─────────────────────────────────────────────────────────────

const assistanceProblem = (refusal: AssistanceRefusal) =>
  problem(refusal.code, { detail: refusal.message, detailEn: refusal.messageEn, ...(refusal.fields ? { errors: [...refusal.fields] } : {}) });

/** A handler of the case's province asks another province for help; the request copies the case's non-personal facts. */
export const createAssistanceRequest = async (p: Principal, bundle: CaseBundle, body: { province: string; task: string }, now: Date) => {
  const report = await casesRepository.getReport(bundle.record.reportId);
  const outcome = requestAssistance(
    bundle.record,
    report?.place ?? '',
    { requestId: `AR${randomBytes(8).toString('hex')}`, province: body.province, task: body.task },
    { actor: p.sub, now },
  );
  if (!outcome.ok) throw assistanceProblem(outcome.refusal);
  await assistanceRepository.create(outcome.request);
  return { requestId: outcome.request.requestId };
};

/** Staff: the requests addressed to their provinces (`received`, default) or sent from them (`sent`). */
export const listAssistanceRequests = async (p: Principal, direction: 'received' | 'sent') => {
  const items = await assistanceRepository.list([...p.provinces].sort(), direction);
  return { items: items.map(assistanceView) };
};

/** Staff of the province asked answer a request, once; anyone else → 404 (the request is not theirs to see). */
export const answerAssistanceRequest = async (p: Principal, requestId: string, answer: () => string, now: Date) => {
  const request = await assistanceRepository.get(requestId);
  if (!request || !p.provinces.includes(request.province)) throw notFound();
  const outcome = answerAssistance(request, answer(), { actor: p.sub, now });
  if (!outcome.ok) throw assistanceProblem(outcome.refusal);
  try {
    await assistanceRepository.answer(outcome.request);
  } catch (error) {
    if (error instanceof AssistanceAlreadyAnswered) throw problem('ASSISTANCE_ANSWERED');
    throw error;
  }
  return assistanceView(outcome.request);
};
