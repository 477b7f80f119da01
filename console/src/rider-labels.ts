/**
 * What a rider (role `worker`) reads on the phone: the case's status in plain words, the four progress steps of
 * the bundled case (确认 → 鉴定 → 待遇 → 支付), the inbox's kinds, and the case ids the rider has seen.
 */

/** The case's status as a rider understands it: where it is and what happens next. */
export const STATUS_PLAIN: Readonly<Record<string, string>> = {
  UNDER_REVIEW: '已受理，正在审核是否属于职业伤害',
  NOT_CONFIRMED: '经审核不属于职业伤害（不予确认）',
  AWAITING_ASSESSMENT: '已确认职业伤害，等待劳动能力鉴定',
  AWAITING_DEPENDANTS: '已确认，正在登记供养亲属',
  AWAITING_APPROVAL: '待遇已核算，等待复核',
  RETURNED: '待遇核算被退回，经办人员正在修改',
  APPROVED: '待遇已核准，正在安排支付',
  PAID: '待遇已支付',
  CLOSED: '已结案',
};

/** The progress steps of the bundled case, in order. */
export const PROGRESS = ['确认', '鉴定', '待遇', '支付'] as const;

/**
 * Which progress step a status is at (0-based) and whether it is finished or stopped there. A case without an
 * assessment skips 鉴定 (it is shown as done once the case is past it).
 */
export function progressOf(status: string): { current: number; state: 'process' | 'finish' | 'error' } {
  switch (status) {
    case 'UNDER_REVIEW':
      return { current: 0, state: 'process' };
    case 'NOT_CONFIRMED':
      return { current: 0, state: 'error' };
    case 'AWAITING_ASSESSMENT':
    case 'AWAITING_DEPENDANTS':
      return { current: 1, state: 'process' };
    case 'AWAITING_APPROVAL':
    case 'RETURNED':
      return { current: 2, state: 'process' };
    case 'APPROVED':
      return { current: 3, state: 'process' };
    default:
      // PAID, CLOSED
      return { current: 3, state: 'finish' };
  }
}

/** The inbox's kinds of message (contract: Notification.kind). */
export const NOTIFICATION_KIND: Readonly<Record<string, string>> = {
  CASE_OPENED: '已受理',
  DOCUMENTS_MISSING: '缺少材料',
  DECISION: '审核结果',
  PAYMENT_SENT: '待遇已发放',
  PAYMENT_RETURNED: '支付被退回',
  DEADLINE_NEAR: '期限将至',
  CERTIFICATION_DUE: '资格认证',
};

/** Whether the injury was covered by an order, in the rider's words (D4 reasons). */
export const COVERAGE_PLAIN: Readonly<Record<string, string>> = {
  COVERED: '受伤时有进行中的订单，在保障范围内',
  NO_ORDER_AT_TIME: '受伤时没有进行中的订单',
  PLATFORM_NOT_ENROLLED: '该平台在此省份未参保',
  UNKNOWN_WORKER: '平台未登记您的信息',
};

/** `2026-12-07T08:30` typed on the phone (Beijing time) → RFC 3339 with its zone, `2026-12-07T08:30:00+08:00`. */
export function shanghaiInstant(local: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2})?$/.exec(local);
  return m ? `${m[1]}T${m[2]}:00+08:00` : undefined;
}

/** The Shanghai calendar date `days` before `date` (`YYYY-MM-DD`), for the enrolment days around an injury. */
export function daysBefore(date: string, days: number): string {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() - days);
  return at.toISOString().slice(0, 10);
}
