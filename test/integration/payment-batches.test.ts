/**
 * Bank batches on the local stack (D15; contract v2 "Payment chain"), through the API: a batch sends every
 * INSTRUCTED payment of its province (SENT) with its count and total; nothing to send is 422; roles and
 * provinces; the bank file in CSV and pain.001 (checked against the XSD subset), payees in full, every
 * download audited; the bank's results (PAID, RETURNED, duplicate, rejected) and the case they settle; the
 * fund report reconciled with the batches to the fen; a batch left ASSEMBLING by a failure, resumed.
 *
 * The tests share one stack and one province and run in order: each batch takes whatever is instructed
 * in the province, so each test batches what it made.
 * The whole file's output is captured: no payee name or account may reach a log line.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { monthOfDate, shanghaiDate } from '../../core/index.ts';
import { outputCapture } from '../support/capture-output.ts';
import { useCaseStack } from './cases-stack.ts';
import { openedCase, PROVINCE, waitForCase, type World } from './cases-fixtures.ts';
import { type ApprovedCase, approvedMinor, csvRows, financeToken, PAYEE } from './payment-batches-fixtures.ts';

const env = useCaseStack({ env: { POWERTOOLS_LOG_LEVEL: 'INFO' } });
const capture = outputCapture();
beforeAll(() => capture.start());
afterAll(() => capture.stop());

const SCHEMA = {
  fileName: 'pain.001.001.09.subset.xsd',
  contents: readFileSync(new URL('../../schemas/iso20022/pain.001.001.09.subset.xsd', import.meta.url), 'utf8'),
};

let world: World;
let finance: string;
/** The test stack's client: it also gives the headers and the raw text (the bank files are not JSON). */
const call = (method: string, path: string, token: string, body?: unknown) => env.stack.api(method, path, { token, ...(body === undefined ? {} : { body }) });
const createBatch = (token = finance) => call('POST', '/v1/payment-batches', token, { province: PROVINCE });
const month = () => monthOfDate(shanghaiDate(new Date()));
const paymentOf = async (caseId: string) => (await waitForCase(world, caseId, () => true)).payments[0];

/** What the tests made, for the later ones (they run in order). */
const made = {} as { a: ApprovedCase; b: ApprovedCase; noBank: ApprovedCase; batchId: string };

beforeAll(() => {
  world = env.world;
});

describe('creating a batch (finance, POST /v1/payment-batches)', () => {
  beforeAll(async () => {
    finance = await financeToken(world);
  });

  it('answers 422 NO_INSTRUCTED_PAYMENTS when the province has nothing instructed, and creates no batch', async () => {
    const res = await createBatch();
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('NO_INSTRUCTED_PAYMENTS');
    const report = await call('GET', `/v1/fund-reports/${month()}?province=${PROVINCE}`, finance);
    expect(report.body).toMatchObject({ batches: [], batchTotalFen: 0, reconciled: true });
  });

  it('refuses other roles (403), another province (404) and a bad body (400); finance sees no case (404)', async () => {
    for (const token of [world.tokens.reviewer, world.tokens.handler, world.tokens.admin, world.tokens.platform]) {
      expect((await createBatch(token)).status).toBe(403);
    }
    const shanghaiFinance = await financeToken(world, 'finance-sh', ['310000']);
    expect((await createBatch(shanghaiFinance)).status).toBe(404);
    const bad = await call('POST', '/v1/payment-batches', finance, { province: '999999' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'province' })]);
    expect((await call('POST', '/v1/payment-batches', finance, { province: PROVINCE, extra: 1 })).status).toBe(400);
    const { caseId } = await openedCase(world);
    expect((await call('GET', `/v1/cases/${caseId}`, finance)).status).toBe(404);
    expect((await call('GET', '/v1/cases', finance)).status).toBe(403);
  });

  it('sends every instructed payment of the province (SENT, batchId) with its count and total, a payee without a bank name too', async () => {
    made.a = await approvedMinor(world, 80_000);
    made.b = await approvedMinor(world, 123_456);
    made.noBank = await approvedMinor(world, 50_000, { bank: false });
    const res = await createBatch();
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      batchId: expect.stringMatching(/^B[0-9a-f]{16}$/),
      province: PROVINCE,
      status: 'READY',
      payments: 3,
      totalFen: 80_000 + 123_456 + 50_000,
      createdAt: expect.any(String),
    });
    made.batchId = res.body.batchId;
    for (const c of [made.a, made.b, made.noBank]) expect(await paymentOf(c.caseId)).toMatchObject({ status: 'SENT', batchId: made.batchId });

    const batch = await call('GET', `/v1/payment-batches/${made.batchId}`, finance);
    expect(batch.status).toBe(200);
    expect(batch.body).toMatchObject({ batchId: made.batchId, status: 'READY', payments: 3, totalFen: 253_456, createdBy: 'finance-1', downloads: [] });
    expect(batch.body.debtor).toMatchObject({ bankCode: expect.stringMatching(/^\d{12}$/) });
    expect(batch.body.items).toEqual(
      [made.a, made.b, made.noBank]
        .map((c) => ({ paymentId: c.paymentId, caseId: c.caseId, amountFen: c.amountFen, bankAmountFen: c.amountFen, status: 'SENT' }))
        .sort((x, y) => (x.paymentId < y.paymentId ? -1 : 1)),
    );
    // Nothing left to send: 422.
    expect((await createBatch()).status).toBe(422);
  });

  it('shows a batch to finance, reviewers and admins of its province only', async () => {
    const path = `/v1/payment-batches/${made.batchId}`;
    for (const token of [world.tokens.reviewer, world.tokens.admin]) expect((await call('GET', path, token)).status).toBe(200);
    for (const token of [world.tokens.handler, world.tokens.assessor, world.tokens.platform]) expect((await call('GET', path, token)).status).toBe(403);
    const shanghai = [await financeToken(world, 'finance-sh', ['310000']), await world.mint({ role: 'reviewer', sub: 'reviewer-sh', provinces: ['310000'] })];
    for (const token of shanghai) expect((await call('GET', path, token)).status).toBe(404);
    expect((await call('GET', '/v1/payment-batches/B0000000000000000', finance)).status).toBe(404);
    expect((await call('GET', '/v1/payment-batches/not-a-batch', finance)).status).toBe(404);
    // The file and the results are finance's alone.
    for (const token of [world.tokens.reviewer, world.tokens.admin]) {
      expect((await call('GET', `${path}/file?format=csv`, token)).status).toBe(403);
      expect((await call('POST', `${path}/results`, token, { results: [{ paymentId: made.a.paymentId, status: 'PAID' }] })).status).toBe(403);
    }
  });
});

