import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  calculateBenefits,
  DEPENDANT_RELATIONS,
  dependantNeedsBirthDate,
  isMinorInjuryFastTrack,
  monthlyItemsDue,
  NATIONAL_DEFAULT_PARAMETERS,
  netMonth,
  netRecalculation,
  resolveBenefitParameters,
  type BenefitCalculation,
  type BenefitInput,
  type BenefitLine,
  type DependantInput,
  type DisabilityGrade,
  type PayableItem,
} from '../../../core/index.ts';
import { deathInput, injuryInput, version } from './fixtures.ts';

function calc(input: BenefitInput): BenefitCalculation {
  const r = calculateBenefits(input);
  if (!r.ok) throw new Error(`unexpected missing ${JSON.stringify(r.missing)}`);
  return r;
}
const line = (r: BenefitCalculation, key: string): BenefitLine | undefined => r.lines.find((l) => l.key === key);
const assessed = (grade: DisabilityGrade | null, nursing: 'FULL' | 'MAJOR' | 'PARTIAL' | null = null, concludedOn = '2025-10-15') =>
  injuryInput({ assessment: { grade, nursing, concludedOn } });

describe('calculateBenefits: disability (D9)', () => {
  it('TV-B1: grade 10, W = 10,000 → lump sum 7 × W = 70,000 yuan (D9)', () => {
    const r = calc(assessed(10));
    expect(line(r, 'disability_lump_sum')).toEqual({
      item: 'disability_lump_sum',
      key: 'disability_lump_sum',
      amountFen: 7_000_000,
      monthly: false,
      basis: { W: 1_000_000, WVersion: 'averageMonthlyWageFen@province=110000@2025-01-01', grade: 10, months: 7 },
    });
    expect(r.lines).toHaveLength(1);
    expect(r.ruleTable).toBe('statutory-2025-07-01');
    expect(r.parameterVersions).toEqual(['averageMonthlyWageFen@province=110000@2025-01-01']);
  });

  it('TV-B2: grades 1–10 pay 27, 25, 23, 21, 18, 16, 13, 11, 9, 7 months of W (D9)', () => {
    const amounts = ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const).map((g) => line(calc(assessed(g)), 'disability_lump_sum')!.amountFen / 100);
    expect(amounts).toEqual([270_000, 250_000, 230_000, 210_000, 180_000, 160_000, 130_000, 110_000, 90_000, 70_000]);
  });

  it('TV-B3: grade 1 → allowance 90 % of W = 9,000 yuan a month from the month after the conclusion until retirement (D9)', () => {
    const r = calc(assessed(1));
    expect(line(r, 'disability_allowance')).toMatchObject({
      amountFen: 900_000,
      monthly: true,
      fromMonth: '2025-11',
      untilMonth: '2053-05',
      basis: { grade: 1, percent: 90, toppedUpToMinimum: false, retirementAgeMonths: 756, minimumWageFen: 200_000 },
    });
    expect(r.monthlyTotalFen).toBe(900_000);
    expect(r.oneOffTotalFen).toBe(27_000_000);
  });

  it('TV-B4: grade 4, W = 2,500, minimum wage 2,000 → 75 % = 1,875 is topped up to 2,000 a month (D9)', () => {
    const input = assessed(4);
    input.parameters.averageMonthlyWage = version('averageMonthlyWageFen', 250_000);
    expect(line(calc(input), 'disability_allowance')).toMatchObject({ amountFen: 200_000, basis: { percentOfWFen: 187_500, toppedUpToMinimum: true } });
  });

  it('grades 5–10 get no allowance (D9)', () => {
    expect(line(calc(assessed(5)), 'disability_allowance')).toBeUndefined();
  });

  it('no allowance when the worker reaches retirement age by the first payable month (D9)', () => {
    const input = { ...assessed(2), worker: { sex: 'F' as const, birthDate: '1970-01-15' } };
    expect(line(calc(input), 'disability_allowance')).toBeUndefined();
  });

  it('TV-B5: nursing FULL / MAJOR / PARTIAL = 5,000 / 4,000 / 3,000 yuan a month (D9)', () => {
    const amounts = (['FULL', 'MAJOR', 'PARTIAL'] as const).map((n) => line(calc(assessed(null, n)), 'nursing'));
    expect(amounts.map((l) => l?.amountFen)).toEqual([500_000, 400_000, 300_000]);
    expect(amounts[0]).toMatchObject({ monthly: true, fromMonth: '2025-11', basis: { nursing: 'FULL', percent: 50 } });
    expect(amounts[0]?.untilMonth).toBeUndefined();
  });

  it('percentages round half up to the fen (D9)', () => {
    const input = assessed(4, 'PARTIAL');
    input.parameters.averageMonthlyWage = version('averageMonthlyWageFen', 333_333);
    input.parameters.minimumMonthlyWage = version('minimumMonthlyWageFen', 0);
    const r = calc(input);
    expect(line(r, 'disability_allowance')?.amountFen).toBe(250_000); // 249,999.75 → 250,000
    expect(line(r, 'nursing')?.amountFen).toBe(100_000); // 99,999.9 → 100,000
  });

  it('an injury without an assessment pays only expenses', () => {
    const r = calc(injuryInput({ expenses: [{ description: 'x', amountFen: 100, inCatalogue: true }] }));
    expect(r.lines.map((l) => l.item)).toEqual(['medical']);
    expect(calc(injuryInput()).lines).toEqual([]);
  });
});

