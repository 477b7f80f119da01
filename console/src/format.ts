/** What the console shows: money in 元 from integer fen, times in Asia/Shanghai, and the Chinese names of the API's codes. */
import { DOCUMENT_TYPE_NAMES } from '../../core/document-types.ts';
import { INDUSTRY_NAMES } from '../../core/industries.ts';
import type { ParameterName } from '../../core/parameters.ts';

/** `123456` fen → `1,234.56` (元). Integer arithmetic only: the fen are split, never divided as a float. */
export function yuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) return '—';
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = String(Math.trunc(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}${whole}.${cents}`;
}

const DATE_TIME = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

/** An RFC 3339 instant as Beijing time: `2026/12/06 14:05`. */
export function dateTime(iso: string | undefined): string {
  if (!iso) return '—';
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : DATE_TIME.format(at);
}

/** Today's date in Asia/Shanghai, `YYYY-MM-DD` (deadlines are Shanghai dates). */
export function shanghaiToday(now: Date = new Date()): string {
  return DATE.format(now);
}

export const CASE_STATUS: Readonly<Record<string, string>> = {
  UNDER_REVIEW: '待认定',
  NOT_CONFIRMED: '不予认定',
  AWAITING_ASSESSMENT: '待鉴定',
  AWAITING_DEPENDANTS: '待登记供养亲属',
  AWAITING_APPROVAL: '待复核',
  RETURNED: '已退回',
  APPROVED: '已核准',
  PAID: '已支付',
  CLOSED: '已结案',
};

export const ROLE: Readonly<Record<string, string>> = {
  handler: '经办',
  reviewer: '复核',
  assessor: '鉴定',
  finance: '资金',
  admin: '管理员',
  platform: '平台',
  worker: '劳动者',
};

export const PROVINCES: Readonly<Record<string, string>> = {
  '110000': '北京市',
  '120000': '天津市',
  '130000': '河北省',
  '140000': '山西省',
  '150000': '内蒙古自治区',
  '210000': '辽宁省',
  '220000': '吉林省',
  '230000': '黑龙江省',
  '310000': '上海市',
  '320000': '江苏省',
  '330000': '浙江省',
  '340000': '安徽省',
  '350000': '福建省',
  '360000': '江西省',
  '370000': '山东省',
  '410000': '河南省',
  '420000': '湖北省',
  '430000': '湖南省',
  '440000': '广东省',
  '450000': '广西壮族自治区',
  '460000': '海南省',
  '500000': '重庆市',
  '510000': '四川省',
  '520000': '贵州省',
  '530000': '云南省',
  '540000': '西藏自治区',
  '610000': '陕西省',
  '620000': '甘肃省',
  '630000': '青海省',
  '640000': '宁夏回族自治区',
  '650000': '新疆维吾尔自治区',
};
export const province = (code: string | undefined) => (code ? `${PROVINCES[code] ?? code}` : '—');

export const DEADLINE: Readonly<Record<string, string>> = {
  applicationDue: '申请期限',
  confirmationDue: '认定期限',
  assessmentDue: '鉴定期限',
  reassessmentRequestDue: '再次鉴定申请期限',
  reviewFrom: '复查鉴定起始日',
};

export const BASIS: Readonly<Record<string, string>> = {
  ORDER_TASK_ACCIDENT: '执行订单任务中受到事故伤害',
  ORDER_TASK_VIOLENCE: '执行订单任务中因履行职责受到暴力伤害',
  ORDER_TASK_TRAFFIC: '执行订单任务途中受到交通事故伤害',
  ORDER_TASK_MISSING: '执行订单任务中下落不明',
  SUDDEN_ILLNESS_48H: '执行订单任务中突发疾病 48 小时内死亡',
  RESCUE_PUBLIC_INTEREST: '抢险救灾等维护公共利益',
  NOT_IN_ORDER_TASK: '非执行订单任务',
  INTENTIONAL_CRIME: '故意犯罪',
  INTOXICATION: '醉酒或吸毒',
  SELF_HARM: '自残或自杀',
  TRAFFIC_MAIN_FAULT: '交通事故本人负主要责任',
};

/** Which bases belong to which outcome (decision D7); the API refuses any other pairing with a 400. */
export const BASES_OF_OUTCOME: Readonly<Record<string, readonly string[]>> = {
  CONFIRMED: ['ORDER_TASK_ACCIDENT', 'ORDER_TASK_VIOLENCE', 'ORDER_TASK_TRAFFIC', 'ORDER_TASK_MISSING'],
  DEEMED: ['SUDDEN_ILLNESS_48H', 'RESCUE_PUBLIC_INTEREST'],
  NOT_CONFIRMED: ['NOT_IN_ORDER_TASK', 'INTENTIONAL_CRIME', 'INTOXICATION', 'SELF_HARM', 'TRAFFIC_MAIN_FAULT'],
};

export const OUTCOME: Readonly<Record<string, string>> = { CONFIRMED: '认定', DEEMED: '视同', NOT_CONFIRMED: '不予认定' };

export const BENEFIT_ITEM: Readonly<Record<string, string>> = {
  medical: '医疗费',
  inpatient_meals: '住院伙食补助费',
  disability_lump_sum: '一次性伤残补助金',
  disability_allowance: '伤残津贴',
  nursing: '生活护理费',
  funeral: '丧葬补助金',
  death_lump_sum: '一次性工亡补助金',
  dependant_pension: '供养亲属抚恤金',
};

export const PAYMENT_STATUS: Readonly<Record<string, string>> = {
  INSTRUCTED: '已指令',
  SENT: '已报盘',
  PAID: '已到账',
  RETURNED: '已退票',
  CANCELLED: '已取消',
  PENDING: '待支付',
  FAILED: '失败',
};

/** The document types' Chinese names: the rules core's list (D13), one source for the API's messages and the console. */
export const DOCUMENT_TYPE: Readonly<Record<string, string>> = DOCUMENT_TYPE_NAMES;

export const DOCUMENT_STATUS: Readonly<Record<string, string>> = {
  UPLOADING: '上传中',
  AVAILABLE: '可用',
  REJECTED: '已拒收',
  EXPIRED: '已过期',
  WITHDRAWN: '已撤回',
};

export const NURSING: Readonly<Record<string, string>> = { FULL: '完全护理', MAJOR: '大部分护理', PARTIAL: '部分护理' };

/** A code with its Chinese name, or the code itself when the console does not know it yet. */
export const label = (names: Readonly<Record<string, string>>, code: string | undefined) => (code === undefined ? '—' : (names[code] ?? code));

export const COVERAGE_REASON: Readonly<Record<string, string>> = {
  COVERED: '受伤时有进行中的订单',
  NO_ORDER_AT_TIME: '受伤时无进行中的订单',
  PLATFORM_NOT_ENROLLED: '平台未在该省参保',
  UNKNOWN_WORKER: '未登记的劳动者',
};

export const TIMELINE_ACTION: Readonly<Record<string, string>> = {
  'case.opened': '受理申请',
  'case.resubmitted': '重新提交复核',
  'confirmation.recorded': '作出认定结论',
  'confirmation.suspended': '中止认定',
  'confirmation.resumed': '恢复认定',
  'assessment.recorded': '登记鉴定结论',
  'assessment.extended': '延长鉴定期限',
  'expenses.recorded': '登记费用',
  'dependants.recorded': '登记供养亲属',
  'approval.recorded': '复核',
  'document.waived': '免交材料',
  'document.withdrawn': '撤回材料',
  'document.uploaded': '上传材料',
  'payee.changed': '变更收款人',
  'payment.instructed': '指令支付',
  'certification.recorded': '资格认证',
  'status.changed': '状态变更',
};

/** The industries' Chinese names: the rules core's list (D1). */
export const INDUSTRY: Readonly<Record<string, string>> = INDUSTRY_NAMES;

export const RUN_STATUS: Readonly<Record<string, string>> = { RUNNING: '运行中', SUCCEEDED: '已完成', FAILED: '失败' };

export const BATCH_STATUS: Readonly<Record<string, string>> = { ASSEMBLING: '组批中', READY: '已生成' };

/** What the API answered for each bank result sent. */
export const RESULT_OUTCOME: Readonly<Record<string, string>> = { accepted: '已登记', duplicate: '重复（已登记过）', rejected: '未受理' };

export const CALENDAR_SOURCE: Readonly<Record<string, string>> = { seeded: '系统预置', loaded: '管理员载入' };

/** The versioned parameters (contract: Parameters), by their API names. */
export const PARAMETER: Readonly<Record<ParameterName, string>> = {
  contributionRateFen: '缴费基准额（每单）',
  averageMonthlyWageFen: '职工月平均工资',
  minimumMonthlyWageFen: '最低月工资标准',
  inpatientMealFenPerDay: '住院伙食补助标准（每天）',
  urbanDisposableIncomeFen: '全国城镇居民人均可支配收入（上年度）',
  openOrderCoverHours: '未完成订单保障时长',
  coverGraceMinutes: '订单完成后保障宽限',
  contributionDueDay: '缴费截止日（次月第几日）',
  orderHotDaysAfterClose: '订单明细关账后在线保留天数',
};
