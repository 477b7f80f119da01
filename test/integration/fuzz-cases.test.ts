/**
 * Fuzzing the report, case and payment-run endpoints through the HTTP API (fast-check; issue 5), with the
 * generators of fuzz.test.ts: mutated bodies (missing, extra and wrongly typed fields, huge strings,
 * impossible dates), invalid JSON, JSON of the wrong shape, valid bodies under other content types, bodies
 * over 1 MiB, odd Idempotency-Keys and tokens, odd path segments and query strings.
 *
 * Every write is aimed at a case in a status that accepts it (so a request that slipped through would
 * change it), and every generated write is invalid: each mutated body is checked against the route's own
 * schema before it is sent. Never a 5xx, never a 2xx for a write; every 4xx is problem+json with a matching
 * `status`; and no state changes: the cases, registry, orders and ledger tables hold the same items, and
 * every targeted case keeps its version, status, timeline and payments, the payment runs their records.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import fc from 'fast-check';
import { badDate, huge, invalidBody, type Body, type Shape } from '../support/fuzz-arbitraries.ts';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { useCaseStack } from './cases-stack.ts';
import { PROVINCE, registerWorker, type Worker } from './cases-fixtures.ts';
import { casesInEveryStep, currentMonth, freshReport } from './cases-in-every-step.ts';

const env = useCaseStack({ s3: true });

/**
 * The routes' own request schemas, to keep only invalid bodies. Imported once the stack runs: functions/
 * modules read their table names at import (functions/_shared/config.ts), so the test imports none before.
 */
let S: typeof import('../../functions/cases/schemas.ts') &
  typeof import('../../functions/reports/schemas.ts') &
  typeof import('../../functions/payment-runs/schemas.ts') &
  typeof import('../../functions/documents/schemas.ts');

/** Runs per endpoint, as in fuzz.test.ts: bounded so the file stays well under two minutes. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 80);
const SEED = Number(process.env.FUZZ_SEED ?? 20250801);

let client: DynamoDBClient;
let worker: Worker;
const failures: string[] = [];
let requests = 0;
const ids = {} as Record<
  | 'report'
  | 'underReview'
  | 'suspended'
  | 'awaitingAssessment'
  | 'awaitingDependants'
  | 'awaitingApproval'
  | 'returned'
  | 'paid'
  | 'run'
  | 'document'
  | 'assistance',
  string
>;

// ----------------------------------------------------------------------------------------- state

/** A route's request schema, as far as this file uses it. */
type Schema = { safeParse(value: unknown): { success: boolean } };

type Snapshot = Record<string, unknown>;
const scan = async (table: string, projection?: string): Promise<Record<string, { S?: string }>[]> => {
  const items: Record<string, { S?: string }>[] = [];
  let ExclusiveStartKey: Record<string, never> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey, ...(projection ? { ProjectionExpression: projection } : {}) }));
    items.push(...((page.Items ?? []) as Record<string, { S?: string }>[]));
    ExclusiveStartKey = page.LastEvaluatedKey as typeof ExclusiveStartKey;
  } while (ExclusiveStartKey);
  return items;
};

