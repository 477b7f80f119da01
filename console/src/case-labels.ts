/** The Chinese names of what the case page's later steps record: dependants, life events, the basis of a benefit line. */
import { TIMELINE_ACTION, yuan } from './format.ts';

export const RELATION: Readonly<Record<string, string>> = {
  spouse: '配偶',
  child: '子女',
  parent: '父母',
  grandparent: '祖父母、外祖父母',
  grandchild: '孙子女、外孙子女',
  sibling: '兄弟姐妹',
};

/** D17: appeals. */
export const APPEAL_KIND: Readonly<Record<string, string>> = { RECONSIDERATION: '行政复议', LITIGATION: '行政诉讼' };
export const APPEAL_AGAINST: Readonly<Record<string, string>> = { CONFIRMATION: '职业伤害确认', ASSESSMENT: '劳动能力鉴定', BENEFITS: '待遇核定' };
export const APPEAL_RESULT: Readonly<Record<string, string>> = { UPHELD: '维持', OVERTURNED: '撤销', VARIED: '变更' };

export const LIFE_EVENT: Readonly<Record<string, string>> = {
  WORKER_DIED: '劳动者死亡',
  DEPENDANT_DIED: '供养亲属死亡',
  RETIRED: '劳动者达到退休年龄',
};

/** The words of a benefit line's `basis` (core/benefits.ts): each parameter with its version, counts and flags. */
const BASIS_KEY: Readonly<Record<string, string>> = {
  W: '上年度职工月平均工资',
  N: '上年度全国城镇居民人均可支配收入',
  minimumWageFen: '最低月工资标准',
  rateFenPerDay: '住院伙食补助标准（每日）',
  items: '目录内费用项数',
  excludedItems: '目录外费用项数',
  excludedFen: '目录外费用',
  days: '住院天数',
  grade: '伤残等级',
  months: '月数',
  years: '年数',
  percent: '比例（%）',
  percentOfWFen: '按比例计算',
  toppedUpToMinimum: '补足至最低工资',
  retirementDate: '退休日期',
  retirementAgeMonths: '退休年龄（月）',
  nursing: '护理等级',
  deathDate: '死亡日期',
  dependant: '供养亲属序号',
  relation: '关系',
  orphanOrAlone: '孤儿或孤寡老人',
  uncappedFen: '封顶前金额',
  uncappedTotalFen: '封顶前合计',
  capFen: '封顶额',
  capped: '已封顶',
};

const NURSING_NAME: Readonly<Record<string, string>> = { FULL: '完全护理', MAJOR: '大部分护理', PARTIAL: '部分护理' };

const valueText = (key: string, value: unknown): string => {
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'number' && (key.endsWith('Fen') || key === 'W' || key === 'N')) return `${yuan(value)} 元`;
  if (key === 'relation' && typeof value === 'string') return RELATION[value] ?? value;
  if (key === 'nursing' && typeof value === 'string') return NURSING_NAME[value] ?? value;
  if (value === null || value === undefined) return '—';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
};

/**
 * A benefit line's basis as the reviewer reads it: `上年度职工月平均工资 12,000.00 元（版本 …）、月数 13`. A parameter's
 * version (`WVersion`) goes after its value; keys the console does not know are shown as they are.
 */
export function basisParts(basis: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(basis)
    .filter(([key]) => !key.endsWith('Version'))
    .map(([key, value]) => {
      const version = basis[`${key}Version`];
      return `${BASIS_KEY[key] ?? key} ${valueText(key, value)}${typeof version === 'string' ? `（版本 ${version}）` : ''}`;
    });
}

/** Who did it, for the timeline: a person's identity (`sub`) as it is, the system's own actors by name. */
const SYSTEM_ACTOR: Readonly<Record<string, string>> = {
  workflow: '系统（案件流程）',
  'payment-run': '系统（按月支付）',
  bank: '银行回执',
  'deadline-sweep': '系统（期限巡检）',
  system: '系统',
};
export const actorName = (actor: string): string => SYSTEM_ACTOR[actor] ?? actor;

/** The timeline's later actions, beside the first ones (format.ts `TIMELINE_ACTION`). */
const LATER_ACTION: Readonly<Record<string, string>> = {
  'approval.approve': '复核核准',
  'approval.return': '复核退回',
  'assessment.initial.recorded': '登记鉴定结论',
  'assessment.reassessment.recorded': '登记再次鉴定结论',
  'assessment.review.recorded': '登记复查鉴定结论',
  'life_event.recorded': '登记生活事件',
  'appeal.filed': '登记复议或诉讼',
  'appeal.decided': '登记复议或诉讼结果',
  'payee.change_requested': '申请变更收款人（待复核确认）',
  'workflow.not_started': '案件流程未启动',
};
export const timelineAction = (action: string): string => LATER_ACTION[action] ?? TIMELINE_ACTION[action] ?? action;
