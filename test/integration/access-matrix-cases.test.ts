/**
 * Access matrix of the case slice (contract: Conventions, Injury reports and cases, Visibility; issue 5):
 * every route of manifest/routes.ts served by the `reports`, `cases` and `paymentRuns` groups × thirteen
 * callers → the exact status. 401 without a token; 403 for a role the route does not allow (before any
 * visibility check); 404 for a case, report or run the caller may not see (never revealing it exists);
 * the route's 2xx otherwise. Every 4xx is application/problem+json with a matching `status`.
 *
 * Each route works on its own case, brought beforehand to a status that accepts the route's step, and only
 * one caller (or, for reads and creations, each allowed caller with its own report) is allowed: so every
 * allowed caller gets its 2xx, and no cell needs a documented 409/422 instead.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PROVINCE_ROLES, ROUTES, routeKey, type Role } from '../../manifest/index.ts';
import { CALLERS, type Caller, matrix, OTHER_PROVINCE, readers } from './case-callers.ts';
import { useCaseStack } from './cases-stack.ts';
import { approvalBody, PROVINCE, registerWorker, setUpWorld, uploadDocument, type Worker, type World } from './cases-fixtures.ts';
import { casesInEveryStep, CONFIRM, currentMonth, freshReport } from './cases-in-every-step.ts';

const CASE_FUNCTIONS = new Set(['reports', 'cases', 'paymentRuns']);

const env = useCaseStack({ s3: true });

let world: World;
let worker: Worker; // the worker every case below is about (W)
let otherWorker: Worker; // another worker of the same platform
let otherPlatform: World; // another platform, enrolled in the same province
const tokens = {} as Record<Caller, string | undefined>;
const ids = {} as Record<
  | 'underReviewSuspend'
  | 'underReviewConfirm'
  | 'underReviewExpenses'
  | 'suspended'
  | 'assessment'
  | 'extension'
  | 'dependants'
  | 'approval'
  | 'returned'
  | 'paid'
  | 'run'
  | 'payee'
  | 'payeeProof'
  | 'payeeConfirmation'
  | 'lifeEvent'
  | 'certification'
  | 'appeals'
  | 'appealResult'
  | 'assistance'
  | 'assistanceRequest',
  string
>;
const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
/** D17: each allowed caller appeals another kind of decision of the same case (one open appeal per case and kind). */
const AGAINST: Partial<Record<Caller, string>> = { handler: 'CONFIRMATION', platformOwn: 'ASSESSMENT', workerOwn: 'BENEFITS' };
/** D18: a fresh request to the other province, by the handler of the case's province. */
const assistanceRequestTo = async (province: string): Promise<string> => {
  const res = await world.api('POST', `/v1/cases/${ids.assistance}/assistance-requests`, {
    token: world.tokens.handler,
    body: { province, task: '请协助走访事故现场。' },
  });
  if (res.status !== 201) throw new Error(`assistance request: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.requestId as string;
};
const NEW_PAYEE = { name: '张三', bankAccount: '6212260200000000006', bankName: '工商银行北京分行' };

/** After useCaseStack's beforeAll (hooks run in order): the callers, and a case per route. */
beforeAll(async () => {
  world = env.world;
  const mint = world.mint;
  [worker, otherWorker, otherPlatform] = await Promise.all([registerWorker(world), registerWorker(world), setUpWorld(world.api, mint)]);
  const staff = async (role: Role, province: string) => mint({ role, sub: `${role}-${province === PROVINCE ? '1' : 'sh'}`, provinces: [province] });
  Object.assign(tokens, {
    none: undefined,
    platformOwn: world.tokens.platform,
    platformOther: otherPlatform.tokens.platform,
    workerOwn: worker.token,
    workerOther: otherWorker.token,
  });
  for (const role of PROVINCE_ROLES) {
    tokens[role] = await staff(role, PROVINCE);
    tokens[`${role}Other`] = await staff(role, OTHER_PROVINCE);
  }
  const make = casesInEveryStep(world, worker);
  const made = await Promise.all([
    make.underReview(),
    make.underReview(),
    make.underReview(),
    make.suspended(),
    make.awaitingAssessment(),
    make.awaitingAssessment(),
    make.awaitingDependants(),
    make.awaitingApproval(),
    make.returned(),
    make.paid(),
    make.run(),
  ]);
  [
    ids.underReviewSuspend,
    ids.underReviewConfirm,
    ids.underReviewExpenses,
    ids.suspended,
    ids.assessment,
    ids.extension,
    ids.dependants,
    ids.approval,
    ids.returned,
    ids.paid,
    ids.run,
  ] = made;
  // D14–D16: a case with a bank-account proof (payee), an approved one with a payee change waiting for a
  // reviewer (handler-2 changed it), an approved one (life events) and one with a monthly item (certification).
  [ids.payee, ids.payeeConfirmation, ids.lifeEvent, ids.certification] = await Promise.all([make.awaitingApproval(), make.paid(), make.paid(), make.monthly()]);
  // D17, D18: a case with a confirmation, an assessment and approved benefits (appeals), one with an open
  // appeal (its result), one asked about by another province (assistance).
  [ids.appeals, ids.appealResult, ids.assistance] = await Promise.all([make.monthly(), make.paid(), make.paid()]);
  const appeal = await world.api('POST', `/v1/cases/${ids.appealResult}/appeals`, {
    token: world.tokens.handler,
    body: { kind: 'RECONSIDERATION', against: 'CONFIRMATION', filedOn: today() },
  });
  if (appeal.status !== 201) throw new Error(`appeal: ${appeal.status} ${JSON.stringify(appeal.body)}`);
  ids.assistanceRequest = await assistanceRequestTo(OTHER_PROVINCE);
  ids.payeeProof = await uploadDocument(world, ids.payee, 'BANK_ACCOUNT_PROOF');
  const proof = await uploadDocument(world, ids.payeeConfirmation, 'BANK_ACCOUNT_PROOF');
  const pending = await world.api('PUT', `/v1/cases/${ids.payeeConfirmation}/payee`, {
    token: world.tokens.handler2,
    body: { ...NEW_PAYEE, documentId: proof },
  });
  if (pending.status !== 200 || !pending.body.pendingPayee) throw new Error(`payee change not pending: ${JSON.stringify(pending.body)}`);
}, 120_000);

// ----------------------------------------------------------------------------------------- expectations

/** A step of one staff role: 403 for every other role, 404 for that role out of the case's province. */
const step = (role: Role, status = 202) => matrix(403, { [role]: status, [`${role}Other`]: 404 });

interface Request {
  readonly path: string;
  readonly body?: unknown;
}
interface Row {
  /** The concrete request of a caller (creations get a fresh report per caller). */
  readonly request: (caller: Caller) => Request | Promise<Request>;
  readonly expected: Record<Caller, number>;
  /** Further checks of a response (undefined when fine). */
  readonly check?: (caller: Caller, body: any) => string | undefined;
}

const applicantOf = (c: Caller) => (c.startsWith('platform') || c === 'none' ? 'platform' : c.startsWith('worker') ? 'worker' : 'relative');
const occurredAt = () => new Date(Date.now() - 20 * 60_000).toISOString();
const reportBody = (c: Caller) => ({
  platformId: world.platformId,
  // A worker names themself by workerId (the worker W for workerOther: someone else's report → 404).
  ...(c.startsWith('worker') ? { workerId: worker.workerId } : { platformWorkerId: worker.platformWorkerId }),
  occurredAt: occurredAt(),
  province: PROVINCE,
  place: '朝阳区建国路',
  description: '送餐途中摔倒',
});
const openBody = (reportId: string, c: Caller) => ({
  reportId,
  kind: 'injury',
  applicant: applicantOf(c) === 'relative' ? { type: 'relative', name: '张三' } : { type: applicantOf(c) },
  payee: { name: '张三', bankAccount: '6222020200112230' },
  consent: true,
});
const sameCase = (id: () => string) => (_c: Caller, body: any) => (body?.caseId === id() ? undefined : `answered case ${body?.caseId}, not ${id()}`);

/** The contract's answer for each case route (keyed by routeKey, as in manifest/routes.ts). */
const ROWS: Record<string, Row> = {
  'POST /v1/injury-reports': {
    request: (c) => ({ path: '/v1/injury-reports', body: reportBody(c) }),
    // Platform for its workers, or the worker; another platform or worker → 404 (Visibility); staff → 403.
    expected: matrix(403, { platformOwn: 201, workerOwn: 201, platformOther: 404, workerOther: 404 }),
    check: (_c, body) => (typeof body?.reportId === 'string' && body.coverage?.covered === true ? undefined : `no covered report: ${JSON.stringify(body)}`),
  },
  'GET /v1/platforms/{platformId}/injury-reports': {
    request: () => ({ path: `/v1/platforms/${world.platformId}/injury-reports?month=${new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7)}` }),
    // The platform and administrators; another platform → 404 (Visibility); workers and staff → 403.
    expected: matrix(403, { admin: 200, adminOther: 200, platformOwn: 200, platformOther: 404 }),
    check: (_c, body) =>
      Array.isArray(body?.items) && body.items.every((r: { platformId: string }) => r.platformId === world.platformId)
        ? undefined
        : `not this platform's reports: ${JSON.stringify(body).slice(0, 200)}`,
  },
  'GET /v1/workers/{workerId}/injury-reports': {
    request: () => ({ path: `/v1/workers/${worker.workerId}/injury-reports` }),
    // The worker and administrators; another worker → 404 (Visibility); platforms and staff → 403.
    expected: matrix(403, { admin: 200, adminOther: 200, workerOwn: 200, workerOther: 404 }),
    check: (_c, body) =>
      body?.items?.length > 0 && body.items.every((r: { workerId: string }) => r.workerId === worker.workerId)
        ? undefined
        : `not W's reports: ${JSON.stringify(body).slice(0, 200)}`,
  },
  'POST /v1/cases': {
    // Each caller applies with the applicant type that fits it (D6), on a fresh report of W.
    request: async (c) => ({ path: '/v1/cases', body: openBody(await freshReport(world, worker), c) }),
    // Finance applies as nobody (D15: not a case role) → 403.
    expected: matrix(404, { admin: 201, handler: 201, reviewer: 201, assessor: 201, platformOwn: 201, workerOwn: 201, finance: 403, financeOther: 403 }),
    check: (_c, body) =>
      body?.status === 'UNDER_REVIEW' && body?.workerId === worker.workerId ? undefined : `not an opened case of W: ${JSON.stringify(body).slice(0, 200)}`,
  },
  'GET /v1/cases': {
    request: () => ({ path: '/v1/cases?limit=100' }),
    // Staff only; staff of another province get their own (empty) list, never this province's cases.
    expected: matrix(403, {
      admin: 200,
      handler: 200,
      reviewer: 200,
      assessor: 200,
      adminOther: 200,
      handlerOther: 200,
      reviewerOther: 200,
      assessorOther: 200,
    }),
    check: (c, body) => {
      const items = (body?.items ?? []) as { caseId: string; province: string }[];
      const sees = items.some((i) => i.caseId === ids.paid);
      if (c.endsWith('Other')) return items.length === 0 ? undefined : `another province's staff listed ${items.length} cases`;
      return sees ? undefined : "the province's staff did not see the paid case";
    },
  },
  'GET /v1/cases/{caseId}': { request: () => ({ path: `/v1/cases/${ids.paid}` }), expected: readers(200), check: sameCase(() => ids.paid) },
  'GET /v1/cases/{caseId}/benefits': {
    request: () => ({ path: `/v1/cases/${ids.paid}/benefits` }),
    expected: readers(200),
    check: (_c, body) => (body?.oneOffTotalFen === 80_000 ? undefined : `benefits ${JSON.stringify(body).slice(0, 200)}`),
  },
  'GET /v1/cases/{caseId}/payments': {
    request: () => ({ path: `/v1/cases/${ids.paid}/payments` }),
    expected: readers(200),
    check: (_c, body) => (body?.payments?.length === 1 && body.payments[0].amountFen === 80_000 ? undefined : `payments ${JSON.stringify(body).slice(0, 200)}`),
  },
  'POST /v1/cases/{caseId}/suspension': {
    request: () => ({ path: `/v1/cases/${ids.underReviewSuspend}/suspension`, body: { reason: '等待交警责任认定书' } }),
    expected: step('handler'),
    check: sameCase(() => ids.underReviewSuspend),
  },
  'DELETE /v1/cases/{caseId}/suspension': {
    request: () => ({ path: `/v1/cases/${ids.suspended}/suspension` }),
    expected: step('handler'),
    check: sameCase(() => ids.suspended),
  },
  'POST /v1/cases/{caseId}/confirmation': {
    request: () => ({ path: `/v1/cases/${ids.underReviewConfirm}/confirmation`, body: CONFIRM(true) }),
    expected: step('handler'),
    check: sameCase(() => ids.underReviewConfirm),
  },
  'POST /v1/cases/{caseId}/expenses': {
    request: () => ({
      path: `/v1/cases/${ids.underReviewExpenses}/expenses`,
      body: { items: [{ description: '复诊', amountFen: 12_000, inCatalogue: true }], inpatientDays: 0 },
    }),
    expected: step('handler'),
    check: sameCase(() => ids.underReviewExpenses),
  },
  'POST /v1/cases/{caseId}/assessment': {
    request: () => ({ path: `/v1/cases/${ids.assessment}/assessment`, body: { grade: 9, nursing: null, concludedOn: new Date().toISOString().slice(0, 10) } }),
    expected: step('assessor'),
    check: sameCase(() => ids.assessment),
  },
  'POST /v1/cases/{caseId}/assessment-extension': {
    request: () => ({ path: `/v1/cases/${ids.extension}/assessment-extension`, body: { reason: '需补充影像学检查' } }),
    expected: step('assessor'),
    check: sameCase(() => ids.extension),
  },
  'PUT /v1/cases/{caseId}/payee': {
    request: () => ({ path: `/v1/cases/${ids.payee}/payee`, body: { ...NEW_PAYEE, documentId: ids.payeeProof } }),
    expected: step('handler', 200),
    check: sameCase(() => ids.payee),
  },
  'POST /v1/cases/{caseId}/payee/confirmation': {
    request: () => ({ path: `/v1/cases/${ids.payeeConfirmation}/payee/confirmation` }),
    expected: step('reviewer', 200),
    check: sameCase(() => ids.payeeConfirmation),
  },
  'POST /v1/cases/{caseId}/life-events': {
    request: () => ({
      path: `/v1/cases/${ids.lifeEvent}/life-events`,
      body: { type: 'RETIRED', on: new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10) },
    }),
    expected: step('handler'),
    check: sameCase(() => ids.lifeEvent),
  },
  'POST /v1/cases/{caseId}/certifications': {
    request: () => ({ path: `/v1/cases/${ids.certification}/certifications`, body: {} }),
    // A handler of the province, or the worker for themself (D16); another worker → 404.
    expected: matrix(403, { handler: 201, handlerOther: 404, workerOwn: 201, workerOther: 404 }),
    check: (_c, body) => (typeof body?.nextDueOn === 'string' ? undefined : `no certification: ${JSON.stringify(body)}`),
  },
  'POST /v1/cases/{caseId}/dependants': {
    request: () => ({ path: `/v1/cases/${ids.dependants}/dependants`, body: { dependants: [{ name: '李四', relation: 'spouse', orphanOrAlone: false }] } }),
    expected: step('handler'),
    check: sameCase(() => ids.dependants),
  },
  'POST /v1/cases/{caseId}/approval': {
    // reviewer-1 recorded neither the confirmation (handler-1) nor the expenses (handler-2): no maker-checker 403.
    request: async () => ({ path: `/v1/cases/${ids.approval}/approval`, body: await approvalBody(world, ids.approval) }),
    expected: step('reviewer'),
    check: sameCase(() => ids.approval),
  },
  'POST /v1/cases/{caseId}/resubmission': {
    request: () => ({ path: `/v1/cases/${ids.returned}/resubmission`, body: { comment: '已补发票' } }),
    expected: step('handler'),
    check: sameCase(() => ids.returned),
  },
  'POST /v1/cases/{caseId}/appeals': {
    request: (c) => ({ path: `/v1/cases/${ids.appeals}/appeals`, body: { kind: 'RECONSIDERATION', against: AGAINST[c] ?? 'CONFIRMATION', filedOn: today() } }),
    // A handler of the province, or the case's worker or platform (D17); another worker or platform → 404.
    expected: matrix(403, { handler: 201, handlerOther: 404, platformOwn: 201, platformOther: 404, workerOwn: 201, workerOther: 404 }),
    check: (_c, body) =>
      /^A\d+$/.test(body?.appealId) && body.late === false && typeof body.due?.date === 'string' ? undefined : `appeal ${JSON.stringify(body)}`,
  },
  'POST /v1/cases/{caseId}/appeals/{appealId}/result': {
    request: () => ({ path: `/v1/cases/${ids.appealResult}/appeals/A1/result`, body: { result: 'UPHELD', decidedOn: today(), summary: '维持原认定。' } }),
    expected: step('handler'),
    check: (c, body) => sameCase(() => ids.appealResult)(c, body) ?? (body.appeals?.[0]?.result === 'UPHELD' ? undefined : 'appeal not decided'),
  },
  'POST /v1/cases/{caseId}/assistance-requests': {
    request: () => ({ path: `/v1/cases/${ids.assistance}/assistance-requests`, body: { province: '440000', task: '请协助调取病历。' } }),
    expected: matrix(403, { handler: 201, handlerOther: 404 }),
    check: (_c, body) => (typeof body?.requestId === 'string' ? undefined : `no requestId: ${JSON.stringify(body)}`),
  },
  'GET /v1/assistance-requests': {
    request: () => ({ path: '/v1/assistance-requests' }),
    // Staff: those addressed to their provinces (the other province's staff see it; this province's do not, as received).
    expected: matrix(403, {
      admin: 200,
      handler: 200,
      reviewer: 200,
      assessor: 200,
      adminOther: 200,
      handlerOther: 200,
      reviewerOther: 200,
      assessorOther: 200,
    }),
    check: (c, body) => {
      const sees = (body?.items ?? []).some((i: { requestId: string }) => i.requestId === ids.assistanceRequest);
      return sees === c.endsWith('Other') ? undefined : `${c} ${sees ? 'saw' : 'did not see'} the request`;
    },
  },
  'POST /v1/assistance-requests/{requestId}/answer': {
    // Staff of the province asked answer (each its own request: once only); this province's staff → 404.
    request: async (c) => ({
      path: `/v1/assistance-requests/${c.endsWith('Other') && c !== 'financeOther' && !c.startsWith('platform') && !c.startsWith('worker') ? await assistanceRequestTo(OTHER_PROVINCE) : ids.assistanceRequest}/answer`,
      body: { answer: '已走访，情况属实。' },
    }),
    expected: matrix(403, {
      admin: 404,
      handler: 404,
      reviewer: 404,
      assessor: 404,
      adminOther: 200,
      handlerOther: 200,
      reviewerOther: 200,
      assessorOther: 200,
    }),
    check: (_c, body) => (body?.answer === '已走访，情况属实。' && body.caseId === ids.assistance ? undefined : `answer ${JSON.stringify(body)}`),
  },
  'POST /v1/payment-runs': {
    // Admin only; runs are not scoped by province (every POST is a new run, so both admins get 202).
    request: () => ({ path: '/v1/payment-runs', body: { month: currentMonth() } }),
    expected: matrix(403, { admin: 202, adminOther: 202 }),
    check: (_c, body) => (typeof body?.runId === 'string' ? undefined : `no runId: ${JSON.stringify(body)}`),
  },
  'GET /v1/payment-runs/{runId}': {
    request: () => ({ path: `/v1/payment-runs/${ids.run}` }),
    expected: matrix(403, { admin: 200, adminOther: 200 }),
    check: (_c, body) => (body?.runId === ids.run && body.status === 'SUCCEEDED' ? undefined : `run ${JSON.stringify(body)}`),
  },
};

