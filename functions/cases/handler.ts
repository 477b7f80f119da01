/** Route group `cases`: opening, reading and every human step of a bundled case (contract: Injury reports and cases). */
import { applicantTypeAllowed, type CaseStep, STEP_ROLES, type StepInput } from '../../core/index.ts';
import { requireRole, STAFF_ROLES, type Principal } from '../_shared/auth.ts';
import { badRequest, fieldErrors, notFound } from '../_shared/problem.ts';
import { type CaseBundle, casesRepository } from '../_shared/repositories/cases.ts';
import { ClientId } from '../_shared/schemas.ts';
import { canReadReport } from '../_shared/case-access.ts';
import { httpHandler, type RouteContext } from '../_shared/http.ts';
import {
  AppealRequest,
  AppealResultRequest,
  AssistanceAnswerRequest,
  AssistanceListQuery,
  AssistanceRequestBody,
  ApprovalRequest,
  AssessmentExtensionRequest,
  AssessmentRequest,
  CertificationRequest,
  LifeEventRequest,
  PayeeRequest,
  ConfirmationRequest,
  DependantsRequest,
  ExpensesRequest,
  ListCasesQuery,
  OpenCaseRequest,
  ResubmissionRequest,
  SuspensionRequest,
} from './schemas.ts';
import * as uc from './use-cases.ts';

/**
 * A human step: role (403, from the lifecycle's STEP_ROLES) → visibility (404) → body (400) → the
 * lifecycle's decision (409/403/422) → 202 with the case.
 */
const step = async (ctx: RouteContext, name: CaseStep, input: (bundle: CaseBundle) => StepInput | Promise<StepInput>, status = 202) => {
  const p = ctx.principal();
  const bundle = await uc.forChange(p, STEP_ROLES[name], caseIdOf(ctx));
  return { status, body: (await uc.recordCaseStep(p, bundle, await input(bundle), new Date())).view };
};

/**
 * The path's caseId, or one no case has when it cannot be a case id (not 1–64 characters of the id alphabet;
 * case ids are `C` + 16 hex digits): still 404 after the role check, and never a read with a key over
 * DynamoDB's size limit (2,048 bytes: a ValidationException, a 500).
 */
const NO_CASE = 'C-none';
const caseIdOf = (ctx: RouteContext): string => {
  const id = ctx.path('caseId');
  return ClientId.safeParse(id).success ? id : NO_CASE;
};

const ApplicantType = OpenCaseRequest.shape.applicant.shape.type;

/**
 * Contract precedence (403 role, then 404 visibility, then 400) for an opening whose body is not valid: what
 * the body names where it can be read — an applicant type that does not fit the caller (D6, 403), a report
 * that is unknown or not visible (404) — answers before the validation error, as for a valid body.
 */
const refuseBeforeValidation = async (p: Principal, raw: unknown): Promise<void> => {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return;
  const { applicant, reportId } = raw as { applicant?: { type?: unknown } | null; reportId?: unknown };
  const type = ApplicantType.safeParse(applicant?.type);
  if (type.success && !applicantTypeAllowed(p.role, type.data)) {
    throw uc.applicantTypeRefused(p.role, type.data);
  }
  const id = ClientId.safeParse(reportId);
  if (id.success) {
    const report = await casesRepository.getReport(id.data);
    if (!report || !canReadReport(p, report)) throw notFound();
  }
};

