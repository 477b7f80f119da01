/** Small statistics for side-by-side measurements: every reported figure is a ratio, repeated. (Concurrency helpers: functions/_shared/db.ts.) */

/** The q-quantile (0..1) by linear interpolation between order statistics. NaN for an empty list. */
export const quantile = (values: readonly number[], q: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
};

const median = (values: readonly number[]) => quantile(values, 0.5);

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
