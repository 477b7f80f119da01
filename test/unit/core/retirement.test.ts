import { describe, expect, it } from 'vitest';
import { latestRuleTable, statutoryRetirement, type RuleTable } from '../../../core/index.ts';

const man = (birthDate: string) => statutoryRetirement({ sex: 'M', birthDate });
const woman = (birthDate: string) => statutoryRetirement({ sex: 'F', birthDate });
const female50Table: RuleTable = { ...latestRuleTable(), retirement: { ...latestRuleTable().retirement, femaleSchemeUsed: 'female50' } };
const woman50 = (birthDate: string) => statutoryRetirement({ sex: 'F', birthDate }, female50Table);

describe('statutory retirement, 2025 gradual reform (D9)', () => {
  it('men born before 1965 retire at 60 (D9)', () => {
    expect(man('1964-12-15')).toEqual({ ageMonths: 720, date: '2024-12-15', month: '2024-12', scheme: 'male', ruleTable: 'statutory-2025-07-01' });
  });

  it('men born 1965-01…04 retire at 60y1m, 1965-05 at 60y2m in 2025-07 (published table, D9)', () => {
    expect(man('1965-01-10')).toMatchObject({ ageMonths: 721, date: '2025-02-10', month: '2025-02' });
    expect(man('1965-04-30')).toMatchObject({ ageMonths: 721, month: '2025-05' });
    expect(man('1965-05-01')).toMatchObject({ ageMonths: 722, month: '2025-07' });
    expect(man('1965-01-31').date).toBe('2025-02-28');
  });

  it('men reach the 63 cap from the 1976-09 cohort (D9)', () => {
    expect(man('1976-08-01')).toMatchObject({ ageMonths: 755, month: '2039-07' });
    expect(man('1976-09-01')).toMatchObject({ ageMonths: 756, month: '2039-09' });
    expect(man('1990-06-15')).toMatchObject({ ageMonths: 756, date: '2053-06-15' });
  });

  it('women are treated as 55-age posts: 1970-01 → 55y1m, cap 58 from 1981-09 (D9)', () => {
    expect(woman('1969-12-31')).toMatchObject({ ageMonths: 660, month: '2024-12', scheme: 'female55' });
    expect(woman('1970-01-01')).toMatchObject({ ageMonths: 661, month: '2025-02' });
    expect(woman('1981-08-01')).toMatchObject({ ageMonths: 695 });
    expect(woman('1981-09-01')).toMatchObject({ ageMonths: 696, month: '2039-09' });
  });

  it('the 50-age-post scheme is in the table: 1975-01 → 50y1m, 1975-03 → 50y2m, cap 55 from 1984-11 (D9)', () => {
    expect(woman50('1974-12-01')).toMatchObject({ ageMonths: 600, scheme: 'female50' });
    expect(woman50('1975-01-01')).toMatchObject({ ageMonths: 601, month: '2025-02' });
    expect(woman50('1975-03-01')).toMatchObject({ ageMonths: 602, month: '2025-05' });
    expect(woman50('1984-10-01')).toMatchObject({ ageMonths: 659 });
    expect(woman50('1984-11-01')).toMatchObject({ ageMonths: 660 });
  });
});