const snapshot = async (): Promise<Snapshot> => {
  const counts: Record<string, number> = {};
  let runs: unknown[] = [];
  for (const [envVar, table] of Object.entries(env.stack.tables)) {
    if (envVar.startsWith('IDEMPOTENCY')) continue; // replays of 4xx (and the rate-limit counters) are stored by design
    if (!envVar.startsWith('CASES')) {
      counts[envVar] = (await scan(table, 'pk')).length;
      continue;
    }
    // Per kind of item (REPORT, CASE, EVENT#…, PAYMENT#…, RUN); TASK items come and go with the workflow's waits.
    for (const item of await scan(table)) {
      const sk = item.sk?.S ?? '?';
      if (sk === 'TASK') continue;
      const kind = `${envVar}:${sk.replace(/#.*$/, '')}`;
      counts[kind] = (counts[kind] ?? 0) + 1;
      if (sk === 'RUN') runs.push(item);
    }
    runs = runs.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  const handler = env.world.tokens.handler;
  const cases: Record<string, unknown> = {};
  for (const key of ['underReview', 'suspended', 'awaitingAssessment', 'awaitingDependants', 'awaitingApproval', 'returned', 'paid'] as const) {
    const c = (await env.stack.api('GET', `/v1/cases/${ids[key]}`, { token: handler })).body;
    const payments = (await env.stack.api('GET', `/v1/cases/${ids[key]}/payments`, { token: handler })).body;
    cases[key] = { status: c.status, version: c.version, pendingStep: c.pendingStep, suspended: c.suspended, timeline: c.timeline?.length, payments };
  }
  // D18: the assistance requests as the province asked sees them (an answer that slipped through would show).
  const assistance = (await env.stack.api('GET', '/v1/assistance-requests', { token: env.world.tokens.otherProvince })).body;
  return { counts, runs, cases, assistance };
};
let before: Snapshot;

beforeAll(async () => {
  S = {
    ...(await import('../../functions/cases/schemas.ts')),
    ...(await import('../../functions/reports/schemas.ts')),
    ...(await import('../../functions/payment-runs/schemas.ts')),
    ...(await import('../../functions/documents/schemas.ts')),
  };
  client = new DynamoDBClient({ endpoint: inject('ddbEndpoint'), region: 'cn-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  worker = await registerWorker(env.world);
  const make = casesInEveryStep(env.world, worker);
  [ids.report, ids.underReview, ids.suspended, ids.awaitingAssessment, ids.awaitingDependants, ids.awaitingApproval, ids.returned, ids.paid, ids.run] =
    await Promise.all([
      freshReport(env.world, worker),
      make.underReview(),
      make.suspended(),
      make.awaitingAssessment(),
      make.awaitingDependants(),
      make.awaitingApproval(),
      make.returned(),
      make.paid(),
      make.run(),
    ]);
  const ticket = await env.stack.api('POST', `/v1/cases/${ids.underReview}/documents`, {
    token: env.world.tokens.handler,
    body: { type: 'OTHER', fileName: 'scan.pdf', contentType: 'application/pdf', sizeBytes: 1000 },
  });
  expect(ticket.status).toBe(201);
  ids.document = ticket.body.documentId;
  // D17, D18: an open appeal on the paid case (its result route then reads the body), and an assistance request to 310000.
  const appeal = await env.stack.api('POST', `/v1/cases/${ids.paid}/appeals`, {
    token: env.world.tokens.handler,
    body: { kind: 'RECONSIDERATION', against: 'CONFIRMATION', filedOn: today() },
  });
  expect(appeal.status).toBe(201);
  const assistance = await env.stack.api('POST', `/v1/cases/${ids.paid}/assistance-requests`, {
    token: env.world.tokens.handler,
    body: { province: '310000', task: '请协助调查。' },
  });
  expect(assistance.status).toBe(201);
  ids.assistance = assistance.body.requestId;
  before = await snapshot();
  expect(before.assistance).toMatchObject({ items: [{ requestId: ids.assistance }] });
  expect(before.cases).toMatchObject({
    underReview: { status: 'UNDER_REVIEW' },
    suspended: { suspended: expect.anything() },
    returned: { status: 'RETURNED' },
    paid: { status: 'APPROVED' },
  });
  expect((before.runs as unknown[]).length).toBe(1);
}, 120_000);

// ----------------------------------------------------------------------------------------- mutations (fuzz.test.ts)

const notJson = (s: string) => {
  try {
    JSON.parse(s);
    return false;
  } catch {
    return true;
  }
};
const WRONG_TYPES = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json-patch+json',
  'application/jsonx',
] as const;

/** Raw request bodies: not JSON, JSON of the wrong shape, a valid body under another content type, over 1 MiB. */
const rawRequest = (valid: () => Body, schema: () => Schema) =>
  fc.oneof(
    // '' is no body at all: valid for a resubmission, so left out here (the empty body is fuzzed in fuzz.test.ts).
    fc
      .string({ minLength: 1, maxLength: 200 })
      .filter(notJson)
      .map((text) => ({ how: `not JSON ${JSON.stringify(text).slice(0, 40)}`, body: text, contentType: 'application/json' })),
    fc
      .jsonValue({ maxDepth: 3 })
      .filter((v) => !schema().safeParse(v).success)
      .map((v) => ({ how: `JSON ${JSON.stringify(v).slice(0, 40)}`, body: JSON.stringify(v), contentType: 'application/json; charset=utf-8' })),
    fc.constantFrom(...WRONG_TYPES).map((contentType) => ({ how: `valid body as ${contentType}`, body: JSON.stringify(valid()), contentType })),
    fc.constant({ how: 'body over 1 MiB', body: JSON.stringify({ ...valid(), pad: 'x'.repeat(1024 * 1024) }), contentType: 'application/json' }),
  );

/**
 * Headers a client might send: any Idempotency-Key, a garbage or missing token sometimes, odd extras. A key
 * rides on one request in four: the same key with another body is answered 422 before the route (contract),
 * so keys on most requests would keep the bodies from reaching validation.
 */
const headersArb = fc.record({
  idempotencyKey: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.stringMatching(/^[\x20-\x7e]{0,80}$/), weight: 1 }),
  badAuth: fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 9 },
    {
      arbitrary: fc.constantFrom(
        'Bearer',
        'Bearer x.y.z',
        'Basic YWRtaW46YWRtaW4=',
        'bearer    ',
        'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIn0.',
      ),
      weight: 1,
    },
  ),
  extra: fc.option(fc.stringMatching(/^[\x21-\x7e]{0,40}$/), { nil: undefined }),
});
type Headers = { idempotencyKey?: string | undefined; badAuth?: string | undefined; extra?: string | undefined };

