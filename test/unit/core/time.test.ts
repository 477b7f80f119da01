import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  addMonthsToMonth,
  dateRange,
  datesOfMonth,
  dayOfWeek,
  daysBetween,
  fromEpochDay,
  isValidDate,
  isValidMonth,
  isWeekend,
  monthOfDate,
  monthsBetween,
  parseInstant,
  shanghaiDate,
  shanghaiMonth,
  shanghaiStartOfDay,
  toEpochDay,
  toShanghaiIso,
} from '../../../core/index.ts';

describe('time', () => {
  it('parses RFC 3339 instants with an offset or Z only', () => {
    expect(parseInstant('2025-07-01T08:00:00+08:00')?.toISOString()).toBe('2025-07-01T00:00:00.000Z');
    expect(parseInstant('2025-07-01T00:00:00Z')?.toISOString()).toBe('2025-07-01T00:00:00.000Z');
    expect(parseInstant('2025-07-01t00:00:00.5z')?.toISOString()).toBe('2025-07-01T00:00:00.500Z');
    expect(parseInstant('2025-06-30T20:30:00.123456-03:30')?.toISOString()).toBe('2025-07-01T00:00:00.123Z');
    expect(parseInstant('2025-07-01T00:00:00.29Z')?.getTime()).toBe(Date.UTC(2025, 6, 1, 0, 0, 0, 290));
    expect(parseInstant('2025-07-01T08:00:00')).toBeUndefined();
    expect(parseInstant('2025-07-01')).toBeUndefined();
    expect(parseInstant('2025-02-30T00:00:00Z')).toBeUndefined();
    expect(parseInstant('2025-07-01T24:00:00Z')).toBeUndefined();
    expect(parseInstant('2025-07-01T23:60:00Z')).toBeUndefined();
    expect(parseInstant('2025-07-01T23:59:60Z')).toBeUndefined();
    expect(parseInstant('2025-07-01T00:00:00+24:00')).toBeUndefined();
    expect(parseInstant('2025-07-01T00:00:00+08:60')).toBeUndefined();
  });

  it('gives the Asia/Shanghai date and month of an instant (UTC+8, D3, D5)', () => {
    expect(shanghaiDate('2025-06-30T16:00:00Z')).toBe('2025-07-01');
    expect(shanghaiDate('2025-06-30T15:59:59Z')).toBe('2025-06-30');
    expect(shanghaiDate(new Date('2025-06-30T16:00:00Z'))).toBe('2025-07-01');
    expect(shanghaiMonth('2025-06-30T23:30:00+08:00')).toBe('2025-06');
    expect(() => shanghaiDate('yesterday')).toThrow(RangeError);
    expect(() => shanghaiDate(new Date(Number.NaN))).toThrow(RangeError);
    expect(shanghaiStartOfDay('2025-07-01').toISOString()).toBe('2025-06-30T16:00:00.000Z');
    expect(toShanghaiIso('2025-06-30T16:00:00Z')).toBe('2025-07-01T00:00:00+08:00');
  });

  it('validates dates and months', () => {
    expect(isValidDate('2024-02-29')).toBe(true);
    expect(isValidDate('2025-02-29')).toBe(false);
    expect(isValidDate('2025-13-01')).toBe(false);
    expect(isValidDate('2025-00-01')).toBe(false);
    expect(isValidDate('2025-01-00')).toBe(false);
    expect(isValidDate('0999-01-01')).toBe(false);
    expect(isValidDate('2025-1-1')).toBe(false);
    expect(isValidMonth('2025-12')).toBe(true);
    expect(isValidMonth('2025-13')).toBe(false);
    expect(isValidMonth('2025-00')).toBe(false);
    expect(isValidMonth('0999-01')).toBe(false);
    expect(isValidMonth('2025-1')).toBe(false);
  });

  it('does calendar arithmetic on dates', () => {
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(daysBetween('2025-07-10', '2025-08-09')).toBe(30);
    expect(dayOfWeek('2025-06-13')).toBe(5);
    expect(dayOfWeek('1969-12-28')).toBe(0);
    expect(isWeekend('2025-06-14')).toBe(true);
    expect(isWeekend('2025-06-15')).toBe(true);
    expect(isWeekend('2025-06-16')).toBe(false);
    expect(toEpochDay('1970-01-02')).toBe(1);
    expect(fromEpochDay(0)).toBe('1970-01-01');
    expect(() => toEpochDay('2025-02-30')).toThrow(RangeError);
  });

  it('does month arithmetic', () => {
    expect(monthOfDate('2025-07-31')).toBe('2025-07');
    expect(addMonthsToMonth('2025-12', 1)).toBe('2026-01');
    expect(addMonthsToMonth('2025-01', -1)).toBe('2024-12');
    expect(monthsBetween('2025-01', '2026-03')).toBe(14);
    expect(() => monthsBetween('2025-01', 'x')).toThrow(RangeError);
    expect(() => addMonthsToMonth('2025-13', 1)).toThrow(RangeError);
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2025-08-01', 12)).toBe('2026-08-01');
    expect(datesOfMonth('2025-02')).toHaveLength(28);
    expect(datesOfMonth('2024-02').at(-1)).toBe('2024-02-29');
    expect(dateRange('2025-01-30', '2025-02-02')).toEqual(['2025-01-30', '2025-01-31', '2025-02-01', '2025-02-02']);
    expect(dateRange('2025-02-02', '2025-01-30')).toEqual([]);
  });
});
