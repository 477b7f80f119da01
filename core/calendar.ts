/** The national working-day calendar with holidays and make-up working days (D12). */
import type { FieldError } from './parameters.ts';
import { addDays, dateRange, isValidDate, isWeekend } from './time.ts';

export interface YearArrangement {
  year: number;
  holidays: string[];
  workdays: string[];
}

export interface CalendarResult {
  date: string;
  /** True when a day consulted lies in a year whose arrangement is not loaded (D12). */
  provisional: boolean;
}

function expand(year: number, ranges: readonly string[]): string[] {
  return ranges.flatMap((range) => {
    const [from, to = from] = range.split('…');
    return dateRange(`${year}-${from}`, `${year}-${to}`);
  });
}

/** The arrangements seeded from D12 (2025 and 2026), ranges expanded into dates. */
export const SEEDED_CALENDARS: readonly YearArrangement[] = [
  {
    year: 2025,
    holidays: expand(2025, ['01-01', '01-28…02-04', '04-04…04-06', '05-01…05-05', '05-31…06-02', '10-01…10-08']),
    workdays: expand(2025, ['01-26', '02-08', '04-27', '09-28', '10-11']),
  },
  {
    year: 2026,
    holidays: expand(2026, ['01-01…01-03', '02-15…02-23', '04-04…04-06', '05-01…05-05', '06-19…06-21', '09-25…09-27', '10-01…10-07']),
    workdays: expand(2026, ['01-04', '02-14', '02-28', '05-09', '09-20', '10-10']),
  },
];

/**
 * Checks a year's arrangement (D12, `PUT /v1/calendars/{year}`): dates are real and inside the year,
 * no date is listed twice or in both lists, make-up working days fall on Saturday or Sunday.
 */
export function validateYearArrangement(
  year: number,
  arrangement: { year?: number; holidays: readonly string[]; workdays: readonly string[] },
): { ok: true } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (arrangement.year !== undefined && arrangement.year !== year) errors.push({ path: 'year', message: `must be ${year}` });
  const check = (list: 'holidays' | 'workdays') => {
    const seen = new Set<string>();
    arrangement[list].forEach((date, i) => {
      const path = `${list}.${i}`;
      if (!isValidDate(date)) errors.push({ path, message: 'must be a YYYY-MM-DD date' });
      else if (!date.startsWith(`${year}-`)) errors.push({ path, message: `must be in ${year}` });
      else if (seen.has(date)) errors.push({ path, message: 'is listed twice' });
      else if (list === 'workdays' && !isWeekend(date)) errors.push({ path, message: 'a make-up working day must be a Saturday or Sunday' });
      else if (list === 'workdays' && arrangement.holidays.includes(date)) errors.push({ path, message: 'is also a holiday' });
      seen.add(date);
    });
  };
  check('holidays');
  check('workdays');
  return errors.length === 0 ? { ok: true } : { ok: false, errors };
}

/**
 * Working days per D12. A loaded year: holidays are rest days, make-up days are working days, other
 * days follow the weekend. A year not loaded: weekends only, and every answer that consulted such a day
 * is `provisional` (loading the year recomputes it; it never blocks a case).
 */
export class WorkingDayCalendar {
  private readonly years = new Map<number, { holidays: Set<string>; workdays: Set<string> }>();

  constructor(arrangements: readonly YearArrangement[] = SEEDED_CALENDARS) {
    for (const a of arrangements) this.years.set(a.year, { holidays: new Set(a.holidays), workdays: new Set(a.workdays) });
  }

  /** Years with a loaded arrangement, ascending. */
  loadedYears(): number[] {
    return [...this.years.keys()].sort((a, b) => a - b);
  }

  /** Whether `date` is a working day, and whether the answer is provisional (year not loaded). */
  isWorkingDay(date: string): { working: boolean; provisional: boolean } {
    const year = this.years.get(Number(date.slice(0, 4)));
    if (year === undefined) return { working: !isWeekend(date), provisional: true };
    if (year.holidays.has(date)) return { working: false, provisional: false };
    return { working: year.workdays.has(date) || !isWeekend(date), provisional: false };
  }

  /** The `n`-th working day after `date` (the period starts the day after, D12); n ≥ 0. */
  addWorkingDays(date: string, n: number): CalendarResult {
    assertCount(n);
    let provisional = false;
    let current = date;
    for (let counted = 0; counted < n; ) {
      current = addDays(current, 1);
      const day = this.isWorkingDay(current);
      provisional ||= day.provisional;
      if (day.working) counted++;
    }
    return { date: current, provisional };
  }

  /**
   * `n` calendar days after `date`; when that day is not a working day, the next working day (D12:
   * a period in calendar days that ends on a non-working day ends on the next working day).
   */
  addCalendarDaysShifted(date: string, n: number): CalendarResult {
    assertCount(n);
    return this.nextWorkingDayFrom(addDays(date, n));
  }

  /** `date` itself when it is a working day, else the next working day. */
  nextWorkingDayFrom(date: string): CalendarResult {
    let current = date;
    let day = this.isWorkingDay(current);
    let provisional = day.provisional;
    while (!day.working) {
      current = addDays(current, 1);
      day = this.isWorkingDay(current);
      provisional ||= day.provisional;
    }
    return { date: current, provisional };
  }
}

function assertCount(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`a day count must be a non-negative integer, got ${n}`);
}
