/**
 * The finance and administration pages' pure parts: parameter values as shown and as typed, scopes in
 * Chinese, the months a payment run may take, the calendar's date lists (read from text, checked with
 * Chinese messages) and the bank results sent for a batch's items.
 */
import { PARAMETER_RULES, type ParameterName, type ParameterScope } from '../../core/parameters.ts';
import { addMonthsToMonth, dayOfWeek, isValidDate, isWeekend, shanghaiMonth } from '../../core/time.ts';
import { INDUSTRY, label, province, yuan } from './format.ts';
import { fenOf } from './money.ts';

const UNIT = {
  fen: '元',
  'fen/order': '元/单',
  'fen/day': '元/天',
  'fen/year': '元/年',
  hours: '小时',
  minutes: '分钟',
  days: '天',
  'day of month': '日',
} satisfies Readonly<Record<(typeof PARAMETER_RULES)[ParameterName]['unit'], string>>;

/** True when the parameter is an amount of money (typed and shown in 元, stored in fen). */
const isMoneyParameter = (name: ParameterName): boolean => PARAMETER_RULES[name].unit.startsWith('fen');

/** The unit of a parameter as the form shows it (`元/单`, `小时`). */
export const parameterUnit = (name: ParameterName): string => UNIT[PARAMETER_RULES[name].unit] ?? '';

/** A stored value as shown: `54,188.00 元/年` from fen, `6 小时`. */
export function parameterValueText(name: ParameterName, value: number): string {
  return `${isMoneyParameter(name) ? yuan(value) : String(value)} ${parameterUnit(name)}`;
}

/** A typed value → what the API stores (fen from 元 for money, whole hours or minutes); undefined when not one. */
export function parameterValueOf(name: ParameterName, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (isMoneyParameter(name)) return fenOf(text);
  const trimmed = text.trim();
  return /^\d{1,15}$/.test(trimmed) ? Number(trimmed) : undefined;
}

/** A parameter scope in Chinese: `全国`, or e.g. `北京市 · 外卖 · 平台 p-1`. */
export function scopeText(scope: ParameterScope | undefined): string {
  const parts = [
    ...(scope?.province ? [province(scope.province)] : []),
    ...(scope?.industry ? [label(INDUSTRY, scope.industry)] : []),
    ...(scope?.platformId ? [`平台 ${scope.platformId}`] : []),
  ];
  return parts.length ? parts.join(' · ') : '全国';
}

/** The months a payment run may be started for: the current Asia/Shanghai month and the next one. */
export function runMonths(now: Date = new Date()): [string, string] {
  const current = shanghaiMonth(now);
  return [current, addMonthsToMonth(current, 1)];
}

/** `2026-10-01` → `周四`. */
export const weekday = (date: string): string => `周${'日一二三四五六'[dayOfWeek(date)]}`;

/** Dates typed one per line (or separated by spaces, commas or 、), in the order typed. */
export function parseDates(text: string | undefined): string[] {
  return (text ?? '').split(/[\s,，、;；]+/).filter(Boolean);
}

export interface FieldProblem {
  readonly path: 'holidays' | 'workdays';
  readonly message: string;
}

/** The most dates the API takes per list (PUT /v1/calendars/{year}). */
const MAX_DATES = { holidays: 60, workdays: 30 } as const;

/**
 * A year's arrangement checked as the API checks it (core/calendar.ts `validateYearArrangement`), with a
 * Chinese message per list naming the dates at fault — before anything is sent.
 */
export function checkArrangement(year: number, holidays: readonly string[], workdays: readonly string[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const check = (path: 'holidays' | 'workdays', dates: readonly string[]) => {
    const invalid = dates.filter((d) => !isValidDate(d));
    const outside = dates.filter((d) => isValidDate(d) && !d.startsWith(`${year}-`));
    const twice = [...new Set(dates.filter((d, i) => dates.indexOf(d) !== i))];
    const messages = [
      ...(dates.length > MAX_DATES[path] ? [`最多 ${MAX_DATES[path]} 个日期（现有 ${dates.length} 个）`] : []),
      ...(invalid.length ? [`不是有效日期（应为 YYYY-MM-DD）：${invalid.join('、')}`] : []),
      ...(outside.length ? [`不在 ${year} 年内：${outside.join('、')}`] : []),
      ...(twice.length ? [`重复列出：${twice.join('、')}`] : []),
    ];
    if (path === 'workdays') {
      const weekdays = dates.filter((d) => isValidDate(d) && d.startsWith(`${year}-`) && !isWeekend(d));
      const both = dates.filter((d) => holidays.includes(d));
      if (weekdays.length) messages.push(`调休上班日须为周六或周日：${weekdays.map((d) => `${d}（${weekday(d)}）`).join('、')}`);
      if (both.length) messages.push(`同时列为节假日：${both.join('、')}`);
    }
    for (const message of messages) problems.push({ path, message });
  };
  check('holidays', holidays);
  check('workdays', workdays);
  return problems;
}

/** Dates grouped by month, in date order: `[['2026-10', ['2026-10-01', …]], …]`. */
export function byMonth(dates: readonly string[]): [string, string[]][] {
  const months = new Map<string, string[]>();
  for (const d of [...dates].sort()) months.set(d.slice(0, 7), [...(months.get(d.slice(0, 7)) ?? []), d]);
  return [...months.entries()];
}

/** What finance chose for one item of a batch: nothing yet, paid, or returned with the bank's reason. */
export interface ResultChoice {
  readonly outcome?: 'NONE' | 'PAID' | 'RETURNED';
  readonly returnReason?: string;
}

export interface BankResultsBody {
  readonly results: { paymentId: string; status: 'PAID' | 'RETURNED'; returnReason?: string }[];
  /** For each result sent, the index of its item in the batch (to put an answer next to that item's row). */
  readonly rowOf: number[];
}

/** The body of POST …/results for the items given an outcome (`rows` indexed like `paymentIds`). */
export function bankResultsOf(paymentIds: readonly string[], rows: readonly (ResultChoice | undefined)[]): BankResultsBody {
  const results: BankResultsBody['results'] = [];
  const rowOf: number[] = [];
  paymentIds.forEach((paymentId, row) => {
    const choice = rows[row];
    if (choice?.outcome !== 'PAID' && choice?.outcome !== 'RETURNED') return;
    const reason = choice.returnReason?.trim();
    results.push(
      choice.outcome === 'RETURNED' ? { paymentId, status: 'RETURNED', ...(reason ? { returnReason: reason } : {}) } : { paymentId, status: 'PAID' },
    );
    rowOf.push(row);
  });
  return { results, rowOf };
}

/** `results.1.returnReason` → `rows.<row of result 1>.returnReason`: the API's path for the batch page's form. */
export function resultPathToRow(path: string, rowOf: readonly number[]): string {
  const match = /^results\.(\d+)(\..+)?$/.exec(path);
  const row = match ? rowOf[Number(match[1])] : undefined;
  return match && row !== undefined ? `rows.${row}${match[2] ?? ''}` : path;
}

/**
 * Why a typed value cannot be published (the API's range per parameter, core/parameters.ts), in Chinese;
 * undefined when it can.
 */
export function parameterValueProblem(name: ParameterName, text: string | undefined): string | undefined {
  const value = parameterValueOf(name, text);
  if (value === undefined) return isMoneyParameter(name) ? '金额格式应为元，最多两位小数' : '须为非负整数';
  const { min, max } = PARAMETER_RULES[name];
  if (value < min || value > max) return `须在 ${parameterValueText(name, min)} 至 ${parameterValueText(name, max)} 之间`;
  return undefined;
}
