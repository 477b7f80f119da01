import { describe, expect, it } from 'vitest';
import { CREDIT_RECORD_STATUSES, CREDIT_RECORD_TYPES, DECLARATION_STATUSES } from '../../../../core/settlement.ts';
import { CREDIT_STATUS, CREDIT_TYPE, DECLARATION_STATUS, factText, MONTH } from './labels.ts';

describe('month page labels (D19)', () => {
  it('names every declaration status, credit type and record status in Chinese', () => {
    for (const [codes, names] of [
      [DECLARATION_STATUSES, DECLARATION_STATUS],
      [CREDIT_RECORD_TYPES, CREDIT_TYPE],
      [CREDIT_RECORD_STATUSES, CREDIT_STATUS],
    ] as const) {
      for (const code of codes) expect(names[code], code).toMatch(/^[\u4e00-\u9fff]+$/);
    }
  });

  it("puts an unpaid bill's fact in words, the amount in 元 from integer fen", () => {
    expect(factText({ month: '2026-11', dueOn: '2026-12-15', totalFen: 123456 })).toBe('2026-11 月账单应缴 1,234.56 元，缴费截止日 2026-12-15，关账时未缴清。');
  });

  it("puts a late injury report's fact in words", () => {
    expect(factText({ caseId: 'C1', dueOn: '2026-12-03', filedOn: '2026-12-07' })).toBe('案件 C1 的职业伤害应于 2026-12-03 前报告，平台于 2026-12-07 才报告。');
  });

  it('takes months as YYYY-MM only', () => {
    expect(['2026-12', '2027-01'].every((m) => MONTH.test(m))).toBe(true);
    expect(['2026-13', '2026-1', '202612', '2026-00', ' 2026-12'].some((m) => MONTH.test(m))).toBe(false);
  });
});
