import { describe, expect, it } from 'vitest';
import { caseProvince } from '../../../core/case-lifecycle.ts';

const orders = [
  { orderId: 'o-bj', province: '110000', industry: 'INSTANT_DELIVERY', acceptedAt: '2026-12-07T09:00:00+08:00' },
  { orderId: 'o-sh', province: '310000', industry: 'INSTANT_DELIVERY', acceptedAt: '2026-12-07T09:30:00+08:00' },
] as const;

describe('caseProvince (D18)', () => {
  it("is the covering order's province, whatever province the report was filed from", () => {
    expect(caseProvince({ province: '110000', coverage: { covered: true, orderId: 'o-sh', reason: 'COVERED' }, orders })).toBe('310000');
    expect(caseProvince({ province: '310000', coverage: { covered: true, orderId: 'o-bj', reason: 'COVERED' }, orders })).toBe('110000');
  });

  it("is the report's province when no order covers the injury", () => {
    expect(caseProvince({ province: '440000', coverage: { covered: false, reason: 'NO_ORDER_AT_TIME' }, orders })).toBe('440000');
  });

  it("is the report's province when the covering order is missing from the snapshot (a report stored before snapshots)", () => {
    expect(caseProvince({ province: '440000', coverage: { covered: true, orderId: 'o-gone', reason: 'COVERED' }, orders: [] })).toBe('440000');
  });
});
