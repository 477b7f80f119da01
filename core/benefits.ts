/**
 * Benefit calculation (D9), monthly entitlement (D9, D10), netting of recalculations (D8, D10) and the
 * minor-injury fast track (D7, 小伤快赔). Inputs are plain data: the handler resolves the parameter
 * versions (see {@link resolveBenefitParameters}) and passes them in; every line records the versions
 * and inputs it used, and the result names its rule table.
 */
import { multiplyFen, percentOfFen, scaleFen, sumFen, type Fen } from './money.ts';
import { parameterVersionId, resolveParameter, type ParameterName, type ParameterVersion } from './parameters.ts';
import { statutoryRetirement } from './retirement.ts';
import { RULE_TABLES, ruleTableOn, type DependantRelation, type DisabilityGrade, type NursingLevel, type RuleTable } from './rule-tables.ts';
import { addMonthsToMonth, isValidDate, monthOfDate } from './time.ts';

export const BENEFIT_ITEMS = [
  'medical',
  'inpatient_meals',
  'disability_lump_sum',
  'disability_allowance',
  'nursing',
  'funeral',
  'death_lump_sum',
  'dependant_pension',
] as const;
export type BenefitItem = (typeof BENEFIT_ITEMS)[number];

/** Items paid monthly by the payment runs (D9, D10); the others are paid once on approval. */
export const MONTHLY_ITEMS: readonly BenefitItem[] = ['disability_allowance', 'nursing', 'dependant_pension'];

export interface ExpenseItem {
  description: string;
  amountFen: Fen;
  inCatalogue: boolean;
}

export interface DependantInput {
  name: string;
  relation: DependantRelation;
  orphanOrAlone: boolean;
  /** Required for a child, grandchild or sibling (their pension ends in the month they turn 18). */
  birthDate?: string;
}

/**
 * Whether a dependant of `relation` must carry a `birthDate` (D9: the pension of a child, grandchild or
 * sibling ends in the month they turn 18). Asked of every rule table version, so a request checked before
 * the case's injury date is known never lets through a dependant that the calculation would refuse.
 */
export function dependantNeedsBirthDate(relation: DependantRelation): boolean {
  return RULE_TABLES.some((t) => t.benefits.ageLimitedRelations.includes(relation));
}

export interface AssessmentConclusion {
  grade: DisabilityGrade | null;
  nursing: NursingLevel | null;
  concludedOn: string;
}

/** Parameter versions resolved by the handler (contract: which date picks a version). */
export interface BenefitParameters {
  /** W: averageMonthlyWageFen of the province on the injury date. */
  averageMonthlyWage?: ParameterVersion;
  /** minimumMonthlyWageFen of the province on the injury date. */
  minimumMonthlyWage?: ParameterVersion;
  /** inpatientMealFenPerDay of the province on the injury date. */
  inpatientMeal?: ParameterVersion;
  /** N: urbanDisposableIncomeFen on the date of death. */
  urbanDisposableIncome?: ParameterVersion;
}

export interface BenefitInput {
  kind: 'injury' | 'death';
  /** Asia/Shanghai date of `occurredAt`; picks the rule table. */
  injuryDate: string;
  /** Date of death; defaults to `injuryDate` for a death case. */
  deathDate?: string;
  /** From the resident ID (D9: sex and birth date give the retirement month). */
  worker: { sex: 'M' | 'F'; birthDate: string };
  /** Expenses accumulated so far (D9). */
  expenses: readonly ExpenseItem[];
  inpatientDays: number;
  /** The assessment conclusion in force (injury cases). */
  assessment?: AssessmentConclusion;
  /** Dependants (death cases). */
  dependants?: readonly DependantInput[];
  parameters: BenefitParameters;
}

export type BenefitBasis = Readonly<Record<string, string | number | boolean>>;

export interface BenefitLine {
  item: BenefitItem;
  /**
   * Identifies what is paid: the item, or `dependant_pension:<n>` for each dependant, `n` being the
   * dependant's 1-based position in the recorded list (never the name: keys travel into payments, netting
   * and logs). The list is recorded once per case, so a recalculation gives each dependant the same key.
   */
  key: string;
  amountFen: Fen;
  monthly: boolean;
  /** Monthly lines: the first payable month. */
  fromMonth?: string;
  /** Monthly lines: the first month no longer payable (absent: until a new conclusion or death). */
  untilMonth?: string;
  basis: BenefitBasis;
}

