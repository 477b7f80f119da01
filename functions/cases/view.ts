/**
 * The case as the contract shows it (GET /v1/cases/{caseId}): deadlines and the application's lateness
 * derived from the stored facts with the current calendar (so loading a year recomputes provisional
 * dates and settles a provisional lateness, D6, D12), escalations for missed deadlines, personal data
 * masked (contract): the payee for every caller; the applicant's and dependants' names and the
 * dependants' birth dates for every caller but the worker reading their own case.
 */
import {
  applicationLateness,
  certificationView,
  monthOfDate,
  type Payee,
  recoveryDueFen,
  type CaseRecord,
  checklist,
  shanghaiDate,
  deadlinesOf,
  type InjuryReport,
  isMinorInjuryFastTrack,
  missedDeadlines,
  type PaymentRecord,
  type WorkingDayCalendar,
} from '../../core/index.ts';
import { redact } from '../_shared/observability.ts';
import { documentView } from '../_shared/document-view.ts';
import type { CaseBundle } from '../_shared/repositories/cases.ts';

/**
 * Who reads: personal data is shown in full only to the worker reading their own case (`unmasked`);
 * platforms and staff see it masked. Staff work a case from relations, positions and amounts; the full
 * names and birth dates stay in the stored record for the payment files.
 */
export interface Audience {
  readonly unmasked: boolean;
  /** Staff see an escalation's sanitised cause and the workflow's error; platforms and workers never. */
  readonly staff?: boolean;
}

const MASKED: Audience = { unmasked: false };

/**
 * What every reader is told about an escalation: a coded reason in Chinese. Escalations the workflow
 * records carry the Step Functions error's cause (a Lambda's error message, its stack trace, ARNs of
 * functions and executions): that is shown to no platform or worker, and to staff only sanitised.
 */
export const ESCALATION_REASONS: Readonly<Record<string, string>> = {
  CONFIRMATION_OVERDUE: '工伤认定已超过法定时限，已上报督办（D7）。',
  ASSESSMENT_OVERDUE: '劳动能力鉴定已超过时限，已上报督办（D8）。',
  WORKFLOW_FAILED: '案件自动流程处理出错，已转由经办人员人工处理。',
  WORKFLOW_TIMEOUT: '案件自动流程等待超时，已转由经办人员人工处理。',
  WORKFLOW_NOT_STARTED: '案件自动流程未能启动，系统将自动重试。',
};
const OTHER_ESCALATION = '案件已上报督办。';

