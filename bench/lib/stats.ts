/** Small statistics for side-by-side measurements: every reported figure is a ratio, repeated. */

/** The q-quantile (0..1) by linear interpolation between order statistics. NaN for an empty list. */
export const quantile = (values: readonly number[], q: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
};

export const median = (values: readonly number[]) => quantile(values, 0.5);

export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export const summarize = (values: readonly number[]): Summary => ({
  n: values.length,
  median: median(values),
  min: values.length ? Math.min(...values) : Number.NaN,
  max: values.length ? Math.max(...values) : Number.NaN,
});

/** `1.23× (1.10–1.31, n=5)` */
export const fmtRatio = (s: Summary, digits = 2): string => `${s.median.toFixed(digits)}× (${s.min.toFixed(digits)}–${s.max.toFixed(digits)}, n=${s.n})`;

/** `123 (110–131)` */
export const fmtRange = (s: Summary, digits = 0, unit = ''): string =>
  `${s.median.toFixed(digits)}${unit} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)}${unit})`;

/** Pass when the median ratio is on the right side of the target. */
export const verdict = (value: number, target: number, direction: 'atLeast' | 'atMost'): 'pass' | 'MISS' =>
  (direction === 'atLeast' ? value >= target : value <= target) ? 'pass' : 'MISS';

/** Runs `fn` over items with at most `limit` in flight, keeping result order. */
export const mapLimit = async <T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> => {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};

export const chunk = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
