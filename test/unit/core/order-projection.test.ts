import { describe, expect, it } from 'vitest';
import { coverageDates, decodeRiderDayEntry, encodeRiderDayEntry, orderChange, projectedOrder, riderDates, riderDayOrder } from '../../../core/index.ts';

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

describe('rider-day entries: compact, kept 13 months (issue 18)', () => {
  const open = { orderId: 'o-1', province: '110000', industry: 'FOOD_DELIVERY' as const, acceptedAt: '2025-08-01T23:00:00+08:00' };
  const finished = { ...open, finishedAt: '2025-08-02T00:35:10+08:00' };

  it('an entry is a short string that reads back as the order, its instants in Asia/Shanghai', () => {
    const stored = encodeRiderDayEntry(finished);
    expect(stored).toBe(`${Date.parse(open.acceptedAt).toString(36)}.${(95 * 60_000 + 10_000).toString(36)}.110000.F`);
    expect((stored as string).length).toBeLessThan(25);
    expect(decodeRiderDayEntry('o-1', stored)).toEqual(finished);
    expect(decodeRiderDayEntry('o-1', encodeRiderDayEntry(open))).toEqual(open);
  });

  it('keeps the instant to the millisecond and reads it in Asia/Shanghai whatever offset it came with', () => {
    const utc = { ...open, industry: 'FREIGHT' as const, acceptedAt: '2025-08-01T15:00:00.250Z', finishedAt: '2025-08-01T15:30:00Z' };
    expect(decodeRiderDayEntry('o-1', encodeRiderDayEntry(utc))).toEqual({
      ...utc,
      acceptedAt: '2025-08-01T23:00:00.250+08:00',
      finishedAt: '2025-08-01T23:30:00+08:00',
    });
    for (const industry of ['RIDE_HAILING', 'INSTANT_DELIVERY'] as const)
      expect(decodeRiderDayEntry('o-1', encodeRiderDayEntry({ ...open, industry }))?.industry).toBe(industry);
  });

  it('times that do not parse, or a finish before the acceptance, are kept as the map of the first format', () => {
    expect(encodeRiderDayEntry({ ...open, acceptedAt: 'soon' })).toEqual({ p: '110000', i: 'FOOD_DELIVERY', a: 'soon' });
    expect(encodeRiderDayEntry({ ...open, finishedAt: 'later' })).toEqual({ p: '110000', i: 'FOOD_DELIVERY', a: open.acceptedAt, f: 'later' });
    expect(encodeRiderDayEntry({ ...open, finishedAt: '2025-08-01T22:00:00+08:00' })).toMatchObject({ f: '2025-08-01T22:00:00+08:00' });
  });

  it('reads entries of the first format (a map of ISO strings) as they were', () => {
    expect(decodeRiderDayEntry('o-1', { p: '110000', i: 'FOOD_DELIVERY', a: open.acceptedAt, f: finished.finishedAt })).toEqual(finished);
    expect(decodeRiderDayEntry('o-1', { p: '110000', i: 'FOOD_DELIVERY', a: open.acceptedAt })).toEqual(open);
  });

  it('an entry that is neither is no order', () => {
    for (const bad of [
      null,
      7,
      { p: '110000', i: 'BICYCLE', a: 'x' },
      { i: 'FOOD_DELIVERY', a: 'x' },
      { p: '1', i: 'FOOD_DELIVERY' },
      'abc.1.110000.X',
      'abc.1',
      '!.1.110000.F',
      'abc.!.110000.F',
    ])
      expect(decodeRiderDayEntry('o-1', bad)).toBeUndefined();
  });
});
