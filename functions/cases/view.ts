/**
 * The case as the contract shows it (GET /v1/cases/{caseId}): deadlines derived from the stored facts
 * with the current calendar (so loading a year recomputes provisional dates, D12), escalations for
 * missed deadlines, personal data of the payee masked.
 */
import {
  applicationDeadline,
  assessmentDue,
  confirmationDue,
  isMinorInjuryFastTrack,
  reassessmentRequestDue,
  reviewEarliestDate,
  type WorkingDayCalendar,
} from '../../core/index.ts';
import type { CaseBundle, CaseRecord, Escalation, PaymentRecord } from '../_shared/repositories/cases.ts';

export interface Deadline {
  date: string;
  provisional: boolean;
}

export const deadlinesOf = (record: CaseRecord, calendar: WorkingDayCalendar, today: string): Record<string, Deadline> => {
  const out: Record<string, Deadline> = {
    applicationDue: applicationDeadline(record.injuryDate, record.applicant.type, calendar),
  };
  const c = confirmationDue(record.openedOn, record.suspensions, record.confirmation ? record.confirmation.recordedAt.slice(0, 10) : today, calendar);
  out.confirmationDue = { date: c.date, provisional: c.provisional };
  if (record.assessmentEnteredOn) out.assessmentDue = assessmentDue(record.assessmentEnteredOn, false, calendar);
  const last = record.assessments.at(-1);
  if (last) {
    out.reassessmentRequestDue = reassessmentRequestDue(last.concludedOn, calendar);
    out.reviewFrom = { date: reviewEarliestDate(last.concludedOn), provisional: false };
  }
  return out;
};

/** Statutory deadlines missed as of `today` (D7 confirmation, D8 assessment), as escalation kinds. */
export const missedDeadlines = (record: CaseRecord, deadlines: Record<string, Deadline>, today: string): Escalation[] => {
  const missed: Escalation[] = [];
  const suspended = record.suspensions.some((s) => s.to === undefined);
  if (record.status === 'UNDER_REVIEW' && !suspended && deadlines.confirmationDue && today > deadlines.confirmationDue.date) {
    missed.push({ kind: 'CONFIRMATION_OVERDUE', due: deadlines.confirmationDue.date, recordedAt: today });
  }
  if (record.status === 'AWAITING_ASSESSMENT' && deadlines.assessmentDue && today > deadlines.assessmentDue.date) {
    missed.push({ kind: 'ASSESSMENT_OVERDUE', due: deadlines.assessmentDue.date, recordedAt: today });
  }
  return missed;
};

const maskName = (initial: string) => `${initial}**`;

export const paymentView = (p: PaymentRecord) => ({
  paymentId: p.paymentId,
  amountFen: p.amountFen,
  status: p.status,
  items: p.items,
  createdAt: p.createdAt,
  ...(p.runId ? { runId: p.runId } : {}),
});

export const benefitsView = (record: CaseRecord) => {
  const b = record.benefits;
  if (!b) return { calculated: false, lines: [], oneOffTotalFen: 0, monthlyTotalFen: 0 };
  return {
    calculated: true,
    calculationId: b.calculationId,
    calculatedAt: b.calculatedAt,
    approved: record.approved?.calculationId === b.calculationId,
    lines: b.lines.map((l) => ({
      item: l.item,
      key: l.key,
      amountFen: l.amountFen,
      monthly: l.monthly,
      ...(l.fromMonth ? { fromMonth: l.fromMonth } : {}),
      ...(l.untilMonth ? { untilMonth: l.untilMonth } : {}),
      basis: l.basis,
    })),
    oneOffTotalFen: b.oneOffTotalFen,
    monthlyTotalFen: b.monthlyTotalFen,
    ruleTable: b.ruleTable,
    parameterVersions: b.parameterVersions,
    excludedDependants: b.excludedDependants,
  };
};

export const caseView = (bundle: CaseBundle, calendar: WorkingDayCalendar, today: string) => {
  const r = bundle.record;
  const deadlines = deadlinesOf(r, calendar, today);
  const recorded = new Set(r.escalations.map((e) => e.kind));
  const escalations = [...r.escalations, ...missedDeadlines(r, deadlines, today).filter((e) => !recorded.has(e.kind))];
  const open = r.suspensions.find((s) => s.to === undefined);
  const last = r.assessments.at(-1);
  return {
    caseId: r.caseId,
    reportId: r.reportId,
    status: r.status,
    kind: r.kind,
    ...(r.workerId ? { workerId: r.workerId } : {}),
    platformId: r.platformId,
    province: r.province,
    occurredAt: r.occurredAt,
    applicant: r.applicant,
    payee: { name: maskName(r.payee.nameInitial), bankAccount: `****${r.payee.bankAccountLast4}` },
    late: r.late,
    ...(r.lateExplanation ? { lateExplanation: r.lateExplanation } : {}),
    coverage: r.coverage,
    fastTrack: isMinorInjuryFastTrack({ kind: r.kind, injuryDate: r.injuryDate, inpatientDays: r.inpatientDays, expenses: r.expenses }),
    openedAt: r.openedAt,
    deadlines,
    ...(open ? { suspended: { since: open.from, reason: open.reason } } : {}),
    suspensions: r.suspensions,
    escalations,
    ...(r.confirmation ? { confirmation: r.confirmation } : {}),
    expenses: { items: r.expenses, inpatientDays: r.inpatientDays },
    ...(last ? { assessment: last } : {}),
    assessments: r.assessments,
    ...(r.dependants ? { dependants: r.dependants } : {}),
    ...(r.benefits ? { benefits: benefitsView(r) } : {}),
    ...(r.approval ? { approval: r.approval } : {}),
    payments: bundle.payments.map(paymentView),
    timeline: bundle.timeline,
    ...(r.pendingStep ? { pendingStep: r.pendingStep } : {}),
    workflow: r.workflow,
    version: r.version,
  };
};

export const summaryView = (r: CaseRecord) => ({
  caseId: r.caseId,
  status: r.status,
  kind: r.kind,
  ...(r.workerId ? { workerId: r.workerId } : {}),
  platformId: r.platformId,
  province: r.province,
  occurredAt: r.occurredAt,
  late: r.late,
  openedAt: r.openedAt,
  escalations: r.escalations,
});
