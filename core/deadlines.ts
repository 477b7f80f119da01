/**
 * Case deadlines (D6 application, D7 confirmation, D8 assessment). Every length comes from the rule
 * table in force on the triggering date; counting follows D12 (a period starts the day after the
 * event; a calendar-day period that ends on a non-working day ends on the next working day).
 */
import { WorkingDayCalendar, type CalendarResult } from './calendar.ts';
import { ruleTableOn, type ApplicantType } from './rule-tables.ts';
import { addMonths, daysBetween } from './time.ts';

export type DeadlineResult = CalendarResult;

const seeded = new WorkingDayCalendar();

/**
 * The benefit application deadline after an injury on `injuryDate` (D6): the platform within 3 working
 * days, the worker, a close relative or a union within 30 calendar days (shifted to a working day).
 */
export function applicationDeadline(injuryDate: string, applicant: ApplicantType, calendar: WorkingDayCalendar = seeded): DeadlineResult {
  const rules = ruleTableOn(injuryDate).application;
  const workingDays = rules.workingDays[applicant];
  if (workingDays !== undefined) return calendar.addWorkingDays(injuryDate, workingDays);
  return calendar.addCalendarDaysShifted(injuryDate, rules.calendarDays[applicant]!);
}

/** True when an application filed on `applicationDate` is after its deadline (D6: needs 超期说明, `late: true`). */
export function isLateApplication(injuryDate: string, applicant: ApplicantType, applicationDate: string, calendar: WorkingDayCalendar = seeded): boolean {
  return applicationDate > applicationDeadline(injuryDate, applicant, calendar).date;
}

/** Whether an application is late (D6), judged against a deadline that may still be provisional (D12). */
export interface ApplicationLateness {
  /** The deadline as computed with the calendar given. */
  due: DeadlineResult;
  /** Filed after `due.date`. */
  late: boolean;
  /**
   * A written explanation (超期说明) is required before the case opens: late against a final deadline
   * only. A provisional deadline never blocks a case (D12); the lateness is shown to the handler and
   * settled when the year is loaded.
   */
  explanationRequired: boolean;
}

/**
 * Lateness of an application filed on `applicationDate` (D6, D12). Derive it again with the current
 * calendar whenever it is shown: loading the missing year turns a provisional answer into a final one.
 */
export function applicationLateness(
  injuryDate: string,
  applicant: ApplicantType,
  applicationDate: string,
  calendar: WorkingDayCalendar = seeded,
): ApplicationLateness {
  const due = applicationDeadline(injuryDate, applicant, calendar);
  const late = applicationDate > due.date;
  return { due, late, explanationRequired: late && !due.provisional };
}

/** A suspension of the confirmation clock (中止); `to` absent while it lasts. */
export interface SuspensionPeriod {
  from: string;
  to?: string;
}

/**
 * Days the clock stood still: the union of the periods (overlaps count once), each from `from` to `to`
 * (or to `asOf` while open), counted as `to − from` days.
 */
export function suspendedDays(suspensions: readonly SuspensionPeriod[], asOf: string): number {
  const periods = suspensions
    .map((s) => ({ from: s.from, to: s.to ?? asOf }))
    .filter((p) => p.to > p.from)
    .sort((a, b) => (a.from < b.from ? -1 : 1));
  let total = 0;
  let coveredUntil: string | undefined;
  for (const p of periods) {
    const start = coveredUntil !== undefined && coveredUntil > p.from ? coveredUntil : p.from;
    if (p.to > start) {
      total += daysBetween(start, p.to);
      coveredUntil = p.to;
    }
  }
  return total;
}

/**
 * The confirmation decision due date (D7): 60 days after the case is opened, moved by the days
 * suspended (an open suspension counts up to `asOf`), then shifted to a working day (D12).
 */
export function confirmationDue(
  openedOn: string,
  suspensions: readonly SuspensionPeriod[],
  asOf: string,
  calendar: WorkingDayCalendar = seeded,
): DeadlineResult & { suspendedDays: number; suspended: boolean } {
  const days = suspendedDays(suspensions, asOf);
  const due = calendar.addCalendarDaysShifted(openedOn, ruleTableOn(openedOn).confirmation.dueDays + days);
  return { ...due, suspendedDays: days, suspended: suspensions.some((s) => s.to === undefined) };
}

/** The assessment conclusion due date (D8): 60 days after entering AWAITING_ASSESSMENT, 90 with the extension. */
export function assessmentDue(enteredOn: string, extended: boolean, calendar: WorkingDayCalendar = seeded): DeadlineResult {
  const rules = ruleTableOn(enteredOn).assessment;
  return calendar.addCalendarDaysShifted(enteredOn, rules.dueDays + (extended ? rules.extensionDays : 0));
}

/** The last day to request a re-assessment (再次鉴定, D8): 15 days after `concludedOn`, inclusive (shifted, D12). */
export function reassessmentRequestDue(concludedOn: string, calendar: WorkingDayCalendar = seeded): DeadlineResult {
  return calendar.addCalendarDaysShifted(concludedOn, ruleTableOn(concludedOn).assessment.reassessmentWindowDays);
}

/** The first day a review (复查鉴定, D8) may be requested: one year after `concludedOn`. */
export function reviewEarliestDate(concludedOn: string): string {
  return addMonths(concludedOn, ruleTableOn(concludedOn).assessment.reviewAfterMonths);
}

export type AssessmentType = 'initial' | 'reassessment' | 'review';

export type AssessmentWindowCheck =
  | { ok: true }
  | {
      ok: false;
      reason: 'NO_PREVIOUS_CONCLUSION' | 'REASSESSMENT_WINDOW_CLOSED' | 'REVIEW_TOO_EARLY' | 'BEFORE_PREVIOUS_CONCLUSION';
      window?: { from?: string; to?: string };
    };

/**
 * Whether an assessment of `type` may be recorded on `requestDate` (D8): an initial one always; a
 * re-assessment from `previousConcludedOn` up to 15 days after it (inclusive, shifted per D12); a
 * review from one year after it. The API answers 422 when not ok.
 */
export function checkAssessmentWindow(
  type: AssessmentType,
  previousConcludedOn: string | undefined,
  requestDate: string,
  calendar: WorkingDayCalendar = seeded,
): AssessmentWindowCheck {
  if (type === 'initial') return { ok: true };
  if (previousConcludedOn === undefined) return { ok: false, reason: 'NO_PREVIOUS_CONCLUSION' };
  if (requestDate < previousConcludedOn) return { ok: false, reason: 'BEFORE_PREVIOUS_CONCLUSION' };
  if (type === 'reassessment') {
    const to = reassessmentRequestDue(previousConcludedOn, calendar).date;
    return requestDate <= to ? { ok: true } : { ok: false, reason: 'REASSESSMENT_WINDOW_CLOSED', window: { from: previousConcludedOn, to } };
  }
  const from = reviewEarliestDate(previousConcludedOn);
  return requestDate >= from ? { ok: true } : { ok: false, reason: 'REVIEW_TOO_EARLY', window: { from } };
}
