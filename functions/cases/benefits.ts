/**
 * Benefits of a case (D9) from the rules core's calculateBenefits, with the inputs gathered from the
 * stores: the worker's sex and birth date (retirement), the parameter versions in force, the latest
 * assessment conclusion, expenses and dependants. A missing parameter is a DomainError naming it.
 */
import { calculateBenefits, DomainError, resolveBenefitParameters, type DisabilityGrade, type ParameterVersion } from '../../core/index.ts';
import type { CaseRecord, StoredCalculation } from '../_shared/repositories/cases.ts';
import { parametersRepository } from '../_shared/repositories/parameters.ts';
import { workersRepository } from '../_shared/repositories/workers.ts';

const NEEDED = ['averageMonthlyWageFen', 'minimumMonthlyWageFen', 'inpatientMealFenPerDay', 'urbanDisposableIncomeFen'] as const;

/** Calculates the case's benefits; the id names the case version that will store it. */
export const calculateFor = async (record: CaseRecord, now: string): Promise<StoredCalculation> => {
  if (!record.workerId) throw new DomainError('ValidationError', 'The report named no registered worker: benefits cannot be calculated.');
  const [profile, ...lists] = await Promise.all([workersRepository.profile(record.workerId), ...NEEDED.map((name) => parametersRepository.versions(name))]);
  if (!profile) throw new DomainError('ValidationError', `Worker ${record.workerId} has no profile.`);
  const versions = (lists as ParameterVersion[][]).flat();
  const parameters = resolveBenefitParameters(versions, {
    province: record.province,
    injuryDate: record.injuryDate,
    ...(record.kind === 'death' ? { deathDate: record.injuryDate } : {}),
  });
  const last = record.assessments.at(-1);
  const result = calculateBenefits({
    kind: record.kind,
    injuryDate: record.injuryDate,
    ...(record.kind === 'death' ? { deathDate: record.injuryDate } : {}),
    worker: { sex: profile.sex, birthDate: profile.birthDate },
    expenses: record.expenses.map(({ description, amountFen, inCatalogue }) => ({ description, amountFen, inCatalogue })),
    inpatientDays: record.inpatientDays,
    ...(last ? { assessment: { grade: last.grade as DisabilityGrade | null, nursing: last.nursing, concludedOn: last.concludedOn } } : {}),
    ...(record.dependants ? { dependants: record.dependants } : {}),
    parameters,
  });
  if (!result.ok) {
    throw new DomainError(
      'MissingParameter',
      `Benefits need parameters that are not configured: ${result.missing.map((m) => `${m.name} (for ${m.items.join(', ')})`).join('; ')}.`,
      { missing: result.missing },
    );
  }
  return { ...result, calculationId: `calc-${String(record.version + 1).padStart(6, '0')}`, calculatedAt: now };
};