const statuses = new Map<number, number>();

/** Sends one request; records a failure for a 5xx, a 4xx that is not problem+json with its status, or a 2xx to a write. */
const check = async (
  label: string,
  method: string,
  path: string,
  init: { token?: string; body?: string; contentType?: string; headers?: Headers; write: boolean },
) => {
  const headers: Record<string, string> = {};
  if (init.contentType) headers['content-type'] = init.contentType;
  if (init.headers?.idempotencyKey !== undefined) headers['idempotency-key'] = init.headers.idempotencyKey;
  if (init.headers?.extra !== undefined) headers['x-fuzz'] = init.headers.extra;
  let token = init.token;
  if (init.headers?.badAuth !== undefined) {
    headers.authorization = init.headers.badAuth;
    token = undefined;
  }
  requests++;
  const res = await env.stack.api(method, path, { ...(token ? { token } : {}), ...(init.body !== undefined ? { body: init.body } : {}), headers });
  statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  const type = res.headers.get('content-type') ?? '';
  const problem = res.status >= 400;
  const ok =
    res.status < 500 &&
    (!init.write || problem) &&
    (!problem ||
      (type.startsWith('application/problem+json') && typeof res.body === 'object' && res.body?.status === res.status && typeof res.body?.title === 'string'));
  if (!ok) failures.push(`${label.slice(0, 160)}: ${method} ${path.slice(0, 120)} → ${res.status} ${type} ${res.text.slice(0, 200)}`);
  return ok;
};

// ----------------------------------------------------------------------------------------- endpoints

const segment = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    '..',
    '.',
    '%',
    '%00',
    '%2F',
    `C${'x'.repeat(300)}`,
    'C0000000000000000',
    `run-${'x'.repeat(2000)}`,
    `C${'y'.repeat(3000)}`,
    '-1',
    ' ',
    '\u202e',
    '<script>',
    'CASE#x',
    '{caseId}',
  ),
);
const enc = (s: string) => encodeURIComponent(s);
const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

interface Write {
  readonly name: string;
  readonly method: 'POST';
  /** The path of the targeted resource, with its id replaced by `id` when given (odd path segments). */
  readonly path: (id?: string) => string;
  readonly token: () => string;
  readonly valid: () => Body;
  readonly schema: () => Schema;
  readonly shape: Shape;
}