describe('the bank file (GET /v1/payment-batches/{batchId}/file)', () => {
  it('is a CSV with exactly the contract columns, payees in full, amounts in yuan', async () => {
    const res = await call('GET', `/v1/payment-batches/${made.batchId}/file?format=csv`, finance);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${made.batchId}.csv"`);
    const [header, ...rows] = csvRows(res.text);
    expect(header).toEqual(['paymentId', 'caseId', 'payeeName', 'bankAccount', 'bankName', 'bankCode', 'amountYuan']);
    const expected = [made.a, made.b, made.noBank]
      .sort((x, y) => (x.paymentId < y.paymentId ? -1 : 1))
      .map((c) => {
        const bank = c === made.noBank ? ['', ''] : [PAYEE.bankName, PAYEE.bankCode];
        return [c.paymentId, c.caseId, PAYEE.name, PAYEE.bankAccount, ...bank, (c.amountFen / 100).toFixed(2)];
      });
    expect(rows).toEqual(expected);
    // The same file on every download (the file of a batch never changes); the default format is CSV.
    expect((await call('GET', `/v1/payment-batches/${made.batchId}/file`, finance)).text).toBe(res.text);
  });

  it('is a pain.001.001.09 file the schema accepts: MsgId = batchId, EndToEndId = paymentId, the batch totals', async () => {
    const res = await call('GET', `/v1/payment-batches/${made.batchId}/file?format=pain.001`, finance);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${made.batchId}.xml"`);
    const result = await validateXML({ xml: [{ fileName: 'batch.xml', contents: res.text }], schema: [SCHEMA] });
    expect(result.errors).toEqual([]);
    expect(res.text).toContain(`<MsgId>${made.batchId}</MsgId>`);
    expect(res.text).toContain('<NbOfTxs>3</NbOfTxs>');
    expect(res.text).toContain('<CtrlSum>2534.56</CtrlSum>');
    for (const c of [made.a, made.b, made.noBank]) expect(res.text).toContain(`<EndToEndId>${c.paymentId}</EndToEndId>`);
    // The payee without a bank name: no creditor agent, the bank routes by the account.
    expect(res.text.match(/<CdtrAgt>/g)).toHaveLength(2);
    expect(res.text).toContain(`<Nm>${PAYEE.name}</Nm>`);
    expect(res.text).toContain(`<Id>${PAYEE.bankAccount}</Id>`);
  });

  it('audits every download (who, when, format) and refuses an unknown format', async () => {
    expect((await call('GET', `/v1/payment-batches/${made.batchId}/file?format=xlsx`, finance)).status).toBe(400);
    const batch = await call('GET', `/v1/payment-batches/${made.batchId}`, world.tokens.reviewer);
    expect(batch.body.downloads.map((d: any) => [d.by, d.format])).toEqual([
      ['finance-1', 'csv'],
      ['finance-1', 'csv'],
      ['finance-1', 'pain.001'],
    ]);
    for (const d of batch.body.downloads) expect(Date.parse(d.at)).toBeGreaterThan(Date.now() - 600_000);
  });
});

