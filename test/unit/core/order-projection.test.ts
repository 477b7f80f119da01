import { describe, expect, it } from 'vitest';
import { coverageDates, orderChange, projectedOrder, riderDates, riderDayOrder } from '../../../core/index.ts';

const image = {
  pk: 'p#o-1',
  platformId: 'p',
  orderId: 'o-1',
  workerId: 'wkr_1',
  province: '110000',
  industry: 'FOOD_DELIVERY',
  chargedIndustry: 'INSTANT_DELIVERY',
  acceptedAt: '2025-08-01T23:00:00+08:00',
  date: '2025-08-01',
  batch: 'b-1',
  receivedAt: '2025-08-01T15:00:00.000Z',
};

describe('orderChange: what a committed change of the orders table means for the projection (issue 18)', () => {
  it('counts a new order once (an INSERT: no image before)', () => {
    expect(orderChange(undefined, image)).toEqual({ kind: 'count', order: projectedOrder(image) });
    expect(projectedOrder(image)).toMatchObject({ orderId: 'o-1', batch: 'b-1' });
    expect(projectedOrder(image)).not.toHaveProperty('receivedAt');
  });

  it('an order a job feeds carries no write batch (it counts without one)', () => {
    const { batch: _b, ...fed } = image;
    expect(projectedOrder(fed)).not.toHaveProperty('batch');
    expect(projectedOrder({ ...image, batch: 7 })).not.toHaveProperty('batch');
  });

  it('re-spans the rider-days of an order that gained its finishedAt, and counts nothing', () => {
    const finished = { ...image, finishedAt: '2025-08-02T01:00:00+08:00' };
    expect(orderChange(image, finished)).toEqual({ kind: 'span', order: { ...projectedOrder(image), finishedAt: '2025-08-02T01:00:00+08:00' } });
  });

  it('ignores changes of other attributes (an expiry set), removals (expiry, archive) and items that are no orders', () => {
    expect(orderChange(image, { ...image, expiresAt: 1_790_000_000 })).toBeUndefined();
    expect(orderChange(image, undefined)).toBeUndefined();
    expect(orderChange(undefined, { pk: 'x', orderId: 'o' })).toBeUndefined();
    expect(orderChange(undefined, { ...image, date: 20250801 })).toBeUndefined();
  });
});

describe('riderDates: the days whose rider-day item carries an order (D4, D11)', () => {
  it('an open order: its acceptance date (Asia/Shanghai) alone', () => {
    expect(riderDates({ acceptedAt: '2025-08-01T16:30:00Z' })).toEqual(['2025-08-02']);
  });

  it('a finished order: every date from acceptance to finish, across months', () => {
    expect(riderDates({ acceptedAt: '2025-07-31T22:00:00+08:00', finishedAt: '2025-08-02T00:10:00+08:00' })).toEqual([
      '2025-07-31',
      '2025-08-01',
      '2025-08-02',
    ]);
  });

  it('an unreadable finishedAt spans the acceptance date only', () => {
    expect(riderDates({ acceptedAt: '2025-08-01T10:00:00+08:00', finishedAt: 'later' })).toEqual(['2025-08-01']);
  });

  it('an entry carries what coverage reads, and a finishedAt only when there is one', () => {
    const order = projectedOrder(image)!;
    expect(riderDayOrder(order)).toEqual({ orderId: 'o-1', province: '110000', industry: 'FOOD_DELIVERY', acceptedAt: image.acceptedAt });
    expect(riderDayOrder({ ...order, finishedAt: 'f' }).finishedAt).toBe('f');
  });
});

describe('coverageDates: the rider-days a coverage question reads (D4)', () => {
  const params = { openOrderCoverHours: 6, coverGraceMinutes: 0 };
  it('one date when the open-order reach stays within the day', () => {
    expect(coverageDates(new Date('2025-08-01T12:00:00+08:00'), params)).toEqual(['2025-08-01']);
  });

  it('the day before too when an order accepted then may still cover the moment', () => {
    expect(coverageDates(new Date('2025-08-01T03:00:00+08:00'), params)).toEqual(['2025-07-31', '2025-08-01']);
  });

  it('a grace period longer than the open-order cover widens the reach', () => {
    expect(coverageDates(new Date('2025-08-03T12:00:00+08:00'), { openOrderCoverHours: 1, coverGraceMinutes: 3 * 24 * 60 })).toEqual([
      '2025-07-31',
      '2025-08-01',
      '2025-08-02',
      '2025-08-03',
    ]);
  });
});