/** An error cause, as far as staff may read it: no stack frames, ARNs, file paths or personal numbers; 300 characters at most. */
export const sanitiseCause = (detail: string): string => {
  let text = detail;
  // Step Functions hands a Lambda error's cause over as JSON: keep its type and message, never its trace.
  const colon = text.indexOf(': {');
  const json = colon >= 0 ? text.slice(colon + 2) : text.startsWith('{') ? text : undefined;
  if (json !== undefined) {
    try {
      const cause = JSON.parse(json) as { errorType?: unknown; errorMessage?: unknown };
      const name = colon >= 0 ? text.slice(0, colon) : undefined;
      const parts = [name, cause.errorType === name ? undefined : cause.errorType, cause.errorMessage];
      text = parts.filter((v) => typeof v === 'string' && v !== '').join(': ');
    } catch {
      // not JSON (or cut at 500 characters): treated as text below
    }
  }
  return redact(
    text
      .split(/\\n|\n/)
      .filter((line) => !/^\s*at\s/.test(line))
      .join(' ')
      .replace(/\barn:aws[\w-]*:[^\s"',;)]*/g, '[arn]')
      .replace(/(?:file:\/\/)?(?:\/[\w.@-]+){2,}(?::\d+)*/g, '[path]')
      .replace(/"trace"\s*:\s*\[.*$/s, '')
      .replace(/\s+/g, ' ')
      .trim(),
  ).slice(0, 300);
};

const escalationView = (e: CaseRecord['escalations'][number], audience: Audience) => ({
  kind: e.kind,
  ...(e.due ? { due: e.due } : {}),
  recordedAt: e.recordedAt,
  reason: ESCALATION_REASONS[e.kind] ?? OTHER_ESCALATION,
  ...(audience.staff && e.detail ? { detail: sanitiseCause(e.detail) } : {}),
});

/** The workflow's state: staff see its execution and error name, others only its status. */
const workflowView = (w: CaseRecord['workflow'], audience: Audience) => (audience.staff ? w : { status: w.status });

/** A name masked as its first character and `**` (contract: like the payee's `张**`). */
const maskName = (name: string) => `${[...name][0] ?? '*'}**`;

/** A birth date masked whole: like the digits of an ID number that carry it (`320102********1234`). */
const MASKED_DATE = '****-**-**';

const DEPENDANT_KEY = 'dependant_pension:';

/**
 * A line or payment key with any dependant's name masked. Keys are `dependant_pension:<position>` (no
 * name); calculations stored before that carried `dependant_pension:<name>[#n][@month]`.
 */
export const maskKey = (key: string): string => {
  if (!key.startsWith(DEPENDANT_KEY)) return key;
  const rest = key.slice(DEPENDANT_KEY.length);
  const at = rest.indexOf('@');
  const id = at < 0 ? rest : rest.slice(0, at);
  return /^\d+$/.test(id) ? key : `${DEPENDANT_KEY}${maskName(id)}${at < 0 ? '' : rest.slice(at)}`;
};

const maskBasis = (basis: Readonly<Record<string, unknown>>) => (typeof basis.name === 'string' ? { ...basis, name: maskName(basis.name) } : basis);

/** The payee as shown (D14): the name's first character and the account's last four digits. */
const payeeView = (payee: Payee) => ({
  name: maskName(payee.nameInitial),
  bankAccount: `****${payee.bankAccountLast4}`,
  ...(payee.bankName ? { bankName: payee.bankName } : {}),
  ...(payee.bankCode ? { bankCode: payee.bankCode } : {}),
  ...(payee.changedAt ? { changedAt: payee.changedAt, changedBy: payee.changedBy } : {}),
});

export const paymentView = (p: PaymentRecord, audience: Audience = MASKED) => ({
  paymentId: p.paymentId,
  ...(p.kind ? { kind: p.kind } : {}),
  amountFen: p.amountFen,
  status: p.status,
  items: audience.unmasked ? p.items : p.items.map((i) => ({ ...i, key: maskKey(i.key) })),
  createdAt: p.createdAt,
  ...(p.runId ? { runId: p.runId } : {}),
  ...(p.calculationId ? { calculationId: p.calculationId } : {}),
  ...(p.payee ? { payee: payeeView(p.payee) } : {}),
  ...(p.batchId ? { batchId: p.batchId, sentAt: p.sentAt } : {}),
  ...(p.settledAt ? { settledAt: p.settledAt } : {}),
  ...(p.returnReason ? { returnReason: p.returnReason } : {}),
  ...(p.replaces ? { replaces: p.replaces } : {}),
  ...(p.replacedBy ? { replacedBy: p.replacedBy } : {}),
  ...(p.offsets ? { offsets: p.offsets } : {}),
  ...(p.offsetFen ? { offsetFen: p.offsetFen } : {}),
  ...(p.cancelledAt ? { cancelledAt: p.cancelledAt } : {}),
});

export const benefitsView = (record: CaseRecord, audience: Audience = MASKED) => {
  const b = record.benefits;
  if (!b) return { calculated: false, lines: [], oneOffTotalFen: 0, monthlyTotalFen: 0 };
  const show = audience.unmasked;
  return {
    calculated: true,
    calculationId: b.calculationId,
    calculatedAt: b.calculatedAt,
    approved: record.approved?.calculationId === b.calculationId,
    lines: b.lines.map((l) => ({
      item: l.item,
      key: show ? l.key : maskKey(l.key),
      amountFen: l.amountFen,
      monthly: l.monthly,
      ...(l.fromMonth ? { fromMonth: l.fromMonth } : {}),
      ...(l.untilMonth ? { untilMonth: l.untilMonth } : {}),
      basis: show ? l.basis : maskBasis(l.basis),
    })),
    oneOffTotalFen: b.oneOffTotalFen,
    monthlyTotalFen: b.monthlyTotalFen,
    ruleTable: b.ruleTable,
    parameterVersions: b.parameterVersions,
    excludedDependants: show ? b.excludedDependants : b.excludedDependants.map((e) => maskBasis(e)),
  };
};

/** The dependants with their 1-based position (the `dependant_pension:<n>` line key), masked for `audience`. */
export const dependantsView = (dependants: NonNullable<CaseRecord['dependants']>, audience: Audience) =>
  dependants.map((d, i) => ({
    dependant: i + 1,
    ...d,
    ...(audience.unmasked ? {} : { name: maskName(d.name), ...(d.birthDate ? { birthDate: MASKED_DATE } : {}) }),
  }));

const applicantView = (applicant: CaseRecord['applicant'], audience: Audience) =>
  audience.unmasked || applicant.name === undefined ? applicant : { ...applicant, name: maskName(applicant.name) };

/**
 * The application's lateness with the current calendar (D6, D12): `late`, and `lateExplanationMissing`
 * when it is late without a written explanation — accepted because the deadline was provisional when
 * the case opened; the handler sees it, and loading the year settles it.
 */
export const latenessOf = (r: CaseRecord, calendar: WorkingDayCalendar) => {
  const { late } = applicationLateness(r.injuryDate, r.applicant.type, r.openedOn, calendar);
  return { late, ...(late && !r.lateExplanation ? { lateExplanationMissing: true } : {}) };
};

export const caseView = (bundle: CaseBundle, calendar: WorkingDayCalendar, now: Date, audience: Audience = MASKED, report?: InjuryReport) => {
  const r = bundle.record;
  const today = shanghaiDate(now);
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
    applicant: applicantView(r.applicant, audience),
    ...(r.payee ? { payee: payeeView(r.payee) } : {}),
    ...(r.pendingPayee ? { pendingPayee: { ...payeeView(r.pendingPayee.payee), requestedBy: r.pendingPayee.by, requestedAt: r.pendingPayee.at } } : {}),
    ...(r.diedAt ? { diedAt: r.diedAt } : {}),
    ...latenessOf(r, calendar),
    ...(r.lateExplanation ? { lateExplanation: r.lateExplanation } : {}),
    coverage: r.coverage,
    // D11: the orders snapshotted when the report was filed (GET only; no personal data).
    ...(report ? { evidence: { reportId: report.reportId, reportedAt: report.reportedAt, orders: report.orders } } : {}),
    fastTrack: isMinorInjuryFastTrack({ kind: r.kind, injuryDate: r.injuryDate, inpatientDays: r.inpatientDays, expenses: r.expenses }),
    openedAt: r.openedAt,
    deadlines,
    ...(open ? { suspended: { since: open.from, reason: open.reason } } : {}),
    suspensions: r.suspensions,
    escalations: escalations.map((e) => escalationView(e, audience)),
    ...(r.confirmation ? { confirmation: r.confirmation } : {}),
    expenses: { items: r.expenses, inpatientDays: r.inpatientDays },
    ...(last ? { assessment: last } : {}),
    ...(r.assessmentExtension ? { assessmentExtension: r.assessmentExtension } : {}),
    assessments: r.assessments,
    ...(r.dependants ? { dependants: dependantsView(r.dependants, audience) } : {}),
    ...(r.benefits ? { benefits: benefitsView(r, audience) } : {}),
    ...(r.approval ? { approval: r.approval } : {}),
    payments: bundle.payments.map((p) => paymentView(p, audience)),
    recoveryDueFen: recoveryDueFen(bundle.payments),
    ...(r.approved ? { certification: certificationView(r, bundle.payments, { throughMonth: monthOfDate(today), asOf: today }) } : {}),
    ...(r.lifeEvents?.length ? { lifeEvents: r.lifeEvents } : {}),
    // D17: appeals and their results (the result's effect is on the timeline: appeal.decided, then status.changed).
    ...(r.appeals?.length ? { appeals: r.appeals } : {}),
    documents: bundle.documents.map((d) => documentView(d, now)),
    checklist: checklist(r, bundle.documents),
    timeline: bundle.timeline,
    ...(r.pendingStep ? { pendingStep: r.pendingStep } : {}),
    workflow: workflowView(r.workflow, audience),
    version: r.version,
  };
};

/** A case in the work queue: with its deadlines (as the case shows them today), so a queue sorts by the nearest one. */
export const summaryView = (r: CaseRecord, calendar: WorkingDayCalendar, now: Date) => ({
  caseId: r.caseId,
  status: r.status,
  kind: r.kind,
  ...(r.workerId ? { workerId: r.workerId } : {}),
  platformId: r.platformId,
  province: r.province,
  occurredAt: r.occurredAt,
  late: latenessOf(r, calendar).late,
  openedAt: r.openedAt,
  deadlines: deadlinesOf(r, calendar, shanghaiDate(now)),
  ...(r.suspensions.some((s) => s.to === undefined) ? { suspended: true } : {}),
  // The list is staff's only (GET /v1/cases); the causes are sanitised all the same.
  escalations: r.escalations.map((e) => escalationView(e, { unmasked: false, staff: true })),
});
