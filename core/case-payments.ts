/**
 * What a case owes (D9, D10): its benefit calculation from the stored facts, a month's payment run for
 * it (the money itself: core/payment-chain.ts), and when a paid case is finished.
 * Pure: the adapters load the worker's profile and the parameter versions and store what comes out.
 */
import { type BenefitCalculation, calculateBenefits, monthlyItemsDue, resolveBenefitParameters } from './benefits.ts';
import type { CaseRecord, PaymentRecord, StoredCalculation } from './case-record.ts';
import type { ParameterVersion } from './parameters.ts';
import type { DisabilityGrade } from './rule-tables.ts';
import { certificationDueOn, entitlementOf, instruct, monthlyRecipients, owedItems, personOfKey } from './payment-chain.ts';
import { addMonthsToMonth, monthOfDate, shanghaiDate } from './time.ts';

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
  // D16: N and the dependants' first month follow the date of death (the injury date when none was given).
  const deathDate = record.kind === 'death' ? { deathDate: record.diedAt ? shanghaiDate(record.diedAt) : record.injuryDate } : {};
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

/**
 * A month's run for one case (D10, D15): what the case is owed through `month` (its latest approved
 * calculation, whatever its status), as one payment; undefined when nothing is owed.
 */
export function monthlyPayment(
  record: CaseRecord,
  ledger: { seq: number; payments: readonly PaymentRecord[] },
  month: string,
  runId: string,
  now: Date,
): PaymentRecord | undefined {
  if (!record.approved) return undefined;
  const at = now.toISOString();
  const items = owedItems(record, ledger.payments, { throughMonth: month, asOf: shanghaiDate(now) });
  return instruct(record, items, { seq: ledger.seq, kind: 'monthly', at, runId, calculationId: record.approved.calculationId });
}

/**
 * True when a paid case has nothing more to pay in `today`'s month or later (after its life events), no
 * person's certification has lapsed (their months are kept owed), no payment is still on its way (instructed,
 * sent, or returned and not yet replaced; a recovery not yet offset) and no re-assessment may still come (→ CLOSED).
 */
export function closable(record: CaseRecord, payments: readonly PaymentRecord[], today: string, reassessmentDue: string | undefined): boolean {
  const entitlement = entitlementOf(record);
  if (record.status !== 'PAID' || !entitlement) return false;
  const open = payments.some((p) => p.status === 'INSTRUCTED' || p.status === 'SENT' || (p.status === 'RETURNED' && p.replacedBy === undefined));
  // Nothing still owed (e.g. months held for a lapse and certified since, due in the next run): runs skip closed cases.
  if (open || owedItems(record, payments, { throughMonth: monthOfDate(today), asOf: today }).length > 0) return false;
  const month = monthOfDate(today);
  const running = entitlement.lines.some(
    (l) => l.monthly && ((l.fromMonth ?? month) > month || monthlyItemsDue({ ...entitlement, lines: [l] }, month).length > 0),
  );
  // A lapsed person keeps the case open only if some of their months after the lapse were due (kept owed).
  const lapsed = monthlyRecipients(record).some((person) => {
    const due = certificationDueOn(record, person);
    if (due === undefined || today <= due) return false;
    for (let m = addMonthsToMonth(monthOfDate(due), 1); m <= month; m = addMonthsToMonth(m, 1)) {
      if (monthlyItemsDue(entitlement, m).some((d) => personOfKey(d.key) === person)) return true;
    }
    return false;
  });
  return !running && !lapsed && (reassessmentDue === undefined || today > reassessmentDue);
}

/** The totals of a calculation shown on the timeline. */
export const calculationTotals = (c: Pick<BenefitCalculation, 'oneOffTotalFen' | 'monthlyTotalFen'>) => ({
  oneOffTotalFen: c.oneOffTotalFen,
  monthlyTotalFen: c.monthlyTotalFen,
});
