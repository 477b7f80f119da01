/**
 * Log scan: everything the process writes to stdout/stderr (and console) while the enrolment slice runs
 * through the HTTP API — workers with ID numbers, names and phones, orders, declarations, enrolment days,
 * coverage, validation errors, an Idempotency-Key replay, and a deliberately failing request whose error
 * message carries an ID number and a phone — must contain none of the ID numbers, phones or names sent.
 * Logging runs at DEBUG so that every log line the code can produce is produced; the scan also asserts
 * that lines were captured (including the failure's), so it cannot pass by capturing nothing. Business
 * metrics are on, so their EMF documents on stdout are scanned too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import { outputCapture } from '../support/capture-output.ts';
import { emfDocuments, metricTotal } from '../support/emf.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { adminClaims, handlerClaims, idNumber, orderItem, platformBody, platformClaims, workerClaims } from '../support/fixtures.ts';
import { reopenMonths } from '../support/months.ts';

const capture = outputCapture();
const { captured } = capture;
const startCapture = () => capture.start();
const stopCapture = () => capture.stop();

/** The personal data sent during the run. */
const N = 12;
const people = Array.from({ length: N }, (_, i) => ({
  platformWorkerId: `scan-${i}`,
  name: `隐私测试员${String.fromCharCode(0x7532 + i)}`,
  idNumber: idNumber(100 + i, `198${i % 10}-0${1 + (i % 9)}-2${i % 8}`, '320102'),
  phone: `137${String(20_000_000 + i * 7919).padStart(8, '0')}`,
}));
const badId = `${people[0]!.idNumber.slice(0, 17)}${people[0]!.idNumber[17] === '1' ? '2' : '1'}`;
const boom = { idNumber: idNumber(999, '1975-12-31', '440305'), phone: '15899998888', name: '故障测试人' };

