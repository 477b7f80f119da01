/** Statutory retirement age under the 2025 gradual reform (D9). */
import { latestRuleTable, type RetirementScheme, type RuleTable } from './rule-tables.ts';
import { addMonths, addMonthsToMonth, monthOfDate, monthsBetween } from './time.ts';

export interface Retirement {
  /** Statutory retirement age in months (e.g. 721 = 60 years 1 month). */
  ageMonths: number;
  /** The date the age is reached. */
  date: string;
  /** YYYY-MM of `date`. */
  month: string;
  scheme: 'male' | 'female55' | 'female50';
  ruleTable: string;
}

/**
 * The statutory retirement of a person (D9). The age rises from the base by one month for every
 * `birthMonthsPerStep` months of birth, starting with the cohort that would have retired in the
 * reform's first month (2025-01), up to the cap: men 60 → 63 (born 1965-01: 60y1m), women in 55-age
 * posts 55 → 58, women in 50-age posts 50 → 55. v1 treats every woman as a 55-age post (rule table
 * `femaleSchemeUsed`).
 */
export function statutoryRetirement(person: { sex: 'M' | 'F'; birthDate: string }, table: RuleTable = latestRuleTable()): Retirement {
  const scheme = person.sex === 'M' ? 'male' : table.retirement.femaleSchemeUsed;
  const rule: RetirementScheme = table.retirement[scheme];
  const firstReformCohort = addMonthsToMonth(rule.reformStartMonth, -rule.baseAgeMonths);
  const sinceCohort = monthsBetween(firstReformCohort, monthOfDate(person.birthDate));
  const extra = sinceCohort < 0 ? 0 : Math.min(rule.maxExtraMonths, Math.floor(sinceCohort / rule.birthMonthsPerStep) + 1);
  const ageMonths = rule.baseAgeMonths + extra;
  const date = addMonths(person.birthDate, ageMonths);
  return { ageMonths, date, month: monthOfDate(date), scheme, ruleTable: table.id };
}
