/**
 * What a case owes and pays (D9, D10): its benefit calculation from the stored facts, the payment an
 * approval instructs, a month's payment of the monthly items, and when a paid case is finished.
 * Pure: the adapters load the worker's profile and the parameter versions and store what comes out.
 */
import {
  type BenefitCalculation,
  calculateBenefits,
  monthlyItemsDue,
  netMonth,
  netRecalculation,
  type PayableItem,
  resolveBenefitParameters,
} from './benefits.ts';
import type { CaseRecord, PaymentRecord, StoredCalculation } from './case-record.ts';
import type { ParameterVersion } from './parameters.ts';
import type { DisabilityGrade } from './rule-tables.ts';
import { addMonthsToMonth, monthOfDate } from './time.ts';
import { sumFen } from './money.ts';

/** The parameter names a benefit calculation reads (D9). */
export const BENEFIT_PARAMETER_NAMES = ['averageMonthlyWageFen', 'minimumMonthlyWageFen', 'inpatientMealFenPerDay', 'urbanDisposableIncomeFen'] as const;

/** What a calculation needs besides the case: the worker's sex and birth date (retirement, D9) and the parameter versions. */
export interface BenefitInputs {
  /** Undefined when the case names no registered worker or the worker has no profile. */
  readonly worker?: { readonly sex: 'M' | 'F'; readonly birthDate: string };
  readonly parameterVersions: readonly ParameterVersion[];
}

export type CalculationResult =
  | { readonly ok: true; readonly calculation: StoredCalculation }
  | { readonly ok: false; readonly error: 'ValidationError' | 'MissingParameter'; readonly message: string };

/** The case's benefits (D9); the id names the case version that will store it. */
export function calculateCaseBenefits(record: CaseRecord, inputs: BenefitInputs, at: string): CalculationResult {
  if (!record.workerId) return { ok: false, error: 'ValidationError', message: 'The report named no registered worker: benefits cannot be calculated.' };
  if (!inputs.worker) return { ok: false, error: 'ValidationError', message: `Worker ${record.workerId} has no profile.` };
  const deathDate = record.kind === 'death' ? { deathDate: record.injuryDate } : {};
  const parameters = resolveBenefitParameters([...inputs.parameterVersions], { province: record.province, injuryDate: record.injuryDate, ...deathDate });
  const last = record.assessments.at(-1);
  const result = calculateBenefits({
    kind: record.kind,
    injuryDate: record.injuryDate,
    ...deathDate,
    worker: { sex: inputs.worker.sex, birthDate: inputs.worker.birthDate },
    expenses: record.expenses.map(({ description, amountFen, inCatalogue }) => ({ description, amountFen, inCatalogue })),
    inpatientDays: record.inpatientDays,
    ...(last ? { assessment: { grade: last.grade as DisabilityGrade | null, nursing: last.nursing, concludedOn: last.concludedOn } } : {}),
    ...(record.dependants ? { dependants: record.dependants } : {}),
    parameters,
  });
  if (!result.ok) {
    return {
      ok: false,
      error: 'MissingParameter',
      message: `Benefits need parameters that are not configured: ${result.missing.map((m) => `${m.name} (for ${m.items.join(', ')})`).join('; ')}.`,
    };
  }
  return { ok: true, calculation: { ...result, calculationId: `calc-${String(record.version + 1).padStart(6, '0')}`, calculatedAt: at } };
}

/** Everything already paid on a case, as payable items (for netting, D10). */
export const paidItems = (payments: readonly PaymentRecord[]): PayableItem[] =>
  payments.filter((p) => p.status !== 'FAILED').flatMap((p) => p.items.map(({ item, key, amountFen }) => ({ item, key, amountFen })));

/**
 * What approving `calc` pays (D10): the one-off differences against everything paid before (positive
 * pays, negative recovers) plus the arrears of monthly items for months before `currentMonth` not yet
 * paid. Current and later months are left to the monthly payment runs.
 */
export function approvalPayment(
  caseId: string,
  calc: StoredCalculation,
  payments: readonly PaymentRecord[],
  currentMonth: string,
  at: string,
): PaymentRecord | undefined {
  const paid = paidItems(payments);
  const items: (PayableItem & { month?: string })[] = netRecalculation(paid, calc);
  const firstMonth = calc.lines
    .filter((l) => l.monthly && l.fromMonth)
    .map((l) => l.fromMonth!)
    .sort()[0];
  if (firstMonth) {
    const paidKeys = new Map<string, number>();
    for (const p of paid) paidKeys.set(p.key, (paidKeys.get(p.key) ?? 0) + p.amountFen);
    for (let m = firstMonth; m < currentMonth; m = addMonthsToMonth(m, 1)) {
      for (const due of monthlyItemsDue({ lines: calc.lines }, m)) {
        const diff = due.amountFen - (paidKeys.get(due.key) ?? 0);
        if (diff !== 0) items.push({ item: due.item, key: due.key, amountFen: diff, month: m });
      }
    }
  }
  if (items.length === 0) return undefined;
  const key = `APPROVAL#${calc.calculationId}`;
  return {
    paymentId: `${caseId}:${key}`,
    caseId,
    key,
    amountFen: sumFen(items.map((i) => i.amountFen)),
    status: 'PAID',
    items,
    createdAt: at,
    calculationId: calc.calculationId,
  };
}

/** A month's payment of the approved calculation's monthly items, net of what was paid for them (undefined: nothing owed). */
export function monthlyPayment(record: CaseRecord, payments: readonly PaymentRecord[], month: string, runId: string, at: string): PaymentRecord | undefined {
  const calc = record.approved;
  if (!calc) return undefined;
  const items = netMonth(paidItems(payments), { lines: calc.lines }, month);
  if (items.length === 0) return undefined;
  const key = `MONTHLY#${month}#${calc.calculationId}`;
  return {
    paymentId: `${record.caseId}:${key}`,
    caseId: record.caseId,
    key,
    amountFen: sumFen(items.map((i) => i.amountFen)),
    status: 'PAID',
    items: items.map((i) => ({ ...i, month })),
    createdAt: at,
    runId,
    calculationId: calc.calculationId,
  };
}

/** True when a paid case has nothing more to pay in `today`'s month or later and no re-assessment may still come (→ CLOSED). */
export function closable(record: CaseRecord, today: string, reassessmentDue: string | undefined): boolean {
  if (record.status !== 'PAID' || !record.approved) return false;
  const month = monthOfDate(today);
  const running = record.approved.lines.some((l) => l.monthly && (l.untilMonth === undefined || l.untilMonth > month));
  return !running && (reassessmentDue === undefined || today > reassessmentDue);
}

/** The totals of a calculation shown on the timeline. */
export const calculationTotals = (c: Pick<BenefitCalculation, 'oneOffTotalFen' | 'monthlyTotalFen'>) => ({
  oneOffTotalFen: c.oneOffTotalFen,
  monthlyTotalFen: c.monthlyTotalFen,
});
