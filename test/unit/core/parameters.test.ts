import { describe, expect, it } from 'vitest';
import {
  isParameterName,
  NATIONAL_DEFAULT_PARAMETERS,
  PARAMETER_NAMES,
  PARAMETER_RULES,
  parameterVersionId,
  resolveParameter,
  scopeKey,
  validateParameterValue,
  validateParameterVersion,
  type ParameterVersion,
} from '../../../core/index.ts';

const v = (scope: ParameterVersion['scope'], effectiveFrom: string, value: number): ParameterVersion => ({
  name: 'contributionRateFen',
  scope,
  effectiveFrom,
  value,
});

describe('resolveParameter (D5 precedence)', () => {
  it('uses the seeded national defaults by industry from 2025-07-01 (D5)', () => {
    const rate = (industry: 'RIDE_HAILING' | 'FREIGHT' | 'INSTANT_DELIVERY' | 'FOOD_DELIVERY', on = '2025-07-01') =>
      resolveParameter(NATIONAL_DEFAULT_PARAMETERS, 'contributionRateFen', on, { province: '110000', industry, platformId: 'p1' })?.value;
    expect(rate('RIDE_HAILING')).toBe(1);
    expect(rate('INSTANT_DELIVERY')).toBe(7);
    expect(rate('FOOD_DELIVERY')).toBe(7);
    expect(rate('FREIGHT')).toBe(18);
    expect(rate('FREIGHT', '2025-06-30')).toBeUndefined();
  });

  it('a newer national version does not override an older province version (specificity first, D5)', () => {
    const versions = [v({ province: '110000' }, '2024-01-01', 25), v({}, '2025-01-01', 7)];
    expect(resolveParameter(versions, 'contributionRateFen', '2025-06-01', { province: '110000' })?.value).toBe(25);
    expect(resolveParameter(versions, 'contributionRateFen', '2025-06-01', { province: '310000' })?.value).toBe(7);
  });

  it('a scoped version that has not started yet does not apply', () => {
    const versions = [v({}, '2024-01-01', 7), v({ platformId: 'p1' }, '2025-08-01', 25)];
    expect(resolveParameter(versions, 'contributionRateFen', '2025-07-31', { platformId: 'p1' })?.value).toBe(7);
    expect(resolveParameter(versions, 'contributionRateFen', '2025-08-01', { platformId: 'p1' })?.value).toBe(25);
  });

  it('more matching fields win; between equals platform beats province beats industry (D5)', () => {
    const ctx = { platformId: 'p1', province: '110000', industry: 'FREIGHT' as const };
    const industry = v({ industry: 'FREIGHT' }, '2025-07-01', 18);
    const province = v({ province: '110000' }, '2025-07-01', 20);
    const platform = v({ platformId: 'p1' }, '2025-07-01', 30);
    const provInd = v({ province: '110000', industry: 'FREIGHT' }, '2025-07-01', 22);
    const platInd = v({ platformId: 'p1', industry: 'FREIGHT' }, '2025-07-01', 33);
    const all = v({ platformId: 'p1', province: '110000', industry: 'FREIGHT' }, '2025-07-01', 40);
    const pick = (list: ParameterVersion[]) => resolveParameter(list, 'contributionRateFen', '2025-08-01', ctx)?.value;
    expect(pick([industry, province])).toBe(20);
    expect(pick([province, industry])).toBe(20);
    expect(pick([province, platform])).toBe(30);
    expect(pick([platform, provInd])).toBe(22);
    expect(pick([provInd, platInd])).toBe(33);
    expect(pick([all, platInd, provInd, platform, province, industry])).toBe(40);
  });

  it('takes the latest effectiveFrom among equally specific versions, whatever the list order', () => {
    const list = [v({ industry: 'FREIGHT' }, '2025-07-01', 18), v({ industry: 'FREIGHT' }, '2026-01-01', 20), v({ industry: 'FREIGHT' }, '2025-01-01', 15)];
    expect(resolveParameter(list, 'contributionRateFen', '2026-03-01', { industry: 'FREIGHT' })?.value).toBe(20);
    expect(resolveParameter(list, 'contributionRateFen', '2025-12-31', { industry: 'FREIGHT' })?.value).toBe(18);
  });

  it('ignores versions of other names, other scopes and scopes the context lacks', () => {
    const list = [v({ province: '310000' }, '2020-01-01', 1), v({ industry: 'FREIGHT' }, '2020-01-01', 2)];
    expect(resolveParameter(list, 'contributionRateFen', '2025-01-01', { province: '110000', industry: 'RIDE_HAILING' })).toBeUndefined();
    expect(resolveParameter(list, 'contributionRateFen', '2025-01-01', {})).toBeUndefined();
    expect(resolveParameter(list, 'averageMonthlyWageFen', '2025-01-01', { province: '310000' })).toBeUndefined();
  });

  it('resolves N by the date: 2025-01-01 holds the 2024 figure (D9)', () => {
    expect(resolveParameter(NATIONAL_DEFAULT_PARAMETERS, 'urbanDisposableIncomeFen', '2025-03-10', {})?.value).toBe(5_418_800);
    expect(resolveParameter(NATIONAL_DEFAULT_PARAMETERS, 'urbanDisposableIncomeFen', '2024-11-30', {})?.value).toBe(5_182_100);
    expect(resolveParameter(NATIONAL_DEFAULT_PARAMETERS, 'openOrderCoverHours', '2025-03-10', { province: '110000' })?.value).toBe(6);
  });
});

