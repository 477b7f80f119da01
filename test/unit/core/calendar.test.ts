import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays, dayOfWeek, SEEDED_CALENDARS, validateYearArrangement, WorkingDayCalendar } from '../../../core/index.ts';

const calendar = new WorkingDayCalendar();

describe('seeded calendars (D12)', () => {
  it('expand D12 exactly and are valid', () => {
    const y2025 = SEEDED_CALENDARS[0]!;
    expect(y2025.holidays).toHaveLength(1 + 8 + 3 + 5 + 3 + 8);
    expect(y2025.holidays).toContain('2025-02-04');
    expect(y2025.workdays).toEqual(['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11']);
    const y2026 = SEEDED_CALENDARS[1]!;
    expect(y2026.holidays).toHaveLength(3 + 9 + 3 + 5 + 3 + 3 + 7);
    expect(y2026.workdays).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
    for (const a of SEEDED_CALENDARS) expect(validateYearArrangement(a.year, a)).toEqual({ ok: true });
  });
});

describe('validateYearArrangement (D12)', () => {
  it('rejects dates outside the year, duplicates, weekday make-up days and dates in both lists', () => {
    expect(
      validateYearArrangement(2027, {
        year: 2026,
        holidays: ['2027-01-01', '2027-01-01', '2026-12-31', '2027-02-30'],
        workdays: ['2027-01-04', '2027-01-02', '2027-01-01'],
      }),
    ).toEqual({
      ok: false,
      errors: [
        { path: 'year', message: 'must be 2027' },
        { path: 'holidays.1', message: 'is listed twice' },
        { path: 'holidays.2', message: 'must be in 2027' },
        { path: 'holidays.3', message: 'must be a YYYY-MM-DD date' },
        { path: 'workdays.0', message: 'a make-up working day must be a Saturday or Sunday' },
        { path: 'workdays.2', message: 'a make-up working day must be a Saturday or Sunday' },
      ],
    });
    expect(validateYearArrangement(2027, { holidays: ['2027-01-02'], workdays: ['2027-01-02'] })).toEqual({
      ok: false,
      errors: [{ path: 'workdays.0', message: 'is also a holiday' }],
    });
  });
});

describe('WorkingDayCalendar (D12)', () => {
  it('knows holidays, make-up days and weekends', () => {
    expect(calendar.isWorkingDay('2025-10-01')).toEqual({ working: false, provisional: false });
    expect(calendar.isWorkingDay('2025-10-11')).toEqual({ working: true, provisional: false });
    expect(calendar.isWorkingDay('2025-10-12')).toEqual({ working: false, provisional: false });
    expect(calendar.isWorkingDay('2025-10-13')).toEqual({ working: true, provisional: false });
    expect(calendar.isWorkingDay('2027-01-01')).toEqual({ working: true, provisional: true });
    expect(calendar.isWorkingDay('2027-01-02')).toEqual({ working: false, provisional: true });
    expect(calendar.loadedYears()).toEqual([2025, 2026]);
    expect(new WorkingDayCalendar([]).loadedYears()).toEqual([]);
  });

  it('TV-D1: injury Fri 2025-06-13 + 3 working days = 2025-06-18 (D6, D12)', () => {
    expect(calendar.addWorkingDays('2025-06-13', 3)).toEqual({ date: '2025-06-18', provisional: false });
  });

  it('TV-D2: injury 2025-09-30 + 3 working days = Sat 2025-10-11, a make-up working day (D6, D12)', () => {
    expect(calendar.addWorkingDays('2025-09-30', 3)).toEqual({ date: '2025-10-11', provisional: false });
  });

  it('TV-D3: 30 calendar days from 2025-06-13 end on Sunday 07-13 and move to Monday 07-14 (D12 settles the shift)', () => {
    expect(calendar.addCalendarDaysShifted('2025-06-13', 30)).toEqual({ date: '2025-07-14', provisional: false });
  });

  it('marks results that consulted an unloaded year as provisional (D12)', () => {
    expect(calendar.addWorkingDays('2026-12-30', 3)).toEqual({ date: '2027-01-04', provisional: true });
    expect(calendar.addCalendarDaysShifted('2026-12-01', 31)).toEqual({ date: '2027-01-01', provisional: true });
    expect(calendar.addCalendarDaysShifted('2025-09-30', 1)).toEqual({ date: '2025-10-09', provisional: false });
    expect(calendar.addWorkingDays('2025-06-13', 0)).toEqual({ date: '2025-06-13', provisional: false });
    expect(calendar.nextWorkingDayFrom('2025-06-16')).toEqual({ date: '2025-06-16', provisional: false });
  });

  it('rejects negative or fractional counts', () => {
    expect(() => calendar.addWorkingDays('2025-06-13', -1)).toThrow(RangeError);
    expect(() => calendar.addCalendarDaysShifted('2025-06-13', 1.5)).toThrow(RangeError);
  });

  it('a working-day deadline always lands on a working day, after the start (property, D12)', () => {
    const start = fc.integer({ min: 0, max: 1200 }).map((n) => addDays('2024-10-01', n));
    fc.assert(
      fc.property(start, fc.integer({ min: 1, max: 40 }), (date, n) => {
        const r = calendar.addWorkingDays(date, n);
        expect(calendar.isWorkingDay(r.date).working).toBe(true);
        expect(r.date > date).toBe(true);
        const shifted = calendar.addCalendarDaysShifted(date, n);
        expect(calendar.isWorkingDay(shifted.date).working).toBe(true);
        expect(shifted.date >= addDays(date, n)).toBe(true);
        expect(dayOfWeek(r.date)).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