describe('calculateBenefits: expenses (D9)', () => {
  it('TV-B12: 12 inpatient days at 70 yuan = 840 yuan (D9)', () => {
    expect(line(calc(injuryInput({ inpatientDays: 12 })), 'inpatient_meals')).toMatchObject({ amountFen: 84_000, basis: { rateFenPerDay: 7_000, days: 12 } });
  });

  it('pays in-catalogue expenses in full and records what was excluded (D9)', () => {
    const r = calc(
      injuryInput({
        expenses: [
          { description: 'x-ray', amountFen: 20_000, inCatalogue: true },
          { description: 'drug', amountFen: 10_200, inCatalogue: true },
          { description: 'vitamins', amountFen: 5_000, inCatalogue: false },
        ],
      }),
    );
    expect(line(r, 'medical')).toEqual({
      item: 'medical',
      key: 'medical',
      amountFen: 30_200,
      monthly: false,
      basis: { items: 2, excludedItems: 1, excludedFen: 5_000 },
    });
  });

  it('rejects a negative or fractional number of inpatient days', () => {
    expect(() => calculateBenefits(injuryInput({ inpatientDays: -1 }))).toThrow(RangeError);
    expect(() => calculateBenefits(injuryInput({ inpatientDays: 1.5 }))).toThrow(RangeError);
  });
});

