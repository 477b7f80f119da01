/**
 * The workflow's failure path (a business error marks the case visibly FAILED with an escalation) and the
 * local runner's rebuild of waits from case state after a restart.
 */
import { describe, expect, it } from 'vitest';
import { makeCreditCode, makeResidentId } from '../../core/index.ts';
import { useCaseStack } from './cases-stack.ts';
import { handInDocuments, openedCase, waitForCase, waitForStatus } from './cases-fixtures.ts';

const env = useCaseStack();

describe('case workflow', () => {
  it('marks the case FAILED with a WORKFLOW_FAILED escalation when benefits need a missing parameter', async () => {
    const api = env.world.api;
    const admin = env.world.tokens.admin;
    const created = await api('POST', '/v1/platforms', {
      token: admin,
      body: {
        name: 'Jiangsu platform',
        creditCode: makeCreditCode('91320000123456789'),
        industries: ['INSTANT_DELIVERY'],
        provinces: [{ code: '320000', joinedOn: '2024-01-01' }],
      },
    });
    expect(created.status).toBe(201);
    const platformId = created.body.platformId;
    const platform = await env.world.mint({ role: 'platform', sub: 'js', platformId });
    const handler = await env.world.mint({ role: 'handler', sub: 'handler-js', provinces: ['320000'] });
    await api('PUT', `/v1/platforms/${platformId}/workers`, {
      token: platform,
      body: { workers: [{ platformWorkerId: 'js-1', name: '王五', idNumber: makeResidentId('320102', '1988-03-04', 321) }] },
    });
    const at = new Date(Date.now() - 30 * 60_000);
    await api('POST', `/v1/platforms/${platformId}/orders`, {
      token: platform,
      body: {
        orders: [
          {
            orderId: 'js-o1',
            platformWorkerId: 'js-1',
            industry: 'INSTANT_DELIVERY',
            province: '320000',
            acceptedAt: new Date(at.getTime() - 600_000).toISOString(),
          },
        ],
      },
    });
    const r = await api('POST', '/v1/injury-reports', {
      token: platform,
      body: { platformId, platformWorkerId: 'js-1', occurredAt: at.toISOString(), province: '320000', place: '南京', description: '摔倒' },
    });
    expect(r.body.coverage.covered).toBe(true);
    const c = await api('POST', '/v1/cases', {
      token: platform,
      body: {
        reportId: r.body.reportId,
        kind: 'injury',
        applicant: { type: 'platform' },
        payee: { name: '王五', bankAccount: '6222000011112223' },
        consent: true,
      },
    });
    expect(c.status).toBe(201);
    await handInDocuments(env.world, c.body.caseId, 'waive', handler);
    await api('POST', `/v1/cases/${c.body.caseId}/confirmation`, {
      token: handler,
      body: { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: true },
    });
    const deadline = Date.now() + 15_000;
    let view: any;
    do {
      view = (await api('GET', `/v1/cases/${c.body.caseId}`, { token: handler })).body;
      if (view.status === 'AWAITING_ASSESSMENT' && !view.pendingStep) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    } while (Date.now() < deadline);
    const assessor = await env.world.mint({ role: 'assessor', sub: 'assessor-js', provinces: ['320000'] });
    expect(
      (await api('POST', `/v1/cases/${c.body.caseId}/assessment`, { token: assessor, body: { grade: 9, nursing: null, concludedOn: '2026-11-01' } })).status,
    ).toBe(202);
    const end = Date.now() + 15_000;
    do {
      view = (await api('GET', `/v1/cases/${c.body.caseId}`, { token: handler })).body;
      if (view.workflow.status === 'FAILED') break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    } while (Date.now() < end);
    expect(view.workflow).toMatchObject({ status: 'FAILED', error: 'MissingParameter' });
    expect(view.escalations.map((e: any) => e.kind)).toContain('WORKFLOW_FAILED');
    expect(view.escalations.find((e: any) => e.kind === 'WORKFLOW_FAILED').detail).toContain('averageMonthlyWageFen');
    expect(view.status).toBe('AWAITING_ASSESSMENT');
    expect(view.timeline.at(-1).action).toBe('workflow.failed');
    // Issue 17: the platform reads a coded Chinese reason only, never the cause or the workflow's error.
    const seen = (await api('GET', `/v1/cases/${c.body.caseId}`, { token: platform })).body;
    expect(seen.escalations.find((e: any) => e.kind === 'WORKFLOW_FAILED')).toEqual({
      kind: 'WORKFLOW_FAILED',
      recordedAt: expect.any(String),
      reason: expect.stringMatching(/[\u4e00-\u9fff]/),
    });
    expect(seen.workflow).toEqual({ status: 'FAILED' });
  });

  it('rebuilds waits from case state after a restart: the next step still resumes the case', async () => {
    const { caseId } = await openedCase(env.world);
    await waitForCase(env.world, caseId, () => env.sfn.pendingTokens().some((t) => Buffer.from(t, 'base64url').toString().includes(caseId)));
    const rebuilt = await env.sfn.simulateRestart();
    expect(rebuilt).toBeGreaterThanOrEqual(1);
    const res = await env.world.api('POST', `/v1/cases/${caseId}/confirmation`, {
      token: env.world.tokens.handler,
      body: { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: false },
    });
    expect(res.status).toBe(202);
    const c = await waitForStatus(env.world, caseId, 'AWAITING_APPROVAL');
    expect(c.workflow.status).toBe('RUNNING');
  });

  it('starts a case workflow once per case (deterministic name, idempotent start)', async () => {
    const { caseId } = await openedCase(env.world);
    const e = env.sfn.describe(`${env.sfn.arn('caseWorkflow').replace(':stateMachine:', ':execution:')}:case-${caseId}`);
    expect(e?.status).toBe('RUNNING');
    expect(env.sfn.startExecution('caseWorkflow', `case-${caseId}`, JSON.parse(e!.input))).toBe(e);
    expect(() => env.sfn.startExecution('caseWorkflow', `case-${caseId}`, { caseId, other: true })).toThrow(/already exists/);
  });

  it('a step whose signal was lost (SendTaskSuccess failing) is re-signalled by the sweep', async () => {
    const { caseId } = await openedCase(env.world);
    await waitForCase(env.world, caseId, () => env.sfn.pendingTokens().some((t) => Buffer.from(t, 'base64url').toString().includes(caseId)));
    env.sfn.injectFaults('SendTaskSuccess', 3);
    const res = await env.world.api('POST', `/v1/cases/${caseId}/confirmation`, {
      token: env.world.tokens.handler,
      body: { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: false },
    });
    expect(res.status).toBe(202);
    const stuck = (await env.world.api('GET', `/v1/cases/${caseId}`, { token: env.world.tokens.handler })).body;
    expect(stuck).toMatchObject({ status: 'UNDER_REVIEW', pendingStep: 'confirmation' });
    const swept = await env.sfn.sweepNow();
    expect(swept.resignalled).toBeGreaterThanOrEqual(1);
    await waitForStatus(env.world, caseId, 'AWAITING_APPROVAL');
  });

  it('a case whose workflow could not be started is escalated, and the sweep starts it', async () => {
    env.sfn.injectFaults('StartExecution', 3);
    const { caseId, body } = await openedCase(env.world);
    expect(body.workflow.status).toBe('NOT_STARTED');
    expect(body.escalations.map((e: any) => e.kind)).toContain('WORKFLOW_NOT_STARTED');
    const swept = await env.sfn.sweepNow();
    expect(swept.started).toBeGreaterThanOrEqual(1);
    await env.world.api('POST', `/v1/cases/${caseId}/confirmation`, {
      token: env.world.tokens.handler,
      body: { outcome: 'NOT_CONFIRMED', basis: 'SELF_HARM', reasons: ['自伤'], assessmentRequired: false },
    });
    const c = await waitForStatus(env.world, caseId, 'NOT_CONFIRMED');
    expect(c.workflow.status).toBe('RUNNING');
  });
});
