/**
 * Administrator-maintained parameters (contract: Parameters). A parameter has effective-dated versions,
 * each scoped by any of platform, province and industry (D5 precedence). History is never edited.
 */
import { isIndustry, type Industry } from './industries.ts';
import { isProvinceCode } from './provinces.ts';
import { isValidDate } from './time.ts';

export const PARAMETER_NAMES = [
  'contributionRateFen',
  'averageMonthlyWageFen',
  'minimumMonthlyWageFen',
  'inpatientMealFenPerDay',
  'urbanDisposableIncomeFen',
  'openOrderCoverHours',
  'coverGraceMinutes',
  'contributionDueDay',
  'orderHotDaysAfterClose',
] as const;
export type ParameterName = (typeof PARAMETER_NAMES)[number];

export interface ParameterScope {
  province?: string;
  industry?: Industry;
  platformId?: string;
}

export interface ParameterVersion {
  name: ParameterName;
  scope: ParameterScope;
  /** YYYY-MM-DD */
  effectiveFrom: string;
  /** A non-negative safe integer (fen, hours or minutes). */
  value: number;
}

type ScopeField = keyof ParameterScope;

/** What each parameter means, its unit, the scope fields it may carry, its range and the rule using it. */
export interface ParameterRule {
  readonly unit: 'fen' | 'fen/order' | 'fen/day' | 'fen/year' | 'hours' | 'minutes' | 'days' | 'day of month';
  readonly description: string;
  readonly scopes: readonly ScopeField[];
  readonly min: number;
  readonly max: number;
  readonly decision: string;
  /** Which date picks the version (contract: Parameters). */
  readonly pickedBy: string;
}

export const PARAMETER_RULES: Readonly<Record<ParameterName, ParameterRule>> = {
  contributionRateFen: {
    unit: 'fen/order',
    description: 'Contribution base amount per order (缴费基准额)',
    scopes: ['platformId', 'province', 'industry'],
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    decision: 'D5',
    pickedBy: "the Asia/Shanghai date of the order's acceptedAt",
  },
  averageMonthlyWageFen: {
    unit: 'fen',
    description: "W: the province's average monthly wage",
    scopes: ['province'],
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    decision: 'D9',
    pickedBy: 'the injury date',
  },
  minimumMonthlyWageFen: {
    unit: 'fen',
    description: "The province's minimum monthly wage (floor of the disability allowance)",
    scopes: ['province'],
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    decision: 'D9',
    pickedBy: 'the injury date',
  },
  inpatientMealFenPerDay: {
    unit: 'fen/day',
    description: 'Inpatient meal allowance per day (住院伙食补助费)',
    scopes: ['province'],
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    decision: 'D9',
    pickedBy: 'the injury date',
  },
  urbanDisposableIncomeFen: {
    unit: 'fen/year',
    description: 'N: national urban per-capita disposable income of the previous year',
    scopes: [],
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    decision: 'D9',
    pickedBy: 'the date of death',
  },
  openOrderCoverHours: {
    unit: 'hours',
    description: 'How long an unfinished order covers after acceptance',
    scopes: ['platformId', 'province', 'industry'],
    min: 1,
    max: 24,
    decision: 'D4',
    pickedBy: 'the moment asked about',
  },
  coverGraceMinutes: {
    unit: 'minutes',
    description: 'Grace period after finishedAt still covered',
    scopes: ['platformId', 'province', 'industry'],
    min: 0,
    max: 120,
    decision: 'D4',
    pickedBy: 'the moment asked about',
  },
  contributionDueDay: {
    unit: 'day of month',
    description: "Day of the following month on which a month's bill closes (缴费截止日)",
    scopes: [],
    min: 1,
    max: 28,
    decision: 'D19',
    pickedBy: 'the first day of the month after the declared month (an older month: the first version)',
  },
  orderHotDaysAfterClose: {
    unit: 'days',
    description: "Days after a month's close (D19) that its orders stay in the orders table before they expire to the archive (订单明细在线保留天数)",
    scopes: [],
    min: 1,
    // Up to ten years: a stage loading historical orders (the local demos and tests) keeps them hot.
    max: 3650,
    decision: 'D19',
    pickedBy: "the month's closesOn (an older month: the first version)",
  },
};

/** True for one of {@link PARAMETER_NAMES}. */
export function isParameterName(value: string): value is ParameterName {
  return (PARAMETER_NAMES as readonly string[]).includes(value);
}

/** Checks a value for a parameter: a non-negative safe integer inside the parameter's range. */
export function validateParameterValue(name: ParameterName, value: number): { ok: true } | { ok: false; reason: string } {
  const rule = PARAMETER_RULES[name];
  if (!Number.isSafeInteger(value) || value < 0) return { ok: false, reason: 'must be a non-negative integer' };
  if (value < rule.min || value > rule.max) return { ok: false, reason: `must be between ${rule.min} and ${rule.max} ${rule.unit}` };
  return { ok: true };
}

export interface FieldError {
  path: string;
  message: string;
}

