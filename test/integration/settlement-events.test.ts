/**
 * D19's events on the local stack, end to end: the scheduled close stores the month CLOSED and the unpaid
 * bill's credit record; the cases table's stream announces `declaration.closed` and
 * `credit_record.created`, and the platform's webhook receives each once, signed (Standard Webhooks), with
 * ids only. A second delivery of the schedule announces nothing more.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, closesOn, shanghaiMonth, shanghaiStartOfDay } from '../../core/index.ts';
import { PROVINCE, registerWorker } from './cases-fixtures.ts';
import { useCaseStack } from './cases-stack.ts';

const ctx = useCaseStack({ events: { retryCompression: 1_000_000, webhookTimeoutMs: 1_500, pollIntervalMs: 50 } });

const received: { headers: Record<string, string>; body: string }[] = [];
let server: Server;
let url = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])), body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/d19`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

const until = async (what: string, done: () => boolean, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms; received ${JSON.stringify(received).slice(0, 600)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('declaration.closed and credit_record.created (D19, D21)', () => {
  it('the close of an unpaid month reaches the platform once per event, signed, with ids only', async () => {
    const world = ctx.world;
    const hook = await world.api('PUT', `/v1/platforms/${world.platformId}/webhook`, {
      token: world.tokens.platform,
      body: { url, events: ['declaration.closed', 'credit_record.created'] },
    });
    expect(hook.status).toBe(200);
    const secret = hook.body.secret as string;

    const month = shanghaiMonth(new Date());
    const worker = await registerWorker(world);
    const ordered = await world.api('POST', `/v1/platforms/${world.platformId}/orders`, {
      token: world.tokens.platform,
      body: {
        orders: [
          {
            orderId: `o-${randomBytes(5).toString('hex')}`,
            platformWorkerId: worker.platformWorkerId,
            industry: 'INSTANT_DELIVERY',
            province: PROVINCE,
            acceptedAt: new Date(Date.now() - 60_000).toISOString(),
          },
        ],
      },
    });
    expect(ordered.body.accepted).toBe(1);

    const closingMoment = shanghaiStartOfDay(addDays(closesOn(month, 15), 1));
    const closed = await ctx.sfn.monthCloseNow(closingMoment);
    expect(closed.closed).toBeGreaterThanOrEqual(1);
    // The close looks at the month and the one before (catch-up): each becomes CLOSED (one event each); only
    // this month has a bill (one credit record).
    expect(closed.months).toContain(month);
    const expectedDeliveries = closed.months.length + 1;
    await until('the deliveries', () => received.length >= expectedDeliveries);
    await ctx.events.settled();
    // The schedule delivered again: nothing new is stored, nothing more is announced.
    expect((await ctx.sfn.monthCloseNow(closingMoment)).closed).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await ctx.events.settled();

    const payloads = received.map((r) => new Webhook(secret).verify(r.body, r.headers) as { type: string; data: Record<string, unknown> });
    expect(new Set(received.map((r) => r.headers['webhook-id'])).size).toBe(received.length);
    expect(
      payloads
        .filter((p) => p.type === 'declaration.closed')
        .map((p) => p.data)
        .sort((a, b) => String(a.month).localeCompare(String(b.month))),
    ).toEqual([...closed.months].sort().map((m) => ({ platformId: world.platformId, month: m, declarationId: `${world.platformId}#${m}` })));
    expect(payloads.filter((p) => p.type === 'credit_record.created').map((p) => p.data)).toEqual([
      { platformId: world.platformId, creditRecordId: `CR-UNPAID-${world.platformId}-${month}` },
    ]);
    expect(received).toHaveLength(expectedDeliveries);
  });
});
