/**
 * Worker notifications (D21) from the domain events on the local stack: the worker's inbox holds the
 * Chinese messages of their case's steps, the same texts go by SMS (recorded by the local SNS), once each,
 * with no ID number, phone, bank account or name.
 */
import { describe, expect, it } from 'vitest';
import { DOCUMENT_TYPE_NAMES } from '../../core/index.ts';
import { orderAround, openCaseBody, payMinorInjury, report, settleByBank, waitForStatus } from './cases-fixtures.ts';
import { useCaseStack } from './cases-stack.ts';
import { makeResidentId } from '../../core/index.ts';

const ctx = useCaseStack({ events: { retryCompression: 1_000_000, pollIntervalMs: 50 } });

const PHONE = '13912345678';

const until = async <T>(what: string, get: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 20_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await get();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms; last ${JSON.stringify(value).slice(0, 1500)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('worker notifications (D21)', () => {
  it("a worker's inbox holds the Chinese messages of their case's steps, sent by SMS once each, without personal data", async () => {
    const { world } = ctx;
    const idNumber = makeResidentId('110105', '1990-05-01', 123);
    const registered = await world.api('PUT', `/v1/platforms/${world.platformId}/workers`, {
      token: world.tokens.platform,
      body: { workers: [{ platformWorkerId: 'rider-notify', name: '张三', idNumber, phone: PHONE }] },
    });
    const workerId = registered.body.results[0].workerId as string;
    const worker = { workerId, platformWorkerId: 'rider-notify', idNumber, token: await world.mint({ role: 'worker', sub: `worker-${workerId}`, workerId }) };
    const at = new Date(Date.now() - 30 * 60_000);
    await orderAround(world, worker, at);
    const r = await report(world, worker, at);
    const opened = await world.api('POST', '/v1/cases', { token: world.tokens.platform, body: openCaseBody(r.body.reportId) });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const caseId = opened.body.caseId as string;
    const checklist = (await world.api('GET', `/v1/cases/${caseId}/documents`, { token: world.tokens.handler })).body.checklist;
    expect(checklist.missing.length).toBeGreaterThan(1);

    const inbox = () => world.api('GET', `/v1/workers/${workerId}/notifications`, { token: worker.token }).then((res) => res.body.items as any[]);
    // Documents missing: every missing item at once, in one message.
    const first = await until('opened and documents missing', inbox, (items) => items.length >= 2);
    const missing = first.find((n) => n.kind === 'DOCUMENTS_MISSING');
    for (const type of checklist.missing as (keyof typeof DOCUMENT_TYPE_NAMES)[]) expect(missing.text).toContain(DOCUMENT_TYPE_NAMES[type]);
    expect(missing.text).toContain(`共 ${checklist.missing.length} 项`);

    for (const type of checklist.missing) {
      expect(
        (await world.api('POST', `/v1/cases/${caseId}/document-waivers`, { token: world.tokens.handler, body: { type, reason: '纸质原件已核验' } })).status,
      ).toBe(201);
    }
    await payMinorInjury(world, caseId);
    await settleByBank(world, caseId);
    await waitForStatus(world, caseId, 'PAID');
    const items = await until(
      'decision and payment',
      inbox,
      (list) => list.some((n) => n.kind === 'PAYMENT_SENT') && list.filter((n) => n.kind === 'DECISION').length >= 2,
    );
    await ctx.events.settled();
    const final = await inbox();
    expect(final).toHaveLength(items.length);
    const kinds = final.map((n) => n.kind);
    expect(kinds).toEqual(expect.arrayContaining(['CASE_OPENED', 'DOCUMENTS_MISSING', 'DECISION', 'PAYMENT_SENT']));
    expect(kinds.filter((k) => k === 'CASE_OPENED')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'PAYMENT_SENT')).toHaveLength(1);
    const texts = final.map((n) => n.text as string);
    expect(texts.find((t) => t.includes('已受理'))).toContain(caseId);
    expect(texts.some((t) => t.includes('待遇已核准'))).toBe(true);
    expect(texts.some((t) => t.includes('待遇已核算'))).toBe(true);
    for (const n of final) {
      expect(n.caseId).toBe(caseId);
      expect(n.text).toMatch(/^【职业伤害保障】案件 /);
      expect(n.text).toMatch(/下一步/);
      expect(n.text).not.toContain(idNumber);
      expect(n.text).not.toContain(PHONE);
      expect(n.text).not.toContain('6222020200112230');
      expect(n.text).not.toContain('0112230');
      expect(n.text).not.toContain('张三');
    }
    // The same texts by SMS, once each, to the worker's phone (E.164).
    const sms = ctx.events.sms().filter((m) => m.phoneNumber === `+86${PHONE}`);
    expect(sms.map((m) => m.message).sort()).toEqual([...texts].sort());
    // Only the worker sees their inbox.
    expect((await world.api('GET', `/v1/workers/${workerId}/notifications`, { token: world.tokens.handler })).status).toBe(403);
    const other = await world.mint({ role: 'worker', sub: 'worker-other', workerId: 'wkr_other' });
    expect((await world.api('GET', `/v1/workers/${workerId}/notifications`, { token: other })).status).toBe(404);
  });

  it('sends each SMS once when a redelivered event races the first run (the SMS is claimed before it is sent)', async () => {
    const { world } = ctx;
    const phone = '13987654321';
    const registered = await world.api('PUT', `/v1/platforms/${world.platformId}/workers`, {
      token: world.tokens.platform,
      body: { workers: [{ platformWorkerId: 'rider-race', name: '李四', idNumber: makeResidentId('110105', '1991-06-02', 245), phone }] },
    });
    const workerId = registered.body.results[0].workerId as string;
    await ctx.events.settled();
    const before = ctx.events.sms().filter((m) => m.phoneNumber === `+86${phone}`).length;
    // One case.opened event, delivered twice at the same time (EventBridge delivers at least once).
    const now = new Date().toISOString();
    const detail = {
      id: `race-${Date.now()}`,
      type: 'case.opened',
      version: 1,
      occurredAt: now,
      data: {
        caseId: 'Crace0000000001',
        reportId: 'rpt-race',
        platformId: world.platformId,
        workerId,
        status: 'UNDER_REVIEW',
        openedAt: now,
        missingDocuments: ['ID_PROOF', 'MEDICAL_DIAGNOSIS'],
      },
    };
    const { handler } = await import('../../functions/events/consumer.ts');
    const run = () =>
      handler({
        detail,
        'detail-type': 'case.opened',
        source: 'injury-claims',
        id: 'eb-1',
        version: '0',
        account: '000000000000',
        time: now,
        region: 'cn-north-1',
        resources: [],
      });
    await Promise.all([run(), run(), run()]);
    const sms = ctx.events.sms().filter((m) => m.phoneNumber === `+86${phone}`);
    // Two notices (case opened, documents missing), each sent once, whatever the number of runs.
    expect(sms.length - before).toBe(2);
    expect(new Set(sms.map((m) => m.message)).size).toBe(sms.length);
    const worker = await world.mint({ role: 'worker', sub: `worker-${workerId}`, workerId });
    const inbox = (await world.api('GET', `/v1/workers/${workerId}/notifications`, { token: worker })).body.items as any[];
    expect(
      inbox
        .filter((n) => n.caseId === 'Crace0000000001')
        .map((n) => n.kind)
        .sort(),
    ).toEqual(['CASE_OPENED', 'DOCUMENTS_MISSING']);
  });
});
