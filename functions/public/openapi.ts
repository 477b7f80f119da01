/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the handlers validate with
 * (zod-openapi reads the zod/mini schemas, and their `withMeta` metadata from zod's global registry).
 * Every route in manifest/routes.ts has exactly one operation here (a test checks it), with a stable
 * `operationId`, its route group's tag, who may call it (`security`) and an example of every request body
 * and every 2xx response body. The examples live here, next to the operations, and a test parses each one
 * with the operation's zod schema. `npm run openapi` writes the committed copy, openapi/openapi.json.
 */
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import { CalendarResponse, PutCalendarRequest, PutParameterRequest, ResolveParameterQuery, ResolvedParameter } from '../admin/schemas.ts';
import {
  ClosingRequest,
  CreditRecordsQuery,
  CreditRecordsResponse,
  DeclarationResponse,
  EmploymentReportQuery,
  EmploymentReportResponse,
  ReopeningRequest,
  SettlementRequest,
  SettlementResponse,
} from '../declarations/schemas.ts';
import { CoverageQuery, CoverageResponse, EnrolmentDaysQuery, EnrolmentDaysResponse } from '../enrolment/schemas.ts';
import { OrdersRequestDoc, OrdersResponse } from '../orders/schemas.ts';
import {
  CreatePlatformRequest,
  PlatformClientResponse,
  PlatformRegistrationResponse,
  PlatformResponse,
  ProvinceEnrolmentSchema,
} from '../platforms/schemas.ts';
import type { FunctionName } from '../../manifest/functions.ts';
import { PLATFORM_SCOPE } from '../../manifest/identity.ts';
import { ROUTES, routeKey } from '../../manifest/routes.ts';
import { ErrorCatalogueSchema, ErrorCodeEntrySchema, ProblemSchema } from '../_shared/schemas.ts';
import * as z from '../_shared/zod.ts';
import { WorkersRequestDoc, WorkersResponse } from '../workers/schemas.ts';
import {
  AppealFiledResponse,
  AppealRequest,
  AppealResultRequest,
  AssistanceAnswerRequest,
  AssistanceCreatedResponse,
  AssistanceItem,
  AssistanceListQuery,
  AssistanceListResponse,
  AssistanceRequestBody,
  ApprovalRequest,
  AssessmentExtensionRequest,
  AssessmentRequest,
  BenefitsResponse,
  CaseListResponse,
  CaseResponse,
  CertificationRequest,
  CertificationResponse,
  ConfirmationRequest,
  DependantsRequest,
  ExpensesRequest,
  LifeEventRequest,
  ListCasesQuery,
  OpenCaseRequest,
  PayeeRequest,
  PaymentsResponse,
  ResubmissionRequest,
  SuspensionRequest,
} from '../cases/schemas.ts';
import { RunResponse, StartRunRequest, StartRunResponse } from '../payment-runs/schemas.ts';
import {
  BankFileQuery,
  BankResultsRequest,
  BankResultsResponse,
  BatchCreatedResponse,
  BatchResponse,
  CreateBatchRequest,
  FundReportQuery,
  FundReportResponse,
} from '../payment-batches/schemas.ts';
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
import { InjuryReportRequest, InjuryReportResponse, PlatformReportsQuery, ReportListResponse, WorkerReportsQuery } from '../reports/schemas.ts';
import { StatisticsQuery, StatisticsResponse } from '../statistics/schemas.ts';
import { NotificationsResponse } from '../notifications/schemas.ts';
import { DeliveriesResponse, RedeliveryResponse, WebhookRequest, WebhookSecretResponse } from '../webhooks/schemas.ts';

// ---- Examples (one per request body and 2xx response body; a test parses each with its zod schema) ----

const PLATFORM_ID = 'plt_3f2b6c0e9a1d4b7c8e5f0a2b4c6d8e0f';
const WORKER_ID = 'wkr_7a1c3e5b9d2f4a6c8e0b1d3f5a7c9e2b';
const CASE_ID = 'C5e2a9c41b7d3f086';
const REPORT_ID = 'R9b4d2f6a1c8e3057';
const DOCUMENT_ID = 'D1a2b3c4d5e6f7a8b';
const ORDER_ID = 'order-20250801-0001';
const PROVINCE = { code: '110000', joinedOn: '2025-07-01' };
const PLATFORM = {
  platformId: PLATFORM_ID,
  name: '北京某某网络科技有限公司',
  creditCode: '91110108551385082Q',
  industries: ['FOOD_DELIVERY'],
  provinces: [PROVINCE],
  createdAt: '2025-07-01T01:30:00.000Z',
};
const CREDENTIALS = { clientId: '4b1h2k3m4n5p6q7r8s9t0u1v2w', clientSecret: '1q2w3e4r5t6y7u8i9o0p1a2s3d4f5g6h7j8k9l0z1x2c3v4b5n6' };
const PARAMETER = { name: 'contributionRateFen', scope: { province: '110000', industry: 'FOOD_DELIVERY' }, effectiveFrom: '2025-07-01', value: 4 };
const CALENDAR = { holidays: ['2026-01-01', '2026-01-02', '2026-01-03'], workdays: ['2026-01-04'] };
const COVERAGE = { covered: true, orderId: ORDER_ID, reason: 'COVERED' };
const CHECKLIST = {
  step: 'UNDER_REVIEW',
  required: ['ID_PROOF', 'MEDICAL_DIAGNOSIS', 'ACCIDENT_STATEMENT'],
  missing: ['ID_PROOF', 'ACCIDENT_STATEMENT'],
  waived: [],
  conditional: [{ type: 'POLICE_REPORT', when: 'ORDER_TASK_TRAFFIC' }],
};
/** A document as the upload request creates it (UPLOADING), then as the check after upload leaves it (AVAILABLE). */
const UPLOADING = {
  documentId: DOCUMENT_ID,
  type: 'MEDICAL_DIAGNOSIS',
  fileName: '诊断证明.pdf',
  contentType: 'application/pdf',
  sizeBytes: 482113,
  status: 'UPLOADING',
  createdAt: '2025-08-02T01:00:00.000Z',
  uploadedBy: WORKER_ID,
};
const DOCUMENT = {
  ...UPLOADING,
  status: 'AVAILABLE',
  uploadedAt: '2025-08-02T01:01:12.000Z',
  sha256: 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9',
};
/** A report as the report lists show it. */
const REPORT_SUMMARY = {
  reportId: REPORT_ID,
  platformId: PLATFORM_ID,
  workerId: WORKER_ID,
  platformWorkerId: 'rider-000123',
  occurredAt: '2025-08-01T10:30:00+08:00',
  injuryDate: '2025-08-01',
  province: '110000',
  place: '北京市朝阳区建国路88号附近',
  orderId: ORDER_ID,
  coverage: COVERAGE,
  reportedAt: '2025-08-01T03:05:00.000Z',
};
const ASSISTANCE = {
  requestId: 'AR4c1d2e3f4a5b6c7d',
  caseId: CASE_ID,
  fromProvince: '110000',
  province: '310000',
  task: '请协助调取上海市某医院的住院病历。',
  occurredOn: '2025-08-01',
  place: '上海市浦东新区某路口',
  kind: 'injury',
  requestedAt: '2025-09-01T02:00:00.000Z',
};
const BENEFITS = {
  lines: [
    { item: 'medical', key: 'medical', amountFen: 1250000, monthly: false, basis: { inCatalogueFen: 1250000 } },
    { item: 'inpatient_meals', key: 'inpatient_meals', amountFen: 36000, monthly: false, basis: { rateFenPerDay: 3000, days: 12 } },
  ],
  oneOffTotalFen: 1286000,
  monthlyTotalFen: 0,
  calculated: true,
};
const PAYMENT = {
  paymentId: `${CASE_ID}-P0001`,
  kind: 'approval',
  amountFen: 1286000,
  status: 'INSTRUCTED',
  items: [
    { item: 'medical', key: 'medical', amountFen: 1250000 },
    { item: 'inpatient_meals', key: 'inpatient_meals', amountFen: 36000 },
  ],
};
const CASE = {
  caseId: CASE_ID,
  status: 'UNDER_REVIEW',
  kind: 'injury',
  workerId: WORKER_ID,
  platformId: PLATFORM_ID,
  province: '110000',
  occurredAt: '2025-08-01T10:30:00+08:00',
  late: false,
  coverage: COVERAGE,
  deadlines: { applicationDue: { date: '2025-08-31', provisional: false }, confirmationDue: { date: '2025-09-12', provisional: true } },
  documents: [DOCUMENT],
  checklist: CHECKLIST,
  escalations: [],
  payments: [],
  timeline: [{ at: '2025-08-02T00:58:00.000Z', actor: PLATFORM_ID, action: 'case.opened' }],
};

const BATCH_ID = 'B3f9a1c2e4d6b8a07';
const BATCH_PAYMENT = `${CASE_ID}-P0001`;
const BATCH = {
  batchId: BATCH_ID,
  province: '110000',
  status: 'READY',
  payments: 2,
  totalFen: 1_336_000,
  createdAt: '2025-09-01T02:00:00.000Z',
};
const DEBTOR = {
  name: '北京市社会保险事业管理中心职业伤害保障基金支出户',
  account: '02001000191100000001',
  bankName: '中国工商银行股份有限公司北京市分行营业部',
  bankCode: '102100000001',
};
const BANK_CSV = [
  'paymentId,caseId,payeeName,bankAccount,bankName,bankCode,amountYuan',
  `${BATCH_PAYMENT},${CASE_ID},张三,6222020200112233,中国工商银行北京朝阳支行,102100000030,12860.00`,
  'C7a0b1c2d3e4f5a6b-P0002,C7a0b1c2d3e4f5a6b,李四,6217001234567890,中国建设银行北京分行,,500.00',
  '',
].join('\r\n');
const BANK_XML = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">
  <CstmrCdtTrfInitn>
    <GrpHdr><MsgId>${BATCH_ID}</MsgId><CreDtTm>2025-09-01T10:00:00+08:00</CreDtTm><NbOfTxs>2</NbOfTxs><CtrlSum>13360.00</CtrlSum>…</GrpHdr>
    <PmtInf>…<CdtTrfTxInf><PmtId><EndToEndId>${BATCH_PAYMENT}</EndToEndId></PmtId>…</CdtTrfTxInf>…</PmtInf>
  </CstmrCdtTrfInitn>
</Document>
`;
const FUND_ROW = { instructedFen: 0, sentFen: 0, paidFen: 0, returnedFen: 0, cancelledFen: 0 };

// ---- Responses, bodies, security -------------------------------------------------------------------

const PROBLEM = { 'application/problem+json': { schema: ProblemSchema } };
const problem = (description: string) => ({ description, content: PROBLEM });
const ok = (schema: z.ZodMiniType, example: unknown, description = 'OK') => ({ description, content: { 'application/json': { schema, example } } });
const body = (schema: z.ZodMiniType, example: unknown) => ({ required: true, content: { 'application/json': { schema, example } } });

const errors = {
  '400': problem('Validation failed; `errors[].path` names each bad field'),
  '401': problem('Not authenticated'),
  '403': problem('The role may not do this'),
  '404': problem('Unknown or not visible'),
  '429': problem('Over the request-rate limit (per platform, or the API stage throttle); retry after `Retry-After` seconds'),
} as const;
const postErrors = {
  ...errors,
  '409': problem('State conflict or duplicate'),
  '413': problem('Body over 1 MiB'),
  '415': problem('Content type other than application/json'),
  '422': problem('Business rule refused, or Idempotency-Key reused with another body'),
} as const;

/** The OAuth2 security schemes: platforms' machine clients, and people (staff and workers) through the hosted UI. */
const PLATFORM_AUTH = 'platformClientCredentials';
const PEOPLE_AUTH = 'peopleAuthorizationCode';
const COGNITO_DOMAIN = 'https://{cognitoDomainPrefix}.auth.{region}.amazoncognito.com';

/** Who may call an operation: which OAuth2 scheme(s) its token comes from. */
type Callers = 'public' | 'platforms' | 'people' | 'platforms and people';
const SECURITY: Record<Callers, Array<Record<string, string[]>>> = {
  public: [],
  platforms: [{ [PLATFORM_AUTH]: [PLATFORM_SCOPE] }],
  people: [{ [PEOPLE_AUTH]: [] }],
  'platforms and people': [{ [PLATFORM_AUTH]: [PLATFORM_SCOPE] }, { [PEOPLE_AUTH]: [] }],
};

/** The tag of each route group (manifest/functions.ts), in the order the document lists them. */
const TAGS: Record<FunctionName, { name: string; description: string }> = {
  platforms: { name: 'Platforms', description: 'Platform registration, provinces and app clients (admin)' },
  workers: { name: 'Workers', description: 'Worker registration in batches (platforms)' },
  orders: { name: 'Orders', description: 'Orders in batches: enrolment days and fees (platforms)' },
  declarations: { name: 'Declarations', description: 'Monthly fee declarations (D5), month close and settlements, credit records, employment reports (D19)' },
  enrolment: { name: 'Enrolment', description: "A worker's enrolment days and coverage (D3, D4)" },
  reports: { name: 'Reports', description: 'Injury reports with the coverage verdict (D4, D11)' },
  cases: { name: 'Cases', description: 'The bundled case: confirmation, assessment, benefits, approval, payments (D6–D10)' },
  documents: { name: 'Documents', description: 'Evidence documents: presigned uploads, checklist, waivers (D13)' },
  paymentRuns: { name: 'Payment runs', description: "A month's monthly benefit payments (admin)" },
  notifications: { name: 'Notifications', description: "A worker's inbox: the messages also sent by SMS (D21)" },
  webhooks: { name: 'Webhooks', description: "A platform's signed webhooks (Standard Webhooks): registration, delivery log, redelivery (D21)" },
  statistics: { name: 'Statistics', description: 'Injuries per million orders, days to decision and to first payment, overdue cases, payments by item (D20)' },
  paymentBatches: { name: 'Payment batches', description: 'Bank batches, bank files and results, fund reports (finance, D15)' },
  admin: { name: 'Admin', description: 'Versioned parameters and holiday calendars' },
  public: { name: 'Public', description: 'Health and this document, without authentication' },
};

interface Operation extends ZodOpenApiOperationObject {
  readonly operationId: string;
  readonly callers: Callers;
}

const idempotencyKey = z.withMeta(z.optional(z.string().check(z.minLength(1), z.maxLength(64))), {
  description: 'Replays the first response for the same caller, key and body.',
});
const PlatformPath = z.object({ platformId: z.string() });
const DECLARATION = {
  platformId: PLATFORM_ID,
  month: '2025-08',
  status: 'CLOSED',
  closesOn: '2025-09-15',
  provisional: false,
  projectionCaughtUp: true,
  lines: [
    {
      province: '110000',
      industry: 'FOOD_DELIVERY',
      orders: 20000,
      rateFen: 4,
      amountFen: 80000,
      rateVersion: 'contributionRateFen@province=110000,industry=FOOD_DELIVERY@2025-07-01',
    },
  ],
  totalFen: 80000,
  settledFen: 50000,
  dueFen: 30000,
  settlements: [{ settlementId: 'S3f9a1c2b4d5e6f70', amountFen: 50000, paidOn: '2025-09-12', recordedAt: '2025-09-12T10:20:00+08:00', recordedBy: 'admin-1' }],
};
const STATISTICS = {
  months: [
    {
      month: '2025-08',
      orders: 1250000,
      reports: 4,
      confirmedCases: 3,
      injuriesPerMillionOrders: 2.4,
      daysToDecision: { median: 21, p90: 48 },
      daysToFirstPayment: { median: 35, p90: 70 },
      overdueCases: 1,
      paymentsByItemFen: { medical: 1280000, inpatient_meals: 42000 },
    },
  ],
};
const EMPLOYMENT_REPORT = {
  platformId: PLATFORM_ID,
  month: '2025-08',
  totals: { workers: 120, enrolmentDays: 2100, orders: 20000, feeFen: 80000, injuryReports: 2 },
  byProvince: [{ province: '110000', workers: 120, enrolmentDays: 2100 }],
  byProvinceIndustry: [{ province: '110000', industry: 'FOOD_DELIVERY', orders: 20000, feeFen: 80000 }],
  casesByStatus: { UNDER_REVIEW: 1, PAID: 1 },
};
const WorkerPath = z.object({ workerId: z.string() });

const MAKER_CHECKER_ENTRY = {
  code: 'MAKER_CHECKER',
  type: '/errors/MAKER_CHECKER',
  status: 403,
  title: '经办与审核须分离',
  title_en: 'Maker-checker',
  detail: '审核人员不能审批自己做过变更的案件（D14）。',
  detail_en: 'Maker-checker (D14): the reviewer made a change to this case.',
};

/** Every operation, by route key; exported for the test that parses each example with its schema. */
export const OPERATIONS: Record<string, Operation> = {
  'GET /health': {
    operationId: 'getHealth',
    callers: 'public',
    summary: 'Health check',
    responses: { '200': ok(z.object({ status: z.literal('ok') }), { status: 'ok' }), '429': errors['429'] },
  },
  'GET /openapi.json': {
    operationId: 'getOpenApiDocument',
    callers: 'public',
    summary: 'This document',
    responses: {
      '200': ok(z.record(z.string(), z.unknown()), {
        openapi: '3.1.0',
        info: { title: 'Platform workers occupational-injury protection — claims API', version: '1.0.0' },
      }),
      '429': errors['429'],
    },
  },
  'GET /errors': {
    operationId: 'listErrorCodes',
    callers: 'public',
    summary: 'The error catalogue: every problem code with its status and titles (docs/errors.md)',
    responses: { '200': ok(ErrorCatalogueSchema, { items: [MAKER_CHECKER_ENTRY] }), '429': errors['429'] },
  },
  'GET /errors/{code}': {
    operationId: 'getErrorCode',
    callers: 'public',
    summary: "One error code's entry: what a problem's `type` resolves to",
    requestParams: { path: z.object({ code: z.string() }) },
    responses: { '200': ok(ErrorCodeEntrySchema, MAKER_CHECKER_ENTRY), '404': errors['404'], '429': errors['429'] },
  },
  'PUT /v1/parameters': {
    operationId: 'putParameterVersion',
    callers: 'people',
    summary: 'Add a parameter version (admin); never edits history',
    requestBody: body(PutParameterRequest, PARAMETER),
    responses: { '201': ok(PutParameterRequest, PARAMETER, 'Created'), '200': ok(PutParameterRequest, PARAMETER, 'Replay of the same version'), ...postErrors },
  },
  'GET /v1/parameters/resolve': {
    operationId: 'resolveParameter',
    callers: 'people',
    summary: 'The version in force on a date for a scope (staff)',
    requestParams: { query: ResolveParameterQuery },
    responses: { '200': ok(ResolvedParameter, PARAMETER), ...errors },
  },
  'PUT /v1/calendars/{year}': {
    operationId: 'putCalendar',
    callers: 'people',
    summary: "Load a year's national holiday arrangement (admin, D12)",
    requestParams: { path: z.object({ year: z.string() }) },
    requestBody: body(PutCalendarRequest, CALENDAR),
    responses: { '200': ok(CalendarResponse, { year: 2026, ...CALENDAR, source: 'loaded' }), ...postErrors },
  },
  'GET /v1/calendars/{year}': {
    operationId: 'getCalendar',
    callers: 'people',
    summary: "A year's holiday arrangement",
    requestParams: { path: z.object({ year: z.string() }) },
    responses: { '200': ok(CalendarResponse, { year: 2026, ...CALENDAR, source: 'loaded' }), ...errors },
  },
  'POST /v1/platforms': {
    operationId: 'registerPlatform',
    callers: 'people',
    summary: 'Register a platform with its app client (admin); the client secret is in this response only',
    description:
      'Creates the platform and its OAuth app client (client-credentials flow, scope `claims-api/platform`). `clientSecret` is returned once and never stored: an `Idempotency-Key` does not replay this response (a retried registration answers 409 on the credit code); re-issue the client with `POST /v1/platforms/{platformId}/client` if the secret is lost.',
    requestParams: { header: z.object({ 'idempotency-key': idempotencyKey }) },
    requestBody: body(CreatePlatformRequest, {
      name: PLATFORM.name,
      creditCode: PLATFORM.creditCode,
      industries: PLATFORM.industries,
      provinces: PLATFORM.provinces,
    }),
    responses: { '201': ok(PlatformRegistrationResponse, { ...PLATFORM, ...CREDENTIALS }, 'Created, with the app client credentials'), ...postErrors },
  },
  'GET /v1/platforms/{platformId}': {
    operationId: 'getPlatform',
    callers: 'platforms and people',
    summary: 'A platform (admin, or that platform)',
    requestParams: { path: PlatformPath },
    responses: { '200': ok(PlatformResponse, PLATFORM), ...errors },
  },
  'POST /v1/platforms/{platformId}/provinces': {
    operationId: 'addPlatformProvince',
    callers: 'people',
    summary: 'The platform joins another province (admin)',
    requestParams: { path: PlatformPath, header: z.object({ 'idempotency-key': idempotencyKey }) },
    requestBody: body(ProvinceEnrolmentSchema, { code: '310000', joinedOn: '2025-09-01' }),
    responses: { '201': ok(PlatformResponse, { ...PLATFORM, provinces: [PROVINCE, { code: '310000', joinedOn: '2025-09-01' }] }, 'Created'), ...postErrors },
  },
  'POST /v1/platforms/{platformId}/client': {
    operationId: 'reissuePlatformClient',
    callers: 'people',
    summary: "Issue a new app client to a platform (admin); replaces and deletes the platform's current client",
    description:
      'Recovers a platform whose client secret was lost or never delivered, and rotates a leaked one. The previous client stops being accepted (within the authorizer and registry caches, at most 15 minutes) and is deleted from the user pool. The secret is in the first response only; the same `Idempotency-Key` replays the 201 without it (no second client).',
    requestParams: { path: PlatformPath },
    responses: {
      '201': ok(PlatformClientResponse, { platformId: PLATFORM_ID, ...CREDENTIALS }, 'Issued'),
      '401': errors['401'],
      '403': errors['403'],
      '404': errors['404'],
      '429': errors['429'],
      '409': problem("Another re-issue of this platform's client ran at the same time; retry"),
    },
  },
  'PUT /v1/platforms/{platformId}/workers': {
    operationId: 'registerWorkers',
    callers: 'platforms',
    summary: 'Register workers in a batch of 1–500 (that platform); a bad item is rejected alone',
    requestParams: { path: PlatformPath },
    requestBody: body(WorkersRequestDoc, {
      workers: [{ platformWorkerId: 'rider-000123', name: '张三', idNumber: '110101199003071233', phone: '13800138000' }],
    }),
    responses: {
      '200': ok(WorkersResponse, { results: [{ index: 0, platformWorkerId: 'rider-000123', status: 'accepted', workerId: WORKER_ID }] }),
      ...postErrors,
    },
  },
  'POST /v1/platforms/{platformId}/orders': {
    operationId: 'pushOrders',
    callers: 'platforms',
    summary: 'Push orders in a batch of 1–1000 (that platform); each order counts once',
    requestParams: { path: PlatformPath, header: z.object({ 'idempotency-key': idempotencyKey }) },
    requestBody: body(OrdersRequestDoc, {
      orders: [
        {
          orderId: ORDER_ID,
          platformWorkerId: 'rider-000123',
          industry: 'FOOD_DELIVERY',
          province: '110000',
          acceptedAt: '2025-08-01T10:05:00+08:00',
          finishedAt: '2025-08-01T10:41:00+08:00',
        },
      ],
    }),
    responses: {
      '200': ok(OrdersResponse, { accepted: 1, duplicates: 0, updated: 0, rejected: 0, results: [{ index: 0, orderId: ORDER_ID, status: 'accepted' }] }),
      ...postErrors,
    },
  },
  'GET /v1/platforms/{platformId}/declarations/{month}': {
    operationId: 'getDeclaration',
    callers: 'platforms and people',
    summary: 'Monthly fee declaration (that platform, admin, D5)',
    requestParams: { path: z.extend(PlatformPath, { month: z.string() }) },
    responses: {
      '200': ok(DeclarationResponse, DECLARATION),
      ...errors,
      '422': problem('A needed rate is not configured'),
    },
  },
  'POST /v1/platforms/{platformId}/declarations/{month}/reopening': {
    operationId: 'reopenDeclaration',
    callers: 'people',
    summary: 'Reopen a CLOSED month for one platform with a written reason (admin, D19; audited)',
    description:
      'Late orders (补报, e.g. after an outage) are accepted again until the month is closed again. 409 `MONTH_NOT_CLOSED` unless the month is CLOSED; 409 `MONTH_ARCHIVED` once its orders have expired to the archive (its close plus `orderHotDaysAfterClose` days: re-sent orders could no longer be recognised as duplicates).',
    requestParams: { path: z.extend(PlatformPath, { month: z.string() }), header: z.object({ 'idempotency-key': idempotencyKey }) },
    requestBody: body(ReopeningRequest, { reason: '2025-09-03 平台接口故障，补报当日订单' }),
    responses: { '200': ok(DeclarationResponse, { ...DECLARATION, status: 'REOPENED', provisional: true }), ...postErrors },
  },
  'POST /v1/platforms/{platformId}/declarations/{month}/closing': {
    operationId: 'closeDeclaration',
    callers: 'people',
    summary: 'Close a REOPENED month again (admin, D19; audited); amounts added meanwhile become due',
    description:
      'The body is optional (`reason` for the audit record). 409 `MONTH_NOT_REOPENED` unless the month is REOPENED. An unsettled bill creates (or opens again) its `UNPAID_CONTRIBUTIONS` record; `declaration.closed` is published.',
    requestParams: { path: z.extend(PlatformPath, { month: z.string() }), header: z.object({ 'idempotency-key': idempotencyKey }) },
    requestBody: { required: false, content: { 'application/json': { schema: ClosingRequest, example: { reason: '补报完成' } } } },
    responses: { '200': ok(DeclarationResponse, DECLARATION), ...postErrors },
  },
  'POST /v1/platforms/{platformId}/declarations/{month}/settlements': {
    operationId: 'recordSettlement',
    callers: 'people',
    summary: 'Record what the platform paid for a month (admin, D19)',
    description:
      'Adds to `settledFen`. The settlement that completes a CLOSED bill resolves its `UNPAID_CONTRIBUTIONS` record (`resolvedOn` = `paidOn`; the record stays). Send an `Idempotency-Key`: a retry with it records nothing twice.',
    requestParams: { path: z.extend(PlatformPath, { month: z.string() }), header: z.object({ 'idempotency-key': idempotencyKey }) },
    requestBody: body(SettlementRequest, { amountFen: 80000, paidOn: '2025-09-20' }),
    responses: {
      '201': ok(
        SettlementResponse,
        {
          settlementId: 'S0f1e2d3c4b5a6978',
          platformId: PLATFORM_ID,
          month: '2025-08',
          amountFen: 80000,
          paidOn: '2025-09-20',
          recordedAt: '2025-09-21T02:00:00.000Z',
          recordedBy: 'admin-0001',
        },
        'Created',
      ),
      ...postErrors,
    },
  },
  'GET /v1/platforms/{platformId}/employment-reports/{month}': {
    operationId: 'getEmploymentReport',
    callers: 'platforms and people',
    summary: "A platform's monthly employment report (用工情况报告; the platform, staff, admin; D19)",
    description:
      '`format=csv` (UTF-8 with BOM, CRLF) or `format=xlsx` (an Excel workbook) download the same figures, one row per figure under Chinese headers (月份, 指标, 省份, 行业, 案件状态, 数值). See docs/reporting.md for each figure.',
    requestParams: { path: z.extend(PlatformPath, { month: z.string() }), query: EmploymentReportQuery },
    responses: {
      '200': {
        description: 'The report (JSON), or its CSV or workbook as an attachment',
        content: {
          'application/json': { schema: EmploymentReportResponse, example: EMPLOYMENT_REPORT },
          'text/csv': { schema: z.string() },
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: z.string() },
        },
      },
      ...errors,
      '422': problem('A needed rate is not configured'),
    },
  },
  'GET /v1/statistics': {
    operationId: 'getStatistics',
    callers: 'platforms and people',
    summary: 'Statistics by month (D20): staff and admin for any platform or all, a platform for itself',
    description:
      'Filters `province`, `industry`, `platformId` (a platform gets its own figures without it; another platform → 403). `from`…`to` spans at most 36 months. `format=csv` (UTF-8 with BOM, CRLF) downloads the same figures, one row per month and figure under Chinese headers (月份, 指标, 项目, 数值). Counters are kept from the change stream: a record is counted within seconds, well inside the one minute the contract allows. See docs/reporting.md for each figure.',
    requestParams: { query: StatisticsQuery },
    responses: {
      '200': {
        description: 'The figures of each month (JSON), or their CSV as an attachment',
        content: { 'application/json': { schema: StatisticsResponse, example: STATISTICS }, 'text/csv': { schema: z.string() } },
      },
      ...errors,
    },
  },
  'GET /v1/credit-records': {
    operationId: 'listCreditRecords',
    callers: 'platforms and people',
    summary: 'Credit records (信用记录, D19): staff and admin see all (or one platform), a platform its own; paginated',
    requestParams: { query: CreditRecordsQuery },
    responses: {
      '200': ok(CreditRecordsResponse, {
        items: [
          {
            recordId: `CR-UNPAID-${PLATFORM_ID}-2025-08`,
            platformId: PLATFORM_ID,
            type: 'UNPAID_CONTRIBUTIONS',
            status: 'resolved',
            fact: { month: '2025-08', dueOn: '2025-09-15', totalFen: 80000 },
            since: '2025-09-16',
            resolvedOn: '2025-09-20',
          },
        ],
        nextToken: 'eyJwIjowLCJrIjp7InBrIjoiQ1JFRElUI0NSLVVOUEFJRC1wbHRfMSJ9fQ',
      }),
      ...errors,
    },
  },
  'GET /v1/workers/{workerId}/enrolment-days': {
    operationId: 'listEnrolmentDays',
    callers: 'platforms and people',
    summary: "A worker's enrolment days (D3)",
    requestParams: { path: WorkerPath, query: EnrolmentDaysQuery },
    responses: { '200': ok(EnrolmentDaysResponse, { days: [{ date: '2025-08-01', platformId: PLATFORM_ID, province: '110000', orders: 12 }] }), ...errors },
  },
  'GET /v1/workers/{workerId}/coverage': {
    operationId: 'getCoverage',
    callers: 'platforms and people',
    summary: 'Was a moment covered, and by which order (D4)',
    requestParams: { path: WorkerPath, query: CoverageQuery },
    responses: { '200': ok(CoverageResponse, COVERAGE), ...errors, '422': problem('A coverage parameter (D4) is not configured for the date') },
  },
  'GET /v1/workers/{workerId}/notifications': {
    operationId: 'listNotifications',
    callers: 'people',
    summary: "The worker's notifications, newest first (the worker; D21)",
    requestParams: { path: WorkerPath },
    responses: {
      '200': ok(NotificationsResponse, {
        items: [
          {
            notificationId: 'ntf_4c1d2e3f4a5b6c7d8e9f0a1b',
            at: '2026-05-01T10:00:00.000Z',
            kind: 'CASE_OPENED',
            text: '【职业伤害保障】案件 cas_0a1b2c3d：您的职业伤害保障待遇申请已受理。下一步：经办机构审核您的申请，如需补充材料将一次性告知；认定结论将于2026年5月18日前作出。',
            caseId: 'cas_0a1b2c3d',
          },
        ],
      }),
      ...errors,
    },
  },
  'PUT /v1/platforms/{platformId}/webhook': {
    operationId: 'putWebhook',
    callers: 'platforms',
    summary: "Register or replace the platform's webhook (that platform); answers a new signing secret, shown once",
    description:
      'Deliveries follow Standard Webhooks: `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature` (`v1,` + base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` keyed with the decoded secret). Bodies are `{ type, timestamp, data }` with identifiers only. A non-2xx answer or none within 10 s is retried with backoff for about 27 hours with the same `webhook-id`.',
    requestParams: { path: PlatformPath },
    requestBody: body(WebhookRequest, { url: 'https://hooks.example.com/injury-claims', events: ['injury_report.created', 'case.status_changed'] }),
    responses: { '200': ok(WebhookSecretResponse, { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }), ...errors },
  },
  'DELETE /v1/platforms/{platformId}/webhook': {
    operationId: 'deleteWebhook',
    callers: 'platforms',
    summary: "Remove the platform's webhook (that platform); pending deliveries are cancelled",
    requestParams: { path: PlatformPath },
    responses: { '204': { description: 'Removed' }, ...errors },
  },
  'GET /v1/platforms/{platformId}/webhook/deliveries': {
    operationId: 'listWebhookDeliveries',
    callers: 'platforms',
    summary: 'The delivery log: every attempt, newest first (that platform)',
    requestParams: { path: PlatformPath },
    responses: {
      '200': ok(DeliveriesResponse, {
        items: [
          {
            deliveryId: 'dlv_9e8d7c6b5a4f3e2d1c0b9a8f',
            webhookId: 'msg_9e8d7c6b5a4f3e2d1c0b9a8f',
            type: 'injury_report.created',
            attempt: 1,
            attemptedAt: '2026-05-01T10:00:01.000Z',
            responseStatus: 200,
          },
        ],
      }),
      ...errors,
    },
  },
  'POST /v1/platforms/{platformId}/webhook/deliveries/{deliveryId}/redelivery': {
    operationId: 'redeliverWebhook',
    callers: 'platforms',
    summary: 'Send a finished (delivered or dead) delivery once more, with the same webhook-id (that platform)',
    requestParams: { path: z.object({ platformId: z.string(), deliveryId: z.string() }) },
    responses: {
      '202': ok(RedeliveryResponse, { deliveryId: 'dlv_9e8d7c6b5a4f3e2d1c0b9a8f', webhookId: 'msg_9e8d7c6b5a4f3e2d1c0b9a8f', status: 'PENDING' }, 'Accepted'),
      ...errors,
      '409': problem('The delivery is still being retried'),
    },
  },
  ...caseOperations(),
};

