/**
 * Log scan of the case slice (contract: personal data masked; docs/security.md: never in logs): every
 * line the process writes at DEBUG while a death case is reported, opened, confirmed, given dependants,
 * calculated and read must carry none of the names, birth dates or the bank account sent. The scan also
 * asserts that lines were captured (the report's own log line), so it cannot pass by capturing nothing.
 * Business metrics are on, so their EMF documents are scanned too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputCapture } from '../support/capture-output.ts';
import { emfDocuments, metricTotal } from '../support/emf.ts';
import { useCaseStack } from './cases-stack.ts';
import { openedCase, waitForStatus } from './cases-fixtures.ts';

const env = useCaseStack({ env: { POWERTOOLS_LOG_LEVEL: 'DEBUG', POWERTOOLS_METRICS_DISABLED: 'false' } });

const capture = outputCapture();
const { captured } = capture;
beforeAll(() => capture.start());
afterAll(() => capture.stop());

describe('case logs carry no personal data (A3)', () => {
  it('a death case with dependants, calculated and read by every party, logs no name, birth date or bank account', async () => {
    const { world } = env;
    const { caseId, worker } = await openedCase(world, { kind: 'death' });
    await world.api('POST', `/v1/cases/${caseId}/confirmation`, {
      token: world.tokens.handler,
      body: { outcome: 'CONFIRMED', basis: 'ORDER_TASK_TRAFFIC', assessmentRequired: false },
    });
    await waitForStatus(world, caseId, 'AWAITING_DEPENDANTS');
    const dependants = [
      { name: '司马遗孀', relation: 'spouse', orphanOrAlone: false },
      { name: '司马幼子', relation: 'child', orphanOrAlone: true, birthDate: '2019-11-23' },
      { name: '司马长女', relation: 'child', orphanOrAlone: false, birthDate: '2001-02-17' },
    ];
    // a bad item first: the 400 path must not log the name either
    expect(
      (
        await world.api('POST', `/v1/cases/${caseId}/dependants`, {
          token: world.tokens.handler,
          body: { dependants: [{ name: '司马无日', relation: 'sibling', orphanOrAlone: false }] },
        })
      ).status,
    ).toBe(400);
    expect((await world.api('POST', `/v1/cases/${caseId}/dependants`, { token: world.tokens.handler, body: { dependants } })).status).toBe(202);
    const c = await waitForStatus(world, caseId, 'AWAITING_APPROVAL');
    expect(c.benefits.excludedDependants).toEqual([{ dependant: 3, relation: 'child', reason: 'AGE_LIMIT_REACHED' }]);
    for (const token of [world.tokens.platform, world.tokens.handler, worker.token]) {
      for (const suffix of ['', '/benefits', '/payments']) expect((await world.api('GET', `/v1/cases/${caseId}${suffix}`, { token })).status).toBe(200);
    }
    const log = captured.join('\n');
    expect(log).toContain('Injury report filed');
    // Business metrics are on: their EMF documents are in the scanned output too.
    expect(metricTotal(emfDocuments(captured), 'CasesOpened')).toBe(1);
    for (const secret of ['司马遗孀', '司马幼子', '司马长女', '司马无日', '2019-11-23', '2001-02-17', '张三', '6222020200112230']) {
      expect(log, secret).not.toContain(secret);
    }
  });
});
