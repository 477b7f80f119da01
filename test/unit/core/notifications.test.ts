import { describe, expect, it } from 'vitest';
import {
  type CaseRecord,
  caseOpenedNotice,
  chineseDate,
  decisionNotice,
  documentsMissingNotice,
  reminderDaysBefore,
  paymentNotice,
  reminderNotice,
  remindersDue,
  yuan,
} from '../../../core/index.ts';

const record = (status: CaseRecord['status'], assessments: unknown[] = []) => ({ caseId: 'C1', status, assessments }) as unknown as CaseRecord;
const CJK = /[\u4e00-\u9fff]/;

describe('notification texts (D21)', () => {
  it('formats dates and amounts for the worker', () => {
    expect(chineseDate('2026-05-01')).toBe('2026年5月1日');
    expect(yuan(123_456_78)).toBe('123,456.78 元');
    expect(yuan(5)).toBe('0.05 元');
    expect(yuan(-1_050)).toBe('-10.50 元');
  });
  it('tells the case number, what happened, what comes next and by when when the case opens', () => {
    const n = caseOpenedNotice('C1', '2026-05-18');
    expect(n).toMatchObject({ kind: 'CASE_OPENED', caseId: 'C1' });
    expect(n.text).toContain('案件 C1');
    expect(n.text).toContain('2026年5月18日前');
    expect(caseOpenedNotice('C1', undefined).text).toContain('另行通知');
  });
  it('lists every missing document at once (D13), or tells nothing when none is missing', () => {
    const n = documentsMissingNotice('C1', ['ID_PROOF', 'MEDICAL_DIAGNOSIS', 'POLICE_REPORT'], '2026-05-18')!;
    expect(n.text).toContain('身份证明、诊断证明/病历、公安或交通事故认定书');
    expect(n.text).toContain('共 3 项');
    expect(n.text).toContain('请于2026年5月18日前');
    expect(documentsMissingNotice('C1', ['ID_PROOF'], undefined)!.text).toContain('请尽快');
    expect(documentsMissingNotice('C1', [], undefined)).toBeUndefined();
  });
  it('tells each decision (confirmation, assessment, benefits, approval); not the internal statuses', () => {
    for (const status of ['NOT_CONFIRMED', 'AWAITING_ASSESSMENT', 'AWAITING_DEPENDANTS', 'AWAITING_APPROVAL', 'APPROVED'] as const) {
      const n = decisionNotice(record(status), {})!;
      expect(n.kind, status).toBe('DECISION');
      expect(n.text, status).toMatch(CJK);
    }
    expect(decisionNotice(record('AWAITING_ASSESSMENT'), { assessmentDue: '2026-07-01' })!.text).toContain('2026年7月1日前');
    expect(decisionNotice(record('AWAITING_APPROVAL', [{}]), {})!.text).toContain('鉴定结论已作出');
    for (const status of ['UNDER_REVIEW', 'RETURNED', 'PAID', 'CLOSED'] as const) expect(decisionNotice(record(status), {}), status).toBeUndefined();
  });
  it('tells a payment sent or returned, never a recovery or an unchanged status', () => {
    expect(paymentNotice({ caseId: 'C1', amountFen: 80_000, status: 'SENT', sentAt: '2026-05-02T01:00:00Z' }, 'INSTRUCTED')!.text).toContain(
      '800.00 元已于2026年5月2日',
    );
    expect(paymentNotice({ caseId: 'C1', amountFen: 80_000, status: 'SENT' }, undefined)!.kind).toBe('PAYMENT_SENT');
    expect(paymentNotice({ caseId: 'C1', amountFen: 80_000, status: 'RETURNED' }, 'SENT')!.kind).toBe('PAYMENT_RETURNED');
    expect(paymentNotice({ caseId: 'C1', amountFen: 80_000, status: 'SENT' }, 'SENT')).toBeUndefined();
    expect(paymentNotice({ caseId: 'C1', amountFen: -100, status: 'SENT' }, 'INSTRUCTED')).toBeUndefined();
    expect(paymentNotice({ caseId: 'C1', amountFen: 100, status: 'PAID' }, 'SENT')).toBeUndefined();
  });
});

describe('reminders (D21: 3 days before, once each)', () => {
  const deadlines = { reassessmentRequestDue: { date: '2026-06-10' }, confirmationDue: { date: '2026-06-10' } };
  const certs = [{ person: 'worker' as const, dueOn: '2026-06-11' }, { person: 2 }];
  it(`reminds of the worker's deadlines and certifications from ${reminderDaysBefore('2026-06-01')} days before until the day`, () => {
    expect(remindersDue(deadlines, certs, '2026-06-06')).toEqual([]);
    expect(remindersDue(deadlines, certs, '2026-06-08')).toEqual([
      { kind: 'DEADLINE_NEAR', key: 'reassessmentRequestDue#2026-06-10', due: '2026-06-10' },
      { kind: 'CERTIFICATION_DUE', key: 'certification#worker#2026-06-11', due: '2026-06-11' },
    ]);
    expect(remindersDue(deadlines, certs, '2026-06-11')).toEqual([{ kind: 'CERTIFICATION_DUE', key: 'certification#worker#2026-06-11', due: '2026-06-11' }]);
    // D17's appeal window is a deadline of the worker's too (a refused case's only one).
    expect(remindersDue({ 'appealDue.CONFIRMATION': { date: '2026-06-10' } }, [], '2026-06-08')).toEqual([
      { kind: 'DEADLINE_NEAR', key: 'appealDue.CONFIRMATION#2026-06-10', due: '2026-06-10' },
    ]);
  });
  it('words each reminder with its date', () => {
    expect(reminderNotice('C1', { kind: 'DEADLINE_NEAR', key: 'reassessmentRequestDue#2026-06-10', due: '2026-06-10' }).text).toContain(
      '申请再次鉴定的期限将于2026年6月10日届满',
    );
    expect(reminderNotice('C1', { kind: 'DEADLINE_NEAR', key: 'appealDue.CONFIRMATION#2026-06-10', due: '2026-06-10' }).text).toContain(
      '对工伤认定决定申请行政复议的期限将于2026年6月10日届满',
    );
    expect(reminderNotice('C1', { kind: 'DEADLINE_NEAR', key: 'other#2026-06-10', due: '2026-06-10' }).text).toContain('办理期限');
    expect(reminderNotice('C1', { kind: 'CERTIFICATION_DUE', key: 'certification#worker#2026-06-11', due: '2026-06-11' })).toMatchObject({
      kind: 'CERTIFICATION_DUE',
    });
  });
});