export const handler = httpHandler({
  'POST /v1/cases': async (ctx) => {
    const principal = ctx.principal();
    const parsed = OpenCaseRequest.safeParse(ctx.rawBody());
    if (!parsed.success) {
      await refuseBeforeValidation(principal, ctx.rawBody());
      throw badRequest(fieldErrors(parsed.error.issues as never));
    }
    return { status: 201, body: await uc.openCase(principal, parsed.data, new Date()) };
  },
  'GET /v1/cases': async (ctx) => {
    const principal = ctx.principal();
    requireRole(principal, STAFF_ROLES);
    const parsed = ListCasesQuery.safeParse(ctx.query);
    if (!parsed.success) throw badRequest(fieldErrors(parsed.error.issues as never));
    const { nextToken, ...query } = parsed.data;
    return { status: 200, body: await uc.listCases(principal, query, nextToken) };
  },
  'GET /v1/cases/{caseId}': async (ctx) => ({ status: 200, body: await uc.getCase(ctx.principal(), caseIdOf(ctx), new Date()) }),
  'GET /v1/cases/{caseId}/benefits': async (ctx) => ({ status: 200, body: await uc.getBenefits(ctx.principal(), caseIdOf(ctx)) }),
  'GET /v1/cases/{caseId}/payments': async (ctx) => ({ status: 200, body: await uc.getPayments(ctx.principal(), caseIdOf(ctx)) }),
  'POST /v1/cases/{caseId}/suspension': (ctx) => step(ctx, 'suspension', () => ({ step: 'suspension', ...ctx.body(SuspensionRequest) })),
  'DELETE /v1/cases/{caseId}/suspension': (ctx) => step(ctx, 'resumption', () => ({ step: 'resumption' })),
  'POST /v1/cases/{caseId}/confirmation': (ctx) => step(ctx, 'confirmation', () => ({ step: 'confirmation', ...ctx.body(ConfirmationRequest) })),
  'POST /v1/cases/{caseId}/expenses': (ctx) => step(ctx, 'expenses', () => ({ step: 'expenses', ...ctx.body(ExpensesRequest) })),
  'POST /v1/cases/{caseId}/assessment': (ctx) =>
    step(ctx, 'assessment', () => {
      const { type, ...conclusion } = ctx.body(AssessmentRequest);
      return { step: type === undefined || type === 'initial' ? 'assessment' : type, ...conclusion };
    }),
  // Extension of the contract (D8 +30).
  'POST /v1/cases/{caseId}/assessment-extension': (ctx) =>
    step(ctx, 'assessment-extension', () => ({ step: 'assessment-extension', ...ctx.body(AssessmentExtensionRequest) })),
  'POST /v1/cases/{caseId}/dependants': (ctx) => step(ctx, 'dependants', () => ({ step: 'dependants', ...ctx.body(DependantsRequest) })),
  'POST /v1/cases/{caseId}/approval': (ctx) => step(ctx, 'approval', () => ({ step: 'approval', ...ctx.body(ApprovalRequest) })),
  'POST /v1/cases/{caseId}/resubmission': (ctx) =>
    step(ctx, 'resubmission', () => ({ step: 'resubmission', ...(ctx.event.body ? ctx.body(ResubmissionRequest) : {}) })),
  // D14: a handler changes the payee (200 with the case); with payments, a reviewer who is no maker confirms it.
  'PUT /v1/cases/{caseId}/payee': (ctx) => step(ctx, 'payee', (bundle) => uc.payeeStep(bundle, ctx.body(PayeeRequest)), 200),
  'POST /v1/cases/{caseId}/payee/confirmation': (ctx) => step(ctx, 'payee-confirmation', () => ({ step: 'payee-confirmation' }), 200),
  // D16: life events (a case step: 202 with the case) and certifications (a record: 201 with it).
  'POST /v1/cases/{caseId}/life-events': (ctx) => step(ctx, 'life-event', () => ({ step: 'life-event', ...ctx.body(LifeEventRequest) })),
  'POST /v1/cases/{caseId}/certifications': async (ctx) => {
    const p = ctx.principal();
    const bundle = await uc.forChange(p, STEP_ROLES.certification, caseIdOf(ctx));
    const body = ctx.event.body ? ctx.body(CertificationRequest) : {};
    const { event } = await uc.recordCaseStep(p, bundle, { step: 'certification', ...body }, new Date());
    const after = event.after as { certifiedOn: string; nextDueOn: string };
    return { status: 201, body: { certifiedOn: after.certifiedOn, nextDueOn: after.nextDueOn } };
  },
  // D17: an appeal (a record: 201 with its id, due date and lateness) and its result (a case step: 202 with the case).
  'POST /v1/cases/{caseId}/appeals': async (ctx) => {
    const p = ctx.principal();
    const bundle = await uc.forChange(p, STEP_ROLES.appeal, caseIdOf(ctx));
    const { event } = await uc.recordCaseStep(p, bundle, { step: 'appeal', ...ctx.body(AppealRequest) }, new Date());
    const after = event.after as { appealId: string; due: { date: string; provisional: boolean }; late: boolean };
    return { status: 201, body: { appealId: after.appealId, due: after.due, late: after.late } };
  },
  'POST /v1/cases/{caseId}/appeals/{appealId}/result': (ctx) =>
    step(ctx, 'appeal-result', (bundle) => {
      // An appeal the case does not have is 404, before the body is read (contract precedence).
      const appealId = ctx.path('appealId');
      if (!bundle.record.appeals?.some((a) => a.appealId === appealId)) throw notFound();
      return { step: 'appeal-result', appealId, ...ctx.body(AppealResultRequest) };
    }),
  // D18: assistance between provinces. The assisting staff see the request only; the case stays 404 to them.
  'POST /v1/cases/{caseId}/assistance-requests': async (ctx) => {
    const p = ctx.principal();
    const bundle = await uc.forChange(p, ['handler'], caseIdOf(ctx));
    return { status: 201, body: await uc.createAssistanceRequest(p, bundle, ctx.body(AssistanceRequestBody), new Date()) };
  },
  'GET /v1/assistance-requests': async (ctx) => {
    const p = ctx.principal();
    requireRole(p, STAFF_ROLES);
    const parsed = AssistanceListQuery.safeParse(ctx.query);
    if (!parsed.success) throw badRequest(fieldErrors(parsed.error.issues as never));
    return { status: 200, body: await uc.listAssistanceRequests(p, parsed.data.direction ?? 'received') };
  },
  'POST /v1/assistance-requests/{requestId}/answer': async (ctx) => {
    const p = ctx.principal();
    requireRole(p, STAFF_ROLES);
    const id = ctx.path('requestId');
    if (!ClientId.safeParse(id).success) throw notFound();
    return { status: 200, body: await uc.answerAssistanceRequest(p, id, () => ctx.body(AssistanceAnswerRequest).answer, new Date()) };
  },
});
