import { describe, expect, it } from 'vitest';
import { inMonthRange, rebuildChanges } from '../../../core/index.ts';

const image = (orderId: string, over: Record<string, unknown> = {}) => ({
  pk: `plt_1#${orderId}`,
  platformId: 'plt_1',
  orderId,
  platformWorkerId: 'rider-1',
  workerId: 'wkr_1',
  industry: 'INSTANT_DELIVERY',
  chargedIndustry: 'INSTANT_DELIVERY',
  province: '110000',
  acceptedAt: '2025-08-03T09:00:00+08:00',
  date: '2025-08-03',
  receivedAt: '2025-08-03T01:00:00.000Z',
  expiresAt: 1_760_544_000,
  ...over,
});

describe('rebuildChanges (issue 18: the ledger rebuild and the rider-day backfill)', () => {
  it('feeds each order once, with only the fields the projection reads, as the kind asked for', () => {
    const changes = rebuildChanges([image('o-1', { unprojected: 'plt_1#2025-08' }), image('o-1')], 'count');
    expect(changes).toEqual([
      {
        kind: 'count',
        order: {
          platformId: 'plt_1',
          orderId: 'o-1',
          workerId: 'wkr_1',
          province: '110000',
          industry: 'INSTANT_DELIVERY',
          chargedIndustry: 'INSTANT_DELIVERY',
          acceptedAt: '2025-08-03T09:00:00+08:00',
          date: '2025-08-03',
        },
      },
    ]);
    expect(rebuildChanges([image('o-1')], 'span')[0]!.kind).toBe('span');
  });

  it('keeps the image that has finishedAt, whichever comes first (an order only gains it)', () => {
    const finished = image('o-1', { finishedAt: '2025-08-03T10:00:00+08:00' });
    expect(rebuildChanges([image('o-1'), finished], 'count')[0]!.order.finishedAt).toBe('2025-08-03T10:00:00+08:00');
    expect(rebuildChanges([finished, image('o-1')], 'count')[0]!.order.finishedAt).toBe('2025-08-03T10:00:00+08:00');
  });

  it('skips what is not an order and keeps the same order of two platforms apart', () => {
    const other = image('o-1', { platformId: 'plt_2', pk: 'plt_2#o-1' });
    const changes = rebuildChanges([{ pk: 'TTLPROBE#1', expiresAt: 1 }, image('o-1'), other], 'span');
    expect(changes.map((c) => `${c.order.platformId}/${c.order.orderId}`)).toEqual(['plt_1/o-1', 'plt_2/o-1']);
  });

  it('restricts to a month range, both ends included, by the order date', () => {
    const orders = [
      image('jul', { date: '2025-07-31' }),
      image('aug', { date: '2025-08-01' }),
      image('sep', { date: '2025-09-30' }),
      image('oct', { date: '2025-10-01' }),
    ];
    expect(rebuildChanges(orders, 'count', { from: '2025-08', to: '2025-09' }).map((c) => c.order.orderId)).toEqual(['aug', 'sep']);
  });

  it('plans in a fixed order whatever order the images come in (platform, date, acceptance, id)', () => {
    const a = image('b', { acceptedAt: '2025-08-03T08:00:00+08:00' });
    const b = image('a', { acceptedAt: '2025-08-03T09:00:00+08:00' });
    const c = image('c', { acceptedAt: '2025-08-03T09:00:00+08:00' });
    const d = image('d', { date: '2025-08-02' });
    const ids = (xs: Record<string, unknown>[]) => rebuildChanges(xs, 'count').map((x) => x.order.orderId);
    expect(ids([c, b, a, d])).toEqual(['d', 'b', 'a', 'c']);
    expect(ids([d, a, b, c])).toEqual(['d', 'b', 'a', 'c']);
    expect(ids([b, b])).toEqual(['a']);
  });
});

describe('inMonthRange', () => {
  it('includes both ends and refuses a malformed or reversed range', () => {
    expect(inMonthRange('2025-08', { from: '2025-08', to: '2025-08' })).toBe(true);
    expect(inMonthRange('2025-09', { from: '2025-08', to: '2025-08' })).toBe(false);
    expect(() => inMonthRange('2025-08', { from: '2025-09', to: '2025-08' })).toThrow(RangeError);
    expect(() => inMonthRange('2025-08', { from: '2025-8', to: '2025-09' })).toThrow(RangeError);
    expect(() => inMonthRange('2025-08', { from: '2025-08', to: 'x' })).toThrow(RangeError);
  });
});