const T = () => env.world.tokens;
const WRITES: Write[] = [
  {
    name: 'POST /v1/injury-reports',
    method: 'POST',
    path: () => '/v1/injury-reports',
    token: () => T().platform,
    valid: () => ({
      platformId: env.world.platformId,
      platformWorkerId: worker.platformWorkerId,
      occurredAt: new Date(Date.now() - 600_000).toISOString(),
      province: PROVINCE,
      place: '朝阳区建国路',
      description: '送餐途中摔倒',
      orderId: 'o-1',
    }),
    schema: () => S.InjuryReportRequest,
    shape: {
      required: ['platformId', 'platformWorkerId', 'occurredAt', 'province', 'place', 'description'],
      strings: ['platformId', 'platformWorkerId', 'occurredAt', 'province', 'place', 'description', 'orderId'],
      dates: ['occurredAt'],
      objects: [''],
    },
  },
  {
    name: 'POST /v1/cases',
    method: 'POST',
    path: () => '/v1/cases',
    token: () => T().platform,
    valid: () => ({
      reportId: ids.report,
      kind: 'injury',
      applicant: { type: 'platform', name: '配送平台' },
      payee: { name: '张三', bankAccount: '6222020200112230' },
      consent: true,
      lateExplanation: '住院',
    }),
    schema: () => S.OpenCaseRequest,
    shape: {
      required: ['reportId', 'kind', 'applicant', 'applicant.type', 'payee', 'payee.name', 'payee.bankAccount', 'consent'],
      strings: ['reportId', 'kind', 'applicant.type', 'applicant.name', 'payee.name', 'payee.bankAccount', 'lateExplanation'],
      dates: [],
      objects: ['', 'applicant', 'payee'],
    },
  },
  {
    name: 'POST /v1/cases/{caseId}/suspension',
    method: 'POST',
    path: (id = ids.underReview) => `/v1/cases/${id}/suspension`,
    token: () => T().handler,
    valid: () => ({ reason: '等待交警责任认定书' }),
    schema: () => S.SuspensionRequest,
    shape: { required: ['reason'], strings: ['reason'], dates: [], objects: [''] },
  },
  {
    name: 'POST /v1/cases/{caseId}/confirmation',
    method: 'POST',
    path: (id = ids.underReview) => `/v1/cases/${id}/confirmation`,
    token: () => T().handler,
    valid: () => ({ outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', reasons: ['订单进行中'], assessmentRequired: true }),
    schema: () => S.ConfirmationRequest,
    shape: { required: ['outcome', 'basis', 'assessmentRequired'], strings: ['outcome', 'basis', 'reasons.0'], dates: [], objects: [''] },
  },
  {
    name: 'POST /v1/cases/{caseId}/expenses',
    method: 'POST',
    path: (id = ids.underReview) => `/v1/cases/${id}/expenses`,
    token: () => T().handler,
    valid: () => ({ items: [{ description: '门诊', amountFen: 12_000, inCatalogue: true }], inpatientDays: 2 }),
    schema: () => S.ExpensesRequest,
    shape: {
      required: ['items', 'items.0.description', 'items.0.amountFen', 'items.0.inCatalogue', 'inpatientDays'],
      strings: ['items.0.description'],
      dates: [],
      objects: ['', 'items.0'],
    },
  },
  {
    name: 'POST /v1/cases/{caseId}/assessment',
    method: 'POST',
    path: (id = ids.awaitingAssessment) => `/v1/cases/${id}/assessment`,
    token: () => T().assessor,
    valid: () => ({ type: 'initial', grade: 9, nursing: 'PARTIAL', concludedOn: today() }),
    schema: () => S.AssessmentRequest,
    shape: { required: ['grade', 'nursing', 'concludedOn'], strings: ['type', 'nursing', 'concludedOn'], dates: ['concludedOn'], objects: [''] },
  },
  {
    name: 'POST /v1/cases/{caseId}/assessment-extension',
    method: 'POST',
    path: (id = ids.awaitingAssessment) => `/v1/cases/${id}/assessment-extension`,
    token: () => T().assessor,
    valid: () => ({ reason: '需补充影像学检查' }),
    schema: () => S.AssessmentExtensionRequest,
    shape: { required: ['reason'], strings: ['reason'], dates: [], objects: [''] },
  },
  {
    name: 'POST /v1/cases/{caseId}/dependants',
    method: 'POST',
    path: (id = ids.awaitingDependants) => `/v1/cases/${id}/dependants`,
    token: () => T().handler,
    valid: () => ({ dependants: [{ name: '张小一', relation: 'child', orphanOrAlone: false, birthDate: '2016-04-09' }] }),
    schema: () => S.DependantsRequest,
    shape: {
      // A child's birthDate is required (D9).
      required: ['dependants', 'dependants.0.name', 'dependants.0.relation', 'dependants.0.orphanOrAlone', 'dependants.0.birthDate'],
      strings: ['dependants.0.name', 'dependants.0.relation', 'dependants.0.birthDate'],
      dates: ['dependants.0.birthDate'],
      objects: ['', 'dependants.0'],
    },
  },
  {
    name: 'POST /v1/cases/{caseId}/approval',
    method: 'POST',
    path: (id = ids.awaitingApproval) => `/v1/cases/${id}/approval`,
    token: () => T().reviewer,
    valid: () => ({ decision: 'approve', calculationId: 'calc-000001', comment: '同意' }),
    schema: () => S.ApprovalRequest,
    shape: { required: ['decision', 'calculationId'], strings: ['decision', 'calculationId', 'comment'], dates: [], objects: [''] },
  },
  {
    name: 'POST /v1/cases/{caseId}/life-events',
    method: 'POST',
    path: (id = ids.paid) => `/v1/cases/${id}/life-events`,
    token: () => T().handler,
    valid: () => ({ type: 'DEPENDANT_DIED', on: '2026-11-30', dependantIndex: 1 }),
    schema: () => S.LifeEventRequest,
    shape: { required: ['type', 'on'], strings: ['type', 'on'], dates: ['on'], objects: [''] },
  },
  {
    name: 'POST /v1/cases/{caseId}/certifications',
    method: 'POST',
    path: (id = ids.paid) => `/v1/cases/${id}/certifications`,
    token: () => T().handler,
    valid: () => ({ personIndex: 1 }),
    schema: () => S.CertificationRequest,
    shape: { required: [], strings: ['personIndex'], dates: [], objects: [''] },
  },
  {
    name: 'POST /v1/cases/{caseId}/resubmission',
    method: 'POST',
    path: (id = ids.returned) => `/v1/cases/${id}/resubmission`,
    token: () => T().handler,
    valid: () => ({ comment: '已补发票' }),
    schema: () => S.ResubmissionRequest,
    shape: { required: [], strings: ['comment'], dates: [], objects: [''] },
  },
  {
    name: 'POST /v1/cases/{caseId}/documents',
    method: 'POST',
    path: (id = ids.underReview) => `/v1/cases/${id}/documents`,
    token: () => T().platform,
    valid: () => ({ type: 'MEDICAL_DIAGNOSIS', fileName: '诊断证明.pdf', contentType: 'application/pdf', sizeBytes: 204_800 }),
    schema: () => S.UploadRequest,
    shape: { required: ['type', 'fileName', 'contentType', 'sizeBytes'], strings: ['type', 'fileName', 'contentType'], dates: [], objects: [''] },
  },
  {
    name: 'POST /v1/cases/{caseId}/documents/{documentId}/withdrawal',
    method: 'POST',
    path: (id = ids.document) => `/v1/cases/${ids.underReview}/documents/${id}/withdrawal`,
    token: () => T().handler,
    valid: () => ({ reason: '传错了文件' }),
    schema: () => S.WithdrawalRequest,
    shape: { required: ['reason'], strings: ['reason'], dates: [], objects: [''] },
  },
  {
    name: 'POST /v1/cases/{caseId}/document-waivers',
    method: 'POST',
    path: (id = ids.underReview) => `/v1/cases/${id}/document-waivers`,
    token: () => T().handler,
    valid: () => ({ type: 'ID_PROOF', reason: '纸质原件已核验' }),
    schema: () => S.WaiverRequest,
    shape: { required: ['type', 'reason'], strings: ['type', 'reason'], dates: [], objects: [''] },
  },
  {
    name: 'POST /v1/cases/{caseId}/appeals',
    method: 'POST',
    path: (id = ids.paid) => `/v1/cases/${id}/appeals`,
    token: () => T().handler,
    valid: () => ({ kind: 'RECONSIDERATION', against: 'BENEFITS', filedOn: today() }),
    schema: () => S.AppealRequest,
    shape: { required: ['kind', 'against', 'filedOn'], strings: ['kind', 'against', 'filedOn'], dates: ['filedOn'], objects: [''] },
  },
  {
    name: 'POST /v1/cases/{caseId}/appeals/{appealId}/result',
    method: 'POST',
    path: (id = ids.paid) => `/v1/cases/${id}/appeals/A1/result`,
    token: () => T().handler,
    valid: () => ({ result: 'OVERTURNED', decidedOn: today(), summary: '撤销原认定' }),
    schema: () => S.AppealResultRequest,
    shape: { required: ['result', 'decidedOn', 'summary'], strings: ['result', 'decidedOn', 'summary'], dates: ['decidedOn'], objects: [''] },
  },
  {
    name: 'POST /v1/cases/{caseId}/assistance-requests',
    method: 'POST',
    path: (id = ids.paid) => `/v1/cases/${id}/assistance-requests`,
    token: () => T().handler,
    valid: () => ({ province: '440000', task: '请协助调取病历' }),
    schema: () => S.AssistanceRequestBody,
    shape: { required: ['province', 'task'], strings: ['province', 'task'], dates: [], objects: [''] },
  },
  {
    name: 'POST /v1/assistance-requests/{requestId}/answer',
    method: 'POST',
    path: (id = ids.assistance) => `/v1/assistance-requests/${id}/answer`,
    token: () => T().otherProvince,
    valid: () => ({ answer: '已调查' }),
    schema: () => S.AssistanceAnswerRequest,
    shape: { required: ['answer'], strings: ['answer'], dates: [], objects: [''] },
  },
  {
    name: 'POST /v1/payment-runs',
    method: 'POST',
    path: () => '/v1/payment-runs',
    token: () => T().admin,
    valid: () => ({ month: currentMonth() }),
    schema: () => S.StartRunRequest,
    shape: { required: ['month'], strings: ['month'], dates: ['month'], objects: [''] },
  },
];

/** A write of the fuzz: a mutated body, a raw body, or (routes with a case id) a valid body to an odd case id. */
const writeArb = (target: Write) =>
  fc.oneof(
    invalidBody(target.valid, target.shape)
      .filter((m) => !target.schema().safeParse(m.body).success)
      .map((m) => ({ how: m.how, path: target.path(), body: JSON.stringify(m.body), contentType: 'application/json' })),
    rawRequest(target.valid, target.schema).map((r) => ({ ...r, path: target.path() })),
    ...(target.path('X') !== target.path()
      ? [
          segment.map((s) => ({
            how: `valid body, case id ${JSON.stringify(s).slice(0, 40)}`,
            path: target.path(enc(s)),
            body: JSON.stringify(target.valid()),
            contentType: 'application/json',
          })),
        ]
      : []),
  );

/** DELETE carries no body: its invalid requests are an odd case id, a body of another type or over 1 MiB, a bad token. */
const resumeArb = fc.oneof(
  segment.map((s) => ({
    how: `case id ${JSON.stringify(s).slice(0, 40)}`,
    path: `/v1/cases/${enc(s)}/suspension`,
    body: undefined as string | undefined,
    contentType: undefined as string | undefined,
    forceBadAuth: false,
  })),
  fc.constantFrom(...WRONG_TYPES).map((contentType) => ({
    how: `a body as ${contentType}`,
    path: `/v1/cases/${ids.suspended}/suspension`,
    body: '{"reason":"x"}',
    contentType,
    forceBadAuth: false,
  })),
  fc.constant({
    how: 'body over 1 MiB',
    path: '',
    body: JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }),
    contentType: 'application/json',
    forceBadAuth: false,
  }),
  fc.constant({ how: 'a bad token', path: '', body: undefined, contentType: undefined, forceBadAuth: true }),
);

