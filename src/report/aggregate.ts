/**
 * Seeds and items → one number per arm, with an interval; then the comparisons a headline may
 * rest on: each arm against control, and the trend over the ratio.
 *
 * Two methods, chosen per metric and stated in the report:
 *  - paired (when every arm carries its per-item outcomes, `items` in results.json): every arm is
 *    compared with control on the identical items at the same seed (same base checkpoint), and
 *    the interval comes from a mixed model with crossed seed and item effects (paired.ts): the
 *    per-item differences are resampled, in effect, over items and seeds jointly.
 *  - summary (per-item outcomes absent, e.g. capability, or results written by an older runner):
 *    a two-level parametric bootstrap over the per-seed summaries — each replicate resamples the
 *    arm's seeds with replacement and draws each seed's score from a normal with the standard
 *    error implied by its own 95 % interval (binomial when none was given); differences and
 *    slopes are computed replicate by replicate. Not paired: it ignores that arms share items.
 */
import { percentileInterval } from '../util/percentile.js';
import { createRng } from '../util/random.js';
import { armItemMetrics, emptyCounts, itemSource, type NonAnswerCounts } from './item-metrics.js';
import { armMetrics, inDomainSet, standardError, type MetricId, type MetricValue } from './metrics.js';
import { contrastValues, estimateMean, slopeWeights, type Design, type SeedItemValues } from './paired.js';
import { armGroupKey, describePositiveControl, positiveControlDomains, type ArmKind, type ExperimentResults } from '../experiments/results-schema.js';

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
  /** How the interval was computed (see the module comment). */
  method: 'paired' | 'summary';
  design?: Design;
  /** Paired: rows of the slice over all seeds, non-answers included, and the non-answers by kind. */
  n_rows?: number;
  non_answers?: NonAnswerCounts;
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
  method: 'paired' | 'summary';
  design?: Design;
  /** Paired: the item × seed cells both arms answered. */
  n_items?: number;
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
  method: 'paired' | 'summary';
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
  'Paired (every figure whose per-item outcomes the arms carry: MASK and DeceptionBench): each arm is compared with control on the ' +
  'identical items at the same seed — a seed fixes the base checkpoint, the data draw and the positive control’s entity split. ' +
  'Mean and 95 % interval from a linear mixed model with crossed random effects of seed and item, fitted by the method of ' +
  'moments (two-way ANOVA), Student t on Satterthwaite’s degrees of freedom; items that differ between seeds are treated as ' +
  'nested in seeds (t over the seed means). Differences from control and the slope over the ratio are per-item contrasts under ' +
  'the same model. Not a bootstrap: with 3 seeds, resampling seeds under-covers; on simulated runs with known effects this ' +
  'interval covered the truth in 94–97 % of runs (test/report.paired.test.ts). ' +
  'Summary (capability and MASK accuracy, which carry no per-item outcomes here): two-level parametric bootstrap over the ' +
  'per-seed summaries, not paired. ' +
  'An effect is called an effect only when its interval excludes 0. Intervals are per comparison, not adjusted for the many ' +
  'comparisons shown, so an isolated interval that just excludes 0 among many is weak evidence. With one seed an interval ' +
  'covers item sampling only, not the variation between bases and training runs.';

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
      // j is in [0, k): values and errors both have k entries.
      const j = k === 1 ? 0 : rng.int(k);
      sum += values[j]!.value + errors[j]! * rng.normal();
    }
    draws[b] = sum / k;
  }
  return draws;
}

/** Slope of ys on xs; the two have the same length (one point per trend group). */
function olsSlope(xs: number[], ys: ArrayLike<number>): number {
  const n = xs.length;
  const meanX = xs.reduce((s, x) => s + x, 0) / n;
  let meanY = 0;
  for (let i = 0; i < n; i++) meanY += ys[i]! / n;
  let sxy = 0;
  let sxx = 0;
  for (const [i, x] of xs.entries()) {
    sxy += (x - meanX) * (ys[i]! - meanY);
    sxx += (x - meanX) ** 2;
  }
  return sxy / sxx;
}