// ----------------------------------------------------------------------------------------- precedence

const UNKNOWN_CASE = 'C0000000000000000';
const BROKEN = '{"not json';

/** Requests that are refused for more than one reason: the first of 401, 403, 404, 400 answers. */
interface Extra {
  readonly method: string;
  readonly path: () => string;
  readonly body?: () => unknown | Promise<unknown>;
  readonly callers: readonly Caller[];
  readonly status: number;
}
const EXTRA: Record<string, Extra> = {
  // Unknown resources answer 404 to callers the route allows.
  'unknown case, read': { method: 'GET', path: () => `/v1/cases/${UNKNOWN_CASE}`, callers: ['handler', 'platformOwn', 'workerOwn'], status: 404 },
  'unknown case, benefits': { method: 'GET', path: () => `/v1/cases/${UNKNOWN_CASE}/benefits`, callers: ['assessor', 'workerOwn'], status: 404 },
  'unknown case, payments': { method: 'GET', path: () => `/v1/cases/${UNKNOWN_CASE}/payments`, callers: ['admin', 'platformOwn'], status: 404 },
  'unknown case, suspension': {
    method: 'POST',
    path: () => `/v1/cases/${UNKNOWN_CASE}/suspension`,
    body: () => ({ reason: 'x' }),
    callers: ['handler'],
    status: 404,
  },
  'unknown case, resume': { method: 'DELETE', path: () => `/v1/cases/${UNKNOWN_CASE}/suspension`, callers: ['handler'], status: 404 },
  'unknown case, confirmation': {
    method: 'POST',
    path: () => `/v1/cases/${UNKNOWN_CASE}/confirmation`,
    body: () => CONFIRM(false),
    callers: ['handler'],
    status: 404,
  },
  'unknown case, assessment': {
    method: 'POST',
    path: () => `/v1/cases/${UNKNOWN_CASE}/assessment`,
    body: () => ({ grade: 9, nursing: null, concludedOn: '2026-01-05' }),
    callers: ['assessor'],
    status: 404,
  },
  'unknown case, extension': {
    method: 'POST',
    path: () => `/v1/cases/${UNKNOWN_CASE}/assessment-extension`,
    body: () => ({ reason: 'x' }),
    callers: ['assessor'],
    status: 404,
  },
  'unknown case, approval': {
    method: 'POST',
    path: () => `/v1/cases/${UNKNOWN_CASE}/approval`,
    body: () => ({ decision: 'approve' }),
    callers: ['reviewer'],
    status: 404,
  },
  'unknown appeal': {
    method: 'POST',
    path: () => `/v1/cases/${ids.appealResult}/appeals/A99/result`,
    body: () => BROKEN,
    callers: ['handler'],
    status: 404,
  },
  'unknown assistance request': {
    method: 'POST',
    path: () => '/v1/assistance-requests/AR0000000000000000/answer',
    body: () => BROKEN,
    callers: ['handlerOther'],
    status: 404,
  },
  'assistance request id of 3,000 characters': {
    method: 'POST',
    path: () => `/v1/assistance-requests/AR${'x'.repeat(3000)}/answer`,
    body: () => ({ answer: 'x' }),
    callers: ['handlerOther'],
    status: 404,
  },
  'other province, broken appeal': {
    method: 'POST',
    path: () => `/v1/cases/${ids.paid}/appeals`,
    body: () => ({ kind: 'NOPE' }),
    callers: ['handlerOther'],
    status: 404,
  },
  'other province, broken assistance request': {
    method: 'POST',
    path: () => `/v1/cases/${ids.paid}/assistance-requests`,
    body: () => BROKEN,
    callers: ['handlerOther'],
    status: 404,
  },
  'unknown report': {
    method: 'POST',
    path: () => '/v1/cases',
    body: () => openBody('R0000000000000000', 'platformOwn'),
    callers: ['platformOwn'],
    status: 404,
  },
  'unknown run': { method: 'GET', path: () => '/v1/payment-runs/run-2025-01-unknown', callers: ['admin'], status: 404 },
  // Ids over DynamoDB's key size (2,048 bytes) are unknown too, never a 500 — and still 403 for a wrong role.
  'run id of 3,000 characters': { method: 'GET', path: () => `/v1/payment-runs/run-${'x'.repeat(3000)}`, callers: ['admin'], status: 404 },
  'case id of 3,000 characters': { method: 'GET', path: () => `/v1/cases/C${'x'.repeat(3000)}/payments`, callers: ['handler', 'workerOwn'], status: 404 },
  'case id of 3,000 characters, a step': {
    method: 'POST',
    path: () => `/v1/cases/C${'x'.repeat(3000)}/approval`,
    body: () => ({ decision: 'approve' }),
    callers: ['reviewer'],
    status: 404,
  },
  'case id of 3,000 characters, wrong role': {
    method: 'POST',
    path: () => `/v1/cases/C${'x'.repeat(3000)}/approval`,
    body: () => ({ decision: 'approve' }),
    callers: ['handler', 'platformOwn'],
    status: 403,
  },
  // 404 (visibility) before 400 (validation): a case out of the caller's province, with a broken body.
  'other province, broken confirmation': {
    method: 'POST',
    path: () => `/v1/cases/${ids.paid}/confirmation`,
    body: () => BROKEN,
    callers: ['handlerOther'],
    status: 404,
  },
  'other province, broken assessment': {
    method: 'POST',
    path: () => `/v1/cases/${ids.paid}/assessment`,
    body: () => ({ grade: 11 }),
    callers: ['assessorOther'],
    status: 404,
  },
  'other province, broken approval': {
    method: 'POST',
    path: () => `/v1/cases/${ids.paid}/approval`,
    body: () => ({ decision: 'maybe' }),
    callers: ['reviewerOther'],
    status: 404,
  },
  'other province, broken list query': { method: 'GET', path: () => '/v1/cases?status=NOPE', callers: ['platformOwn', 'workerOwn'], status: 403 },
  // 404 before 400 where the resource is named in the body: another platform's report or worker.
  'another platform reports for W, broken place': {
    method: 'POST',
    path: () => '/v1/injury-reports',
    body: () => ({ ...reportBody('platformOther'), place: 'x'.repeat(1001) }),
    callers: ['platformOther'],
    status: 404,
  },
  'another worker reports for W, broken date': {
    method: 'POST',
    path: () => '/v1/injury-reports',
    body: () => ({ ...reportBody('workerOther'), occurredAt: '2025-02-30T10:00:00+08:00' }),
    callers: ['workerOther'],
    status: 404,
  },
  "another platform opens a case on W's report without consent": {
    method: 'POST',
    path: () => '/v1/cases',
    body: async () => ({ ...openBody(await freshReport(world, worker), 'platformOther'), consent: false }),
    callers: ['platformOther'],
    status: 404,
  },
  // 403 (role) before 404 and 400: the wrong role, on an unknown case, with a broken body.
  'wrong role, unknown case, broken body': {
    method: 'POST',
    path: () => `/v1/cases/${UNKNOWN_CASE}/confirmation`,
    body: () => BROKEN,
    callers: ['reviewer', 'assessorOther', 'platformOther', 'workerOwn', 'admin'],
    status: 403,
  },
  'wrong role, broken run': { method: 'POST', path: () => '/v1/payment-runs', body: () => BROKEN, callers: ['handler', 'platformOwn'], status: 403 },
  'staff files a report, broken body': { method: 'POST', path: () => '/v1/injury-reports', body: () => BROKEN, callers: ['handler', 'admin'], status: 403 },
  'applicant type that does not fit the caller (D6)': {
    method: 'POST',
    path: () => '/v1/cases',
    body: async () => openBody(await freshReport(world, worker), 'workerOwn'),
    callers: ['platformOwn', 'handler', 'platformOther'],
    status: 403,
  },
  // 401 before everything.
  'no token, unknown case, broken body': {
    method: 'POST',
    path: () => `/v1/cases/${UNKNOWN_CASE}/approval`,
    body: () => BROKEN,
    callers: ['none'],
    status: 401,
  },
};

