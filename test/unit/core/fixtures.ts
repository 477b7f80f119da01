/** Shared builders for core tests. Parameter values are hypothetical unless a test says otherwise. */
import {
  type BenefitInput,
  type BenefitItem,
  type BenefitLine,
  type CaseRecord,
  type InjuryReport,
  instruct,
  monthOfDate,
  openCase,
  owedItems,
  type ParameterName,
  type ParameterVersion,
  type Payee,
  type PaymentChange,
  type PaymentItem,
  type PaymentRecord,
  SEEDED_CALENDARS,
  type StoredCalculation,
  WorkingDayCalendar,
} from '../../../core/index.ts';

const BEIJING = '110000';

export function version(
  name: ParameterName,
  value: number,
  effectiveFrom = '2025-01-01',
  scope: ParameterVersion['scope'] = { province: BEIJING },
): ParameterVersion {
  return { name, scope, effectiveFrom, value };
}

/** W = 10,000 yuan (TV-B hypothetical), minimum wage 2,000 yuan, meal 70 yuan/day, N 2024 figure. */
export function injuryInput(overrides: Partial<BenefitInput> = {}): BenefitInput {
  return {
    kind: 'injury',
    injuryDate: '2025-08-01',
    worker: { sex: 'M', birthDate: '1990-05-20' },
    expenses: [],
    inpatientDays: 0,
    parameters: {
      averageMonthlyWage: version('averageMonthlyWageFen', 1_000_000),
      minimumMonthlyWage: version('minimumMonthlyWageFen', 200_000),
      inpatientMeal: version('inpatientMealFenPerDay', 7_000),
      urbanDisposableIncome: version('urbanDisposableIncomeFen', 5_418_800, '2025-01-01', {}),
    },
    ...overrides,
  };
}

export function deathInput(overrides: Partial<BenefitInput> = {}): BenefitInput {
  return injuryInput({ kind: 'death', injuryDate: '2025-03-10', ...overrides });
}

/** A report of an injury on 2026-03-10 in Beijing by worker W1 of platform plt_1, covered by order O1. */
export const REPORT: InjuryReport = {
  reportId: 'R1',
  platformId: 'plt_1',
  workerId: 'W1',
  occurredAt: '2026-03-10T01:00:00Z',
  injuryDate: '2026-03-10',
  province: BEIJING,
  place: '朝阳区',
  description: '送餐途中摔倒',
  coverage: { covered: true, orderId: 'O1' } as InjuryReport['coverage'],
  orders: [],
  reportedBy: 'plt_1',
  reportedAt: '2026-03-10T02:00:00Z',
};

/** The payee given at opening (encrypted by the adapter: the core sees only what may be shown). */
export const PAYEE: Payee = { nameEnc: 'enc', bankAccountEnc: 'enc', bankAccountLast4: '1234', nameInitial: '张' };

/** Monday 2026-03-16, 10:00 in Shanghai. */
export const CASE_NOW = new Date('2026-03-16T02:00:00Z');

/** The case a worker opened on REPORT at CASE_NOW (documents required), with `over` applied. */
export function openedCaseRecord(over: Partial<CaseRecord> = {}): CaseRecord {
  const o = openCase({
    caseId: 'C1',
    executionName: 'case-C1',
    report: REPORT,
    kind: 'injury',
    applicant: { type: 'worker' },
    payee: PAYEE,
    actor: 'worker-1',
    now: CASE_NOW,
    calendar: new WorkingDayCalendar(SEEDED_CALENDARS),
    documentsRequired: true,
  });
  if (!o.ok) throw new Error(o.refusal.message);
  return { ...o.record, ...over };
}

// ── Calculations and payments (D9, D15) ────────────────────────────────────────────────────────────

/** A stored calculation of `lines`, its totals derived from them. */
export function calculation(calculationId: string, lines: readonly BenefitLine[]): StoredCalculation {
  return {
    ok: true,
    lines: [...lines],
    oneOffTotalFen: lines.filter((l) => !l.monthly).reduce((s, l) => s + l.amountFen, 0),
    monthlyTotalFen: lines.filter((l) => l.monthly).reduce((s, l) => s + l.amountFen, 0),
    ruleTable: 't',
    parameterVersions: [],
    excludedDependants: [],
    calculationId,
    calculatedAt: '2026-03-16T02:00:00Z',
  };
}

/** A one-off benefit line. */
export const oneOffLine = (item: BenefitItem, amountFen: number): BenefitLine => ({ item, key: item, amountFen, monthly: false, basis: {} });

/** A monthly benefit line keyed `key` (`nursing`, `dependant_pension:2`, …) from `fromMonth`. */
export const monthlyLine = (key: string, amountFen: number, fromMonth: string, over: Partial<BenefitLine> = {}): BenefitLine => ({
  item: key.split(':')[0] as BenefitItem,
  key,
  amountFen,
  monthly: true,
  fromMonth,
  basis: {},
  ...over,
});

/** A payment item by key: `medical`, `nursing@2026-04`, `dependant_pension:1@2026-04`. */
function paymentItem(key: string, amountFen: number): PaymentItem {
  const [line, month] = key.split('@') as [string, string | undefined];
  return { item: line.split(':')[0] as BenefitItem, key, amountFen, ...(month ? { month } : {}) };
}

/** A payment of case C1 for `items` (`[key, fen]` pairs), INSTRUCTED unless `over` says otherwise. */
export function payment(paymentId: string, items: readonly (readonly [string, number])[], over: Partial<PaymentRecord> = {}): PaymentRecord {
  const list = items.map(([key, fen]) => paymentItem(key, fen));
  return {
    paymentId,
    caseId: 'C1',
    key: paymentId,
    kind: 'monthly',
    amountFen: list.reduce((s, i) => s + i.amountFen, 0),
    status: 'INSTRUCTED',
    items: list,
    createdAt: '2026-03-16T02:00:00.000Z',
    province: BEIJING,
    payee: PAYEE,
    ...over,
  };
}

/**
 * A case's payments after a transition's changes, stored the way the repository stores them: a new payment
 * once (its id unused), a changed one only from the status it was read in (else the race is lost: throws).
 */
export function applyPaymentChanges(payments: readonly PaymentRecord[], changes: readonly PaymentChange[]): PaymentRecord[] {
  const out = [...payments];
  for (const { next, expected } of changes) {
    const at = out.findIndex((p) => p.paymentId === next.paymentId);
    if (expected === undefined) {
      if (at >= 0) throw new Error(`payment ${next.paymentId} instructed twice`);
      out.push(next);
    } else {
      if (at < 0 || out[at]!.status !== expected) throw new Error(`payment ${next.paymentId} is not ${expected}`);
      out[at] = next;
    }
  }
  return out;
}

/**
 * Payments that settle everything `record` is owed on `today` (D15), all PAID by the bank: the case as a
 * paid-up case is, for the rules that look at what is still owed (closing).
 */
export function paidUp(record: CaseRecord, today: string): PaymentRecord[] {
  const items = owedItems(record, [], { throughMonth: monthOfDate(today), asOf: today });
  const p = instruct(record, items, { seq: 0, kind: 'approval', at: `${today}T02:00:00.000Z` });
  return p ? [{ ...p, status: 'PAID', settledAt: p.createdAt }] : [];
}