export function analyzeResults(results: ExperimentResults, options: { replicates?: number } = {}): Analysis {
  const replicates = options.replicates ?? DEFAULT_REPLICATES;
  const inDomain = inDomainSet(results.experiment);
  const positiveDomains = positiveControlDomains(results);
  const positiveDomain = positiveDomains ? new Set(positiveDomains.map((d) => d.toLowerCase())) : undefined;
  const groups = groupArms(results);

  const paired = pairedData(results, inDomain, positiveDomain);
  const aggregates: AggregateRow[] = [];
  const comparisons: Comparison[] = [];
  const trends: Trend[] = [];
  for (const [metric, perGroup] of [...paired].sort(([a], [b]) => a.localeCompare(b))) {
    const out = analyzePaired(metric, perGroup, groups);
    aggregates.push(...out.aggregates);
    comparisons.push(...out.comparisons);
    trends.push(...out.trends);
  }

  // metric → group key → per-seed values (metrics the per-item outcomes do not give)
  const byMetric = new Map<MetricId, Map<string, MetricValue[]>>();
  for (const arm of results.arms) {
    for (const [metric, value] of armMetrics(arm, inDomain, positiveDomain)) {
      if (paired.has(metric)) continue;
      let perGroup = byMetric.get(metric);
      if (!perGroup) byMetric.set(metric, (perGroup = new Map()));
      const key = armGroupKey(arm);
      perGroup.set(key, [...(perGroup.get(key) ?? []), value]);
    }
  }

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
        method: 'summary',
        ...summedNonAnswers(values),
      });
    }

    const control = draws.get('control');
    const controlMean = aggregates.find((a) => a.metric === metric && a.group === 'control')?.mean;
    if (control && controlMean !== undefined) {
      for (const group of groups) {
        const other = draws.get(group.key);
        if (!other || group.key === 'control') continue;
        const difference = new Float64Array(replicates);
        // Both hold `replicates` draws.
        for (let b = 0; b < replicates; b++) difference[b] = other[b]! - control[b]!;
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
          method: 'summary',
        });
      }

      const trendGroups = groups.filter((g) => (g.arm === 'ratio' || g.arm === 'control') && draws.has(g.key));
      if (trendGroups.length >= 2 && trendGroups.some((g) => g.arm === 'ratio')) {
        const xs = trendGroups.map((g) => g.ratio);
        const means = trendGroups.map((g) => aggregates.find((a) => a.metric === metric && a.group === g.key)!.mean);
        const slopes = new Float64Array(replicates);
        const ys = new Float64Array(trendGroups.length);
        for (let b = 0; b < replicates; b++) {
          trendGroups.forEach((g, i) => (ys[i] = draws.get(g.key)![b]!));
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
          method: 'summary',
        });
      }
    }
  }
  return { groups, aggregates, comparisons, trends, method: AGGREGATION_METHOD, replicates };
}

interface PairedGroupData {
  bySeed: SeedItemValues;
  rows: number;
  non_answers: NonAnswerCounts;
}

/**
 * metric → group → per-seed item values, for every metric of a benchmark whose scored arms all
 * carry per-item outcomes (a run where some arms lack them falls back to the summary method).
 */
function pairedData(results: ExperimentResults, inDomain: Set<string>, positiveDomain: Set<string> | undefined): Map<MetricId, Map<string, PairedGroupData>> {
  const finished = results.arms.filter((a) => !a.error);
  const sources = new Set<'mask' | 'deception'>();
  for (const source of ['mask', 'deception'] as const) {
    const scored = finished.filter((a) => a[source] || a.items?.[source]);
    if (scored.length && scored.every((a) => a.items?.[source]?.length)) sources.add(source);
  }
  const out = new Map<MetricId, Map<string, PairedGroupData>>();
  for (const arm of finished) {
    for (const [metric, m] of armItemMetrics(arm, inDomain, positiveDomain)) {
      const source = itemSource(metric);
      if (!source || !sources.has(source)) continue;
      let perGroup = out.get(metric);
      if (!perGroup) out.set(metric, (perGroup = new Map()));
      const key = armGroupKey(arm);
      let data = perGroup.get(key);
      if (!data) perGroup.set(key, (data = { bySeed: new Map(), rows: 0, non_answers: emptyCounts() }));
      data.bySeed.set(arm.seed, m.values);
      data.rows += m.rows;
      for (const kind of Object.keys(m.non_answers) as (keyof NonAnswerCounts)[]) data.non_answers[kind] += m.non_answers[kind];
    }
  }
  return out;
}