describe('calculateBenefits: death (D9)', () => {
  const resolved = (deathDate: string) =>
    resolveBenefitParameters([...NATIONAL_DEFAULT_PARAMETERS, version('averageMonthlyWageFen', 1_000_000, '2020-01-01')], {
      province: '110000',
      injuryDate: deathDate,
      deathDate,
    });

  it('TV-B6: funeral = 6 × W = 60,000 yuan (D9)', () => {
    expect(line(calc(deathInput()), 'funeral')).toMatchObject({ amountFen: 6_000_000, basis: { months: 6 } });
  });

  it('TV-B7: death on 2025-03-10 uses the 2024 income figure, 20 × N = 1,083,760 yuan (D9)', () => {
    const r = calc(deathInput({ injuryDate: '2025-03-10', parameters: resolved('2025-03-10') }));
    expect(line(r, 'death_lump_sum')).toMatchObject({
      amountFen: 108_376_000,
      basis: { N: 5_418_800, NVersion: 'urbanDisposableIncomeFen@national@2025-01-01', years: 20, deathDate: '2025-03-10' },
    });
  });

  it('TV-B8: death on 2024-11-30 uses the 2023 figure, 20 × N = 1,036,420 yuan (D9)', () => {
    const r = calc(deathInput({ injuryDate: '2024-11-30', parameters: resolved('2024-11-30') }));
    expect(line(r, 'death_lump_sum')?.amountFen).toBe(103_642_000);
    expect(r.ruleTable).toBe('statutory-2022-07-01');
  });

  it('N follows a later date of death when one is given (D9, contract: date of death picks N)', () => {
    const parameters = resolved('2024-12-20');
    const later = resolveBenefitParameters(NATIONAL_DEFAULT_PARAMETERS, { province: '110000', injuryDate: '2024-12-20', deathDate: '2025-01-05' });
    const r = calc(deathInput({ injuryDate: '2024-12-20', deathDate: '2025-01-05', parameters: { ...parameters, ...later } }));
    expect(line(r, 'death_lump_sum')).toMatchObject({ amountFen: 108_376_000, basis: { deathDate: '2025-01-05' } });
  });

  it('TV-B9: spouse + 2 children + father on W = 6,000 are capped at W, shares rounded down: 1,846.15 + 3 × 1,384.61 (D9)', () => {
    const input = deathInput({
      dependants: [
        { name: 'Spouse', relation: 'spouse', orphanOrAlone: false },
        { name: 'Child A', relation: 'child', orphanOrAlone: false, birthDate: '2015-01-01' },
        { name: 'Child B', relation: 'child', orphanOrAlone: false, birthDate: '2017-01-01' },
        { name: 'Father', relation: 'parent', orphanOrAlone: false },
      ],
    });
    input.parameters.averageMonthlyWage = version('averageMonthlyWageFen', 600_000);
    const r = calc(input);
    const pensions = r.lines.filter((l) => l.item === 'dependant_pension');
    expect(pensions.map((l) => l.amountFen)).toEqual([184_615, 138_461, 138_461, 138_461]);
    expect(pensions.reduce((s, l) => s + l.amountFen, 0)).toBe(599_998);
    expect(pensions[0]).toMatchObject({
      key: 'dependant_pension:1',
      fromMonth: '2025-04',
      basis: { dependant: 1, relation: 'spouse', capped: true, uncappedTotalFen: 780_000, capFen: 600_000 },
    });
    expect(pensions[1]).toMatchObject({ untilMonth: '2033-01' });
    expect(r.monthlyTotalFen).toBe(599_998);
  });

  it('TV-B10: spouse + orphaned child on W = 8,000 → 3,200 + 3,200, no cap (D9)', () => {
    const input = deathInput({
      dependants: [
        { name: 'S', relation: 'spouse', orphanOrAlone: false },
        { name: 'C', relation: 'child', orphanOrAlone: true, birthDate: '2012-06-01' },
      ],
    });
    input.parameters.averageMonthlyWage = version('averageMonthlyWageFen', 800_000);
    const pensions = calc(input).lines.filter((l) => l.item === 'dependant_pension');
    expect(pensions.map((l) => [l.amountFen, l.basis.percent, l.basis.capped])).toEqual([
      [320_000, 40, false],
      [320_000, 40, false],
    ]);
  });

  it('TV-B11 (child part): a child aged 17 gets 2,400 a month until the month they turn 18 (D9; spouse eligibility is not settled by decisions.md)', () => {
    const input = deathInput({ injuryDate: '2025-03-10', dependants: [{ name: 'C', relation: 'child', orphanOrAlone: false, birthDate: '2007-09-15' }] });
    input.parameters.averageMonthlyWage = version('averageMonthlyWageFen', 800_000);
    const r = calc(input);
    expect(line(r, 'dependant_pension:1')).toMatchObject({ amountFen: 240_000, fromMonth: '2025-04', untilMonth: '2025-09' });
    const ent = { lines: r.lines };
    expect(monthlyItemsDue(ent, '2025-03')).toEqual([]);
    expect(monthlyItemsDue(ent, '2025-08')).toEqual([{ item: 'dependant_pension', key: 'dependant_pension:1@2025-08', amountFen: 240_000, month: '2025-08' }]);
    expect(monthlyItemsDue(ent, '2025-09')).toEqual([]);
  });

  it('excludes a dependant who is already 18 by the first payable month, so the cap is not diluted (D9)', () => {
    const input = deathInput({
      dependants: [
        { name: 'Adult', relation: 'sibling', orphanOrAlone: false, birthDate: '2007-04-01' },
        { name: 'Parent', relation: 'grandparent', orphanOrAlone: true },
      ],
    });
    const r = calc(input);
    expect(r.excludedDependants).toEqual([{ dependant: 1, relation: 'sibling', reason: 'AGE_LIMIT_REACHED' }]);
    expect(r.lines.filter((l) => l.item === 'dependant_pension').map((l) => l.amountFen)).toEqual([400_000]);
  });

  it('keys dependant lines by position, never by name; the same list recalculated gives the same keys (A3, D8 netting)', () => {
    const dependants = [
      { name: '李四', relation: 'parent', orphanOrAlone: false },
      { name: '李四', relation: 'parent', orphanOrAlone: false },
      { name: '张小', relation: 'sibling', orphanOrAlone: false, birthDate: '2007-04-01' },
      { name: '王五', relation: 'grandparent', orphanOrAlone: false },
    ] as const;
    const first = calc(deathInput({ dependants: [...dependants] }));
    const again = calc(deathInput({ dependants: [...dependants], expenses: [{ description: 'x', amountFen: 100, inCatalogue: true }] }));
    expect(first.lines.filter((l) => l.monthly).map((l) => l.key)).toEqual(['dependant_pension:1', 'dependant_pension:2', 'dependant_pension:4']);
    expect(again.lines.filter((l) => l.monthly).map((l) => l.key)).toEqual(first.lines.filter((l) => l.monthly).map((l) => l.key));
    expect(JSON.stringify(first)).not.toMatch(/李四|张小|王五/);
  });

  it('asks a birth date exactly for the relations some rule table limits by age (D9; the API checks with it)', () => {
    expect(DEPENDANT_RELATIONS.filter(dependantNeedsBirthDate)).toEqual(['child', 'grandchild', 'sibling']);
  });

  it('needs a birth date for a child, grandchild or sibling', () => {
    expect(() => calculateBenefits(deathInput({ dependants: [{ name: 'G', relation: 'grandchild', orphanOrAlone: false }] }))).toThrow(/birthDate/);
    expect(() => calculateBenefits(deathInput({ dependants: [{ name: 'G', relation: 'grandchild', orphanOrAlone: false, birthDate: '2020-02-30' }] }))).toThrow(
      /birthDate/,
    );
    // log-safe: the error names the position and relation, never the person
    expect(() =>
      calculateBenefits(
        deathInput({
          dependants: [
            { name: '赵六', relation: 'spouse', orphanOrAlone: false },
            { name: '赵小六', relation: 'child', orphanOrAlone: false },
          ],
        }),
      ),
    ).toThrow('dependant 2 (child) needs a birthDate');
  });

  it('a death case ignores any assessment', () => {
    const r = calc(deathInput({ assessment: { grade: 1, nursing: 'FULL', concludedOn: '2025-03-01' } }));
    expect(r.lines.map((l) => l.item)).toEqual(['funeral', 'death_lump_sum']);
  });
});