export interface BenefitCalculation {
  ok: true;
  lines: BenefitLine[];
  oneOffTotalFen: Fen;
  monthlyTotalFen: Fen;
  ruleTable: string;
  /** Ids of every parameter version used. */
  parameterVersions: string[];
  /** Dependants listed but not entitled (e.g. already 18 before the first payable month), by 1-based position. */
  excludedDependants: { dependant: number; relation: DependantRelation; reason: 'AGE_LIMIT_REACHED' }[];
}

export type MissingParameter = { name: ParameterName; items: BenefitItem[] };
export type BenefitResult = BenefitCalculation | { ok: false; missing: MissingParameter[] };

const SLOT_NAMES: Readonly<Record<keyof BenefitParameters, ParameterName>> = {
  averageMonthlyWage: 'averageMonthlyWageFen',
  minimumMonthlyWage: 'minimumMonthlyWageFen',
  inpatientMeal: 'inpatientMealFenPerDay',
  urbanDisposableIncome: 'urbanDisposableIncomeFen',
};

/**
 * Resolves the parameter versions a calculation needs (contract: W, minimum wage and meal rate on the
 * injury date for the province; N on the date of death).
 */
export function resolveBenefitParameters(
  versions: readonly ParameterVersion[],
  context: { province: string; injuryDate: string; deathDate?: string },
): BenefitParameters {
  const scope = { province: context.province };
  const result: BenefitParameters = {};
  const w = resolveParameter(versions, 'averageMonthlyWageFen', context.injuryDate, scope);
  const min = resolveParameter(versions, 'minimumMonthlyWageFen', context.injuryDate, scope);
  const meal = resolveParameter(versions, 'inpatientMealFenPerDay', context.injuryDate, scope);
  const n = resolveParameter(versions, 'urbanDisposableIncomeFen', context.deathDate ?? context.injuryDate, scope);
  if (w) result.averageMonthlyWage = w;
  if (min) result.minimumMonthlyWage = min;
  if (meal) result.inpatientMeal = meal;
  if (n) result.urbanDisposableIncome = n;
  return result;
}

class Needs {
  private readonly missing = new Map<ParameterName, BenefitItem[]>();
  readonly used = new Set<string>();

  constructor(private readonly params: BenefitParameters) {}

  /** The version in `slot` for `item`, or undefined (recorded as missing). */
  take(slot: keyof BenefitParameters, item: BenefitItem): ParameterVersion | undefined {
    const version = this.params[slot];
    const name = SLOT_NAMES[slot];
    if (version === undefined) {
      // Each item takes each slot at most once, so no item is listed twice.
      this.missing.set(name, [...(this.missing.get(name) ?? []), item]);
      return undefined;
    }
    if (version.name !== name) throw new RangeError(`parameters.${slot} must be a ${name} version, got ${version.name}`);
    this.used.add(parameterVersionId(version));
    return version;
  }

  missingList(): MissingParameter[] {
    return [...this.missing.entries()].map(([name, items]) => ({ name, items }));
  }
}

const basisOf = (label: string, v: ParameterVersion) => ({ [label]: v.value, [`${label}Version`]: parameterVersionId(v) });

/**
 * Calculates a case's benefits (D9). One-off: medical (in-catalogue expenses in full), inpatient meals
 * (days × daily rate), disability lump sum (W × months by grade), funeral (W × 6), death lump sum
 * (N × 20). Monthly: disability allowance for grades 1–4 (W × 90/85/80/75 %, never below the minimum
 * wage) from the month after the conclusion until the retirement month; nursing (W × 50/40/30 %) from
 * the month after the conclusion; one dependant's pension per dependant (40 % spouse, 30 % others,
 * +10 % orphan or alone; total capped at W, each share scaled by cap/total and rounded down so the
 * total never exceeds the cap) from the month after death, for a child, grandchild or sibling until the
 * month they turn 18. Percentages round half up. A missing parameter yields `{ ok: false, missing }`
 * naming it and the items needing it (the API answers 422), never a guess.
 */
