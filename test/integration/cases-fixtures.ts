/**
 * Builders for the case scenarios, over any client of the HTTP API (the test stack, or the demo's fetch
 * client): a platform enrolled in a province, the benefit parameters, a registered worker with an order
 * covering the injury, an injury report and an opened case; plus polling for a status with a deadline.
 */
import { randomBytes } from 'node:crypto';
import { makeCreditCode, makeResidentId, shanghaiMonth } from '../../core/index.ts';
import { ensureMonthTakesOrders } from '../support/months.ts';

export interface Res<T = any> {
  readonly status: number;
  readonly body: T;
}
export type Api = <T = any>(method: string, path: string, options?: { body?: unknown; token?: string }) => Promise<Res<T>>;
export type Mint = (claims: Record<string, unknown>) => Promise<string>;

export const PROVINCE = '110000';
export const W_FEN = 1_200_000; // 12,000 yuan average monthly wage
const MIN_WAGE_FEN = 250_000;
export const MEAL_FEN_PER_DAY = 10_000;

export interface World {
  readonly api: Api;
  readonly platformId: string;
  readonly tokens: {
    admin: string;
    platform: string;
    handler: string;
    handler2: string;
    reviewer: string;
    reviewer2: string;
    assessor: string;
    otherProvince: string;
  };
  readonly mint: Mint;
}

const hex = (n: number) => randomBytes(n).toString('hex');
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');

const expectStatus = (res: Res, status: number, what: string) => {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res;
};

