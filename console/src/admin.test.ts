/** The finance and administration pages' pure parts (vitest project `console`, TZ=America/New_York). */
import { describe, expect, it } from 'vitest';
import {
  bankResultsOf,
  byMonth,
  checkArrangement,
  parameterValueOf,
  parameterValueProblem,
  parameterValueText,
  parseDates,
  resultPathToRow,
  runMonths,
  scopeText,
  weekday,
} from './admin.ts';

describe('parameter values', () => {
  it('shows money parameters in 元 with their unit, and counts as whole numbers', () => {
    expect(parameterValueText('averageMonthlyWageFen', 1_200_000)).toBe('12,000.00 元');
    expect(parameterValueText('contributionRateFen', 7)).toBe('0.07 元/单');
    expect(parameterValueText('inpatientMealFenPerDay', 10_000)).toBe('100.00 元/天');
    expect(parameterValueText('urbanDisposableIncomeFen', 5_418_800)).toBe('54,188.00 元/年');
    expect(parameterValueText('openOrderCoverHours', 6)).toBe('6 小时');
    expect(parameterValueText('coverGraceMinutes', 0)).toBe('0 分钟');
  });

  it('reads typed values: 元 into fen from the digits, hours and minutes as integers', () => {
    expect(parameterValueOf('averageMonthlyWageFen', '12800.5')).toBe(1_280_050);
    expect(parameterValueOf('contributionRateFen', '0.07')).toBe(7);
    expect(parameterValueOf('averageMonthlyWageFen', '12,800')).toBeUndefined();
    expect(parameterValueOf('averageMonthlyWageFen', '1.234')).toBeUndefined();
    expect(parameterValueOf('openOrderCoverHours', ' 8 ')).toBe(8);
    expect(parameterValueOf('openOrderCoverHours', '1.5')).toBeUndefined();
    expect(parameterValueOf('coverGraceMinutes', undefined)).toBeUndefined();
  });

  it("names, in Chinese, why a value cannot be published (the API's range)", () => {
    expect(parameterValueProblem('averageMonthlyWageFen', '12800.50')).toBeUndefined();
    expect(parameterValueProblem('averageMonthlyWageFen', 'abc')).toBe('金额格式应为元，最多两位小数');
    expect(parameterValueProblem('openOrderCoverHours', '-1')).toBe('须为非负整数');
    expect(parameterValueProblem('openOrderCoverHours', '25')).toBe('须在 1 小时 至 24 小时 之间');
    expect(parameterValueProblem('openOrderCoverHours', '0')).toBe('须在 1 小时 至 24 小时 之间');
    expect(parameterValueProblem('coverGraceMinutes', '120')).toBeUndefined();
    expect(parameterValueProblem('coverGraceMinutes', '121')).toBe('须在 0 分钟 至 120 分钟 之间');
  });

  it('names a scope in Chinese, national when it has no field', () => {
    expect(scopeText({})).toBe('全国');
    expect(scopeText(undefined)).toBe('全国');
    expect(scopeText({ province: '110000' })).toBe('北京市');
    expect(scopeText({ platformId: 'p-1', province: '650000', industry: 'FOOD_DELIVERY' })).toBe('新疆维吾尔自治区 · 外卖 · 平台 p-1');
  });
});

describe('payment runs', () => {
  it('may run the current Asia/Shanghai month or the next one, whatever the machine zone', () => {
    // 2026-12-31 20:00 in New York is already 2027-01-01 in Shanghai.
    expect(runMonths(new Date('2027-01-01T01:00:00Z'))).toEqual(['2027-01', '2027-02']);
    expect(runMonths(new Date('2026-12-15T00:00:00+08:00'))).toEqual(['2026-12', '2027-01']);
  });
});

