import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assertFen, formatYuan, multiplyFen, percentOfFen, scaleFen, sumFen } from '../../../core/index.ts';

describe('money', () => {
  it('rounds percentages half up and down in integer arithmetic (D9)', () => {
    expect(percentOfFen(250_000, 75, 'HALF_UP')).toBe(187_500);
    expect(percentOfFen(1, 50, 'HALF_UP')).toBe(1);
    expect(percentOfFen(1, 50, 'DOWN')).toBe(0);
    expect(percentOfFen(3, 49, 'HALF_UP')).toBe(1);
    expect(percentOfFen(-1, 50, 'HALF_UP')).toBe(-1);
    expect(percentOfFen(-3, 50, 'DOWN')).toBe(-1);
  });

  it('scales exactly near the safe-integer limit (no floating point)', () => {
    expect(scaleFen(Number.MAX_SAFE_INTEGER, 1, 1, 'DOWN')).toBe(Number.MAX_SAFE_INTEGER);
    expect(scaleFen(Number.MAX_SAFE_INTEGER, 3, 3, 'HALF_UP')).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => scaleFen(Number.MAX_SAFE_INTEGER, 2, 1, 'DOWN')).toThrow(RangeError);
  });

  it('rejects bad scale arguments', () => {
    expect(() => scaleFen(1.5, 1, 1, 'DOWN')).toThrow(RangeError);
    expect(() => scaleFen(1, -1, 1, 'DOWN')).toThrow(/numerator/);
    expect(() => scaleFen(1, 0.5, 1, 'DOWN')).toThrow(/numerator/);
    expect(() => scaleFen(1, 1, 0, 'DOWN')).toThrow(/denominator/);
    expect(() => scaleFen(1, 1, 1.5, 'DOWN')).toThrow(/denominator/);
  });

  it('multiplies and sums safe integers only', () => {
    expect(multiplyFen(7, 12_345_678)).toBe(86_419_746);
    expect(() => multiplyFen(7, 1.5)).toThrow(/count/);
    expect(() => multiplyFen(Number.MAX_SAFE_INTEGER, 2)).toThrow(/product/);
    expect(() => multiplyFen(Number.MIN_SAFE_INTEGER, 2)).toThrow(RangeError);
    expect(sumFen([1, 2, 3])).toBe(6);
    expect(sumFen([])).toBe(0);
    expect(() => sumFen([Number.MAX_SAFE_INTEGER, 1])).toThrow(/sum/);
    expect(() => sumFen([0.1])).toThrow(RangeError);
    expect(assertFen(5)).toBe(5);
    expect(() => assertFen(Number.NaN, 'rate')).toThrow(/rate/);
  });

  it('formats yuan', () => {
    expect(formatYuan(86_419_746)).toBe('864197.46');
    expect(formatYuan(5)).toBe('0.05');
    expect(formatYuan(-105)).toBe('-1.05');
  });

  it('HALF_UP equals the exact rational rounded half up (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 0, max: 200 }), (fen, pct) => {
        const exact = BigInt(fen) * BigInt(pct);
        const down = percentOfFen(fen, pct, 'DOWN');
        const up = percentOfFen(fen, pct, 'HALF_UP');
        expect(BigInt(down)).toBe(exact / 100n);
        expect(BigInt(up)).toBe(exact % 100n >= 50n ? exact / 100n + 1n : exact / 100n);
      }),
    );
  });
});