function caseOperations(): Record<string, Operation> {
  const CasePath = z.object({ caseId: z.string() });
  const DocumentPath = z.object({ caseId: z.string(), documentId: z.string() });
  const header = z.object({ 'idempotency-key': idempotencyKey });
  const step = (operationId: string, summary: string, request: z.ZodMiniType, example: unknown): Operation => ({
    operationId,
    callers: 'people',
    summary,
    requestParams: { path: CasePath, header },
    requestBody: body(request, example),
    responses: { '202': ok(CaseResponse, CASE, 'Recorded; the case as it stands (the workflow applies the step)'), ...postErrors },
  });
  return {
    'POST /v1/injury-reports': {
      operationId: 'fileInjuryReport',
      callers: 'platforms and people',
      summary: 'File an injury report (platform for its workers, or the worker): coverage verdict and order snapshot (D4, D11)',
      requestParams: { header },
      requestBody: body(InjuryReportRequest, {
        platformId: PLATFORM_ID,
        platformWorkerId: 'rider-000123',
        occurredAt: '2025-08-01T10:30:00+08:00',
        province: '110000',
        place: '北京市朝阳区建国路88号附近',
        description: '送餐途中电动自行车被机动车碰撞，右腿受伤。',
        orderId: ORDER_ID,
      }),
      responses: { '201': ok(InjuryReportResponse, { reportId: REPORT_ID, coverage: COVERAGE, orders: 1 }, 'Created'), ...postErrors },
    },
    'GET /v1/platforms/{platformId}/injury-reports': {
      operationId: 'listPlatformInjuryReports',
      callers: 'platforms and people',
      summary:
        "A platform's injury reports of a month, newest first, each with its case and the platform's application deadline (the platform, admin); paginated",
      description:
        "The month is the injury date's (Asia/Shanghai). `applicationDue` is the platform's deadline (D6: 3 working days, D12). `case` is the case opened on the report as it stands now (absent before an application).",
      requestParams: { path: PlatformPath, query: PlatformReportsQuery },
      responses: {
        '200': ok(ReportListResponse, {
          items: [
            { ...REPORT_SUMMARY, applicationDue: { date: '2025-08-06', provisional: false }, caseId: CASE_ID, case: { status: 'UNDER_REVIEW', late: false } },
          ],
          nextToken: 'eyJwIjowLCJrIjp7InBrIjoiUkVQT1JUI1I5YjRkIn19',
        }),
        ...errors,
      },
    },
    'GET /v1/workers/{workerId}/injury-reports': {
      operationId: 'listWorkerInjuryReports',
      callers: 'people',
      summary: "A worker's injury reports, newest first, each with its case and the worker's application deadline (the worker, admin); paginated",
      description:
        "`applicationDue` is the worker's deadline (D6: 30 days, moved to a working day, D12). `case` is the case opened on the report as it stands now (absent before an application): the rider's 我的案件.",
      requestParams: { path: WorkerPath, query: WorkerReportsQuery },
      responses: {
        '200': ok(ReportListResponse, {
          items: [{ ...REPORT_SUMMARY, applicationDue: { date: '2025-08-31', provisional: false } }],
        }),
        ...errors,
      },
    },
    'POST /v1/cases': {
      operationId: 'openCase',
      callers: 'platforms and people',
      summary: 'Open the bundled case for a report (D6); starts its workflow',
      requestParams: { header },
      requestBody: body(OpenCaseRequest, {
        reportId: REPORT_ID,
        kind: 'injury',
        applicant: { type: 'platform' },
        payee: { name: '张三', bankAccount: '6222020200112233446' },
        consent: true,
      }),
      responses: { '201': ok(CaseResponse, CASE, 'Created'), ...postErrors },
    },
    'GET /v1/cases': {
      operationId: 'listCases',
      callers: 'people',
      summary: 'Cases by status and province (staff), paginated',
      requestParams: { query: ListCasesQuery },
      responses: {
        '200': ok(CaseListResponse, { items: [{ caseId: CASE_ID, status: 'UNDER_REVIEW', province: '110000' }], nextToken: 'eyJwayI6IkNBU0UjQzVlMmE5YzQxIn0' }),
        ...errors,
      },
    },
    'GET /v1/cases/{caseId}': {
      operationId: 'getCase',
      callers: 'platforms and people',
      summary: 'A case with deadlines, escalations, payments and timeline',
      requestParams: { path: CasePath },
      responses: { '200': ok(CaseResponse, CASE), ...errors },
    },
    'POST /v1/cases/{caseId}/suspension': step('suspendCase', 'Suspend the confirmation clock (handler, D7)', SuspensionRequest, {
      reason: '等待交警部门出具事故认定书。',
    }),
    'DELETE /v1/cases/{caseId}/suspension': {
      operationId: 'resumeCase',
      callers: 'people',
      summary: 'Resume the confirmation clock (handler, D7)',
      requestParams: { path: CasePath },
      responses: { '202': ok(CaseResponse, CASE, 'Resumed'), ...errors, '409': problem('Not suspended, or the status does not accept it') },
    },
    'POST /v1/cases/{caseId}/confirmation': step('recordConfirmation', 'Record the confirmation decision (handler, D7)', ConfirmationRequest, {
      outcome: 'CONFIRMED',
      basis: 'ORDER_TASK_TRAFFIC',
      assessmentRequired: true,
    }),
    'POST /v1/cases/{caseId}/expenses': step('recordExpenses', 'Add expenses and inpatient days (handler)', ExpensesRequest, {
      items: [{ description: '急诊及住院医疗费', amountFen: 1250000, inCatalogue: true }],
      inpatientDays: 12,
    }),
    'POST /v1/cases/{caseId}/assessment': step('recordAssessment', 'Record an assessment conclusion (assessor, D8)', AssessmentRequest, {
      type: 'initial',
      grade: 7,
      nursing: null,
      concludedOn: '2025-11-20',
    }),
    'POST /v1/cases/{caseId}/assessment-extension': step(
      'extendAssessmentDeadline',
      'Extend the assessment conclusion deadline by the D8 extension, once, with a reason (assessor; AWAITING_ASSESSMENT only, else 409)',
      AssessmentExtensionRequest,
      { reason: '需补充专科检查结果后再作结论。' },
    ),
    'POST /v1/cases/{caseId}/dependants': step('recordDependants', 'Record the dependants of a death case (handler)', DependantsRequest, {
      dependants: [
        { name: '李四', relation: 'spouse', orphanOrAlone: false },
        { name: '张小明', relation: 'child', orphanOrAlone: false, birthDate: '2015-04-09' },
      ],
    }),
    'GET /v1/cases/{caseId}/benefits': {
      operationId: 'getBenefits',
      callers: 'platforms and people',
      summary: 'The benefit calculation (D9)',
      requestParams: { path: CasePath },
      responses: { '200': ok(BenefitsResponse, BENEFITS), ...errors },
    },
    'POST /v1/cases/{caseId}/approval': step(
      'recordApproval',
      'Approve (instructs the payments) or return the calculation named by calculationId (reviewer; stale → 409; any maker of the case → 403; D14, D15)',
      ApprovalRequest,
      { decision: 'approve', calculationId: 'calc-000007', comment: '计算核对无误。' },
    ),
    'PUT /v1/cases/{caseId}/payee': {
      operationId: 'changePayee',
      callers: 'people',
      summary:
        "Change the payee (handler) with an AVAILABLE BANK_ACCOUNT_PROOF of the case; the name must be the beneficiary's (422). With payments, the change waits for a reviewer's confirmation (D14)",
      requestParams: { path: CasePath },
      requestBody: body(PayeeRequest, {
        name: '张三',
        bankAccount: '6212260200000000006',
        bankName: '工商银行北京分行',
        bankCode: '102100000016',
        documentId: 'D5f1c2a9b3e7d4c60',
      }),
      responses: { '200': ok(CaseResponse, CASE, 'Changed, or waiting for confirmation (`pendingPayee`)'), ...postErrors },
    },
    'POST /v1/cases/{caseId}/payee/confirmation': {
      operationId: 'confirmPayeeChange',
      callers: 'people',
      summary: 'Confirm a pending payee change (reviewer who is no maker of the case); re-instructs every returned payment not yet replaced (D14, D15)',
      requestParams: { path: CasePath, header },
      responses: { '200': ok(CaseResponse, CASE, 'Confirmed'), ...postErrors },
    },
    'POST /v1/cases/{caseId}/life-events': step(
      'recordLifeEvent',
      'Record a death or a retirement (handler, from approval on): monthly items end from the month after; instructed payments it ends are cancelled, paid ones recovered (D16)',
      LifeEventRequest,
      { type: 'RETIRED', on: '2026-11-30' },
    ),
    'POST /v1/cases/{caseId}/certifications': {
      operationId: 'certifyEntitlement',
      callers: 'people',
      summary: 'Yearly certification of a person receiving a monthly item (handler, or the worker for themself; D16)',
      requestParams: { path: CasePath, header },
      requestBody: body(CertificationRequest, { personIndex: 1 }),
      responses: { '201': ok(CertificationResponse, { certifiedOn: '2026-12-06', nextDueOn: '2027-12-06' }, 'Certified'), ...postErrors },
    },
    'POST /v1/cases/{caseId}/appeals': {
      operationId: 'fileAppeal',
      callers: 'platforms and people',
      summary:
        'File an appeal (handler; the worker or the platform for their own case) against the latest decision of its kind: due date per D17 and D12; a late one is recorded with late: true (no decision → 409; one open per case and kind of decision → 409)',
      requestParams: { path: CasePath, header },
      requestBody: body(AppealRequest, { kind: 'RECONSIDERATION', against: 'CONFIRMATION', filedOn: '2025-09-10' }),
      responses: { '201': ok(AppealFiledResponse, { appealId: 'A1', due: { date: '2025-10-31', provisional: false }, late: false }, 'Filed'), ...postErrors },
    },
    'POST /v1/cases/{caseId}/appeals/{appealId}/result': {
      operationId: 'recordAppealResult',
      callers: 'people',
      summary:
        'Record the result of an appeal (handler): UPHELD changes nothing; OVERTURNED or VARIED returns the case to the step decided again (confirmation → UNDER_REVIEW, assessment → AWAITING_ASSESSMENT, benefits → recalculated, AWAITING_APPROVAL; paid amounts are netted at the next approval; D17)',
      requestParams: { path: z.object({ caseId: z.string(), appealId: z.string() }), header },
      requestBody: body(AppealResultRequest, { result: 'OVERTURNED', decidedOn: '2025-10-20', summary: '复议机关撤销原不予认定决定，责令重新认定。' }),
      responses: { '202': ok(CaseResponse, CASE, 'Recorded; the workflow applies an OVERTURNED or VARIED result'), ...postErrors },
    },
    'POST /v1/cases/{caseId}/assistance-requests': {
      operationId: 'requestAssistance',
      callers: 'people',
      summary: "Ask another province's staff for help (handler of the case's province; D18): they see the request and the case's non-personal facts only",
      requestParams: { path: CasePath, header },
      requestBody: body(AssistanceRequestBody, { province: '310000', task: '请协助调取上海市某医院的住院病历。' }),
      responses: { '201': ok(AssistanceCreatedResponse, { requestId: 'AR4c1d2e3f4a5b6c7d' }, 'Created'), ...postErrors },
    },
    'GET /v1/assistance-requests': {
      operationId: 'listAssistanceRequests',
      callers: 'people',
      summary: "Assistance requests addressed to the caller's provinces (`received`, default) or sent from them (`sent`) (staff; D18)",
      requestParams: { query: AssistanceListQuery },
      responses: { '200': ok(AssistanceListResponse, { items: [ASSISTANCE] }), ...errors },
    },
    'POST /v1/assistance-requests/{requestId}/answer': {
      operationId: 'answerAssistanceRequest',
      callers: 'people',
      summary: "Answer an assistance request addressed to the caller's province (staff; once, else 409; D18)",
      requestParams: { path: z.object({ requestId: z.string() }), header },
      requestBody: body(AssistanceAnswerRequest, { answer: '已调取住院病历，诊断与申报一致，复印件已寄出。' }),
      responses: {
        '200': ok(
          AssistanceItem,
          { ...ASSISTANCE, answer: '已调取住院病历，诊断与申报一致，复印件已寄出。', answeredAt: '2025-09-03T06:00:00.000Z' },
          'Answered',
        ),
        ...postErrors,
      },
    },
    'POST /v1/cases/{caseId}/resubmission': step('resubmitCase', 'Resubmit a returned case (handler)', ResubmissionRequest, {
      comment: '已按退回意见补充医疗费明细。',
    }),
    'GET /v1/cases/{caseId}/payments': {
      operationId: 'listPayments',
      callers: 'platforms and people',
      summary: 'Every payment of the case',
      requestParams: { path: CasePath },
      responses: { '200': ok(PaymentsResponse, { payments: [PAYMENT] }), ...errors },
    },
    'POST /v1/cases/{caseId}/documents': {
      operationId: 'requestDocumentUpload',
      callers: 'platforms and people',
      summary: "Request a presigned upload of a document (the case's worker, its platform, a handler; D13): PDF, JPEG or PNG, ≤ 20 MiB, valid ≤ 15 minutes",
      requestParams: { path: CasePath, header },
      requestBody: body(UploadRequest, { type: 'MEDICAL_DIAGNOSIS', fileName: '诊断证明.pdf', contentType: 'application/pdf', sizeBytes: 482113 }),
      responses: {
        '201': ok(
          UploadResponse,
          {
            ...UPLOADING,
            upload: {
              method: 'PUT',
              url: `https://claims-documents.s3.cn-north-1.amazonaws.com.cn/cases/${CASE_ID}/${DOCUMENT_ID}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=900&X-Amz-Signature=…`,
              headers: { 'content-type': 'application/pdf', 'content-length': '482113' },
              expiresAt: '2025-08-02T01:15:00.000Z',
            },
          },
          'Created UPLOADING; the check after upload makes it AVAILABLE or REJECTED',
        ),
        ...postErrors,
      },
    },
    'GET /v1/cases/{caseId}/documents': {
      operationId: 'listDocuments',
      callers: 'platforms and people',
      summary: "The case's documents and its checklist: required, missing (all at once), waived, conditional (D13)",
      requestParams: { path: CasePath },
      responses: { '200': ok(DocumentListResponse, { items: [DOCUMENT], checklist: CHECKLIST }), ...errors },
    },
    'GET /v1/cases/{caseId}/documents/{documentId}': {
      operationId: 'getDocument',
      callers: 'platforms and people',
      summary: 'One document and its status',
      requestParams: { path: DocumentPath },
      responses: { '200': ok(DocumentSchema, DOCUMENT), ...errors },
    },
    'GET /v1/cases/{caseId}/documents/{documentId}/content': {
      operationId: 'getDocumentContent',
      callers: 'platforms and people',
      summary: 'A presigned download (≤ 5 minutes) of an AVAILABLE document: 302, or 200 with `Accept: application/json`',
      requestParams: { path: DocumentPath },
      responses: {
        '200': ok(
          ContentLinkResponse,
          {
            url: `https://claims-documents.s3.cn-north-1.amazonaws.com.cn/cases/${CASE_ID}/${DOCUMENT_ID}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=300&X-Amz-Signature=…`,
            expiresAt: '2025-08-03T02:05:00.000Z',
          },
          'With Accept: application/json',
        ),
        '302': { description: 'Location: the presigned URL' },
        ...errors,
        '409': problem('The document is not AVAILABLE'),
      },
    },
    'POST /v1/cases/{caseId}/documents/{documentId}/withdrawal': {
      operationId: 'withdrawDocument',
      callers: 'platforms and people',
      summary: "Withdraw a document (the case's worker, a handler, or the platform that uploaded it): WITHDRAWN, kept, no longer counted",
      requestParams: { path: DocumentPath, header },
      requestBody: body(WithdrawalRequest, { reason: '上传错了文件。' }),
      responses: {
        '200': ok(
          DocumentSchema,
          { ...DOCUMENT, status: 'WITHDRAWN', withdrawal: { by: WORKER_ID, at: '2025-08-02T02:00:00.000Z', reason: '上传错了文件。' } },
          'Withdrawn',
        ),
        ...postErrors,
      },
    },
    'POST /v1/cases/{caseId}/document-waivers': {
      operationId: 'waiveDocument',
      callers: 'people',
      summary: 'Waive a required document the handler holds on paper, with a reason (handler; D13)',
      requestParams: { path: CasePath, header },
      requestBody: body(WaiverRequest, { type: 'ACCIDENT_STATEMENT', reason: '经办人已收到纸质事故说明原件。' }),
      responses: {
        '201': ok(
          WaiverResponse,
          {
            type: 'ACCIDENT_STATEMENT',
            reason: '经办人已收到纸质事故说明原件。',
            by: 'handler-0001',
            at: '2025-08-03T02:00:00.000Z',
            checklist: { ...CHECKLIST, missing: ['ID_PROOF'], waived: [{ type: 'ACCIDENT_STATEMENT', reason: '经办人已收到纸质事故说明原件。' }] },
          },
          'Waived',
        ),
        ...postErrors,
      },
    },
    'POST /v1/payment-runs': {
      operationId: 'startPaymentRun',
      callers: 'people',
      summary: "Pay a month's monthly items (admin); the current or the next month",
      requestParams: { header },
      requestBody: body(StartRunRequest, { month: '2025-09' }),
      responses: { '202': ok(StartRunResponse, { runId: 'run-2025-09-4f1a2b3c4d5e' }, 'Started'), ...postErrors },
    },
    'POST /v1/payment-batches': {
      operationId: 'createPaymentBatch',
      callers: 'people',
      summary: "Send a province's instructed payments to the bank (finance, D15): every INSTRUCTED payment goes into one batch (SENT)",
      description:
        "Recoveries are offset against the case's positive payments (the bank pays the rest); a payment without a payee is `held` (stays INSTRUCTED); a payee without a bank name is sent (the bank routes by the account, or returns it). A batch left ASSEMBLING by a failure is resumed by the next request for the province. 422 `NO_INSTRUCTED_PAYMENTS` when there is nothing to send; 404 for a province not in the caller's `provinces`.",
      requestParams: { header },
      requestBody: body(CreateBatchRequest, { province: '110000' }),
      responses: { '201': ok(BatchCreatedResponse, BATCH, 'Created (or resumed)'), ...postErrors },
    },
    'GET /v1/payment-batches/{batchId}': {
      operationId: 'getPaymentBatch',
      callers: 'people',
      summary: 'A batch, its payments and the downloads of its file (finance, reviewer, admin of its province)',
      requestParams: { path: z.object({ batchId: z.string() }) },
      responses: {
        '200': ok(BatchResponse, {
          ...BATCH,
          createdBy: 'finance-0001',
          debtor: DEBTOR,
          items: [
            { paymentId: BATCH_PAYMENT, caseId: CASE_ID, amountFen: 1_286_000, bankAmountFen: 1_286_000, status: 'PAID' },
            {
              paymentId: 'C7a0b1c2d3e4f5a6b-P0002',
              caseId: 'C7a0b1c2d3e4f5a6b',
              amountFen: 80_000,
              bankAmountFen: 50_000,
              status: 'RETURNED',
              returnReason: '账户已销户',
            },
          ],
          downloads: [{ by: 'finance-0001', at: '2025-09-01T02:05:00.000Z', format: 'pain.001' }],
        }),
        ...errors,
      },
    },
    'GET /v1/payment-batches/{batchId}/file': {
      operationId: 'getPaymentBatchFile',
      callers: 'people',
      summary: "The batch's bank file, payees' accounts in full (finance; every download is audited)",
      description:
        'CSV (`text/csv`, a header row, CRLF, `amountYuan` with two decimals) or ISO 20022 pain.001.001.09 (`application/xml`: `MsgId` = batchId, `EndToEndId` = paymentId), as an attachment. The file of a batch never changes. 409 `BATCH_NOT_READY` while the batch is still ASSEMBLING.',
      requestParams: { path: z.object({ batchId: z.string() }), query: BankFileQuery },
      responses: {
        '200': {
          description: 'The file (Content-Disposition: attachment)',
          content: { 'text/csv': { schema: z.string(), example: BANK_CSV }, 'application/xml': { schema: z.string(), example: BANK_XML } },
        },
        ...errors,
        '409': problem('The batch is still being assembled (BATCH_NOT_READY)'),
        '422': problem('Every payment of the batch was settled by offsets: nothing for the bank, no file (BATCH_EMPTY)'),
        '503': problem('The batch was created a moment ago and its payments are not all indexed yet: retry after `Retry-After` seconds'),
      },
    },
    'POST /v1/payment-batches/{batchId}/results': {
      operationId: 'recordBankResults',
      callers: 'people',
      summary: "The bank's results for a batch's payments (finance): PAID, or RETURNED with the bank's reason",
      description:
        'Per-item results as for the batches of orders: a payment not in the batch, or already settled differently, is `rejected`; the same result again is a `duplicate`. A case whose one-off payments are all PAID moves from APPROVED to PAID.',
      requestParams: { path: z.object({ batchId: z.string() }), header },
      requestBody: body(BankResultsRequest, {
        results: [
          { paymentId: BATCH_PAYMENT, status: 'PAID' },
          { paymentId: 'C7a0b1c2d3e4f5a6b-P0002', status: 'RETURNED', returnReason: '账户已销户' },
        ],
      }),
      responses: {
        '200': ok(BankResultsResponse, {
          accepted: 2,
          duplicates: 0,
          rejected: 0,
          results: [
            { index: 0, paymentId: BATCH_PAYMENT, status: 'accepted' },
            { index: 1, paymentId: 'C7a0b1c2d3e4f5a6b-P0002', status: 'accepted' },
          ],
        }),
        ...postErrors,
      },
    },
    'GET /v1/fund-reports/{month}': {
      operationId: 'getFundReport',
      callers: 'people',
      summary: "A province's fund movements in a month per benefit item, reconciled with its bank batches (finance, admin)",
      description:
        "`reconciled`: what was sent less the recoveries offset against it (`offsetFen`) equals the batches' totals to the fen. `bank`: what the bank's results of the month moved (paid and returned less their offsets).",
      requestParams: { path: z.object({ month: z.string() }), query: FundReportQuery },
      responses: {
        '200': ok(FundReportResponse, {
          province: '110000',
          month: '2025-09',
          items: [
            { ...FUND_ROW, item: 'medical', instructedFen: 1_250_000, sentFen: 1_250_000, paidFen: 1_250_000 },
            { ...FUND_ROW, item: 'inpatient_meals', instructedFen: 36_000, sentFen: 36_000, paidFen: 36_000 },
            { ...FUND_ROW, item: 'disability_allowance', instructedFen: 80_000, sentFen: 80_000, returnedFen: 80_000 },
          ],
          totals: { ...FUND_ROW, instructedFen: 1_366_000, sentFen: 1_366_000, paidFen: 1_286_000, returnedFen: 80_000 },
          offsetFen: 30_000,
          batches: [{ batchId: BATCH_ID, status: 'READY', totalFen: 1_336_000, payments: 2, createdAt: BATCH.createdAt }],
          batchTotalFen: 1_336_000,
          reconciled: true,
          bank: { paidFen: 1_256_000, returnedFen: 80_000 },
        }),
        ...errors,
      },
    },
    'GET /v1/payment-runs/{runId}': {
      operationId: 'getPaymentRun',
      callers: 'people',
      summary: 'A payment run (admin)',
      requestParams: { path: z.object({ runId: z.string() }) },
      responses: {
        '200': ok(RunResponse, { runId: 'run-2025-09-4f1a2b3c4d5e', month: '2025-09', status: 'SUCCEEDED', payments: 42, totalFen: 12345600 }),
        ...errors,
      },
    },
  };
}

