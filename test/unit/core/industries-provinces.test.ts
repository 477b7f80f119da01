import { describe, expect, it } from 'vitest';
import {
  chargedIndustry,
  industryAcceptedFor,
  INDUSTRIES,
  INDUSTRY_NAMES,
  isIndustry,
  isProvinceCode,
  PILOT_PROVINCES,
  pilotStartOf,
  provinceName,
  PROVINCES,
} from '../../../core/index.ts';

describe('industries (D1)', () => {
  it('knows the four industries', () => {
    expect(INDUSTRIES).toEqual(['RIDE_HAILING', 'FOOD_DELIVERY', 'INSTANT_DELIVERY', 'FREIGHT']);
    expect(INDUSTRY_NAMES.FOOD_DELIVERY).toBe('外卖');
    expect(isIndustry('FREIGHT')).toBe(true);
    expect(isIndustry('TAXI')).toBe(false);
  });

  it('charges FOOD_DELIVERY as INSTANT_DELIVERY from 2025-07-01 (D1)', () => {
    expect(chargedIndustry('FOOD_DELIVERY', '2025-06-30')).toBe('FOOD_DELIVERY');
    expect(chargedIndustry('FOOD_DELIVERY', '2025-07-01')).toBe('INSTANT_DELIVERY');
    expect(chargedIndustry('FREIGHT', '2025-07-01')).toBe('FREIGHT');
  });

  it('accepts FOOD_DELIVERY orders from an INSTANT_DELIVERY-only platform from 2025-07-01 (D1)', () => {
    expect(industryAcceptedFor('FOOD_DELIVERY', ['INSTANT_DELIVERY'], '2025-06-30')).toBe(false);
    expect(industryAcceptedFor('FOOD_DELIVERY', ['INSTANT_DELIVERY'], '2025-07-01')).toBe(true);
    expect(industryAcceptedFor('FOOD_DELIVERY', ['FOOD_DELIVERY'], '2022-07-01')).toBe(true);
    expect(industryAcceptedFor('INSTANT_DELIVERY', ['FOOD_DELIVERY'], '2025-07-01')).toBe(false);
    expect(industryAcceptedFor('FREIGHT', ['RIDE_HAILING', 'INSTANT_DELIVERY'], '2025-07-01')).toBe(false);
  });
});

describe('provinces (D2)', () => {
  it('knows all 31 mainland province-level codes', () => {
    expect(Object.keys(PROVINCES)).toHaveLength(31);
    expect(isProvinceCode('110000')).toBe(true);
    expect(isProvinceCode('650000')).toBe(true);
    expect(isProvinceCode('710000')).toBe(false);
    expect(isProvinceCode('110100')).toBe(false);
    expect(isProvinceCode('11000')).toBe(false);
    expect(isProvinceCode('toString')).toBe(false);
    expect(provinceName('500000')).toBe('重庆');
    expect(provinceName('990000')).toBeUndefined();
  });

  it('seeds 7 provinces from 2022-07-01 and 10 from 2025-07-01 (D2)', () => {
    expect(PILOT_PROVINCES).toHaveLength(17);
    expect(PILOT_PROVINCES.filter((p) => p.pilotStart === '2022-07-01').map((p) => p.code)).toEqual([
      '110000',
      '310000',
      '320000',
      '440000',
      '460000',
      '500000',
      '510000',
    ]);
    expect(pilotStartOf('130000')).toBe('2025-07-01');
    expect(pilotStartOf('220000')).toBeUndefined();
    expect(PILOT_PROVINCES.find((p) => p.code === '640000')?.name).toBe('宁夏');
  });
});
