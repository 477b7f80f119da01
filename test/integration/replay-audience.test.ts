/**
 * Issue 17: an `Idempotency-Key` replay is the first answer for that audience, never another's. The key
 * was scoped to `sub` alone, so a caller with the same `sub` but another role, platform or worker was
 * served the stored answer of the first — a worker's own case, unmasked, to whoever presented the key.
 */
import { describe, expect, it } from 'vitest';
import { openCaseBody, orderAround, registerWorker, report } from './cases-fixtures.ts';
import { useCaseStack } from './cases-stack.ts';

const env = useCaseStack();

describe('Idempotency-Key replays and the audience', () => {
  it('replay the first answer to the same caller only; a caller of another audience with the same sub runs its own request', async () => {
    const worker = await registerWorker(env.world);
    const other = await registerWorker(env.world);
    const at = new Date(Date.now() - 20 * 60_000);
    await orderAround(env.world, worker, at);
    const reportId = (await report(env.world, worker, at, worker.token)).body.reportId as string;
    const sub = `worker-${worker.workerId}`;
    const body = openCaseBody(reportId, 'injury', 'worker');
    const headers = { 'idempotency-key': 'open-own-case-1' };

    const first = await env.stack.api('POST', '/v1/cases', { token: worker.token, body, headers });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const replay = await env.stack.api('POST', '/v1/cases', { token: worker.token, body, headers });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);

    // The same sub, another worker: the report is not theirs (404), not the first worker's case.
    const asOther = await env.stack.api('POST', '/v1/cases', { token: { role: 'worker', sub, workerId: other.workerId }, body, headers });
    expect(asOther.status, JSON.stringify(asOther.body)).toBe(404);
    expect(JSON.stringify(asOther.body)).not.toContain(first.body.caseId);
    // The same sub as the platform: its own answer (a platform does not apply as the worker: 403), not the worker's case.
    const asPlatform = await env.stack.api('POST', '/v1/cases', { token: { role: 'platform', sub, platformId: env.world.platformId }, body, headers });
    expect(asPlatform.status, JSON.stringify(asPlatform.body)).toBe(403);
    expect(asPlatform.body.code).toBe('APPLICANT_TYPE_NOT_ALLOWED');
    // A client cannot pick another audience's scope by sending the header itself.
    const forged = await env.stack.api('POST', '/v1/cases', {
      token: { role: 'platform', sub, platformId: env.world.platformId },
      body,
      headers: { ...headers, 'x-injury-claims-idempotency-scope': JSON.stringify(['worker', null, worker.workerId, []]) },
    });
    expect(forged.status).toBe(403);
    // And the first caller still gets its replay.
    expect((await env.stack.api('POST', '/v1/cases', { token: worker.token, body, headers })).body).toEqual(first.body);
  });
});
