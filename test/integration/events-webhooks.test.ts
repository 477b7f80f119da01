/**
 * Domain events → platform webhooks (D21, Standard Webhooks) on the local stack: the cases table's stream
 * read by the local poller, the bus, the consumer, the delivery queue and the sender, against local HTTP
 * receivers. Retries are compressed (every wait 1 s) and the receiver timeout shortened to 1.5 s.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderAround, registerWorker, report, setUpWorld, type World } from './cases-fixtures.ts';
import { useCaseStack } from './cases-stack.ts';

const ctx = useCaseStack({ events: { retryCompression: 1_000_000, webhookTimeoutMs: 1_500, pollIntervalMs: 50 } });

interface Received {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly at: number;
}

type Behaviour = 'ok' | 'fail-twice' | 'hang' | 'close';

/** A local receiver: one path per platform, each answering as told. */
const receiver = {
  server: undefined as Server | undefined,
  url: '',
  received: [] as Received[],
  behaviours: new Map<string, Behaviour>(),
  hanging: new Set<ServerResponse>(),
  of(path: string) {
    return receiver.received.filter((r) => r.path === path);
  },
};

const handle = async (req: IncomingMessage, res: ServerResponse) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const path = req.url ?? '/';
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
  const seen = receiver.of(path).length;
  receiver.received.push({ path, headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
  const behaviour = receiver.behaviours.get(path) ?? 'ok';
  if (behaviour === 'hang') {
    receiver.hanging.add(res);
    res.on('close', () => receiver.hanging.delete(res));
    return;
  }
  if (behaviour === 'close') {
    req.socket.destroy();
    return;
  }
  res.writeHead(behaviour === 'fail-twice' && seen < 2 ? 500 : 200).end();
};

beforeAll(async () => {
  const server = createServer((req, res) => void handle(req, res));
  receiver.server = server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const res of receiver.hanging) res.destroy();
  receiver.server?.closeAllConnections();
  await new Promise<void>((resolve) => receiver.server?.close(() => resolve()));
});

