/**
 * Money is integer fen (分) held in a `number` that must be a safe integer. Every operation here is
 * integer arithmetic (BigInt where a product could leave the safe range); no floating point touches
 * money anywhere in the core.
 */

export type Fen = number;
export type Rounding = 'HALF_UP' | 'DOWN';

/** Throws a RangeError unless `fen` is a safe integer; returns it otherwise. */
export function assertFen(fen: number, what = 'amount'): Fen {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`${what} must be a safe integer number of fen, got ${fen}`);
  return fen;
}

function toSafe(value: bigint, what: string): Fen {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`${what} leaves the safe integer range`);
  }
  return Number(value);
}

/**
 * `fen × numerator / denominator` rounded to whole fen. HALF_UP rounds halves away from zero,
 * DOWN truncates toward zero. Integer arithmetic only (BigInt).
 */
export function scaleFen(fen: Fen, numerator: number, denominator: number, rounding: Rounding): Fen {
  assertFen(fen);
  if (!Number.isSafeInteger(numerator) || numerator < 0) throw new RangeError(`numerator must be a non-negative safe integer, got ${numerator}`);
  if (!Number.isSafeInteger(denominator) || denominator <= 0) throw new RangeError(`denominator must be a positive safe integer, got ${denominator}`);
  const negative = fen < 0;
  const product = BigInt(Math.abs(fen)) * BigInt(numerator);
  const d = BigInt(denominator);
  const magnitude = rounding === 'HALF_UP' ? (product * 2n + d) / (2n * d) : product / d;
  return toSafe(negative ? -magnitude : magnitude, 'scaled amount');
}

/** `percent` % of `fen` (integer percent, e.g. 75), rounded as asked (D9: half up unless stated). */
export function percentOfFen(fen: Fen, percent: number, rounding: Rounding): Fen {
  return scaleFen(fen, percent, 100, rounding);
}

/** `fen × count` for an integer count (e.g. a per-order rate × orders, D5; W × months, D9). */
export function multiplyFen(fen: Fen, count: number): Fen {
  assertFen(fen);
  if (!Number.isSafeInteger(count)) throw new RangeError(`count must be a safe integer, got ${count}`);
  return toSafe(BigInt(fen) * BigInt(count), 'product');
}

/** Sum of amounts in fen; throws if any amount or the total is not a safe integer. */
export function sumFen(list: readonly Fen[]): Fen {
  let total = 0n;
  for (const fen of list) total += BigInt(assertFen(fen));
  return toSafe(total, 'sum');
}

/** Formats fen as yuan with two decimals (`86419746` → `"864197.46"`), for documents and logs. */
export function formatYuan(fen: Fen): string {
  assertFen(fen);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.trunc(abs / 100);
  const cents = abs - yuan * 100;
  return `${sign}${yuan}.${String(cents).padStart(2, '0')}`;
}
