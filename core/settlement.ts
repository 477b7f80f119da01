/**
 * Month close, settlement and credit records (D19; contract "Months, bills and credit").
 *
 * A platform's month is `CLOSED` from 00:00 Asia/Shanghai after `closesOn` (day `contributionDueDay` of the
 * following month) unless an administrator reopened it; `closing` is accepted only on a `REOPENED` month.
 * When a month becomes `CLOSED` with `settledFen` < `totalFen`, one `UNPAID_CONTRIBUTIONS` credit record
 * per platform and month exists; the settlement that completes the bill resolves it (`resolvedOn` = its
 * `paidOn`). A case a platform opens after its D6 deadline (not provisional) creates a
 * `LATE_INJURY_REPORT` record, which never resolves.
 */
import { type ParameterVersion, resolveParameter } from './parameters.ts';
import { addMonthsToMonth, isValidDate, isValidMonth, monthsBetween } from './time.ts';

export const DECLARATION_STATUSES = ['OPEN', 'CLOSED', 'REOPENED'] as const;
export type DeclarationStatus = (typeof DECLARATION_STATUSES)[number];

export const CREDIT_RECORD_TYPES = ['UNPAID_CONTRIBUTIONS', 'LATE_INJURY_REPORT'] as const;
export type CreditRecordType = (typeof CREDIT_RECORD_TYPES)[number];

export const CREDIT_RECORD_STATUSES = ['open', 'resolved'] as const;
export type CreditRecordStatus = (typeof CREDIT_RECORD_STATUSES)[number];

/** What is stored about a month beyond its counters: set by the close, a reopening, a closing, a settlement. */
export interface StoredMonthState {
  /** Absent until the month is closed by the date (the scheduled close) or reopened. */
  readonly status?: 'CLOSED' | 'REOPENED';
  readonly settledFen: number;
}

/**
 * The due day of a month's bill (D19): the national `contributionDueDay` version in force on the first day
 * of the following month. Every month closes (contract, v2 clarifications): a month older than the first
 * version takes the first version's day.
 */
export function monthDueDay(versions: readonly ParameterVersion[], month: string): number {
  if (!isValidMonth(month)) throw new RangeError(`not a YYYY-MM month: ${month}`);
  const inForce = resolveParameter(versions, 'contributionDueDay', `${addMonthsToMonth(month, 1)}-01`, {});
  if (inForce) return inForce.value;
  const first = versions
    .filter((v) => v.name === 'contributionDueDay' && Object.keys(v.scope).length === 0)
    .reduce<ParameterVersion | undefined>((a, v) => (a === undefined || v.effectiveFrom < a.effectiveFrom ? v : a), undefined);
  if (first === undefined) throw new RangeError('contributionDueDay has no national version');
  return first.value;
}

/** `closesOn` of a month: day `dueDay` of the following month (D19). */
export function closesOn(month: string, dueDay: number): string {
  if (!isValidMonth(month)) throw new RangeError(`not a YYYY-MM month: ${month}`);
  if (!Number.isInteger(dueDay) || dueDay < 1 || dueDay > 28) throw new RangeError(`contributionDueDay must be 1–28, got ${dueDay}`);
  return `${addMonthsToMonth(month, 1)}-${String(dueDay).padStart(2, '0')}`;
}

/** Whether the date alone closes the month: `today` (Asia/Shanghai) is after `closesOn`. */
export const closedByDate = (month: string, dueDay: number, today: string): boolean => today > closesOn(month, dueDay);

/**
 * The month's status on `today`: the stored status once the close or an administrator set one (`REOPENED`
 * while reopened, `CLOSED` once closed), else by the date.
 */
export function declarationStatus(month: string, dueDay: number, today: string, stored: Pick<StoredMonthState, 'status'> | undefined): DeclarationStatus {
  if (stored?.status) return stored.status;
  return closedByDate(month, dueDay, today) ? 'CLOSED' : 'OPEN';
}

/** `dueFen` = max(total − settled, 0). */
export const dueFen = (totalFen: number, settledFen: number): number => Math.max(totalFen - settledFen, 0);

/** The months the daily close job looks at on `today`: the latest month closed by the date, and the one before (catch-up). */
export function monthsToClose(today: string, dueDay: number): string[] {
  if (!isValidDate(today)) throw new RangeError(`not a YYYY-MM-DD date: ${today}`);
  const thisMonth = today.slice(0, 7);
  const latest = closedByDate(addMonthsToMonth(thisMonth, -1), dueDay, today) ? addMonthsToMonth(thisMonth, -1) : addMonthsToMonth(thisMonth, -2);
  return [addMonthsToMonth(latest, -1), latest];
}

/**
 * The months a one-off backfill closes on `today`: every month from `from` to `to` (default: the latest
 * month the date has closed), each at most once and none the date has not closed yet. The daily close
 * looks at two months only; months older than those are CLOSED by the date when read but have no stored
 * close nor unpaid record until the backfill closes them.
 */