const queryArb = fc.dictionary(
  fc.constantFrom('status', 'province', 'nextToken', 'limit', 'x', ''),
  fc.oneof(
    fc.string({ maxLength: 30 }),
    badDate,
    fc.constantFrom('PAID', 'paid', '0', '101', '-1', '1e3', '310000', 'eyJwayI6IkNBU0UjeCJ9', '%'),
    huge.map((s) => s.slice(0, 1200)),
  ),
  { maxKeys: 3 },
);
const qs = (q: Record<string, string>) => new URLSearchParams(q).toString();
const idOr = (real: () => string) => fc.oneof(fc.constant(undefined), segment).map((s) => (s === undefined ? real() : enc(s)));

const READS: { name: string; token: () => string; path: fc.Arbitrary<string> }[] = [
  {
    name: 'GET /v1/assistance-requests',
    token: () => T().otherProvince,
    path: fc
      .dictionary(fc.constantFrom('direction', 'x', ''), fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('sent', 'received', 'SENT', '%')), {
        maxKeys: 2,
      })
      .map((q) => `/v1/assistance-requests?${qs(q)}`),
  },
  { name: 'GET /v1/cases', token: () => T().handler, path: queryArb.map((q) => `/v1/cases?${qs(q)}`) },
  {
    name: 'GET /v1/cases/{caseId}',
    token: () => T().platform,
    path: fc
      .tuple(
        idOr(() => ids.paid),
        queryArb,
      )
      .map(([id, q]) => `/v1/cases/${id}?${qs(q)}`),
  },
  { name: 'GET /v1/cases/{caseId}/benefits', token: () => worker.token, path: idOr(() => ids.paid).map((id) => `/v1/cases/${id}/benefits`) },
  { name: 'GET /v1/cases/{caseId}/payments', token: () => T().reviewer, path: idOr(() => ids.paid).map((id) => `/v1/cases/${id}/payments`) },
  { name: 'GET /v1/payment-runs/{runId}', token: () => T().admin, path: idOr(() => ids.run).map((id) => `/v1/payment-runs/${id}`) },
  { name: 'GET /v1/cases/{caseId}/documents', token: () => T().platform, path: idOr(() => ids.underReview).map((id) => `/v1/cases/${id}/documents`) },
  {
    name: 'GET /v1/cases/{caseId}/documents/{documentId}',
    token: () => worker.token,
    path: fc
      .tuple(
        idOr(() => ids.underReview),
        idOr(() => ids.document),
      )
      .map(([c, d]) => `/v1/cases/${c}/documents/${d}`),
  },
  {
    name: 'GET /v1/cases/{caseId}/documents/{documentId}/content',
    token: () => T().handler,
    path: fc
      .tuple(
        idOr(() => ids.underReview),
        idOr(() => ids.document),
      )
      .map(([c, d]) => `/v1/cases/${c}/documents/${d}/content`),
  },
];

