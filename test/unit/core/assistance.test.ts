/** Assistance between provinces (D18): a request carries only the case's non-personal facts; it is answered once. */
import { describe, expect, it } from 'vitest';
import { answerAssistance, assistanceView, requestAssistance } from '../../../core/index.ts';
import { CASE_NOW, openedCaseRecord } from './fixtures.ts';

const record = openedCaseRecord({ province: '110000', occurredAt: '2026-03-01T23:30:00+08:00' });
const ask = (province = '310000') =>
  requestAssistance(record, '上海市浦东新区某路口', { requestId: 'R1', province, task: '调取医院病历' }, { actor: 'handler-1', now: CASE_NOW });

describe('assistance requests (D18)', () => {
  it('copies the case id, injury date (Asia/Shanghai), place and kind, and nothing personal', () => {
    const out = ask();
    if (!out.ok) throw new Error('refused');
    expect(assistanceView(out.request)).toEqual({
      requestId: 'R1',
      caseId: record.caseId,
      fromProvince: '110000',
      province: '310000',
      task: '调取医院病历',
      occurredOn: '2026-03-01',
      place: '上海市浦东新区某路口',
      kind: record.kind,
      requestedAt: CASE_NOW.toISOString(),
    });
    expect(Object.keys(out.request)).not.toContain('workerId');
  });

  it('goes to another province only (400, path province)', () => {
    expect(ask('110000')).toMatchObject({ ok: false, refusal: { code: 'VALIDATION_FAILED', fields: [{ path: 'province' }] } });
  });

  it('is answered once; a second answer is refused (409)', () => {
    const out = ask();
    if (!out.ok) throw new Error('refused');
    const later = new Date(CASE_NOW.getTime() + 3_600_000);
    const answered = answerAssistance(out.request, '病历已调取', { actor: 'handler-sh', now: later });
    if (!answered.ok) throw new Error('refused');
    expect(assistanceView(answered.request)).toMatchObject({ answer: '病历已调取', answeredAt: later.toISOString() });
    expect(answered.request.answeredBy).toBe('handler-sh');
    expect(answerAssistance(answered.request, '再答', { actor: 'x', now: later })).toMatchObject({ ok: false, refusal: { code: 'ASSISTANCE_ANSWERED' } });
  });
});
