/** Order statistics for benchmark samples. Pure functions: no tfjs, no clock. */

/** The q-quantile (0..1) of the values, linearly interpolated between order statistics (R type 7). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error('quantile of no values');
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile q must be in [0, 1], got ${q}`);
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export interface Summary {
  median: number;
  p10: number;
  p90: number;
  samples: number;
  /** (p90 - p10) / median: the relative spread. */
  spread: number;
}

export function summarize(values: readonly number[]): Summary {
  const median = quantile(values, 0.5);
  const p10 = quantile(values, 0.1);
  const p90 = quantile(values, 0.9);
  return { median, p10, p90, samples: values.length, spread: median > 0 ? (p90 - p10) / median : 0 };
}

/** Above this relative spread (either side) a speedup is flagged as noisy. */
export const NOISY_SPREAD = 0.1;

/** How many times faster ours is: builtin median / custom median (> 1: ours wins). */
export function speedup(builtinMedian: number, customMedian: number): number {
  return customMedian > 0 ? builtinMedian / customMedian : Number.POSITIVE_INFINITY;
}

export function isNoisy(...spreads: number[]): boolean {
  return spreads.some((s) => s > NOISY_SPREAD);
}
