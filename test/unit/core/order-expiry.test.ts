import { describe, expect, it } from 'vitest';
import { monthArchived, monthExpiresAt, NATIONAL_DEFAULT_PARAMETERS, orderExpiresAt, type ParameterVersion } from '../../../core/index.ts';

const at = (iso: string) => Date.parse(iso) / 1000;
const hot = (effectiveFrom: string, value: number): ParameterVersion => ({ name: 'orderHotDaysAfterClose', scope: {}, effectiveFrom, value });
const due = (effectiveFrom: string, value: number): ParameterVersion => ({ name: 'contributionDueDay', scope: {}, effectiveFrom, value });

describe('orderExpiresAt (issue 18: hot until the close of the month, D19, plus orderHotDaysAfterClose)', () => {
  it('expires a 2026-03 order 30 days after 00:00 Asia/Shanghai following 2026-04-15 (national defaults)', () => {
    expect(orderExpiresAt(NATIONAL_DEFAULT_PARAMETERS, '2026-03-01')).toBe(at('2026-05-16T00:00:00+08:00'));
    expect(orderExpiresAt(NATIONAL_DEFAULT_PARAMETERS, '2026-03-31')).toBe(at('2026-05-16T00:00:00+08:00'));
  });

  it('gives every order of a month the same expiry as its month, across a year end', () => {
    expect(orderExpiresAt(NATIONAL_DEFAULT_PARAMETERS, '2026-12-31')).toBe(monthExpiresAt(NATIONAL_DEFAULT_PARAMETERS, '2026-12'));
    expect(monthExpiresAt(NATIONAL_DEFAULT_PARAMETERS, '2026-12')).toBe(at('2027-02-15T00:00:00+08:00'));
  });

  it('follows the due day and the hot days in force (versioned parameters, picked by the close)', () => {
    const versions = [due('2022-07-01', 15), due('2026-05-01', 20), hot('2022-07-01', 30), hot('2026-05-21', 10)];
    // 2026-04 closes on 2026-05-20 (the due day in force on 2026-05-01): the 30 days in force then.
    expect(monthExpiresAt(versions, '2026-04')).toBe(at('2026-06-20T00:00:00+08:00'));
    // 2026-05 closes on 2026-06-20: 10 days.
    expect(monthExpiresAt(versions, '2026-05')).toBe(at('2026-07-01T00:00:00+08:00'));
  });

  it('takes the first version for a month older than every version (every month expires)', () => {
    const versions = [due('2022-07-01', 15), hot('2030-01-01', 5), hot('2031-01-01', 7)];
    expect(monthExpiresAt(versions, '2026-03')).toBe(at('2026-04-21T00:00:00+08:00'));
  });

  it('ignores scoped versions of the hot days and refuses when no national version exists', () => {
    const scoped: ParameterVersion = { ...hot('2022-07-01', 99), scope: { province: '110000' } };
    expect(() => monthExpiresAt([due('2022-07-01', 15), scoped], '2026-03')).toThrow(RangeError);
  });

  it('refuses a date that is not YYYY-MM-DD', () => {
    expect(() => orderExpiresAt(NATIONAL_DEFAULT_PARAMETERS, '2026-03')).toThrow(RangeError);
  });
});

describe("monthArchived (issue 18: no reopening and no new order once the month's orders have expired)", () => {
  it('is false until the expiry instant and true from it on', () => {
    const expiry = monthExpiresAt(NATIONAL_DEFAULT_PARAMETERS, '2026-03') * 1000;
    expect(monthArchived(NATIONAL_DEFAULT_PARAMETERS, '2026-03', new Date(expiry - 1))).toBe(false);
    expect(monthArchived(NATIONAL_DEFAULT_PARAMETERS, '2026-03', new Date(expiry))).toBe(true);
  });
});
