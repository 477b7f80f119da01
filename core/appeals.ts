/**
 * Appeals (D17, contract "Appeals and assistance" and its v2 clarification): which decision an appeal is
 * against, when it is due and whether it is late. The lifecycle (core/case-lifecycle.ts) records the
 * appeal and its result as case steps; this module holds the date rules only.
 */
import type { WorkingDayCalendar } from './calendar.ts';
import type { Appeal, AppealAgainst, AppealKind, CaseRecord } from './case-record.ts';
import { ruleTableOn } from './rule-tables.ts';
import { addMonths, shanghaiDate } from './time.ts';

export interface AppealDue {
  readonly date: string;
  readonly provisional: boolean;
}

/**
 * The date of the latest decision of its kind (contract): the confirmation as recorded, the assessment's
 * `concludedOn`, the benefits' approval date. Undefined when there is none (→ 409).
 */
export function appealedDecisionOn(record: CaseRecord, against: AppealAgainst): string | undefined {
  switch (against) {
    case 'CONFIRMATION':
      return record.confirmation ? shanghaiDate(record.confirmation.recordedAt) : undefined;
    case 'ASSESSMENT':
      return record.assessments.at(-1)?.concludedOn;
    case 'BENEFITS':
      return record.approved && record.approval?.decision === 'approve' ? shanghaiDate(record.approval.at) : undefined;
  }
}

/**
 * When an appeal is due (D17): a reconsideration the rule table's days after the decision; a litigation
 * its months after the decision (the same day of the month, or that month's last day) or, once a
 * reconsideration of the same decision has a result, the days after that result; then shifted to the
 * next working day when the period ends on a non-working day (D12).
 */
export function appealDue(
  kind: AppealKind,
  decisionOn: string,
  reconsideration: Pick<Appeal, 'decidedOn'> | undefined,
  calendar: WorkingDayCalendar,
): AppealDue {
  const rules = ruleTableOn(decisionOn).appeals;
  if (kind === 'RECONSIDERATION') return calendar.addCalendarDaysShifted(decisionOn, rules.reconsiderationDays);
  if (reconsideration?.decidedOn) return calendar.addCalendarDaysShifted(reconsideration.decidedOn, rules.litigationAfterReconsiderationDays);
  return calendar.nextWorkingDayFrom(addMonths(decisionOn, rules.litigationMonths));
}

/** The decisions a worker may appeal, in the order of the case. */
const APPEALABLE: readonly AppealAgainst[] = ['CONFIRMATION', 'ASSESSMENT', 'BENEFITS'];

/**
 * The worker's open appeal windows (D17, for D21's reminders): for each decision of the case not yet appealed,
 * the last day to ask for its reconsideration, keyed `appealDue.{CONFIRMATION|ASSESSMENT|BENEFITS}`. A refused
 * (NOT_CONFIRMED) case has the confirmation's: the one deadline left to its worker.
 */
export function appealWindows(record: CaseRecord, calendar: WorkingDayCalendar): Record<string, AppealDue> {
  const out: Record<string, AppealDue> = {};
  for (const against of APPEALABLE) {
    const decisionOn = appealedDecisionOn(record, against);
    if (decisionOn === undefined || (record.appeals ?? []).some((a) => a.against === against && a.decisionOn === decisionOn)) continue;
    out[`appealDue.${against}`] = appealDue('RECONSIDERATION', decisionOn, undefined, calendar);
  }
  return out;
}

/** The reconsideration of the same decision that already has a result (a litigation then runs from it). */
export const decidedReconsideration = (appeals: readonly Appeal[], against: AppealAgainst, decisionOn: string): Appeal | undefined =>
  appeals.filter((a) => a.kind === 'RECONSIDERATION' && a.against === against && a.decisionOn === decisionOn && a.decidedOn !== undefined).at(-1);

/** The open appeal (no result yet) against `against`, if any: one per case and kind of decision. */
export const openAppeal = (appeals: readonly Appeal[], against: AppealAgainst): Appeal | undefined =>
  appeals.find((a) => a.against === against && a.result === undefined);

/** The next appeal id of a case: `A1`, `A2`, … in the order filed. */
export const nextAppealId = (appeals: readonly Appeal[]): string => `A${appeals.length + 1}`;

/** Where an OVERTURNED or VARIED result sends the case (D17). */
export const APPEAL_RETURNS_TO = {
  CONFIRMATION: 'UNDER_REVIEW',
  ASSESSMENT: 'AWAITING_ASSESSMENT',
  BENEFITS: 'AWAITING_APPROVAL',
} as const satisfies Record<AppealAgainst, CaseRecord['status']>;