describe("the calendar's date lists", () => {
  it('reads dates one per line or separated by spaces, commas or 、', () => {
    expect(parseDates('2026-10-01\n2026-10-02, 2026-10-03，2026-10-04、2026-10-05 ;2026-10-06\n\n')).toEqual([
      '2026-10-01',
      '2026-10-02',
      '2026-10-03',
      '2026-10-04',
      '2026-10-05',
      '2026-10-06',
    ]);
    expect(parseDates(undefined)).toEqual([]);
    expect(parseDates('  ')).toEqual([]);
  });

  it('names weekdays in Chinese', () => {
    expect(['2027-02-14', '2027-02-15', '2027-02-20', '2026-10-01'].map(weekday)).toEqual(['周日', '周一', '周六', '周四']);
  });

  it('accepts a well-formed arrangement', () => {
    expect(checkArrangement(2027, ['2027-01-01', '2027-02-06'], ['2027-02-14', '2027-02-20'])).toEqual([]);
    expect(checkArrangement(2027, [], [])).toEqual([]);
  });

  it('checks each list as the API does, naming the dates at fault in Chinese', () => {
    expect(checkArrangement(2027, ['2027-02-30', '2026-10-01', '2027-01-01', '2027-01-01'], ['2027-02-15', '2027-01-01', 'x'])).toEqual([
      { path: 'holidays', message: '不是有效日期（应为 YYYY-MM-DD）：2027-02-30' },
      { path: 'holidays', message: '不在 2027 年内：2026-10-01' },
      { path: 'holidays', message: '重复列出：2027-01-01' },
      { path: 'workdays', message: '不是有效日期（应为 YYYY-MM-DD）：x' },
      { path: 'workdays', message: '调休上班日须为周六或周日：2027-02-15（周一）、2027-01-01（周五）' },
      { path: 'workdays', message: '同时列为节假日：2027-01-01' },
    ]);
  });

  it('holds the lists to the sizes the API takes (60 holidays, 30 make-up days)', () => {
    const days = (n: number) =>
      Array.from({ length: n }, (_, i) => `2027-${String(1 + Math.floor(i / 28)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`);
    expect(checkArrangement(2027, days(60), [])).toEqual([]);
    expect(checkArrangement(2027, days(61), [])).toEqual([{ path: 'holidays', message: '最多 60 个日期（现有 61 个）' }]);
    const weekends = days(336).filter((d) => ['周六', '周日'].includes(weekday(d)));
    expect(checkArrangement(2027, [], weekends.slice(0, 30))).toEqual([]);
    expect(checkArrangement(2027, [], weekends.slice(0, 31))).toEqual([{ path: 'workdays', message: '最多 30 个日期（现有 31 个）' }]);
  });

  it('groups dates by month in date order', () => {
    expect(byMonth(['2027-10-01', '2027-02-07', '2027-02-06', '2027-01-01'])).toEqual([
      ['2027-01', ['2027-01-01']],
      ['2027-02', ['2027-02-06', '2027-02-07']],
      ['2027-10', ['2027-10-01']],
    ]);
    expect(byMonth([])).toEqual([]);
  });
});

describe('bank results', () => {
  const ids = ['P1', 'P2', 'P3', 'P4'];

  it('sends only the items given an outcome, a return with its trimmed reason, and remembers their rows', () => {
    const body = bankResultsOf(ids, [
      { outcome: 'NONE' },
      { outcome: 'PAID', returnReason: 'ignored' },
      undefined,
      { outcome: 'RETURNED', returnReason: ' 账户已销户 ' },
    ]);
    expect(body).toEqual({
      results: [
        { paymentId: 'P2', status: 'PAID' },
        { paymentId: 'P4', status: 'RETURNED', returnReason: '账户已销户' },
      ],
      rowOf: [1, 3],
    });
    // A return without a reason is sent without one: the API names the missing field (400), the page shows it there.
    expect(bankResultsOf(ids, [{ outcome: 'RETURNED', returnReason: '  ' }]).results).toEqual([{ paymentId: 'P1', status: 'RETURNED' }]);
    expect(bankResultsOf(ids, [])).toEqual({ results: [], rowOf: [] });
  });

  it("puts the API's path of a result on the row of its item", () => {
    expect(resultPathToRow('results.1.returnReason', [1, 3])).toBe('rows.3.returnReason');
    expect(resultPathToRow('results.0', [1, 3])).toBe('rows.1');
    expect(resultPathToRow('results.5.status', [1, 3])).toBe('results.5.status');
    expect(resultPathToRow('results', [1, 3])).toBe('results');
  });
});