export function calculateBenefits(input: BenefitInput): BenefitResult {
  if (!Number.isSafeInteger(input.inpatientDays) || input.inpatientDays < 0) throw new RangeError('inpatientDays must be a non-negative integer');
  const table = ruleTableOn(input.injuryDate);
  const needs = new Needs(input.parameters);
  const lines: BenefitLine[] = [];
  const excludedDependants: BenefitCalculation['excludedDependants'] = [];

  if (input.expenses.length > 0) {
    const inCatalogue = input.expenses.filter((e) => e.inCatalogue);
    lines.push(
      oneOff('medical', sumFen(inCatalogue.map((e) => e.amountFen)), {
        items: inCatalogue.length,
        excludedItems: input.expenses.length - inCatalogue.length,
        excludedFen: sumFen(input.expenses.filter((e) => !e.inCatalogue).map((e) => e.amountFen)),
      }),
    );
  }
  if (input.inpatientDays > 0) {
    const meal = needs.take('inpatientMeal', 'inpatient_meals');
    if (meal)
      lines.push(oneOff('inpatient_meals', multiplyFen(meal.value, input.inpatientDays), { ...basisOf('rateFenPerDay', meal), days: input.inpatientDays }));
  }
  if (input.kind === 'injury' && input.assessment) lines.push(...disabilityLines(input, input.assessment, table, needs));
  if (input.kind === 'death') lines.push(...deathLines(input, table, needs, excludedDependants));

  const missing = needs.missingList();
  if (missing.length > 0) return { ok: false, missing };
  return {
    ok: true,
    lines,
    oneOffTotalFen: sumFen(lines.filter((l) => !l.monthly).map((l) => l.amountFen)),
    monthlyTotalFen: sumFen(lines.filter((l) => l.monthly).map((l) => l.amountFen)),
    ruleTable: table.id,
    parameterVersions: [...needs.used].sort(),
    excludedDependants,
  };
}

function oneOff(item: BenefitItem, amountFen: Fen, basis: BenefitBasis): BenefitLine {
  return { item, key: item, amountFen, monthly: false, basis };
}

function disabilityLines(input: BenefitInput, conclusion: AssessmentConclusion, table: RuleTable, needs: Needs): BenefitLine[] {
  const rules = table.benefits;
  const lines: BenefitLine[] = [];
  const fromMonth = addMonthsToMonth(monthOfDate(conclusion.concludedOn), 1);
  const { grade, nursing } = conclusion;
  if (grade !== null) {
    const w = needs.take('averageMonthlyWage', 'disability_lump_sum');
    const months = rules.disabilityLumpSumMonths[grade];
    if (w) lines.push(oneOff('disability_lump_sum', multiplyFen(w.value, months), { ...basisOf('W', w), grade, months }));
    const percent = rules.disabilityAllowancePercent[grade];
    if (percent !== undefined) {
      const wAllowance = needs.take('averageMonthlyWage', 'disability_allowance');
      const minimum = needs.take('minimumMonthlyWage', 'disability_allowance');
      const retirement = statutoryRetirement(input.worker, table);
      if (wAllowance && minimum && retirement.month > fromMonth) {
        const share = percentOfFen(wAllowance.value, percent, 'HALF_UP');
        lines.push({
          item: 'disability_allowance',
          key: 'disability_allowance',
          amountFen: Math.max(share, minimum.value),
          monthly: true,
          fromMonth,
          untilMonth: retirement.month,
          basis: {
            ...basisOf('W', wAllowance),
            ...basisOf('minimumWageFen', minimum),
            grade,
            percent,
            percentOfWFen: share,
            toppedUpToMinimum: share < minimum.value,
            retirementDate: retirement.date,
            retirementAgeMonths: retirement.ageMonths,
          },
        });
      }
    }
  }
  if (nursing !== null) {
    const w = needs.take('averageMonthlyWage', 'nursing');
    const percent = rules.nursingPercent[nursing];
    if (w)
      lines.push({
        item: 'nursing',
        key: 'nursing',
        amountFen: percentOfFen(w.value, percent, 'HALF_UP'),
        monthly: true,
        fromMonth,
        basis: { ...basisOf('W', w), nursing, percent },
      });
  }
  return lines;
}