describe("the bank's results (POST /v1/payment-batches/{batchId}/results)", () => {
  const results = (body: unknown) => call('POST', `/v1/payment-batches/${made.batchId}/results`, finance, body);

  it('refuses a RETURNED result without the reason, or a PAID one with a reason (400, nothing applied)', async () => {
    const missing = await results({
      results: [
        { paymentId: made.a.paymentId, status: 'PAID' },
        { paymentId: made.b.paymentId, status: 'RETURNED' },
      ],
    });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ path: 'results.1.returnReason' })]);
    const extra = await results({ results: [{ paymentId: made.a.paymentId, status: 'PAID', returnReason: '无' }] });
    expect(extra.body.errors).toEqual([expect.objectContaining({ path: 'results.0.returnReason' })]);
    expect((await results({ results: [] })).status).toBe(400);
    expect(await paymentOf(made.a.caseId)).toMatchObject({ status: 'SENT' });
  });

  it('applies PAID and RETURNED (with the reason), counts a repeat as duplicate and rejects what is not this batch’s to settle', async () => {
    // A payment of another batch.
    const other = await approvedMinor(world, 7_000);
    const second = await createBatch();
    expect(second.body).toMatchObject({ payments: 1, totalFen: 7_000 });
    const res = await results({
      results: [
        { paymentId: made.a.paymentId, status: 'PAID' },
        { paymentId: made.b.paymentId, status: 'RETURNED', returnReason: '账户已销户' },
        { paymentId: made.a.paymentId, status: 'PAID' },
        { paymentId: made.a.paymentId, status: 'RETURNED', returnReason: '户名不符' },
        { paymentId: other.paymentId, status: 'PAID' },
        { paymentId: 'not-a-payment', status: 'PAID' },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 2, duplicates: 1, rejected: 3 });
    expect(res.body.results.map((r: any) => [r.index, r.paymentId, r.status])).toEqual([
      [0, made.a.paymentId, 'accepted'],
      [1, made.b.paymentId, 'accepted'],
      [2, made.a.paymentId, 'duplicate'],
      [3, made.a.paymentId, 'rejected'],
      [4, other.paymentId, 'rejected'],
      [5, 'not-a-payment', 'rejected'],
    ]);
    expect(res.body.results[3].errors).toEqual([expect.objectContaining({ path: 'results.3.status' })]);
    expect(res.body.results[4].errors).toEqual([expect.objectContaining({ path: 'results.4.paymentId' })]);
    expect(res.body.results[5].errors).toEqual([expect.objectContaining({ path: 'results.5.paymentId' })]);

    // A: its only one-off payment PAID → the case is PAID, by the bank (D15).
    const a = await waitForCase(world, made.a.caseId, (c) => c.status === 'PAID');
    expect(a.status).toBe('PAID');
    expect(a.payments[0]).toMatchObject({ status: 'PAID', settledAt: expect.any(String) });
    expect(a.timeline.at(-1)).toMatchObject({ actor: 'bank', action: 'status.changed', before: { status: 'APPROVED' }, after: { status: 'PAID' } });
    // B: returned with the bank's reason; the case waits for the payee to be corrected (stays APPROVED).
    const b = await waitForCase(world, made.b.caseId, () => true);
    expect(b.status).toBe('APPROVED');
    expect(b.payments[0]).toMatchObject({ status: 'RETURNED', returnReason: '账户已销户' });

    // The same results again: duplicates only, nothing changes.
    const again = await results({
      results: [
        { paymentId: made.a.paymentId, status: 'PAID' },
        { paymentId: made.b.paymentId, status: 'RETURNED', returnReason: '账户已销户' },
      ],
    });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 2, rejected: 0 });
    const batch = await call('GET', `/v1/payment-batches/${made.batchId}`, finance);
    expect(Object.fromEntries(batch.body.items.map((i: any) => [i.paymentId, [i.status, i.returnReason]]))).toEqual({
      [made.a.paymentId]: ['PAID', undefined],
      [made.b.paymentId]: ['RETURNED', '账户已销户'],
      [made.noBank.paymentId]: ['SENT', undefined],
    });
    // The file is still the one the bank got.
    const [, ...rows] = csvRows((await call('GET', `/v1/payment-batches/${made.batchId}/file`, finance)).text);
    expect(rows).toHaveLength(3);
  });
});