// ----------------------------------------------------------------------------------------- the tests

const caseRoutes = ROUTES.filter((r) => CASE_FUNCTIONS.has(r.fn));

const send = async (method: string, path: string, caller: Caller, body: unknown) => {
  const token = tokens[caller];
  return env.stack.api(method, path, { ...(token ? { token } : {}), ...(body !== undefined ? { body } : {}) });
};

/** The response's mismatches with `status` (exact) and with the problem+json shape of a 4xx. */
const problems = (label: string, res: { status: number; headers: Headers; body: any; text: string }, status: number): string[] => {
  const out: string[] = [];
  if (res.status !== status) out.push(`${label}: expected ${status}, got ${res.status} ${res.text.slice(0, 160)}`);
  if (res.status >= 400) {
    if (!String(res.headers.get('content-type')).startsWith('application/problem+json')) out.push(`${label}: ${res.status} is not problem+json`);
    if (res.body?.status !== res.status) out.push(`${label}: problem status ${res.body?.status} ≠ ${res.status}`);
  }
  return out;
};

describe('access matrix of the case routes', () => {
  it('covers every route of the reports, cases and paymentRuns groups of manifest/routes.ts, and nothing else', () => {
    expect(Object.keys(ROWS).sort()).toEqual(caseRoutes.map(routeKey).sort());
  });

  for (const route of caseRoutes) {
    const key = routeKey(route);
    it(`${key}: ${CALLERS.length} callers get the contract's status`, async () => {
      const row = ROWS[key];
      expect(row, `no matrix row for ${key}`).toBeDefined();
      const mismatches: string[] = [];
      for (const caller of CALLERS) {
        const { path, body } = await row!.request(caller);
        const res = await send(route.method, path, caller, body);
        const expected = row!.expected[caller];
        mismatches.push(...problems(caller, res, expected));
        if (res.status === expected && expected < 300 && row!.check) {
          const wrong = row!.check(caller, res.body);
          if (wrong) mismatches.push(`${caller}: ${wrong}`);
        }
      }
      expect(mismatches, `${key}\n  ${mismatches.join('\n  ')}`).toEqual([]);
    });
  }

  it('answers 401, then 403 (role), then 404 (unknown or not visible), then 400: precedence across the case routes', async () => {
    const mismatches: string[] = [];
    for (const [label, x] of Object.entries(EXTRA)) {
      for (const caller of x.callers) {
        const res = await send(x.method, x.path(), caller, x.body ? await x.body() : undefined);
        mismatches.push(...problems(`${label} as ${caller}`, res, x.status));
      }
    }
    expect(mismatches, mismatches.join('\n')).toEqual([]);
  });

  it("staff of another province naming this province in the list query get an empty list, not this province's cases", async () => {
    for (const caller of ['handlerOther', 'adminOther'] as const) {
      const res = await send('GET', `/v1/cases?province=${PROVINCE}&limit=100`, caller, undefined);
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([]);
    }
    const own = await send('GET', `/v1/cases?province=${PROVINCE}&limit=100`, 'reviewer', undefined);
    expect(own.body.items.map((i: { caseId: string }) => i.caseId)).toContain(ids.paid);
  });
});