function deathLines(input: BenefitInput, table: RuleTable, needs: Needs, excluded: BenefitCalculation['excludedDependants']): BenefitLine[] {
  const rules = table.benefits;
  const lines: BenefitLine[] = [];
  const deathDate = input.deathDate ?? input.injuryDate;
  const w = needs.take('averageMonthlyWage', 'funeral');
  if (w) lines.push(oneOff('funeral', multiplyFen(w.value, rules.funeralMonths), { ...basisOf('W', w), months: rules.funeralMonths }));
  const n = needs.take('urbanDisposableIncome', 'death_lump_sum');
  if (n) lines.push(oneOff('death_lump_sum', multiplyFen(n.value, rules.deathLumpSumYears), { ...basisOf('N', n), years: rules.deathLumpSumYears, deathDate }));

  const dependants = input.dependants ?? [];
  if (dependants.length === 0) return lines;
  const wDependants = needs.take('averageMonthlyWage', 'dependant_pension');
  if (!wDependants) return lines;
  const fromMonth = addMonthsToMonth(monthOfDate(deathDate), 1);
  const entitled: { d: DependantInput; position: number; percent: number; untilMonth?: string }[] = [];
  dependants.forEach((d, i) => {
    const position = i + 1;
    let untilMonth: string | undefined;
    if (rules.ageLimitedRelations.includes(d.relation)) {
      // The message names the position, never the person (errors reach logs).
      if (d.birthDate === undefined || !isValidDate(d.birthDate)) throw new RangeError(`dependant ${position} (${d.relation}) needs a birthDate`);
      untilMonth = addMonthsToMonth(monthOfDate(d.birthDate), rules.dependantAgeLimitYears * 12);
      if (untilMonth <= fromMonth) {
        excluded.push({ dependant: position, relation: d.relation, reason: 'AGE_LIMIT_REACHED' });
        return;
      }
    }
    const percent = rules.dependantPercent[d.relation] + (d.orphanOrAlone ? rules.orphanOrAloneExtraPercent : 0);
    entitled.push(untilMonth === undefined ? { d, position, percent } : { d, position, percent, untilMonth });
  });
  const uncapped = entitled.map((e) => percentOfFen(wDependants.value, e.percent, 'HALF_UP'));
  const uncappedTotal = sumFen(uncapped);
  const cap = percentOfFen(wDependants.value, rules.dependantCapPercentOfW, 'DOWN');
  const capped = uncappedTotal > cap;
  entitled.forEach((e, i) => {
    const amountFen = capped ? scaleFen(uncapped[i]!, cap, uncappedTotal, 'DOWN') : uncapped[i]!;
    lines.push({
      item: 'dependant_pension',
      key: `dependant_pension:${e.position}`,
      amountFen,
      monthly: true,
      fromMonth,
      ...(e.untilMonth === undefined ? {} : { untilMonth: e.untilMonth }),
      basis: {
        ...basisOf('W', wDependants),
        dependant: e.position,
        relation: e.d.relation,
        orphanOrAlone: e.d.orphanOrAlone,
        percent: e.percent,
        uncappedFen: uncapped[i]!,
        uncappedTotalFen: uncappedTotal,
        capFen: cap,
        capped,
      },
    });
  });
  return lines;
}

/** What a monthly payment run owes for a month, per line; `key` is `<line key>@<YYYY-MM>`. */
export interface PayableItem {
  item: BenefitItem;
  key: string;
  amountFen: Fen;
}

export interface MonthlyEntitlement {
  /** The approved calculation's lines (one-off lines are ignored). */
  lines: readonly BenefitLine[];
  /** The worker died: allowance and nursing are paid through the month of death (D9). */
  workerDiedOn?: string;
  /** Line key → date after whose month the line ends (e.g. a dependant's death). */
  endedOn?: Readonly<Record<string, string>>;
}