describe('a batch left ASSEMBLING by a failure is resumed by the next POST (nothing accepted is lost)', () => {
  it('keeps the case written before the failure, refuses the file meanwhile, and finishes with every payment once', async () => {
    const c = await approvedMinor(world, 10_001);
    const d = await approvedMinor(world, 20_002);
    const { dynamo } = await import('../../functions/_shared/db.ts');
    let writes = 0;
    const name = 'fail-second-batch-write';
    dynamo.middlewareStack.add(
      (next, context) => async (args) => {
        const input = JSON.stringify((args as { input: unknown }).input);
        if (/TransactWrite/.test(String(context.commandName)) && input.includes('ADD payments') && ++writes === 2) {
          throw Object.assign(new Error('injected: the database went away'), { name: 'InjectedFault' });
        }
        return next(args);
      },
      { step: 'initialize', name },
    );
    let failed: Awaited<ReturnType<typeof createBatch>>;
    try {
      failed = await createBatch();
    } finally {
      dynamo.middlewareStack.remove(name);
    }
    expect(failed.status).toBe(500);
    expect(failed.body.code).toBe('INTERNAL_ERROR');
    const sent = [await paymentOf(c.caseId), await paymentOf(d.caseId)].filter((p) => p.status === 'SENT');
    expect(sent).toHaveLength(1);
    const batchId = sent[0].batchId as string;
    const half = await call('GET', `/v1/payment-batches/${batchId}`, finance);
    expect(half.body).toMatchObject({ status: 'ASSEMBLING', payments: 1, totalFen: sent[0].amountFen });
    expect((await call('GET', `/v1/payment-batches/${batchId}/file`, finance)).body.code).toBe('BATCH_NOT_READY');
    const early = await call('POST', `/v1/payment-batches/${batchId}/results`, finance, { results: [{ paymentId: sent[0].paymentId, status: 'PAID' }] });
    expect(early.status).toBe(409);

    const resumed = await createBatch();
    expect(resumed.status).toBe(201);
    expect(resumed.body).toMatchObject({ batchId, status: 'READY', payments: 2, totalFen: 30_003 });
    for (const x of [c, d]) expect(await paymentOf(x.caseId)).toMatchObject({ status: 'SENT', batchId });
    const [, ...rows] = csvRows((await call('GET', `/v1/payment-batches/${batchId}/file`, finance)).text);
    expect(rows.map((r) => r[6]).sort()).toEqual(['100.01', '200.02']);
  });
});

describe('the fund report (GET /v1/fund-reports/{month}?province=)', () => {
  it('sums the month per benefit item and reconciles sent less offsets with the batches to the fen', async () => {
    const res = await call('GET', `/v1/fund-reports/${month()}?province=${PROVINCE}`, finance);
    expect(res.status).toBe(200);
    const instructed = 80_000 + 123_456 + 50_000 + 7_000 + 10_001 + 20_002;
    const sent = instructed;
    expect(res.body.items).toEqual([{ item: 'medical', instructedFen: instructed, sentFen: sent, paidFen: 80_000, returnedFen: 123_456, cancelledFen: 0 }]);
    expect(res.body.totals).toEqual({ instructedFen: instructed, sentFen: sent, paidFen: 80_000, returnedFen: 123_456, cancelledFen: 0 });
    expect(res.body.offsetFen).toBe(0);
    expect(res.body.batches.map((b: any) => [b.totalFen, b.payments, b.status])).toEqual([
      [253_456, 3, 'READY'],
      [7_000, 1, 'READY'],
      [30_003, 2, 'READY'],
    ]);
    expect(res.body).toMatchObject({ province: PROVINCE, month: month(), batchTotalFen: sent, reconciled: true });
    expect((await call('GET', `/v1/fund-reports/${month()}?province=${PROVINCE}`, world.tokens.admin)).status).toBe(200);
  });

  it('refuses other roles (403), another province (404), a bad month or a missing province (400)', async () => {
    for (const token of [world.tokens.reviewer, world.tokens.handler])
      expect((await call('GET', `/v1/fund-reports/${month()}?province=${PROVINCE}`, token)).status).toBe(403);
    expect((await call('GET', `/v1/fund-reports/${month()}?province=310000`, finance)).status).toBe(404);
    const bad = await call('GET', '/v1/fund-reports/2026-13', finance);
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(['month', 'province']);
  });
});

describe('logs', () => {
  it('carry no payee name or account from any batch, file or result', () => {
    const text = capture.captured.join('');
    expect(text).toContain('Bank file downloaded');
    expect(text).toContain('Payment batch created');
    expect(text).not.toContain(PAYEE.name);
    expect(text).not.toContain(PAYEE.bankAccount);
    expect(text).not.toContain(PAYEE.bankAccount.slice(-8));
  });
});