export function monthsToBackfill(from: string, today: string, dueDay: number, to?: string): string[] {
  if (!isValidMonth(from)) throw new RangeError(`not a YYYY-MM month: ${from}`);
  if (to !== undefined && !isValidMonth(to)) throw new RangeError(`not a YYYY-MM month: ${to}`);
  const latest = monthsToClose(today, dueDay)[1]!;
  const last = to !== undefined && to < latest ? to : latest;
  const count = monthsBetween(from, last) + 1;
  return Array.from({ length: Math.max(count, 0) }, (_, i) => addMonthsToMonth(from, i));
}

/** The id of the one `UNPAID_CONTRIBUTIONS` record of a platform and month (deterministic: one per month). */
export const unpaidRecordId = (platformId: string, month: string): string => `CR-UNPAID-${platformId}-${month}`;

/** The id of the `LATE_INJURY_REPORT` record of a case (deterministic: one per case). */
export const lateReportRecordId = (caseId: string): string => `CR-LATE-${caseId}`;

export type CreditFact = { month: string; dueOn: string; totalFen: number } | { caseId: string; dueOn: string; filedOn: string };

export interface CreditRecord {
  readonly recordId: string;
  readonly platformId: string;
  readonly type: CreditRecordType;
  readonly status: CreditRecordStatus;
  readonly fact: CreditFact;
  /** The date the fact arose (the month's `closesOn` + 1 day for unpaid bills; the filing date for late reports). */
  readonly since: string;
  readonly resolvedOn?: string;
}

/**
 * What closing a month (by the date or by an administrator) does to its unpaid-contributions record:
 * create it (the bill is not settled), resolve an open one (settlements made while reopened cover the new
 * total), open again a resolved one (amounts added while reopened are due), or nothing.
 */
export type CloseCreditAction =
  | { kind: 'create'; record: CreditRecord }
  | { kind: 'reopen'; totalFen: number }
  /** An open record whose month closed again with another total (amounts added while it was reopened). */
  | { kind: 'retotal'; totalFen: number }
  | { kind: 'resolve'; resolvedOn: string }
  | { kind: 'none' };

export interface CloseInput {
  readonly platformId: string;
  readonly month: string;
  readonly dueDay: number;
  readonly totalFen: number;
  readonly settledFen: number;
  /** The day the close takes effect (Asia/Shanghai). */
  readonly closedOn: string;
  readonly existing?: Pick<CreditRecord, 'status' | 'fact'>;
  /** `paidOn` of the latest settlement (resolves an open record the settlements now cover). */
  readonly lastPaidOn?: string;
}

export function creditOnClose(input: CloseInput): CloseCreditAction {
  const unpaid = dueFen(input.totalFen, input.settledFen) > 0;
  const dueOn = closesOn(input.month, input.dueDay);
  if (!input.existing) {
    if (!unpaid) return { kind: 'none' };
    return {
      kind: 'create',
      record: {
        recordId: unpaidRecordId(input.platformId, input.month),
        platformId: input.platformId,
        type: 'UNPAID_CONTRIBUTIONS',
        status: 'open',
        fact: { month: input.month, dueOn, totalFen: input.totalFen },
        since: input.closedOn,
      },
    };
  }
  if (unpaid) {
    if (input.existing.status === 'resolved') return { kind: 'reopen', totalFen: input.totalFen };
    // Contract: "amounts added in a reopened month are due when it closes again" — the record says the new total.
    const recorded = 'totalFen' in input.existing.fact ? input.existing.fact.totalFen : undefined;
    return recorded === input.totalFen ? { kind: 'none' } : { kind: 'retotal', totalFen: input.totalFen };
  }
  return input.existing.status === 'open' ? { kind: 'resolve', resolvedOn: input.lastPaidOn ?? input.closedOn } : { kind: 'none' };
}

/**
 * Whether a settlement resolves the month's open record: the month is `CLOSED` and the settlements,
 * this one included, now cover the total due at the close.
 */
export const settlementResolves = (
  status: DeclarationStatus,
  totalFen: number,
  settledFenAfter: number,
  record: Pick<CreditRecord, 'status'> | undefined,
): boolean => status === 'CLOSED' && record?.status === 'open' && dueFen(totalFen, settledFenAfter) === 0;

/**
 * The `LATE_INJURY_REPORT` record of a case opened by its platform after the D6 deadline (a provisional
 * deadline — the year's calendar not loaded — creates none), or undefined.
 */
export function lateReportRecord(input: {
  caseId: string;
  platformId: string;
  applicantType: string;
  late: boolean;
  dueOn: string;
  dueProvisional: boolean;
  filedOn: string;
}): CreditRecord | undefined {
  if (input.applicantType !== 'platform' || !input.late || input.dueProvisional) return undefined;
  return {
    recordId: lateReportRecordId(input.caseId),
    platformId: input.platformId,
    type: 'LATE_INJURY_REPORT',
    status: 'open',
    fact: { caseId: input.caseId, dueOn: input.dueOn, filedOn: input.filedOn },
    since: input.filedOn,
  };
}