/**
 * The monthly items payable for `month` (D9, D10): each monthly line from its `fromMonth` (the month
 * after the conclusion or the death) up to the month before its `untilMonth` (retirement month for the
 * allowance; the month a child, grandchild or sibling turns 18), others for life or while the
 * conclusion stands; the allowance and nursing end with the worker's death month.
 */
export function monthlyItemsDue(entitlement: MonthlyEntitlement, month: string): (PayableItem & { month: string })[] {
  const deathMonth = entitlement.workerDiedOn === undefined ? undefined : monthOfDate(entitlement.workerDiedOn);
  return entitlement.lines
    .filter((l) => {
      if (!l.monthly || l.fromMonth === undefined || month < l.fromMonth) return false;
      if (l.untilMonth !== undefined && month >= l.untilMonth) return false;
      if (deathMonth !== undefined && l.item !== 'dependant_pension' && month > deathMonth) return false;
      const ended = entitlement.endedOn?.[l.key];
      return ended === undefined || month <= monthOfDate(ended);
    })
    .map((l) => ({ item: l.item, key: `${l.key}@${month}`, amountFen: l.amountFen, month }));
}

/** Per key, what is due less what was paid, for the keys that do not balance (positive pays, negative recovers). */
export function net(paid: readonly PayableItem[], due: readonly PayableItem[]): PayableItem[] {
  const totals = new Map<string, { item: BenefitItem; paid: bigint; due: bigint }>();
  const entry = (p: PayableItem) => {
    const e = totals.get(p.key) ?? { item: p.item, paid: 0n, due: 0n };
    totals.set(p.key, e);
    return e;
  };
  for (const d of due) entry(d).due += BigInt(d.amountFen);
  for (const p of paid) entry(p).paid += BigInt(p.amountFen);
  const result: PayableItem[] = [];
  for (const [key, e] of totals) {
    const diff = e.due - e.paid;
    if (diff !== 0n) result.push({ item: e.item, key, amountFen: sumFen([Number(e.due), -Number(e.paid)]) });
  }
  return result;
}

/**
 * The one-off differences after a recalculation (D8, D10): per key, the new amount minus everything
 * already paid under that key — positive to pay, negative to recover; keys that balance are left out,
 * so applying the result and netting again yields nothing (never paid twice). Monthly payments
 * (keys with `@month`) are not touched here; see {@link netMonth}.
 */
export function netRecalculation(previouslyPaid: readonly PayableItem[], newCalc: Pick<BenefitCalculation, 'lines'>): PayableItem[] {
  const oneOffPaid = previouslyPaid.filter((p) => !MONTHLY_ITEMS.includes(p.item));
  const due = newCalc.lines.filter((l) => !l.monthly).map((l) => ({ item: l.item, key: l.key, amountFen: l.amountFen }));
  return net(oneOffPaid, due);
}

/**
 * What a payment run still owes (or recovers) for `month` (D10): the month's due items minus what was
 * already paid for that month. Running a month again pays nothing twice.
 */
export function netMonth(previouslyPaid: readonly PayableItem[], entitlement: MonthlyEntitlement, month: string): PayableItem[] {
  const paidThisMonth = previouslyPaid.filter((p) => MONTHLY_ITEMS.includes(p.item) && p.key.endsWith(`@${month}`));
  return net(
    paidThisMonth,
    monthlyItemsDue(entitlement, month).map(({ item, key, amountFen }) => ({ item, key, amountFen })),
  );
}

/**
 * The minor-injury fast track flag (小伤快赔, D7; TV-B13/B14): an injury case treated as an
 * out-patient only (no admission: inpatient days within the rule table's limit, 0), with expenses all
 * within the catalogues. The flag only prioritises the case; a handler still decides.
 */
export function isMinorInjuryFastTrack(input: {
  kind: 'injury' | 'death';
  injuryDate: string;
  inpatientDays: number;
  expenses: readonly ExpenseItem[];
}): boolean {
  const limit = ruleTableOn(input.injuryDate).confirmation.fastTrackMaxInpatientDays;
  return input.kind === 'injury' && input.inpatientDays <= limit && input.expenses.length > 0 && input.expenses.every((e) => e.inCatalogue);
}
