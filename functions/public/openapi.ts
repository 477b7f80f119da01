/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the handlers validate with
 * (zod-openapi reads the zod/mini schemas, and their `withMeta` metadata from zod's global registry).
 * Every route in manifest/routes.ts has exactly one operation here (a test checks it).
 */
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import { CalendarResponse, PutCalendarRequest, PutParameterRequest, ResolveParameterQuery, ResolvedParameter } from '../admin/schemas.ts';
import { DeclarationResponse } from '../declarations/schemas.ts';
import { CoverageQuery, CoverageResponse, EnrolmentDaysQuery, EnrolmentDaysResponse } from '../enrolment/schemas.ts';
import { OrdersRequestDoc, OrdersResponse } from '../orders/schemas.ts';
import {
  CreatePlatformRequest,
  PlatformClientResponse,
  PlatformRegistrationResponse,
  PlatformResponse,
  ProvinceEnrolmentSchema,
} from '../platforms/schemas.ts';
import { ROUTES, routeKey } from '../../manifest/routes.ts';
import { ProblemSchema } from '../_shared/schemas.ts';
import * as z from '../_shared/zod.ts';
import { WorkersRequestDoc, WorkersResponse } from '../workers/schemas.ts';
import {
  ApprovalRequest,
  AssessmentExtensionRequest,
  AssessmentRequest,
  BenefitsResponse,
  CaseListResponse,
  CaseResponse,
  ConfirmationRequest,
  DependantsRequest,
  ExpensesRequest,
  ListCasesQuery,
  OpenCaseRequest,
  PaymentsResponse,
  ResubmissionRequest,
  SuspensionRequest,
} from '../cases/schemas.ts';
import { RunResponse, StartRunRequest, StartRunResponse } from '../payment-runs/schemas.ts';
import {
  ContentLinkResponse,
  DocumentListResponse,
  UploadRequest,
  UploadResponse,
  WaiverRequest,
  WaiverResponse,
  WithdrawalRequest,
} from '../documents/schemas.ts';
import { DocumentSchema } from '../_shared/document-view.ts';
import { InjuryReportRequest, InjuryReportResponse } from '../reports/schemas.ts';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });
const ok = (schema: z.ZodMiniType, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const body = (schema: z.ZodMiniType) => ({ required: true, content: { 'application/json': { schema } } });

const errors = {
  '400': problem('Validation failed; `errors[].path` names each bad field'),
  '401': problem('Not authenticated'),
  '403': problem('The role may not do this'),
  '404': problem('Unknown or not visible'),
  '429': problem('Platform callers: over the per-platform request-rate limit; retry after `Retry-After` seconds'),
} as const;
const postErrors = {
  ...errors,
  '409': problem('State conflict or duplicate'),
  '413': problem('Body over 1 MiB'),
  '415': problem('Content type other than application/json'),
  '422': problem('Business rule refused, or Idempotency-Key reused with another body'),
} as const;

const idempotencyKey = z.withMeta(z.optional(z.string().check(z.minLength(1), z.maxLength(64))), {
  description: 'Replays the first response for the same caller, key and body.',
});
const PlatformPath = z.object({ platformId: z.string() });
const WorkerPath = z.object({ workerId: z.string() });

const OPERATIONS: Record<string, ZodOpenApiOperationObject> = {
  'GET /health': { summary: 'Health check', security: [], responses: { '200': ok(z.object({ status: z.literal('ok') })) } },
  'GET /openapi.json': { summary: 'This document', security: [], responses: { '200': ok(z.record(z.string(), z.unknown())) } },
  'PUT /v1/parameters': {
    summary: 'Add a parameter version (admin); never edits history',
    requestBody: body(PutParameterRequest),
    responses: { '201': ok(PutParameterRequest, 'Created'), '200': ok(PutParameterRequest, 'Replay of the same version'), ...postErrors },
  },
  'GET /v1/parameters/resolve': {
    summary: 'The version in force on a date for a scope (staff)',
    requestParams: { query: ResolveParameterQuery },
    responses: { '200': ok(ResolvedParameter), ...errors },
  },
  'PUT /v1/calendars/{year}': {
    summary: "Load a year's national holiday arrangement (admin, D12)",
    requestParams: { path: z.object({ year: z.string() }) },
    requestBody: body(PutCalendarRequest),
    responses: { '200': ok(CalendarResponse), ...postErrors },
  },
  'GET /v1/calendars/{year}': {
    summary: "A year's holiday arrangement",
    requestParams: { path: z.object({ year: z.string() }) },
    responses: { '200': ok(CalendarResponse), ...errors },
  },
  'POST /v1/platforms': {
    summary: 'Register a platform with its app client (admin); the client secret is in this response only',
    description:
      'Creates the platform and its OAuth app client (client-credentials flow, scope `claims-api/platform`). `clientSecret` is returned once and never stored: an `Idempotency-Key` does not replay this response (a retried registration answers 409 on the credit code); re-issue the client with `POST /v1/platforms/{platformId}/client` if the secret is lost.',
    requestParams: { header: z.object({ 'idempotency-key': idempotencyKey }) },
    requestBody: body(CreatePlatformRequest),
    responses: { '201': ok(PlatformRegistrationResponse, 'Created, with the app client credentials'), ...postErrors },
  },
  'GET /v1/platforms/{platformId}': {
    summary: 'A platform (admin, or that platform)',
    requestParams: { path: PlatformPath },
    responses: { '200': ok(PlatformResponse), ...errors },
  },
  'POST /v1/platforms/{platformId}/provinces': {
    summary: 'The platform joins another province (admin)',
    requestParams: { path: PlatformPath, header: z.object({ 'idempotency-key': idempotencyKey }) },
    requestBody: body(ProvinceEnrolmentSchema),
    responses: { '201': ok(PlatformResponse, 'Created'), ...postErrors },
  },
  'POST /v1/platforms/{platformId}/client': {
    summary: "Issue a new app client to a platform (admin); replaces and deletes the platform's current client",
    description:
      'Recovers a platform whose client secret was lost or never delivered, and rotates a leaked one. The previous client stops being accepted (within the authorizer and registry caches, at most 15 minutes) and is deleted from the user pool. The secret is in the first response only; the same `Idempotency-Key` replays the 201 without it (no second client).',
    requestParams: { path: PlatformPath },
    responses: {
      '201': ok(PlatformClientResponse, 'Issued'),
      '401': errors['401'],
      '403': errors['403'],
      '404': errors['404'],
      '429': errors['429'],
      '409': problem("Another re-issue of this platform's client ran at the same time; retry"),
    },
  },
  'PUT /v1/platforms/{platformId}/workers': {
    summary: 'Register workers in a batch of 1–500 (that platform); a bad item is rejected alone',
    requestParams: { path: PlatformPath },
    requestBody: body(WorkersRequestDoc),
    responses: { '200': ok(WorkersResponse), ...postErrors },
  },
  'POST /v1/platforms/{platformId}/orders': {
    summary: 'Push orders in a batch of 1–1000 (that platform); each order counts once',
    requestParams: { path: PlatformPath, header: z.object({ 'idempotency-key': idempotencyKey }) },
    requestBody: body(OrdersRequestDoc),
    responses: { '200': ok(OrdersResponse), ...postErrors },
  },
  'GET /v1/platforms/{platformId}/declarations/{month}': {
    summary: 'Monthly fee declaration (that platform, admin, D5)',
    requestParams: { path: z.extend(PlatformPath, { month: z.string() }) },
    responses: { '200': ok(DeclarationResponse), ...errors, '422': problem('A needed rate is not configured') },
  },
  'GET /v1/workers/{workerId}/enrolment-days': {
    summary: "A worker's enrolment days (D3)",
    requestParams: { path: WorkerPath, query: EnrolmentDaysQuery },
    responses: { '200': ok(EnrolmentDaysResponse), ...errors },
  },
  'GET /v1/workers/{workerId}/coverage': {
    summary: 'Was a moment covered, and by which order (D4)',
    requestParams: { path: WorkerPath, query: CoverageQuery },
    responses: { '200': ok(CoverageResponse), ...errors, '422': problem('A coverage parameter (D4) is not configured for the date') },
  },
  ...caseOperations(),
};

function caseOperations(): Record<string, ZodOpenApiOperationObject> {
  const CasePath = z.object({ caseId: z.string() });
  const DocumentPath = z.object({ caseId: z.string(), documentId: z.string() });
  const header = z.object({ 'idempotency-key': idempotencyKey });
  const step = (summary: string, request: z.ZodMiniType | undefined) => ({
    summary,
    requestParams: { path: CasePath, header },
    ...(request ? { requestBody: body(request) } : {}),
    responses: { '202': ok(CaseResponse, 'Recorded; the case as it stands (the workflow applies the step)'), ...postErrors },
  });
  return {
    'POST /v1/injury-reports': {
      summary: 'File an injury report (platform for its workers, or the worker): coverage verdict and order snapshot (D4, D11)',
      requestParams: { header },
      requestBody: body(InjuryReportRequest),
      responses: { '201': ok(InjuryReportResponse, 'Created'), ...postErrors },
    },
    'POST /v1/cases': {
      summary: 'Open the bundled case for a report (D6); starts its workflow',
      requestParams: { header },
      requestBody: body(OpenCaseRequest),
      responses: { '201': ok(CaseResponse, 'Created'), ...postErrors },
    },
    'GET /v1/cases': {
      summary: 'Cases by status and province (staff), paginated',
      requestParams: { query: ListCasesQuery },
      responses: { '200': ok(CaseListResponse), ...errors },
    },
    'GET /v1/cases/{caseId}': {
      summary: 'A case with deadlines, escalations, payments and timeline',
      requestParams: { path: CasePath },
      responses: { '200': ok(CaseResponse), ...errors },
    },
    'POST /v1/cases/{caseId}/suspension': step('Suspend the confirmation clock (handler, D7)', SuspensionRequest),
    'DELETE /v1/cases/{caseId}/suspension': {
      summary: 'Resume the confirmation clock (handler, D7)',
      requestParams: { path: CasePath },
      responses: { '202': ok(CaseResponse, 'Resumed'), ...errors, '409': problem('Not suspended, or the status does not accept it') },
    },
    'POST /v1/cases/{caseId}/confirmation': step('Record the confirmation decision (handler, D7)', ConfirmationRequest),
    'POST /v1/cases/{caseId}/expenses': step('Add expenses and inpatient days (handler)', ExpensesRequest),
    'POST /v1/cases/{caseId}/assessment': step('Record an assessment conclusion (assessor, D8)', AssessmentRequest),
    'POST /v1/cases/{caseId}/assessment-extension': step(
      'Extend the assessment conclusion deadline by the D8 extension, once, with a reason (assessor; AWAITING_ASSESSMENT only, else 409)',
      AssessmentExtensionRequest,
    ),
    'POST /v1/cases/{caseId}/dependants': step('Record the dependants of a death case (handler)', DependantsRequest),
    'GET /v1/cases/{caseId}/benefits': {
      summary: 'The benefit calculation (D9)',
      requestParams: { path: CasePath },
      responses: { '200': ok(BenefitsResponse), ...errors },
    },
    'POST /v1/cases/{caseId}/approval': step('Approve (pays) or return the calculation (reviewer, maker-checker D10)', ApprovalRequest),
    'POST /v1/cases/{caseId}/resubmission': step('Resubmit a returned case (handler)', ResubmissionRequest),
    'GET /v1/cases/{caseId}/payments': {
      summary: 'Every payment of the case',
      requestParams: { path: CasePath },
      responses: { '200': ok(PaymentsResponse), ...errors },
    },
    'POST /v1/cases/{caseId}/documents': {
      summary: "Request a presigned upload of a document (the case's worker, its platform, a handler; D13): PDF, JPEG or PNG, ≤ 20 MiB, valid ≤ 15 minutes",
      requestParams: { path: CasePath, header },
      requestBody: body(UploadRequest),
      responses: { '201': ok(UploadResponse, 'Created UPLOADING; the check after upload makes it AVAILABLE or REJECTED'), ...postErrors },
    },
    'GET /v1/cases/{caseId}/documents': {
      summary: "The case's documents and its checklist: required, missing (all at once), waived, conditional (D13)",
      requestParams: { path: CasePath },
      responses: { '200': ok(DocumentListResponse), ...errors },
    },
    'GET /v1/cases/{caseId}/documents/{documentId}': {
      summary: 'One document and its status',
      requestParams: { path: DocumentPath },
      responses: { '200': ok(DocumentSchema), ...errors },
    },
    'GET /v1/cases/{caseId}/documents/{documentId}/content': {
      summary: 'A presigned download (≤ 5 minutes) of an AVAILABLE document: 302, or 200 with `Accept: application/json`',
      requestParams: { path: DocumentPath },
      responses: {
        '200': ok(ContentLinkResponse, 'With Accept: application/json'),
        '302': { description: 'Location: the presigned URL' },
        ...errors,
        '409': problem('The document is not AVAILABLE'),
      },
    },
    'POST /v1/cases/{caseId}/documents/{documentId}/withdrawal': {
      summary: 'Withdraw a document (its uploader or a handler): WITHDRAWN, kept, no longer counted',
      requestParams: { path: DocumentPath, header },
      requestBody: body(WithdrawalRequest),
      responses: { '200': ok(DocumentSchema, 'Withdrawn'), ...postErrors },
    },
    'POST /v1/cases/{caseId}/document-waivers': {
      summary: 'Waive a required document the handler holds on paper, with a reason (handler; D13)',
      requestParams: { path: CasePath, header },
      requestBody: body(WaiverRequest),
      responses: { '201': ok(WaiverResponse, 'Waived'), ...postErrors },
    },
    'POST /v1/payment-runs': {
      summary: "Pay a month's monthly items (admin); the current or the next month",
      requestParams: { header },
      requestBody: body(StartRunRequest),
      responses: { '202': ok(StartRunResponse, 'Started'), ...postErrors },
    },
    'GET /v1/payment-runs/{runId}': {
      summary: 'A payment run (admin)',
      requestParams: { path: z.object({ runId: z.string() }) },
      responses: { '200': ok(RunResponse), ...errors },
    },
  };
}

export const openApiDocument = () => {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of ROUTES) {
    const operation = OPERATIONS[routeKey(route)];
    if (!operation) throw new Error(`No OpenAPI operation for ${routeKey(route)}`);
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Platform workers occupational-injury protection — claims API',
      version: '1.0.0',
      description: '新就业形态人员职业伤害保障: platforms, enrolment, contributions, injury reports and cases.',
    },
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  });
};