const until = async <T>(what: string, get: () => T | Promise<T>, done: (v: T) => boolean, timeoutMs = 20_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await get();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms; last ${JSON.stringify(value).slice(0, 800)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/** A new platform (its own world), its webhook at `path` answering as `behaviour`; returns the world and the secret. */
const platformWithWebhook = async (path: string, behaviour: Behaviour, events = ['injury_report.created', 'case.status_changed']) => {
  const world = await setUpWorld(ctx.world.api, ctx.world.mint);
  receiver.behaviours.set(path, behaviour);
  const res = await world.api('PUT', `/v1/platforms/${world.platformId}/webhook`, {
    token: world.tokens.platform,
    body: { url: `${receiver.url}${path}`, events },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  return { world, secret: res.body.secret as string };
};

/** A rider of the platform reports an injury themselves (worker token). */
const riderReports = async (world: World) => {
  const worker = await registerWorker(world);
  const at = new Date(Date.now() - 30 * 60_000);
  await orderAround(world, worker, at);
  const r = await report(world, worker, at, worker.token);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { worker, reportId: r.body.reportId as string };
};

const deliveries = async (world: World) =>
  (await world.api('GET', `/v1/platforms/${world.platformId}/webhook/deliveries`, { token: world.tokens.platform })).body.items as any[];

describe('platform webhooks (D21, Standard Webhooks)', () => {
  it('a report by a rider produces exactly one signed injury_report.created delivery whose signature verifies, with ids only', async () => {
    const { world, secret } = await platformWithWebhook('/one', 'ok');
    const { reportId } = await riderReports(world);
    await until(
      'the delivery',
      () => receiver.of('/one'),
      (r) => r.length >= 1,
    );
    await ctx.events.settled();
    const got = receiver.of('/one');
    expect(got).toHaveLength(1);
    const [delivery] = got;
    const payload = new Webhook(secret).verify(delivery!.body, delivery!.headers) as { type: string; timestamp: string; data: Record<string, unknown> };
    expect(payload.type).toBe('injury_report.created');
    expect(payload.data.reportId).toBe(reportId);
    expect(payload.data.platformId).toBe(world.platformId);
    // Ids only: no name, ID number, phone or place/description of the report.
    expect(Object.keys(payload.data).sort()).toEqual(expect.arrayContaining(['platformId', 'reportId']));
    for (const key of Object.keys(payload.data)) expect(key).toMatch(/Id$/);
    expect(delivery!.body).not.toContain('张三');
    expect(delivery!.headers['webhook-id']).toMatch(/^msg_/);
    expect(Number(delivery!.headers['webhook-timestamp'])).toBeGreaterThan(Date.now() / 1000 - 60);
    // A wrong secret does not verify it.
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(delivery!.body, delivery!.headers)).toThrow();
    const log = await deliveries(world);
    expect(log).toEqual([
      expect.objectContaining({ type: 'injury_report.created', attempt: 1, responseStatus: 200, webhookId: delivery!.headers['webhook-id'] }),
    ]);
  });

  it('a receiver answering 500 twice then 200 gets three attempts with the same webhook-id, each signed', async () => {
    const { world, secret } = await platformWithWebhook('/flaky', 'fail-twice');
    await riderReports(world);
    const got = await until(
      'three attempts',
      () => receiver.of('/flaky'),
      (r) => r.length >= 3,
    );
    await ctx.events.settled();
    expect(receiver.of('/flaky')).toHaveLength(3);
    expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(new Set(got.map((r) => r.body)).size).toBe(1);
    for (const r of got) expect(() => new Webhook(secret).verify(r.body, r.headers)).not.toThrow();
    const log = await until(
      'the log',
      () => deliveries(world),
      (l) => l.length >= 3,
    );
    expect(log.map((a) => [a.attempt, a.responseStatus]).sort()).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
  });

  it('a receiver that hangs or closes the connection is retried and logged, and never holds up another platform', async () => {
    const hanging = await platformWithWebhook('/hang', 'hang');
    const closing = await platformWithWebhook('/close', 'close');
    const healthy = await platformWithWebhook('/healthy', 'ok');
    await riderReports(hanging.world);
    await until(
      'the hanging receiver has the request open',
      () => receiver.hanging.size,
      (n) => n >= 1,
    );
    await riderReports(closing.world);
    await riderReports(healthy.world);
    await until(
      'the healthy delivery',
      () => receiver.of('/healthy'),
      (r) => r.length === 1,
    );
    // The healthy platform was served while the hanging receiver still held its first request.
    expect(receiver.of('/hang').length).toBeGreaterThanOrEqual(1);
    const hangLog = await until(
      'a hang retried',
      () => deliveries(hanging.world),
      (l) => l.length >= 2,
    );
    expect(hangLog.every((a) => a.error === 'no answer within 1500 ms' && a.responseStatus === undefined)).toBe(true);
    expect(new Set(hangLog.map((a) => a.webhookId)).size).toBe(1);
    const closeLog = await until(
      'a close retried',
      () => deliveries(closing.world),
      (l) => l.length >= 2,
    );
    expect(closeLog.every((a) => /^connection failed/.test(a.error))).toBe(true);
    expect((await deliveries(healthy.world)).map((a) => a.responseStatus)).toEqual([200]);
    receiver.behaviours.set('/hang', 'ok');
    receiver.behaviours.set('/close', 'ok');
    const recovered = await until(
      'the hanging one delivered once it answers',
      () => deliveries(hanging.world),
      (l) => l.some((a) => a.responseStatus === 200),
    );
    expect(recovered.filter((a) => a.responseStatus === 200)).toHaveLength(1);
  });

  it('redelivers a finished delivery once more with the same webhook-id; a pending or unknown one is refused', async () => {
    const { world } = await platformWithWebhook('/again', 'ok');
    await riderReports(world);
    const [first] = await until(
      'delivered',
      () => deliveries(world),
      (l) => l.length === 1,
    );
    const res = await world.api('POST', `/v1/platforms/${world.platformId}/webhook/deliveries/${first.deliveryId}/redelivery`, {
      token: world.tokens.platform,
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ deliveryId: first.deliveryId, webhookId: first.webhookId, status: 'PENDING' });
    const got = await until(
      'the redelivery',
      () => receiver.of('/again'),
      (r) => r.length === 2,
    );
    expect(got[1]!.headers['webhook-id']).toBe(got[0]!.headers['webhook-id']);
    const unknown = await world.api('POST', `/v1/platforms/${world.platformId}/webhook/deliveries/dlv_nope/redelivery`, { token: world.tokens.platform });
    expect(unknown.status).toBe(404);
    const other = await world.api('POST', `/v1/platforms/${world.platformId}/webhook/deliveries/${first.deliveryId}/redelivery`, {
      token: ctx.world.tokens.platform,
    });
    expect(other.status).toBe(404);
  });

  it('refuses receiver URLs with user information, other schemes or private addresses (400 naming url); loopback http is accepted locally', async () => {
    const { world } = ctx;
    const put = (url: string) =>
      world.api('PUT', `/v1/platforms/${world.platformId}/webhook`, { token: world.tokens.platform, body: { url, events: ['case.status_changed'] } });
    for (const url of [
      'http://hooks.example.com/x',
      'https://user:secret@hooks.example.com/x',
      'https://10.1.2.3/x',
      'https://192.168.0.10/x',
      'https://169.254.169.254/latest',
      'ftp://hooks.example.com/x',
      'not a url',
    ]) {
      const res = await put(url);
      expect(res.status, url).toBe(400);
      expect(
        res.body.errors.map((e: { path: string }) => e.path),
        url,
      ).toEqual(['url']);
    }
    const events = await world.api('PUT', `/v1/platforms/${world.platformId}/webhook`, {
      token: world.tokens.platform,
      body: { url: 'https://hooks.example.com/x', events: ['case.status_changed', 'case.status_changed'] },
    });
    expect(events.status).toBe(400);
    expect((await put(`${receiver.url}/loopback`)).status).toBe(200);
    // Only that platform: another platform's webhook is not visible; a worker may not register one.
    expect(
      (await world.api('GET', `/v1/platforms/${world.platformId}/webhook/deliveries`, { token: (await platformWithWebhook('/x', 'ok')).world.tokens.platform }))
        .status,
    ).toBe(404);
    expect((await world.api('DELETE', `/v1/platforms/${world.platformId}/webhook`, { token: world.tokens.platform })).status).toBe(204);
    expect((await world.api('DELETE', `/v1/platforms/${world.platformId}/webhook`, { token: world.tokens.platform })).status).toBe(404);
  });

  it('a poller killed between publishing a batch and acknowledging it delivers nothing twice (idempotent by event id)', async () => {
    const { world } = await platformWithWebhook('/crash', 'ok');
    const worker = await registerWorker(world);
    const at = new Date(Date.now() - 30 * 60_000);
    await orderAround(world, worker, at);
    const before = ctx.events.replayedBatches;
    ctx.events.crashAfterPublish(1);
    expect((await report(world, worker, at, worker.token)).status).toBe(201);
    await until(
      'the batch read again',
      () => ctx.events.replayedBatches,
      (n) => n > before,
    );
    await until(
      'the delivery',
      () => receiver.of('/crash'),
      (r) => r.length >= 1,
    );
    await ctx.events.settled();
    expect(receiver.of('/crash')).toHaveLength(1);
    expect(await deliveries(world)).toHaveLength(1);
  });
});
