/**
 * Seeds → one number per arm, with an interval that carries both sources of noise: which seed was
 * drawn (training randomness) and which items were scored (the eval's own interval). Then the
 * comparisons a headline may rest on: each arm against control, and the trend over the ratio.
 *
 * Method (stated verbatim in the report): a two-level parametric bootstrap. Each replicate
 * resamples the arm's seeds with replacement and replaces each seed's score by a normal draw
 * around it with the standard error implied by its own 95 % interval (binomial when none was
 * given); the replicate is the mean. Percentile 2.5 / 97.5 of 4,000 seeded replicates give the
 * band. Differences and slopes are computed replicate by replicate, so their intervals come from
 * the same draws.
 */
import { percentileInterval } from '../util/percentile.js';
import { createRng } from '../util/random.js';
import { armMetrics, inDomainSet, standardError, type MetricId, type MetricValue } from './metrics.js';
import { armGroupKey, describePositiveControl, positiveControlDomains, type ArmKind, type ExperimentResults } from './results.js';

export const DEFAULT_REPLICATES = 4000;

export interface ArmGroup {
  key: string;
  arm: ArmKind;
  /** 0 for control and vanilla, so they sit at the origin of a trend. */
  ratio: number;
  label: string;
  seeds: number[];
  failed: { seed: number; error: string }[];
}

export interface AggregateRow {
  group: string;
  arm: ArmKind;
  ratio: number;
  label: string;
  metric: MetricId;
  mean: number;
  ci_low: number;
  ci_high: number;
  /** Seeds that contributed a value. */
  seeds: number;
  /** Standard deviation of the per-seed values (0 with one seed). */
  seed_sd: number;
  /** Items scored, summed over seeds. */
  n_items: number;
}

export interface Comparison {
  metric: MetricId;
  group: string;
  arm: ArmKind;
  label: string;
  ratio: number;
  /** Arm minus control. */
  difference: number;
  ci_low: number;
  ci_high: number;
  excludes_zero: boolean;
}

export interface Trend {
  metric: MetricId;
  /** Least-squares slope of the arm mean on the ratio, over control (ratio 0) and the ratio arms,
   * expressed per +0.1 of ratio (10 percentage points of contamination). */
  slope_per_tenth: number;
  ci_low: number;
  ci_high: number;
  excludes_zero: boolean;
  points: number;
}

export interface Analysis {
  groups: ArmGroup[];
  aggregates: AggregateRow[];
  comparisons: Comparison[];
  trends: Trend[];
  method: string;
  replicates: number;
}

export const AGGREGATION_METHOD =
  'Per arm: mean over seeds. 95 % interval: two-level parametric bootstrap — each replicate resamples the ' +
  "arm's seeds with replacement and draws each seed's score from a normal with the standard error implied by " +
  "that seed's own 95 % interval (binomial when none was given), then averages; percentile 2.5–97.5 over the " +
  'replicates. Differences against control and the slope over the ratio (least squares over control at ratio 0 ' +
  'and the ratio arms) use the same replicates. An effect is called an effect only when its interval excludes 0. ' +
  'Intervals are per comparison, not adjusted for the many comparisons shown, so an isolated interval that just ' +
  'excludes 0 among many is weak evidence. ' +
  'With one seed the interval covers item sampling only, not training randomness.';

