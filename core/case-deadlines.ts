/**
 * A case's statutory deadlines, derived from its stored facts with the current calendar (D6, D7, D8, D12):
 * loading a year's calendar recomputes provisional dates. The case view shows them; the deadline sweep
 * escalates the missed ones.
 */
import type { WorkingDayCalendar } from './calendar.ts';
import type { CaseRecord, Escalation } from './case-record.ts';
import { applicationDeadline, assessmentDue, confirmationDue, reassessmentRequestDue, reviewEarliestDate } from './deadlines.ts';

export interface Deadline {
  readonly date: string;
  readonly provisional: boolean;
}

export function deadlinesOf(record: CaseRecord, calendar: WorkingDayCalendar, today: string): Record<string, Deadline> {
  const out: Record<string, Deadline> = { applicationDue: applicationDeadline(record.injuryDate, record.applicant.type, calendar) };
  // D17: a confirmation overturned or varied on appeal is due again from the appeal's decision (suspensions before it no longer count).
  const from = record.confirmationReopenedOn ?? record.openedOn;
  const suspensions = record.suspensions.filter((s) => s.to === undefined || s.to >= from);
  const c = confirmationDue(from, suspensions, record.confirmation ? record.confirmation.recordedAt.slice(0, 10) : today, calendar);
  out.confirmationDue = { date: c.date, provisional: c.provisional };
  if (record.assessmentEnteredOn) out.assessmentDue = assessmentDue(record.assessmentEnteredOn, record.assessmentExtension !== undefined, calendar);
  const last = record.assessments.at(-1);
  if (last) {
    out.reassessmentRequestDue = reassessmentRequestDue(last.concludedOn, calendar);
    out.reviewFrom = { date: reviewEarliestDate(last.concludedOn), provisional: false };
  }
  return out;
}

/** Statutory deadlines missed as of `today` (D7 confirmation, D8 assessment), as escalations. */
export function missedDeadlines(record: CaseRecord, deadlines: Readonly<Record<string, Deadline>>, today: string): Escalation[] {
  const missed: Escalation[] = [];
  const suspended = record.suspensions.some((s) => s.to === undefined);
  if (record.status === 'UNDER_REVIEW' && !suspended && deadlines.confirmationDue && today > deadlines.confirmationDue.date) {
    missed.push({ kind: 'CONFIRMATION_OVERDUE', due: deadlines.confirmationDue.date, recordedAt: today });
  }
  if (record.status === 'AWAITING_ASSESSMENT' && deadlines.assessmentDue && today > deadlines.assessmentDue.date) {
    missed.push({ kind: 'ASSESSMENT_OVERDUE', due: deadlines.assessmentDue.date, recordedAt: today });
  }
  return missed;
}