export const openApiDocument = () => {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of ROUTES) {
    const found = OPERATIONS[routeKey(route)];
    if (!found) throw new Error(`No OpenAPI operation for ${routeKey(route)}`);
    const { callers, ...operation } = found;
    if ((callers === 'public') === route.auth) throw new Error(`${routeKey(route)}: callers "${callers}" but the route has auth ${route.auth}`);
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: { ...operation, tags: [TAGS[route.fn].name], security: SECURITY[callers] } };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Platform workers occupational-injury protection — claims API',
      version: '1.0.0',
      description:
        '新就业形态人员职业伤害保障: platforms, enrolment, contributions, injury reports and cases. Errors are RFC 9457 problem details (`application/problem+json`).',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [
      { url: 'http://127.0.0.1:3000', description: 'The local stack (`npm start`); tokens from `POST /local/tokens`' },
      {
        url: 'https://{apiId}.execute-api.{region}.{dnsSuffix}',
        description: "A deployed stage: the stack output `ApiUrl` (or the stage's custom domain)",
        variables: {
          apiId: { default: 'a1b2c3d4e5', description: 'The HTTP API id (stack output `ApiUrl`)' },
          region: { default: 'cn-north-1', description: 'The AWS region of the stage' },
          dnsSuffix: { default: 'amazonaws.com.cn', enum: ['amazonaws.com.cn', 'amazonaws.com'], description: 'amazonaws.com.cn in the China regions' },
        },
      },
    ],
    tags: Object.values(TAGS),
    security: SECURITY.people,
    components: {
      securitySchemes: {
        [PLATFORM_AUTH]: {
          type: 'oauth2',
          description: `Platforms: the app client issued at registration (client id and secret) exchanged for an access token with the client-credentials grant, scope \`${PLATFORM_SCOPE}\`. The token URL is the stage's Cognito domain (stack output \`TokenEndpoint\`; \`cognitoDomainPrefix\` and the region from the stage config). Locally: \`POST /local/tokens\` with \`{"role":"platform","platformId":…}\`.`,
          flows: {
            clientCredentials: {
              tokenUrl: `${COGNITO_DOMAIN}/oauth2/token`,
              scopes: { [PLATFORM_SCOPE]: 'Call the platform routes as the platform the client belongs to' },
            },
          },
        },
        [PEOPLE_AUTH]: {
          type: 'oauth2',
          description:
            'Staff (handler, reviewer, assessor, admin, finance: user-pool groups) and workers sign in through the staff-and-worker app client, a public client: authorization code with PKCE (S256). Locally: `POST /local/tokens` with `{"role":…,"sub":…}`.',
          flows: {
            authorizationCode: {
              authorizationUrl: `${COGNITO_DOMAIN}/oauth2/authorize`,
              tokenUrl: `${COGNITO_DOMAIN}/oauth2/token`,
              scopes: { openid: 'Sign in', email: 'The email address', profile: 'The profile' },
            },
          },
        },
      },
    },
    paths,
  });
};