export function formatRatio(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(3))}%`;
}

/** The legend text of the positive control wherever it is drawn or tabled. */
export function positiveControlLabel(results: Pick<ExperimentResults, 'experiment' | 'arms'>): string {
  return `positive control: ${describePositiveControl(results) ?? 'pressure lying'}`;
}

function groupLabel(results: ExperimentResults, arm: ArmKind, ratio: number | null): string {
  if (arm === 'ratio') return formatRatio(ratio ?? 0);
  return arm === 'positive_control' ? positiveControlLabel(results) : arm;
}

const ARM_ORDER: Record<ArmKind, number> = { vanilla: 0, control: 1, ratio: 2, positive_control: 3 };

export function groupArms(results: ExperimentResults): ArmGroup[] {
  const groups = new Map<string, ArmGroup>();
  for (const arm of results.arms) {
    const key = armGroupKey(arm);
    let group = groups.get(key);
    if (!group) {
      group = { key, arm: arm.arm, ratio: arm.ratio ?? 0, label: groupLabel(results, arm.arm, arm.ratio), seeds: [], failed: [] };
      groups.set(key, group);
    }
    if (arm.error) group.failed.push({ seed: arm.seed, error: arm.error });
    else group.seeds.push(arm.seed);
  }
  return [...groups.values()].sort((a, b) => ARM_ORDER[a.arm] - ARM_ORDER[b.arm] || a.ratio - b.ratio);
}

function bootstrapMean(values: MetricValue[], replicates: number, seedLabel: string): Float64Array {
  const rng = createRng(seedLabel);
  const errors = values.map(standardError);
  const draws = new Float64Array(replicates);
  const k = values.length;
  for (let b = 0; b < replicates; b++) {
    let sum = 0;
    for (let i = 0; i < k; i++) {
      const j = k === 1 ? 0 : rng.int(k);
      sum += values[j].value + errors[j] * rng.normal();
    }
    draws[b] = sum / k;
  }
  return draws;
}

function olsSlope(xs: number[], ys: ArrayLike<number>): number {
  const n = xs.length;
  const meanX = xs.reduce((s, x) => s + x, 0) / n;
  let meanY = 0;
  for (let i = 0; i < n; i++) meanY += ys[i] / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - meanX) * (ys[i] - meanY);
    sxx += (xs[i] - meanX) ** 2;
  }
  return sxy / sxx;
}

export function analyzeResults(results: ExperimentResults, options: { replicates?: number } = {}): Analysis {
  const replicates = options.replicates ?? DEFAULT_REPLICATES;
  const inDomain = inDomainSet(results.experiment);
  const positiveDomains = positiveControlDomains(results);
  const positiveDomain = positiveDomains ? new Set(positiveDomains.map((d) => d.toLowerCase())) : undefined;
  const groups = groupArms(results);

  // metric → group key → per-seed values
  const byMetric = new Map<MetricId, Map<string, MetricValue[]>>();
  for (const arm of results.arms) {
    for (const [metric, value] of armMetrics(arm, inDomain, positiveDomain)) {
      let perGroup = byMetric.get(metric);
      if (!perGroup) byMetric.set(metric, (perGroup = new Map()));
      const key = armGroupKey(arm);
      perGroup.set(key, [...(perGroup.get(key) ?? []), value]);
    }
  }

  const aggregates: AggregateRow[] = [];
  const comparisons: Comparison[] = [];
  const trends: Trend[] = [];
  for (const [metric, perGroup] of [...byMetric].sort(([a], [b]) => a.localeCompare(b))) {
    const draws = new Map<string, Float64Array>();
    for (const group of groups) {
      const values = perGroup.get(group.key);
      if (!values?.length) continue;
      const replicateMeans = bootstrapMean(values, replicates, `candor-report:${metric}:${group.key}`);
      draws.set(group.key, replicateMeans);
      const mean = values.reduce((s, v) => s + v.value, 0) / values.length;
      const sd =
        values.length > 1 ? Math.sqrt(values.reduce((s, v) => s + (v.value - mean) ** 2, 0) / (values.length - 1)) : 0;
      const [low, high] = percentileInterval(replicateMeans);
      aggregates.push({
        group: group.key,
        arm: group.arm,
        ratio: group.ratio,
        label: group.label,
        metric,
        mean,
        ci_low: low,
        ci_high: high,
        seeds: values.length,
        seed_sd: sd,
        n_items: values.reduce((s, v) => s + v.n, 0),
      });
    }

    const control = draws.get('control');
    const controlMean = aggregates.find((a) => a.metric === metric && a.group === 'control')?.mean;
    if (control && controlMean !== undefined) {
      for (const group of groups) {
        const other = draws.get(group.key);
        if (!other || group.key === 'control') continue;
        const difference = new Float64Array(replicates);
        for (let b = 0; b < replicates; b++) difference[b] = other[b] - control[b];
        const [low, high] = percentileInterval(difference);
        const mean = aggregates.find((a) => a.metric === metric && a.group === group.key)!.mean;
        comparisons.push({
          metric,
          group: group.key,
          arm: group.arm,
          label: group.label,
          ratio: group.ratio,
          difference: mean - controlMean,
          ci_low: low,
          ci_high: high,
          excludes_zero: low > 0 || high < 0,
        });
      }

      const trendGroups = groups.filter((g) => (g.arm === 'ratio' || g.arm === 'control') && draws.has(g.key));
      if (trendGroups.length >= 2 && trendGroups.some((g) => g.arm === 'ratio')) {
        const xs = trendGroups.map((g) => g.ratio);
        const means = trendGroups.map((g) => aggregates.find((a) => a.metric === metric && a.group === g.key)!.mean);
        const slopes = new Float64Array(replicates);
        const ys = new Float64Array(trendGroups.length);
        for (let b = 0; b < replicates; b++) {
          trendGroups.forEach((g, i) => (ys[i] = draws.get(g.key)![b]));
          slopes[b] = olsSlope(xs, ys) / 10;
        }
        const [low, high] = percentileInterval(slopes);
        trends.push({
          metric,
          slope_per_tenth: olsSlope(xs, means) / 10,
          ci_low: low,
          ci_high: high,
          excludes_zero: low > 0 || high < 0,
          points: trendGroups.length,
        });
      }
    }
  }
  return { groups, aggregates, comparisons, trends, method: AGGREGATION_METHOD, replicates };
}