describe('parameter ids and validation', () => {
  it('gives stable ids including the scope', () => {
    expect(parameterVersionId({ name: 'urbanDisposableIncomeFen', scope: {}, effectiveFrom: '2025-01-01', value: 1 })).toBe(
      'urbanDisposableIncomeFen@national@2025-01-01',
    );
    expect(parameterVersionId(v({ industry: 'FREIGHT', province: '110000', platformId: 'p1' }, '2025-07-01', 1))).toBe(
      'contributionRateFen@platform=p1,province=110000,industry=FREIGHT@2025-07-01',
    );
    expect(scopeKey({ province: '110000' })).toBe('province=110000');
  });

  it('validates values: non-negative safe integers within range', () => {
    expect(validateParameterValue('contributionRateFen', 25)).toEqual({ ok: true });
    expect(validateParameterValue('contributionRateFen', -1)).toEqual({ ok: false, reason: 'must be a non-negative integer' });
    expect(validateParameterValue('contributionRateFen', 1.5).ok).toBe(false);
    expect(validateParameterValue('openOrderCoverHours', 0)).toEqual({ ok: false, reason: 'must be between 1 and 24 hours' });
    expect(validateParameterValue('openOrderCoverHours', 25).ok).toBe(false);
    expect(validateParameterValue('coverGraceMinutes', 0)).toEqual({ ok: true });
    expect(validateParameterValue('coverGraceMinutes', 121).ok).toBe(false);
  });

  it('validates whole versions', () => {
    expect(validateParameterVersion(v({ platformId: 'p1', province: '110000', industry: 'FREIGHT' }, '2025-07-01', 25))).toEqual([]);
    expect(
      validateParameterVersion({
        name: 'urbanDisposableIncomeFen',
        scope: { province: '990000', industry: 'TAXI' as never },
        effectiveFrom: '2025-02-30',
        value: -1,
      }),
    ).toEqual([
      { path: 'scope.province', message: 'urbanDisposableIncomeFen cannot be scoped by province' },
      { path: 'scope.industry', message: 'urbanDisposableIncomeFen cannot be scoped by industry' },
      { path: 'scope.province', message: 'unknown province code' },
      { path: 'scope.industry', message: 'unknown industry' },
      { path: 'effectiveFrom', message: 'must be a YYYY-MM-DD date' },
      { path: 'value', message: 'must be a non-negative integer' },
    ]);
  });

  it('every name has a rule and every seeded default is valid', () => {
    expect(PARAMETER_NAMES.every((n) => PARAMETER_RULES[n] !== undefined)).toBe(true);
    expect(isParameterName('coverGraceMinutes')).toBe(true);
    expect(isParameterName('x')).toBe(false);
    for (const d of NATIONAL_DEFAULT_PARAMETERS) expect(validateParameterVersion(d)).toEqual([]);
  });
});