/** Summary method: the seeds' non-answer counts added up, when every seed's summary carries them. */
function summedNonAnswers(values: MetricValue[]): Pick<AggregateRow, 'non_answers' | 'n_rows'> {
  if (!values.length || values.some((v) => !v.non_answers)) return {};
  const total = emptyCounts();
  for (const v of values) for (const kind of Object.keys(total) as (keyof NonAnswerCounts)[]) total[kind] += v.non_answers![kind];
  return { non_answers: total, n_rows: values.reduce((s, v) => s + (v.rows ?? v.n), 0) };
}

function seedMeansSd(bySeed: SeedItemValues): number {
  const means = [...bySeed.values()].map((items) => [...items.values()].reduce((a, b) => a + b, 0) / items.size);
  if (means.length < 2) return 0;
  const m = means.reduce((a, b) => a + b, 0) / means.length;
  return Math.sqrt(means.reduce((a, x) => a + (x - m) ** 2, 0) / (means.length - 1));
}

function analyzePaired(metric: MetricId, perGroup: Map<string, PairedGroupData>, groups: ArmGroup[]): { aggregates: AggregateRow[]; comparisons: Comparison[]; trends: Trend[] } {
  const aggregates: AggregateRow[] = [];
  const comparisons: Comparison[] = [];
  const trends: Trend[] = [];
  for (const group of groups) {
    const data = perGroup.get(group.key);
    const est = data && estimateMean(data.bySeed);
    if (!data || !est) continue;
    aggregates.push({
      group: group.key,
      arm: group.arm,
      ratio: group.ratio,
      label: group.label,
      metric,
      mean: est.estimate,
      // Every paired figure is a proportion: a t interval that reaches past 0 or 1 is cut there.
      ci_low: Math.max(0, est.ci95[0]),
      ci_high: Math.min(1, est.ci95[1]),
      seeds: est.seeds,
      seed_sd: seedMeansSd(data.bySeed),
      n_items: [...data.bySeed.values()].reduce((sum, items) => sum + items.size, 0),
      method: 'paired',
      design: est.design,
      n_rows: data.rows,
      non_answers: data.non_answers,
    });
  }
  const control = perGroup.get('control');
  if (!control) return { aggregates, comparisons, trends };
  for (const group of groups) {
    const data = perGroup.get(group.key);
    if (!data || group.key === 'control') continue;
    const est = estimateMean(contrastValues([data.bySeed, control.bySeed], [1, -1]));
    if (!est) continue;
    comparisons.push({
      metric,
      group: group.key,
      arm: group.arm,
      label: group.label,
      ratio: group.ratio,
      difference: est.estimate,
      ci_low: Math.max(-1, est.ci95[0]),
      ci_high: Math.min(1, est.ci95[1]),
      excludes_zero: est.ci95[0] > 0 || est.ci95[1] < 0,
      method: 'paired',
      design: est.design,
      n_items: est.cells,
    });
  }
  const trendGroups = groups.filter((g) => (g.arm === 'ratio' || g.arm === 'control') && perGroup.has(g.key));
  if (trendGroups.length >= 2 && trendGroups.some((g) => g.arm === 'ratio')) {
    const weights = slopeWeights(trendGroups.map((g) => g.ratio));
    const est = estimateMean(contrastValues(trendGroups.map((g) => perGroup.get(g.key)!.bySeed), weights));
    if (est) {
      trends.push({
        metric,
        slope_per_tenth: est.estimate / 10,
        ci_low: est.ci95[0] / 10,
        ci_high: est.ci95[1] / 10,
        excludes_zero: est.ci95[0] > 0 || est.ci95[1] < 0,
        points: trendGroups.length,
        method: 'paired',
      });
    }
  }
  return { aggregates, comparisons, trends };
}