describe('calculateBenefits: missing parameters (D9, 422)', () => {
  it('names each missing parameter and the items needing it, never guesses', () => {
    const input = injuryInput({ inpatientDays: 3, assessment: { grade: 2, nursing: 'FULL', concludedOn: '2025-10-01' }, parameters: {} });
    expect(calculateBenefits(input)).toEqual({
      ok: false,
      missing: [
        { name: 'inpatientMealFenPerDay', items: ['inpatient_meals'] },
        { name: 'averageMonthlyWageFen', items: ['disability_lump_sum', 'disability_allowance', 'nursing'] },
        { name: 'minimumMonthlyWageFen', items: ['disability_allowance'] },
      ],
    });
    const death = deathInput({ parameters: {}, dependants: [{ name: 'S', relation: 'spouse', orphanOrAlone: false }] });
    expect(calculateBenefits(death)).toEqual({
      ok: false,
      missing: [
        { name: 'averageMonthlyWageFen', items: ['funeral', 'dependant_pension'] },
        { name: 'urbanDisposableIncomeFen', items: ['death_lump_sum'] },
      ],
    });
  });

  it('rejects a version of the wrong parameter in a slot', () => {
    const input = assessed(10);
    input.parameters.averageMonthlyWage = version('minimumMonthlyWageFen', 1);
    expect(() => calculateBenefits(input)).toThrow(/averageMonthlyWageFen/);
  });

  it('resolveBenefitParameters picks W, minimum wage and meal rate on the injury date and N on the death date', () => {
    expect(resolveBenefitParameters(NATIONAL_DEFAULT_PARAMETERS, { province: '110000', injuryDate: '2025-03-10' })).toEqual({
      urbanDisposableIncome: { name: 'urbanDisposableIncomeFen', scope: {}, effectiveFrom: '2025-01-01', value: 5_418_800 },
    });
    const versions = [version('averageMonthlyWageFen', 1), version('minimumMonthlyWageFen', 2), version('inpatientMealFenPerDay', 3)];
    expect(Object.keys(resolveBenefitParameters(versions, { province: '110000', injuryDate: '2025-03-10' }))).toEqual([
      'averageMonthlyWage',
      'minimumMonthlyWage',
      'inpatientMeal',
    ]);
    expect(resolveBenefitParameters(versions, { province: '310000', injuryDate: '2025-03-10' })).toEqual({});
  });
});

