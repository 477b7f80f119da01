/** Shared builders for core tests. Parameter values are hypothetical unless a test says otherwise. */
import {
  type BenefitInput,
  type CaseRecord,
  type InjuryReport,
  openCase,
  type ParameterName,
  type ParameterVersion,
  SEEDED_CALENDARS,
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
    payee: { nameEnc: 'enc', bankAccountEnc: 'enc', bankAccountLast4: '1234', nameInitial: '张' },
    actor: 'worker-1',
    now: CASE_NOW,
    calendar: new WorkingDayCalendar(SEEDED_CALENDARS),
    documentsRequired: true,
  });
  if (!o.ok) throw new Error(o.refusal.message);
  return { ...o.record, ...over };
}