let stack: TestStack;
let failingHandler: ((event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => Promise<unknown>) | undefined;

beforeAll(async () => {
  stack = await startTestStack({
    env: { POWERTOOLS_LOG_LEVEL: 'DEBUG', POWERTOOLS_METRICS_DISABLED: 'false' },
    extraRoutes: [
      {
        // A route whose code fails with personal data in the error message: the HTTP stack logs it.
        method: 'POST',
        path: '/test/failing-registration',
        auth: true,
        handler: async (event, context) => {
          failingHandler ??= (await import('../../functions/_shared/http.ts')).httpHandler({
            'POST /test/failing-registration': async (ctx) => {
              const body = ctx.rawBody() as { idNumber: string; phone: string };
              throw new Error(`registry write failed for ${body.idNumber} (phone ${body.phone})`);
            },
          }) as never;
          return failingHandler!(event, context);
        },
      },
    ],
  });
});

afterAll(async () => {
  stopCapture();
  await stack?.stop();
});

describe('no personal data in logs', () => {
  it('drives the enrolment slice, including failures, and prints no ID number, phone or name', async () => {
    startCapture();
    try {
      const admin = adminClaims;
      const created = await stack.api('POST', '/v1/platforms', { token: admin, body: platformBody() });
      expect(created.status).toBe(201);
      const P = created.body.platformId as string;
      const platform = platformClaims(P);
      // D19: August 2025 has closed; an administrator reopens it (补报) for the orders below.
      await reopenMonths(stack.api, admin, P, ['2025-08']);
      await stack.api('PUT', '/v1/parameters', {
        token: admin,
        body: {
          name: 'contributionRateFen',
          scope: { platformId: P, province: '110000', industry: 'INSTANT_DELIVERY' },
          effectiveFrom: '2026-01-01',
          value: 8,
        },
      });
      await stack.api('PUT', '/v1/calendars/2030', { token: admin, body: { holidays: ['2030-01-01'], workdays: [] } });

      const registered = await stack.api('PUT', `/v1/platforms/${P}/workers`, {
        token: platform,
        headers: { 'idempotency-key': 'scan-workers-1' },
        body: {
          workers: [
            ...people,
            { ...people[0]!, platformWorkerId: 'scan-bad', idNumber: badId },
            { ...people[1]!, platformWorkerId: 'scan-bad-phone', phone: `${people[1]!.phone}0` },
          ],
        },
      });
      expect(registered.status).toBe(200);
      expect(registered.body.results.filter((r: { status: string }) => r.status === 'accepted')).toHaveLength(N);
      const W = registered.body.results[0].workerId as string;
      // Re-sent (converges), under another name (rejected), and on another platform.
      await stack.api('PUT', `/v1/platforms/${P}/workers`, { token: platform, body: { workers: [people[2]!, { ...people[3]!, name: '另一个名字' }] } });

      const orders = people.map((p, i) =>
        orderItem(i, { platformWorkerId: p.platformWorkerId, acceptedAt: `2025-08-0${1 + (i % 9)}T10:00:00+08:00`, finishedAt: undefined }),
      );
      const ingested = await stack.api('POST', `/v1/platforms/${P}/orders`, {
        token: platform,
        headers: { 'idempotency-key': 'scan-orders-1' },
        body: { orders },
      });
      expect(ingested.body.accepted).toBe(N);
      await stack.api('POST', `/v1/platforms/${P}/orders`, { token: platform, headers: { 'idempotency-key': 'scan-orders-1' }, body: { orders } });
      const reused = await stack.api('POST', `/v1/platforms/${P}/orders`, {
        token: platform,
        headers: { 'idempotency-key': 'scan-orders-1' },
        body: { orders: orders.slice(1) },
      });
      expect(reused.status).toBe(422);
      await stack.api('GET', `/v1/platforms/${P}/declarations/2025-08`, { token: platform });
      await stack.api('GET', `/v1/workers/${W}/enrolment-days?from=2025-08-01&to=2025-08-31`, { token: workerClaims(W) });
      await stack.api('GET', `/v1/workers/${W}/coverage?at=${encodeURIComponent('2025-08-01T10:30:00+08:00')}&platformId=${P}`, { token: handlerClaims() });

      // Errors: invalid envelopes echoing personal data, wrong content type, not visible, forbidden.
      expect((await stack.api('PUT', `/v1/platforms/${P}/workers`, { token: platform, body: { workers: people, extra: people[0]!.idNumber } })).status).toBe(
        400,
      );
      expect((await stack.api('PUT', `/v1/platforms/${P}/workers`, { token: platform, body: `{"workers":[{"idNumber":"${people[4]!.idNumber}"` })).status).toBe(
        400,
      );
      expect(
        (
          await stack.api('PUT', `/v1/platforms/${P}/workers`, {
            token: platform,
            body: JSON.stringify({ workers: [people[5]] }),
            headers: { 'content-type': 'text/plain' },
          })
        ).status,
      ).toBe(415);
      expect((await stack.api('PUT', `/v1/platforms/${P}/workers`, { token: platformClaims('plt_other'), body: { workers: [people[6]] } })).status).toBe(404);
      expect((await stack.api('PUT', `/v1/platforms/${P}/workers`, { token: admin, body: { workers: [people[7]] } })).status).toBe(403);
      expect((await stack.api('PUT', `/v1/platforms/${P}/workers`, { body: { workers: [people[8]] } })).status).toBe(401);

      const failed = await stack.api('POST', '/test/failing-registration', { token: platform, body: boom });
      expect(failed.status).toBe(500);
      expect(failed.text).not.toContain(boom.idNumber);
    } finally {
      stopCapture();
    }

    const output = captured.join('\n');
    // The capture works: the handlers' own log lines and the failure's are in it.
    expect(captured.filter((l) => l.trim().startsWith('{"level"')).length).toBeGreaterThanOrEqual(2);
    expect(output).toContain('Orders ingested');
    expect(output).toContain('Unhandled error');
    expect(output).toContain('registry write failed for [redacted:id] (phone [redacted:phone])');
    // …and the business metrics' EMF documents (the orders accepted once, the replay counting nothing).
    expect(metricTotal(emfDocuments(captured), 'OrdersAccepted')).toBe(N);

    const secrets = [
      ...people.flatMap((p) => [p.idNumber, p.idNumber.slice(0, 17), p.phone, p.name]),
      badId,
      `${people[1]!.phone}0`,
      boom.idNumber,
      boom.phone,
      boom.name,
      '另一个名字',
    ];
    const leaks = secrets.filter((s) => output.includes(s));
    expect(leaks, `personal data in the logs: ${leaks.join(', ')}`).toEqual([]);
  });
});