describe('dependants cap (property, D9)', () => {
  it("the dependants' total never exceeds W and no share exceeds its uncapped amount", () => {
    const relation = fc.constantFrom('spouse', 'parent', 'grandparent', 'child') as fc.Arbitrary<DependantInput['relation']>;
    const dependant = fc.record({ relation, orphanOrAlone: fc.boolean() });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5_000_000 }), fc.array(dependant, { minLength: 1, maxLength: 8 }), (w, ds) => {
        const input = deathInput({ dependants: ds.map((d, i) => ({ ...d, name: `d${i}`, birthDate: '2015-01-01' })) });
        input.parameters.averageMonthlyWage = version('averageMonthlyWageFen', w);
        const pensions = calc(input).lines.filter((l) => l.item === 'dependant_pension');
        expect(pensions.reduce((s, l) => s + l.amountFen, 0)).toBeLessThanOrEqual(w);
        for (const p of pensions) expect(p.amountFen).toBeLessThanOrEqual(p.basis.uncappedFen as number);
      }),
    );
  });
});

describe('monthlyItemsDue (D9, D10)', () => {
  const r = calc({ ...assessed(1, 'MAJOR', '2025-10-15'), worker: { sex: 'M', birthDate: '1965-01-10' } });

  it('starts the month after the conclusion and ends the allowance before the retirement month', () => {
    // Born 1965-01 retires at 60y1m in 2025-02, already before the conclusion: no allowance line at all.
    expect(line(r, 'disability_allowance')).toBeUndefined();
    const younger = calc({ ...assessed(1, 'MAJOR', '2025-10-15'), worker: { sex: 'M', birthDate: '1966-01-10' } });
    const ent = { lines: younger.lines };
    expect(monthlyItemsDue(ent, '2025-10')).toEqual([]);
    expect(monthlyItemsDue(ent, '2025-11').map((i) => i.key)).toEqual(['disability_allowance@2025-11', 'nursing@2025-11']);
    const until = line(younger, 'disability_allowance')!.untilMonth!;
    expect(until).toBe('2026-05');
    expect(monthlyItemsDue(ent, '2026-04').map((i) => i.item)).toEqual(['disability_allowance', 'nursing']);
    expect(monthlyItemsDue(ent, until).map((i) => i.item)).toEqual(['nursing']);
  });

  it("stops allowance and nursing after the worker's death month, and a line after its end date", () => {
    const ent = { lines: r.lines, workerDiedOn: '2026-03-02' };
    expect(monthlyItemsDue(ent, '2026-03').map((i) => i.item)).toEqual(['nursing']);
    expect(monthlyItemsDue(ent, '2026-04')).toEqual([]);
    expect(monthlyItemsDue({ lines: r.lines, endedOn: { nursing: '2025-12-31' } }, '2026-01')).toEqual([]);
    expect(monthlyItemsDue({ lines: r.lines, endedOn: { nursing: '2025-12-31' } }, '2025-12')).toHaveLength(1);
  });

  it("dependants' pensions are not ended by workerDiedOn; one-off lines are never due monthly", () => {
    const death = calc(deathInput({ dependants: [{ name: 'S', relation: 'spouse', orphanOrAlone: false }] }));
    expect(monthlyItemsDue({ lines: death.lines, workerDiedOn: '2025-03-10' }, '2040-01').map((i) => i.key)).toEqual(['dependant_pension:1@2040-01']);
    expect(monthlyItemsDue({ lines: [{ item: 'nursing', key: 'nursing', amountFen: 1, monthly: true, basis: {} }] }, '2040-01')).toEqual([]);
  });

  it('netMonth pays a month once, and only the difference after a change (D10)', () => {
    const ent = { lines: r.lines };
    const first = netMonth([], ent, '2025-12');
    expect(first).toEqual([{ item: 'nursing', key: 'nursing@2025-12', amountFen: 400_000 }]);
    expect(
      netMonth([...first, { item: 'medical', key: 'medical', amountFen: 5 }, { item: 'nursing', key: 'nursing@2025-11', amountFen: 400_000 }], ent, '2025-12'),
    ).toEqual([]);
    const raised = calc({ ...assessed(1, 'FULL', '2025-10-15'), worker: { sex: 'M', birthDate: '1965-01-10' } });
    expect(netMonth(first, { lines: raised.lines }, '2025-12')).toEqual([{ item: 'nursing', key: 'nursing@2025-12', amountFen: 100_000 }]);
  });
});

