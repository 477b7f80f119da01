import { describe, expect, it } from 'vitest';
import { coverageAt, coverageLookbackHours, ordersOverlappingDate, type CoverageInput } from '../../../core/index.ts';

const base: CoverageInput = {
  at: new Date('2025-08-01T10:20:00+08:00'),
  workerKnown: true,
  platformEnrolled: true,
  orders: [],
  openOrderCoverHours: 6,
  coverGraceMinutes: 0,
};
const at = (iso: string, extra: Partial<CoverageInput> = {}) => coverageAt({ ...base, ...extra, at: new Date(iso) });

describe('coverageAt (D4)', () => {
  const order = { orderId: 'o1', acceptedAt: '2025-08-01T10:05:00+08:00', finishedAt: '2025-08-01T10:45:00+08:00' };

  it('TV-E1: an order accepted 10:05 covers a collision at 10:20 and is named (D4)', () => {
    expect(at('2025-08-01T10:20:00+08:00', { orders: [order] })).toEqual({ covered: true, orderId: 'o1', reason: 'COVERED' });
  });

  it('TV-E2: online without an active order at 15:00 is not covered (D4)', () => {
    expect(at('2025-08-01T15:00:00+08:00', { orders: [order] })).toEqual({ covered: false, reason: 'NO_ORDER_AT_TIME' });
  });

  it('TV-E4: a platform not enrolled in the province on that date is not covered (D2, D4)', () => {
    expect(at('2025-06-15T10:20:00+08:00', { orders: [order], platformEnrolled: false })).toEqual({ covered: false, reason: 'PLATFORM_NOT_ENROLLED' });
  });

  it('UNKNOWN_WORKER takes precedence over everything (D4)', () => {
    expect(at('2025-08-01T10:20:00+08:00', { orders: [order], workerKnown: false, platformEnrolled: false })).toEqual({
      covered: false,
      reason: 'UNKNOWN_WORKER',
    });
  });

  it('covers the boundaries acceptedAt and finishedAt inclusive, plus the grace period (D4)', () => {
    expect(at('2025-08-01T10:05:00+08:00', { orders: [order] }).covered).toBe(true);
    expect(at('2025-08-01T10:04:59+08:00', { orders: [order] }).covered).toBe(false);
    expect(at('2025-08-01T10:45:00+08:00', { orders: [order] }).covered).toBe(true);
    expect(at('2025-08-01T10:45:01+08:00', { orders: [order] }).covered).toBe(false);
    expect(at('2025-08-01T10:55:00+08:00', { orders: [order], coverGraceMinutes: 10 }).covered).toBe(true);
    expect(at('2025-08-01T10:55:01+08:00', { orders: [order], coverGraceMinutes: 10 }).covered).toBe(false);
  });

  it('an unfinished order covers up to acceptedAt + openOrderCoverHours (D4)', () => {
    const open = { orderId: 'o2', acceptedAt: '2025-08-01T10:00:00+08:00' };
    expect(at('2025-08-01T16:00:00+08:00', { orders: [open] }).covered).toBe(true);
    expect(at('2025-08-01T16:00:01+08:00', { orders: [open] }).covered).toBe(false);
    expect(at('2025-08-01T12:00:01+08:00', { orders: [open], openOrderCoverHours: 2 }).covered).toBe(false);
  });

  it('names the earliest accepted covering order, ties by orderId (D4)', () => {
    const orders = [
      { orderId: 'late', acceptedAt: '2025-08-01T10:10:00+08:00' },
      { orderId: 'b', acceptedAt: '2025-08-01T10:00:00+08:00' },
      { orderId: 'a', acceptedAt: '2025-08-01T02:00:00Z' },
      { orderId: 'c', acceptedAt: '2025-08-01T10:00:00+08:00' },
    ];
    expect(at('2025-08-01T10:20:00+08:00', { orders }).orderId).toBe('a');
  });

  it('a finished order covers up to its finishedAt however long it ran: no 24-hour cap (D4)', () => {
    const long = { orderId: 'long', acceptedAt: '2025-08-01T10:00:00+08:00', finishedAt: '2025-08-03T10:00:00+08:00' };
    expect(at('2025-08-02T10:00:01+08:00', { orders: [long] })).toEqual({ covered: true, orderId: 'long', reason: 'COVERED' });
    expect(at('2025-08-03T10:00:00+08:00', { orders: [long] }).covered).toBe(true);
    expect(at('2025-08-03T10:00:01+08:00', { orders: [long] }).covered).toBe(false);
    expect(at('2025-08-03T10:04:00+08:00', { orders: [long], coverGraceMinutes: 5 }).covered).toBe(true);
  });

  it('ignores orders with unreadable times', () => {
    const bad = [
      { orderId: 'x', acceptedAt: 'nope' },
      { orderId: 'y', acceptedAt: '2025-08-01T10:00:00+08:00', finishedAt: 'nope' },
    ];
    expect(at('2025-08-01T10:20:00+08:00', { orders: bad }).reason).toBe('NO_ORDER_AT_TIME');
  });
});

describe('coverageLookbackHours (D4)', () => {
  it('is the longer of the open-order window and the 24-hour span plus grace, rounded up', () => {
    expect(coverageLookbackHours({ openOrderCoverHours: 6, coverGraceMinutes: 0 })).toBe(24);
    expect(coverageLookbackHours({ openOrderCoverHours: 6, coverGraceMinutes: 30 }, '2025-08-01')).toBe(25);
    expect(coverageLookbackHours({ openOrderCoverHours: 30, coverGraceMinutes: 0 }, '2022-07-01')).toBe(30);
  });

  it('widens to the longest order the store knows of, so a long order is still found by the key query (D4)', () => {
    expect(coverageLookbackHours({ openOrderCoverHours: 6, coverGraceMinutes: 30 }, '2025-08-01', 48)).toBe(49);
    expect(coverageLookbackHours({ openOrderCoverHours: 6, coverGraceMinutes: 0 }, '2025-08-01', 10)).toBe(24);
  });
});

describe('ordersOverlappingDate (D11 evidence snapshot)', () => {
  const orders = [
    { orderId: 'before-midnight', acceptedAt: '2025-07-31T23:30:00+08:00', finishedAt: '2025-08-01T00:20:00+08:00' },
    { orderId: 'previous-day', acceptedAt: '2025-07-31T20:00:00+08:00', finishedAt: '2025-07-31T21:00:00+08:00' },
    { orderId: 'same-day', acceptedAt: '2025-08-01T10:00:00+08:00', finishedAt: '2025-08-01T10:30:00+08:00' },
    { orderId: 'open-from-evening', acceptedAt: '2025-07-31T20:00:00+08:00' },
    { orderId: 'open-long-ago', acceptedAt: '2025-07-30T08:00:00+08:00' },
    { orderId: 'next-day', acceptedAt: '2025-08-02T00:00:00+08:00' },
    { orderId: 'bad', acceptedAt: 'x' },
    { orderId: 'bad-finish', acceptedAt: '2025-08-01T10:00:00+08:00', finishedAt: 'x' },
  ];

  it('keeps orders overlapping the Asia/Shanghai day, including one accepted before midnight (D11)', () => {
    expect(ordersOverlappingDate(orders, '2025-08-01', 6).map((o) => o.orderId)).toEqual(['before-midnight', 'same-day', 'open-from-evening']);
  });
});
