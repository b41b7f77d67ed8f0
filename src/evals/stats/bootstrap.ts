/**
 * Seeded percentile bootstrap for proportions: resample rows with replacement, recompute the
 * statistic, take the 2.5th and 97.5th percentiles. The same seed and rows give the same interval.
 */
import { createRng } from '../../util/random.js';
import { percentileInterval } from '../../util/percentile.js';

export type Interval = [number, number];

export interface BootstrapOptions {
  seed: number | string;
  resamples?: number;
}

/** 95 % interval of the mean of `values` (each 0 or 1 for a proportion); null when there are none. */
export function bootstrapMeanCI(values: readonly number[], options: BootstrapOptions): Interval | null {
  const n = values.length;
  if (n === 0) return null;
  const resamples = options.resamples ?? 1000;
  const rng = createRng(options.seed);
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let sum = 0;
    // rng.int(n) is in [0, n): the index is always in bounds.
    for (let i = 0; i < n; i++) sum += values[rng.int(n)]!;
    means[b] = sum / n;
  }
  return percentileInterval(means);
}

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}