describe('netRecalculation (D8, D10)', () => {
  it('pays or recovers only the difference of one-off items after a new conclusion', () => {
    const before = calc(assessed(10));
    const paid: PayableItem[] = before.lines.map((l) => ({ item: l.item, key: l.key, amountFen: l.amountFen }));
    const after = calc(assessed(7));
    expect(netRecalculation(paid, after)).toEqual([{ item: 'disability_lump_sum', key: 'disability_lump_sum', amountFen: 6_000_000 }]);
    expect(netRecalculation(paid, calc(assessed(null)))).toEqual([{ item: 'disability_lump_sum', key: 'disability_lump_sum', amountFen: -7_000_000 }]);
    expect(netRecalculation(paid, before)).toEqual([]);
    expect(netRecalculation([...paid, { item: 'nursing', key: 'nursing@2025-11', amountFen: 1 }], before)).toEqual([]);
  });

  it('never pays the same item twice: after paying the difference, netting again gives nothing (property)', () => {
    const grade = fc.option(fc.constantFrom(...([1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const)), { nil: null });
    const nursing = fc.option(fc.constantFrom('FULL', 'MAJOR', 'PARTIAL') as fc.Arbitrary<'FULL' | 'MAJOR' | 'PARTIAL'>, { nil: null });
    const amounts = fc.array(fc.integer({ min: 0, max: 1_000_000 }), { maxLength: 4 });
    const scenario = fc.record({ grade, nursing, amounts, days: fc.integer({ min: 0, max: 30 }) });
    const build = (s: { grade: DisabilityGrade | null; nursing: 'FULL' | 'MAJOR' | 'PARTIAL' | null; amounts: number[]; days: number }) =>
      calc(
        injuryInput({
          inpatientDays: s.days,
          expenses: s.amounts.map((amountFen, i) => ({ description: `e${i}`, amountFen, inCatalogue: i % 3 !== 2 })),
          assessment: { grade: s.grade, nursing: s.nursing, concludedOn: '2025-10-01' },
        }),
      );
    fc.assert(
      fc.property(scenario, scenario, fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }), (a, b, partially) => {
        const old = build(a);
        // Some old lines were paid, some not yet; a line may also have been paid in two parts.
        const paid: PayableItem[] = old.lines
          .filter((l) => !l.monthly)
          .flatMap((l, i) => {
            if (!partially[i]) return [];
            const half = Math.floor(l.amountFen / 2);
            return [
              { item: l.item, key: l.key, amountFen: half },
              { item: l.item, key: l.key, amountFen: l.amountFen - half },
            ];
          });
        const next = build(b);
        const diff = netRecalculation(paid, next);
        expect(netRecalculation([...paid, ...diff], next)).toEqual([]);
        for (const l of next.lines.filter((x) => !x.monthly)) {
          const total = [...paid, ...diff].filter((p) => p.key === l.key).reduce((s, p) => s + p.amountFen, 0);
          expect(total).toBe(l.amountFen);
        }
        expect(new Set(diff.map((d) => d.key)).size).toBe(diff.length);
      }),
    );
  });
});

describe('minor-injury fast track (小伤快赔, D7)', () => {
  const bill = [{ description: 'out-patient', amountFen: 30_200, inCatalogue: true }];

  it('TV-B13: out-patient only, 302 yuan all in the catalogues → fast track, 302 reimbursed (D7, D9)', () => {
    expect(isMinorInjuryFastTrack({ kind: 'injury', injuryDate: '2025-12-01', inpatientDays: 0, expenses: bill })).toBe(true);
    expect(line(calc(injuryInput({ expenses: bill })), 'medical')?.amountFen).toBe(30_200);
  });

  it('TV-B14: a 1-night admission disqualifies it (D7)', () => {
    expect(isMinorInjuryFastTrack({ kind: 'injury', injuryDate: '2025-12-01', inpatientDays: 1, expenses: bill })).toBe(false);
  });

  it('death cases, cases without expenses and out-of-catalogue expenses are not fast-tracked', () => {
    expect(isMinorInjuryFastTrack({ kind: 'death', injuryDate: '2025-12-01', inpatientDays: 0, expenses: bill })).toBe(false);
    expect(isMinorInjuryFastTrack({ kind: 'injury', injuryDate: '2025-12-01', inpatientDays: 0, expenses: [] })).toBe(false);
    expect(
      isMinorInjuryFastTrack({
        kind: 'injury',
        injuryDate: '2025-12-01',
        inpatientDays: 0,
        expenses: [...bill, { description: 'x', amountFen: 1, inCatalogue: false }],
      }),
    ).toBe(false);
  });
});
