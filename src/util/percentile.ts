/**
 * Percentiles with linear interpolation between order statistics (NumPy's default, "type 7"),
 * the rule every bootstrap interval in Candor reads its 2.5th and 97.5th percentiles with.
 */

/** The q-quantile (0 ≤ q ≤ 1) of values already sorted ascending. */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const position = q * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const below = sorted[lower];
  const above = sorted[upper];
  // An empty input has no order statistics; NaN is what the interpolation always gave it.
  if (below === undefined || above === undefined) return Number.NaN;
  return below + (above - below) * (position - lower);
}

/** 95 % percentile interval of bootstrap draws: their 2.5th and 97.5th percentiles. */
export function percentileInterval(draws: ArrayLike<number>): [number, number] {
  const sorted = Float64Array.from(draws).sort();
  return [quantileOfSorted(sorted, 0.025), quantileOfSorted(sorted, 0.975)];
}
