/** Shared builders for core tests. Parameter values are hypothetical unless a test says otherwise. */
import type { BenefitInput, ParameterName, ParameterVersion } from '../../../core/index.ts';

export const BEIJING = '110000';

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
