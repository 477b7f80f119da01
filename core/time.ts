/**
 * Dates and instants. Asia/Shanghai is UTC+8 all year (no daylight saving since 1991), so conversions
 * need no time-zone database. Dates are `YYYY-MM-DD` strings in Asia/Shanghai, months `YYYY-MM`.
 * All date arithmetic is done on whole days since the epoch, never on local `Date` fields.
 */

/** Asia/Shanghai's fixed offset from UTC (a fact of the zone, not a rule). */
export const SHANGHAI_OFFSET_MINUTES = 8 * 60;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_RE = /^(\d{4})-(\d{2})$/;
const INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** True for a real calendar date written `YYYY-MM-DD` (years 1000–9999). */
export function isValidDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** True for a month written `YYYY-MM`. */
export function isValidMonth(value: string): boolean {
  const m = MONTH_RE.exec(value);
  return m !== null && Number(m[1]) >= 1000 && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}

function assertDate(date: string): void {
  if (!isValidDate(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
}

function assertMonth(month: string): void {
  if (!isValidMonth(month)) throw new RangeError(`not a YYYY-MM month: ${month}`);
}

/**
 * Parses an RFC 3339 timestamp that carries an offset or `Z` (`2025-07-01T08:00:00+08:00`). Strings
 * without an offset, or with impossible fields, give `undefined`.
 */
export function parseInstant(value: string): Date | undefined {
  const m = INSTANT_RE.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  const offsetHours = m[8] ? 0 : Number(m[10]);
  const offsetMinutes = m[8] ? 0 : Number(m[11]);
  if (!isValidDate(`${m[1]}-${m[2]}-${m[3]}`) || hour! > 23 || minute! > 59 || second! > 59) return undefined;
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const fractionMs = m[7] ? Number(m[7].slice(1, 4).padEnd(3, '0')) : 0;
  const sign = m[9] === '-' ? -1 : 1;
  const local = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!, fractionMs);
  return new Date(local - sign * (offsetHours * 60 + offsetMinutes) * MINUTE_MS);
}

function toDate(instant: string | Date): Date {
  const date = typeof instant === 'string' ? parseInstant(instant) : instant;
  if (date === undefined || Number.isNaN(date.getTime())) throw new RangeError(`not an RFC 3339 instant with offset: ${String(instant)}`);
  return date;
}

/** The Asia/Shanghai calendar date (`YYYY-MM-DD`) of an instant. */
export function shanghaiDate(instant: string | Date): string {
  return new Date(toDate(instant).getTime() + SHANGHAI_OFFSET_MINUTES * MINUTE_MS).toISOString().slice(0, 10);
}

/** The Asia/Shanghai month (`YYYY-MM`) of an instant (D5: the month of an order is that of `acceptedAt`). */
export function shanghaiMonth(instant: string | Date): string {
  return shanghaiDate(instant).slice(0, 7);
}

/** The instant at which an Asia/Shanghai date starts (00:00 +08:00). */
export function shanghaiStartOfDay(date: string): Date {
  return new Date(toEpochDay(date) * DAY_MS - SHANGHAI_OFFSET_MINUTES * MINUTE_MS);
}

/** Formats an instant as RFC 3339 in Asia/Shanghai (`2025-07-01T08:00:00+08:00`). */
export function toShanghaiIso(instant: string | Date): string {
  const shifted = new Date(toDate(instant).getTime() + SHANGHAI_OFFSET_MINUTES * MINUTE_MS).toISOString();
  return `${shifted.slice(0, 19)}+08:00`;
}

/** Whole days since 1970-01-01 of a date. */
export function toEpochDay(date: string): number {
  assertDate(date);
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}

/** The date `epochDay` days after 1970-01-01. */
export function fromEpochDay(epochDay: number): string {
  return new Date(epochDay * DAY_MS).toISOString().slice(0, 10);
}

/** `date` plus `n` calendar days (n may be negative). */
export function addDays(date: string, n: number): string {
  return fromEpochDay(toEpochDay(date) + n);
}

/** Days from `a` to `b` (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return toEpochDay(b) - toEpochDay(a);
}

/** Day of the week, 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: string): number {
  return (((toEpochDay(date) + 4) % 7) + 7) % 7;
}

/** True on Saturday and Sunday. */
export function isWeekend(date: string): boolean {
  const d = dayOfWeek(date);
  return d === 0 || d === 6;
}

/** The month (`YYYY-MM`) of a date. */
export function monthOfDate(date: string): string {
  assertDate(date);
  return date.slice(0, 7);
}

/** `month` plus `n` months (`2025-12` + 1 → `2026-01`). */
export function addMonthsToMonth(month: string, n: number): string {
  assertMonth(month);
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${pad(Math.floor(index / 12), 4)}-${pad((index % 12) + 1)}`;
}

/** Months from `a` to `b` (`2025-01` → `2025-03` is 2). */
export function monthsBetween(a: string, b: string): number {
  assertMonth(a);
  assertMonth(b);
  return (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7));
}

/**
 * `date` plus `n` months; a day that does not exist in the target month becomes that month's last day
 * (2024-02-29 + 12 months → 2025-02-28), as for periods counted in months and years.
 */
export function addMonths(date: string, n: number): string {
  const month = addMonthsToMonth(monthOfDate(date), n);
  const day = Math.min(Number(date.slice(8, 10)), daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7))));
  return `${month}-${pad(day)}`;
}

/** Every date of a month, in order. */
export function datesOfMonth(month: string): string[] {
  assertMonth(month);
  const count = daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)));
  return Array.from({ length: count }, (_, i) => `${month}-${pad(i + 1)}`);
}

/** Every date from `from` to `to`, both inclusive (empty when `to` is before `from`). */
export function dateRange(from: string, to: string): string[] {
  const start = toEpochDay(from);
  return Array.from({ length: Math.max(0, toEpochDay(to) - start + 1) }, (_, i) => fromEpochDay(start + i));
}