/** Checks a whole version (name, scope fields allowed for the name and well formed, date, value). */
export function validateParameterVersion(v: ParameterVersion): FieldError[] {
  const errors: FieldError[] = [];
  const rule = PARAMETER_RULES[v.name];
  for (const field of Object.keys(v.scope) as ScopeField[]) {
    if (!rule.scopes.includes(field)) errors.push({ path: `scope.${field}`, message: `${v.name} cannot be scoped by ${field}` });
  }
  if (v.scope.province !== undefined && !isProvinceCode(v.scope.province)) errors.push({ path: 'scope.province', message: 'unknown province code' });
  if (v.scope.industry !== undefined && !isIndustry(v.scope.industry)) errors.push({ path: 'scope.industry', message: 'unknown industry' });
  if (!isValidDate(v.effectiveFrom)) errors.push({ path: 'effectiveFrom', message: 'must be a YYYY-MM-DD date' });
  const value = validateParameterValue(v.name, v.value);
  if (!value.ok) errors.push({ path: 'value', message: value.reason });
  return errors;
}

function scopeMatches(scope: ParameterScope, context: ParameterScope): boolean {
  return (['platformId', 'province', 'industry'] as const).every((f) => scope[f] === undefined || scope[f] === context[f]);
}

/**
 * Specificity rank (D5): more matching fields win; between equal counts platform beats province beats
 * industry. Encoded as count × 8 + platform 4 + province 2 + industry 1.
 */
function specificity(scope: ParameterScope): number {
  const platform = scope.platformId !== undefined ? 1 : 0;
  const province = scope.province !== undefined ? 1 : 0;
  const industry = scope.industry !== undefined ? 1 : 0;
  return (platform + province + industry) * 8 + platform * 4 + province * 2 + industry;
}

/**
 * The version of `name` in force `on` a date for a context (D5, contract: resolve). Candidates: versions
 * of that name whose scope fields are each absent or equal to the context and whose `effectiveFrom ≤
 * on`. The most specific scope wins first (a newer national version does not override an older
 * province version); among those, the latest `effectiveFrom`. Undefined when none is in force.
 */
export function resolveParameter(
  versions: readonly ParameterVersion[],
  name: ParameterName,
  on: string,
  context: ParameterScope,
): ParameterVersion | undefined {
  let best: ParameterVersion | undefined;
  for (const v of versions) {
    if (v.name !== name || v.effectiveFrom > on || !scopeMatches(v.scope, context)) continue;
    if (best === undefined) {
      best = v;
      continue;
    }
    const diff = specificity(v.scope) - specificity(best.scope);
    if (diff > 0 || (diff === 0 && v.effectiveFrom > best.effectiveFrom)) best = v;
  }
  return best;
}

/** A stable text of a scope: `national` or e.g. `platform=p1,province=110000,industry=FREIGHT`. */
export function scopeKey(scope: ParameterScope): string {
  const parts: string[] = [];
  if (scope.platformId !== undefined) parts.push(`platform=${scope.platformId}`);
  if (scope.province !== undefined) parts.push(`province=${scope.province}`);
  if (scope.industry !== undefined) parts.push(`industry=${scope.industry}`);
  return parts.length === 0 ? 'national' : parts.join(',');
}

/** Stable id of a version, e.g. `urbanDisposableIncomeFen@national@2025-01-01` (recorded in results). */
export function parameterVersionId(v: ParameterVersion): string {
  return `${v.name}@${scopeKey(v.scope)}@${v.effectiveFrom}`;
}

/**
 * National defaults seeded at start-up: contribution base amounts from 2025-07-01 by industry (D5), the
 * national urban disposable income by year (D9), the coverage window (D4) and the bills' due day (D19). Wages, minimum wages and
 * meal rates are per province and have no defaults.
 */
export const NATIONAL_DEFAULT_PARAMETERS: readonly ParameterVersion[] = [
  { name: 'contributionRateFen', scope: { industry: 'RIDE_HAILING' }, effectiveFrom: '2025-07-01', value: 1 },
  { name: 'contributionRateFen', scope: { industry: 'INSTANT_DELIVERY' }, effectiveFrom: '2025-07-01', value: 7 },
  { name: 'contributionRateFen', scope: { industry: 'FOOD_DELIVERY' }, effectiveFrom: '2025-07-01', value: 7 },
  { name: 'contributionRateFen', scope: { industry: 'FREIGHT' }, effectiveFrom: '2025-07-01', value: 18 },
  { name: 'urbanDisposableIncomeFen', scope: {}, effectiveFrom: '2024-01-01', value: 5_182_100 },
  { name: 'urbanDisposableIncomeFen', scope: {}, effectiveFrom: '2025-01-01', value: 5_418_800 },
  { name: 'openOrderCoverHours', scope: {}, effectiveFrom: '2022-07-01', value: 6 },
  { name: 'coverGraceMinutes', scope: {}, effectiveFrom: '2022-07-01', value: 0 },
  // D19: every month closes (contract, v2 clarifications), from the pilot's start like D4's window; a month
  // older than the first version takes its day (settlement.ts `monthDueDay`).
  { name: 'contributionDueDay', scope: {}, effectiveFrom: '2022-07-01', value: 15 },
  // Issue 18: a month's orders stay hot 30 days after its close (reopenings for late orders happen within
  // it), then expire to the archive (core/order-expiry.ts).
  { name: 'orderHotDaysAfterClose', scope: {}, effectiveFrom: '2022-07-01', value: 30 },
];