/** A platform enrolled in PROVINCE since 2024, the province's benefit parameters, and staff tokens. */
export async function setUpWorld(api: Api, mint: Mint): Promise<World> {
  const admin = await mint({ role: 'admin', sub: 'admin-1', provinces: [PROVINCE] });
  const created = expectStatus(
    await api('POST', '/v1/platforms', {
      token: admin,
      body: {
        name: `Platform ${hex(3)}`,
        creditCode: makeCreditCode(`91110000${digits(9)}`),
        industries: ['INSTANT_DELIVERY'],
        provinces: [{ code: PROVINCE, joinedOn: '2024-01-01' }],
      },
    }),
    201,
    'create platform',
  );
  const platformId = created.body.platformId as string;
  for (const [name, value] of [
    ['averageMonthlyWageFen', W_FEN],
    ['minimumMonthlyWageFen', MIN_WAGE_FEN],
    ['inpatientMealFenPerDay', MEAL_FEN_PER_DAY],
  ] as const) {
    const res = await api('PUT', '/v1/parameters', { token: admin, body: { name, scope: { province: PROVINCE }, effectiveFrom: '2024-01-01', value } });
    if (res.status !== 201 && res.status !== 200) throw new Error(`parameter ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const staff = (role: string, sub: string, provinces = [PROVINCE]) => mint({ role, sub, provinces });
  return {
    api,
    platformId,
    mint,
    tokens: {
      admin,
      platform: await mint({ role: 'platform', sub: `platform-${platformId}`, platformId }),
      handler: await staff('handler', 'handler-1'),
      handler2: await staff('handler', 'handler-2'),
      reviewer: await staff('reviewer', 'reviewer-1'),
      reviewer2: await staff('reviewer', 'reviewer-2'),
      assessor: await staff('assessor', 'assessor-1'),
      otherProvince: await staff('handler', 'handler-sh', ['310000']),
    },
  };
}

export interface Worker {
  readonly workerId: string;
  readonly platformWorkerId: string;
  readonly token: string;
  /** The resident ID number registered (for log scans: it must never appear in a log). */
  readonly idNumber: string;
}

/** A worker registered with the platform (born `birthDate`, male unless `female`). */
export async function registerWorker(world: World, birthDate = '1990-05-01', female = false): Promise<Worker> {
  const platformWorkerId = `rider-${hex(4)}`;
  // A distinct person per call: same name and birth date, so the ID number must differ (one ID number is one
  // person, D3). Region digits 3–6 and the sequence are random: 10⁴ × 500 numbers, not 100 (which collided).
  const region = `11${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`;
  const seq = (female ? 0 : 1) + Math.floor(Math.random() * 500) * 2; // odd 17th digit = male (GB 11643)
  const idNumber = makeResidentId(region, birthDate, seq);
  const res = expectStatus(
    await world.api('PUT', `/v1/platforms/${world.platformId}/workers`, {
      token: world.tokens.platform,
      body: { workers: [{ platformWorkerId, name: '张三', idNumber }] },
    }),
    200,
    'register worker',
  );
  const workerId = res.body.results[0].workerId as string;
  if (!workerId) throw new Error(`worker rejected: ${JSON.stringify(res.body)}`);
  return { workerId, platformWorkerId, idNumber, token: await world.mint({ role: 'worker', sub: `worker-${workerId}`, workerId }) };
}

/** An order accepted an hour before `at` (open: covers `at`), so an injury at `at` is covered (D4). */
export async function orderAround(world: World, worker: Worker, at: Date): Promise<string> {
  const orderId = `o-${hex(5)}`;
  const acceptedAt = new Date(at.getTime() - 3_600_000);
  // D19: a past month may have closed (last month from the 16th on, any older one always): an administrator
  // reopens it (补报). The current month is always open.
  if (shanghaiMonth(acceptedAt) < shanghaiMonth(new Date()))
    await ensureMonthTakesOrders(world.api, world.tokens.admin, world.platformId, shanghaiMonth(acceptedAt));
  const res = expectStatus(
    await world.api('POST', `/v1/platforms/${world.platformId}/orders`, {
      token: world.tokens.platform,
      body: {
        orders: [
          {
            orderId,
            platformWorkerId: worker.platformWorkerId,
            industry: 'INSTANT_DELIVERY',
            province: PROVINCE,
            acceptedAt: acceptedAt.toISOString(),
          },
        ],
      },
    }),
    200,
    'order',
  );
  if (res.body.results[0].status !== 'accepted') throw new Error(`order not accepted: ${JSON.stringify(res.body)}`);
  return orderId;
}

export async function report(world: World, worker: Worker, at: Date, token = world.tokens.platform): Promise<Res> {
  return world.api('POST', '/v1/injury-reports', {
    token,
    body: {
      platformId: world.platformId,
      platformWorkerId: worker.platformWorkerId,
      occurredAt: at.toISOString(),
      province: PROVINCE,
      place: '朝阳区建国路',
      description: '送餐途中摔倒',
    },
  });
}

export const openCaseBody = (
  reportId: string,
  kind: 'injury' | 'death' = 'injury',
  applicant: 'platform' | 'worker' | 'relative' | 'union' = 'platform',
  extra: Record<string, unknown> = {},
) => ({
  reportId,
  kind,
  // D14: a relative applies by name and is paid; an injury case pays the worker (registered as 张三).
  applicant: applicant === 'relative' ? { type: applicant, name: '张三' } : { type: applicant },
  payee: { name: '张三', bankAccount: '6222020200112230' },
  consent: true,
  ...extra,
});

/** A small real PDF: its magic number and its size are what the check after upload compares (D13). */
export const SAMPLE_PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(1_000, 0x20), Buffer.from('\n%%EOF\n')]);

/**
 * Hands in what the case's checklist is missing and what a basis may still require (D13), so that a
 * confirmation is accepted: `waive` — the handler waives each type, holding the paper original;
 * `upload` — a real PDF per type through the presigned URL, waiting for the check to make it AVAILABLE.
 */
export async function handInDocuments(world: World, caseId: string, how: 'waive' | 'upload' = 'waive', handler = world.tokens.handler): Promise<void> {
  const list = expectStatus(await world.api('GET', `/v1/cases/${caseId}/documents`, { token: handler }), 200, 'documents');
  // Everything missing, and what a basis may still require (the police report of a traffic accident).
  const types = [...list.body.checklist.missing, ...list.body.checklist.conditional.map((c: { type: string }) => c.type)] as string[];
  for (const type of types) {
    if (how === 'waive') {
      const body = { type, reason: '纸质原件已核验' };
      expectStatus(await world.api('POST', `/v1/cases/${caseId}/document-waivers`, { token: handler, body }), 201, `waive ${type}`);
      continue;
    }
    await uploadDocument(world, caseId, type);
  }
}

/** Uploads SAMPLE_PDF as a document of `type` through its presigned URL and waits until the check makes it AVAILABLE. */
export async function uploadDocument(world: World, caseId: string, type: string): Promise<string> {
  const body = { type, fileName: `${type.toLowerCase()}.pdf`, contentType: 'application/pdf', sizeBytes: SAMPLE_PDF.length };
  const ticket = expectStatus(await world.api('POST', `/v1/cases/${caseId}/documents`, { token: world.tokens.handler, body }), 201, `upload ${type}`);
  const put = await fetch(ticket.body.upload.url, { method: 'PUT', headers: ticket.body.upload.headers, body: SAMPLE_PDF });
  if (put.status !== 200) throw new Error(`PUT ${type}: ${put.status}`);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const d = await world.api('GET', `/v1/cases/${caseId}/documents/${ticket.body.documentId}`, { token: world.tokens.handler });
    if (d.body.status === 'AVAILABLE') return ticket.body.documentId as string;
    if (d.body.status !== 'UPLOADING' || Date.now() > deadline) throw new Error(`document ${type}: ${JSON.stringify(d.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Worker + covering order + report + case (opened by the platform), with its documents handed in
 * (`documents`: waived by default; `none` leaves the checklist open). Returns the opened case.
 */
export async function openedCase(
  world: World,
  options: { kind?: 'injury' | 'death'; at?: Date; birthDate?: string; documents?: 'waive' | 'upload' | 'none' } = {},
): Promise<{ worker: Worker; reportId: string; caseId: string; body: any }> {
  const at = options.at ?? new Date(Date.now() - 30 * 60_000);
  const worker = await registerWorker(world, options.birthDate);
  await orderAround(world, worker, at);
  const r = expectStatus(await report(world, worker, at), 201, 'report');
  const applicant = options.kind === 'death' ? 'relative' : 'platform';
  const token = options.kind === 'death' ? world.tokens.handler : world.tokens.platform;
  const c = expectStatus(
    await world.api('POST', '/v1/cases', { token, body: openCaseBody(r.body.reportId, options.kind ?? 'injury', applicant) }),
    201,
    'open case',
  );
  if (options.documents !== 'none') await handInDocuments(world, c.body.caseId, options.documents ?? 'waive');
  return { worker, reportId: r.body.reportId, caseId: c.body.caseId, body: c.body };
}

/** Polls GET /v1/cases/{caseId} until `done` holds (and no step is pending), failing after `timeoutMs`. */
export async function waitForCase(world: World, caseId: string, done: (c: any) => boolean, timeoutMs = 15_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let last: any;
  for (;;) {
    const res = await world.api('GET', `/v1/cases/${caseId}`, { token: world.tokens.handler });
    last = res.body;
    if (res.status === 200 && !last.pendingStep && (last.workflow?.status === 'FAILED' || done(last))) return last;
    if (Date.now() > deadline)
      throw new Error(`case ${caseId} did not reach the expected state in ${timeoutMs} ms; last: ${JSON.stringify(last).slice(0, 1500)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const waitForStatus = (world: World, caseId: string, status: string, timeoutMs?: number) =>
  waitForCase(world, caseId, (c) => c.status === status, timeoutMs);

/** Polls a payment run until it leaves RUNNING. */
export async function waitForRun(world: World, runId: string, timeoutMs = 15_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await world.api('GET', `/v1/payment-runs/${runId}`, { token: world.tokens.admin });
    if (res.status === 200 && res.body.status !== 'RUNNING') return res.body;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${JSON.stringify(res.body)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The steps of a minor injury to APPROVED (its payment instructed): confirmation without assessment, expenses, approval. */
export async function payMinorInjury(world: World, caseId: string): Promise<any> {
  const { api, tokens } = world;
  expectStatus(
    await api('POST', `/v1/cases/${caseId}/expenses`, {
      token: tokens.handler2,
      body: { items: [{ description: '门诊', amountFen: 80_000, inCatalogue: true }], inpatientDays: 0 },
    }),
    202,
    'expenses',
  );
  expectStatus(
    await api('POST', `/v1/cases/${caseId}/confirmation`, {
      token: tokens.handler,
      body: { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: false },
    }),
    202,
    'confirmation',
  );
  await waitForStatus(world, caseId, 'AWAITING_APPROVAL');
  expectStatus(await approve(world, caseId), 202, 'approval');
  return waitForStatus(world, caseId, 'APPROVED');
}

/**
 * The bank pays what is instructed for the case (D15): finance batches every instructed payment of the
 * province, and the bank's result `PAID` comes back for this case's sent payments. Returns the case once
 * no payment of it is left SENT.
 */
export async function settleByBank(world: World, caseId: string, status: 'PAID' | 'RETURNED' = 'PAID', returnReason?: string): Promise<any> {
  const finance = await world.mint({ role: 'finance', sub: 'finance-1', provinces: [PROVINCE] });
  const batch = await world.api('POST', '/v1/payment-batches', { token: finance, body: { province: PROVINCE } });
  if (batch.status !== 201 && batch.status !== 422) throw new Error(`batch: ${batch.status} ${JSON.stringify(batch.body)}`);
  const c = await world.api('GET', `/v1/cases/${caseId}`, { token: world.tokens.handler });
  const sent = c.body.payments.filter((p: any) => p.status === 'SENT');
  for (const batchId of new Set<string>(sent.map((p: any) => p.batchId))) {
    const results = sent
      .filter((p: any) => p.batchId === batchId)
      .map((p: any) => ({ paymentId: p.paymentId, status, ...(status === 'RETURNED' ? { returnReason: returnReason ?? '账户已销户' } : {}) }));
    expectStatus(await world.api('POST', `/v1/payment-batches/${batchId}/results`, { token: finance, body: { results } }), 200, 'bank results');
  }
  return waitForCase(world, caseId, (x) => x.payments.every((p: any) => p.status !== 'SENT'));
}

/** The approval body for the calculation the case shows now (D14: an approval names the calculation it saw). */
export async function approvalBody(world: World, caseId: string, decision: 'approve' | 'return' = 'approve', comment?: string) {
  const benefits = await world.api('GET', `/v1/cases/${caseId}/benefits`, { token: world.tokens.reviewer });
  return { decision, calculationId: benefits.body.calculationId ?? 'none', ...(comment ? { comment } : {}) };
}

/** A reviewer approves (or returns) the calculation the case shows now. */
export async function approve(world: World, caseId: string, token = world.tokens.reviewer, decision: 'approve' | 'return' = 'approve', comment?: string) {
  return world.api('POST', `/v1/cases/${caseId}/approval`, { token, body: await approvalBody(world, caseId, decision, comment) });
}
