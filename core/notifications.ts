/**
 * Worker notifications (D21): which occasions tell the worker something, and the Chinese text of each —
 * the case number, what happened, what to do next and by when. Pure: the event consumer
 * (functions/events) loads the case and stores and sends what comes out (inbox and SMS).
 *
 * A text never carries an ID number, a phone number, a bank account, a diagnosis or a name: it names the
 * case by its number and the documents by their type (docs/events.md).
 */
import type { CaseRecord, CaseStatus, PaymentRecord, Person } from './case-record.ts';
import { DOCUMENT_TYPE_NAMES, type DocumentType } from './document-types.ts';
import { ruleTableOn } from './rule-tables.ts';
import { addDays } from './time.ts';

export const NOTIFICATION_KINDS = [
  'CASE_OPENED',
  'DOCUMENTS_MISSING',
  'DECISION',
  'PAYMENT_SENT',
  'PAYMENT_RETURNED',
  'DEADLINE_NEAR',
  'CERTIFICATION_DUE',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface Notice {
  readonly kind: NotificationKind;
  readonly caseId: string;
  readonly text: string;
}

/** `2026-05-01` → `2026年5月1日`. */
export const chineseDate = (date: string): string => {
  const [y, m, d] = date.split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
};

/** Integer fen → `1,234.50 元`. */
export const yuan = (fen: number): string => {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${whole}.${String(abs % 100).padStart(2, '0')} 元`;
};

const prefix = (caseId: string) => `【职业伤害保障】案件 ${caseId}：`;

/** The case was opened (D21): what comes next and when the confirmation is due. */
export function caseOpenedNotice(caseId: string, confirmationDue: string | undefined): Notice {
  const by = confirmationDue ? `认定结论将于${chineseDate(confirmationDue)}前作出。` : '认定结论作出后将另行通知。';
  return {
    kind: 'CASE_OPENED',
    caseId,
    text: `${prefix(caseId)}您的职业伤害保障待遇申请已受理。下一步：经办机构审核您的申请，如需补充材料将一次性告知；${by}`,
  };
}

/** Documents are missing (D13, D21): every missing type at once; undefined when nothing is missing. */
export function documentsMissingNotice(caseId: string, missing: readonly DocumentType[], by: string | undefined): Notice | undefined {
  if (missing.length === 0) return undefined;
  const names = missing.map((t) => DOCUMENT_TYPE_NAMES[t]).join('、');
  const when = by ? `请于${chineseDate(by)}前` : '请尽快';
  return {
    kind: 'DOCUMENTS_MISSING',
    caseId,
    text: `${prefix(caseId)}您的申请还缺少以下材料（共 ${missing.length} 项）：${names}。下一步：${when}通过平台或经办机构一次性补交。`,
  };
}

/** What a status reached by a decision tells the worker (confirmation, assessment, benefits, approval). */
const DECISIONS: Partial<Record<CaseStatus, (c: CaseRecord, due: Readonly<Record<string, string>>) => string>> = {
  NOT_CONFIRMED: () => '认定结论：不予认定为职业伤害。如有异议，可依法申请行政复议或提起行政诉讼。',
  AWAITING_ASSESSMENT: (_c, due) =>
    `认定结论：已认定为职业伤害。下一步：请配合劳动能力鉴定${due.assessmentDue ? `，鉴定结论将于${chineseDate(due.assessmentDue)}前作出` : ''}。`,
  AWAITING_DEPENDANTS: () => '认定结论：已认定为因工死亡。下一步：请尽快向经办机构提交供养亲属信息。',
  AWAITING_APPROVAL: (c) =>
    c.assessments.length > 0
      ? '鉴定结论已作出，待遇已核算。下一步：经办机构复核后核准待遇，无需您办理。'
      : '认定结论：已认定为职业伤害，待遇已核算。下一步：经办机构复核后核准待遇，无需您办理。',
  APPROVED: () => '待遇已核准。下一步：款项将发放至您登记的收款账户，发出时另行通知。',
};

/** A decision on the case (D21), when its new status is one a worker is told about. */
export function decisionNotice(record: CaseRecord, deadlines: Readonly<Record<string, string>>): Notice | undefined {
  const text = DECISIONS[record.status];
  return text ? { kind: 'DECISION', caseId: record.caseId, text: `${prefix(record.caseId)}${text(record, deadlines)}` } : undefined;
}

/** A payment was sent to the bank or returned by it (D15, D21); undefined for other changes and recoveries. */
export function paymentNotice(payment: Pick<PaymentRecord, 'caseId' | 'amountFen' | 'status' | 'sentAt'>, before: string | undefined): Notice | undefined {
  if (payment.status === before || payment.amountFen <= 0) return undefined;
  const { caseId } = payment;
  if (payment.status === 'SENT') {
    const on = payment.sentAt ? `已于${chineseDate(payment.sentAt.slice(0, 10))}` : '已';
    return {
      kind: 'PAYMENT_SENT',
      caseId,
      text: `${prefix(caseId)}一笔待遇款项 ${yuan(payment.amountFen)}${on}提交银行发放。下一步：请留意收款账户到账情况，无需您办理。`,
    };
  }
  if (payment.status === 'RETURNED') {
    return {
      kind: 'PAYMENT_RETURNED',
      caseId,
      text: `${prefix(caseId)}一笔待遇款项 ${yuan(payment.amountFen)}被银行退回。下一步：请尽快联系经办机构核对并更正收款账户信息。`,
    };
  }
  return undefined;
}

/** A reminder the deadline sweep raises, once each (its `key`), D21. */
export interface Reminder {
  readonly kind: 'DEADLINE_NEAR' | 'CERTIFICATION_DUE';
  /** Unique per case and occasion: the sweep stores it once. */
  readonly key: string;
  readonly due: string;
}

/** The worker's own deadlines the sweep reminds of, by name, with what the worker reads. */
const WORKER_DEADLINES: Readonly<Record<string, string>> = {
  reassessmentRequestDue: '申请再次鉴定的期限',
  // D17: the appeal windows (core/appeals.ts appealWindows).
  'appealDue.CONFIRMATION': '对工伤认定决定申请行政复议的期限',
  'appealDue.ASSESSMENT': '对劳动能力鉴定结论申请行政复议的期限',
  'appealDue.BENEFITS': '对待遇核定决定申请行政复议的期限',
};

/** D21's reminder window, from the rule table in force on `today` (effective-dated like the other periods). */
export const reminderDaysBefore = (today: string): number => ruleTableOn(today).notifications.reminderDaysBefore;

const near = (today: string, due: string) => today <= due && addDays(today, reminderDaysBefore(today)) >= due;

/**
 * The reminders due on `today` (D21: a deadline of the worker's 3 days away; a certification due): the
 * worker's deadlines among `deadlines` (the case's and its appeal windows) and each certification `dueOn`,
 * within the reminder window.
 */
export function remindersDue(
  deadlines: Readonly<Record<string, { readonly date: string }>>,
  certifications: readonly { readonly person: Person; readonly dueOn?: string }[],
  today: string,
): Reminder[] {
  const out: Reminder[] = [];
  for (const [name, deadline] of Object.entries(deadlines)) {
    if (WORKER_DEADLINES[name] && near(today, deadline.date)) out.push({ kind: 'DEADLINE_NEAR', key: `${name}#${deadline.date}`, due: deadline.date });
  }
  for (const c of certifications) {
    if (c.dueOn && near(today, c.dueOn)) out.push({ kind: 'CERTIFICATION_DUE', key: `certification#${c.person}#${c.dueOn}`, due: c.dueOn });
  }
  return out;
}

/** The text of a reminder (D21). */
export function reminderNotice(caseId: string, reminder: Pick<Reminder, 'kind' | 'key' | 'due'>): Notice {
  const by = chineseDate(reminder.due);
  if (reminder.kind === 'CERTIFICATION_DUE') {
    return {
      kind: 'CERTIFICATION_DUE',
      caseId,
      text: `${prefix(caseId)}按月领取待遇须每年认证一次，本次认证将于${by}到期。下一步：请于${by}前完成待遇资格认证，逾期将暂停发放按月待遇。`,
    };
  }
  const name = WORKER_DEADLINES[reminder.key.split('#')[0]!] ?? '办理期限';
  return {
    kind: 'DEADLINE_NEAR',
    caseId,
    text: `${prefix(caseId)}您的${name}将于${by}届满（还剩不到 ${reminderDaysBefore(reminder.due)} 天）。下一步：如需办理，请于${by}前提出。`,
  };
}