describe('fuzzing the report, case and payment-run endpoints', () => {
  for (const target of WRITES) {
    it(`${target.name}: invalid bodies, raw bodies, odd ids and headers never give a 5xx or a 2xx; 4xx are problem+json`, async () => {
      const start = failures.length;
      await fc.assert(
        fc.asyncProperty(writeArb(target), headersArb, async (req, headers) => {
          await check(`${target.name} [${req.how}]`, target.method, req.path, {
            token: target.token(),
            body: req.body,
            contentType: req.contentType,
            headers,
            write: true,
          });
        }),
        { numRuns: RUNS, seed: SEED },
      );
      const mine = failures.slice(start);
      expect(mine, mine.join('\n')).toEqual([]);
    });
  }

  it('DELETE /v1/cases/{caseId}/suspension: odd ids, bodies and tokens never give a 5xx or a 2xx; 4xx are problem+json', async () => {
    const start = failures.length;
    await fc.assert(
      fc.asyncProperty(resumeArb, headersArb, async (req, headers) => {
        const path = req.path || `/v1/cases/${ids.suspended}/suspension`;
        const h = req.forceBadAuth ? { ...headers, badAuth: headers.badAuth ?? 'Bearer x.y.z' } : headers;
        await check(`DELETE suspension [${req.how}]`, 'DELETE', path, {
          token: T().handler,
          ...(req.body !== undefined ? { body: req.body } : {}),
          ...(req.contentType ? { contentType: req.contentType } : {}),
          headers: h,
          write: true,
        });
      }),
      { numRuns: RUNS, seed: SEED },
    );
    const mine = failures.slice(start);
    expect(mine, mine.join('\n')).toEqual([]);
  });

  for (const target of READS) {
    it(`${target.name}: odd paths and query strings never give a 5xx; 4xx are problem+json`, async () => {
      const start = failures.length;
      await fc.assert(
        fc.asyncProperty(target.path, fc.option(headersArb, { nil: undefined }), async (path, headers) => {
          await check(target.name, 'GET', path, { token: target.token(), ...(headers ? { headers } : {}), write: false });
        }),
        { numRuns: RUNS, seed: SEED },
      );
      const mine = failures.slice(start);
      expect(mine, mine.join('\n')).toEqual([]);
    });
  }

  it('left every case, report, payment and run exactly as it was, and saw no failure', async () => {
    expect(failures, failures.join('\n')).toEqual([]);
    expect(requests).toBeGreaterThanOrEqual(RUNS * (WRITES.length + 1 + READS.length));
    const seen = [...statuses.keys()].sort();
    expect(seen, JSON.stringify([...statuses].sort())).toEqual(expect.arrayContaining([200, 400, 401, 404, 413, 415]));
    expect(await snapshot()).toEqual(before);
  });
});
