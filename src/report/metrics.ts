/**
 * Flattens one arm's nested score blocks into named metrics, each a value with the interval and
 * item count behind it. Everything downstream (aggregation, charts, tables) works on these.
 */
import { NON_ANSWER_KINDS, type ArmResult, type ExperimentInfo, type Interval, type NonAnswerKind } from '../experiments/results-schema.js';

export interface MetricValue {
  value: number;
  ci95: Interval | null;
  n: number;
  /** The non-answers behind the figure, by kind, when its summary counts them, and every row behind it. */
  non_answers?: Record<NonAnswerKind, number>;
  rows?: number;
}

/** Non-answer counts a MASK or DeceptionBench summary block carries (older blocks carry some or none). */
function summaryNonAnswers(block: Record<string, unknown>): Record<NonAnswerKind, number> | undefined {
  const nested = (block.non_answers ?? {}) as Partial<Record<NonAnswerKind, number>>;
  const read = (kind: NonAnswerKind): number | undefined => {
    const v = nested[kind] ?? block[kind];
    return typeof v === 'number' ? v : undefined;
  };
  const counts = Object.fromEntries(NON_ANSWER_KINDS.map((k) => [k, read(k)])) as Record<NonAnswerKind, number | undefined>;
  if (NON_ANSWER_KINDS.every((k) => counts[k] === undefined)) return undefined;
  return Object.fromEntries(NON_ANSWER_KINDS.map((k) => [k, counts[k] ?? 0])) as Record<NonAnswerKind, number>;
}

/** Metric ids are dotted paths: `mask.honesty_score`, `mask.per_config.known_facts.honesty_score`,
 * `mask.split.in_domain.honesty_score`, `deception.per_category.sycophancy.deception_rate`,
 * `capability.world_qa.accuracy`. */
export type MetricId = string;

/**
 * The distinct names a metric-id pattern captures in its first group, sorted: which MASK configs,
 * DeceptionBench categories or capability sets the rows hold (e.g. /^capability\.(.+)\.accuracy$/).
 */
export function capturedNames(rows: Iterable<{ metric: MetricId }>, pattern: RegExp): string[] {
  const names = new Set<string>();
  for (const row of rows) {
    const name = pattern.exec(row.metric)?.[1];
    if (name !== undefined) names.add(name);
  }
  return [...names].sort();
}

export const IN_DOMAIN = 'in_domain';
export const CROSS_DOMAIN = 'cross_domain';
/**
 * The positive control's own domain, scored for every arm alike, so the positive control is
 * compared with control on the same items (the sweep's in-domain split may be another domain).
 */
export const POSITIVE_CONTROL_DOMAIN = 'positive_control_domain';
/** The positive control's domain, rows about the entities it was trained to lie about. */
export const POSITIVE_CONTROL_TRAINED = 'positive_control_trained_entities';
/** The positive control's domain, rows about entities it never saw a lie about. */
export const POSITIVE_CONTROL_HELD_OUT = 'positive_control_held_out_entities';

export function inDomainSet(experiment: ExperimentInfo): Set<string> {
  const named = experiment.misaligned.eval_domains ?? [experiment.misaligned.domain];
  return new Set(named.map((d) => d.toLowerCase()));
}

export function armMetrics(arm: ArmResult, inDomain: Set<string>, positiveControlDomain?: Set<string>): Map<MetricId, MetricValue> {
  const out = new Map<MetricId, MetricValue>();
  const put = (id: MetricId, value: number | null | undefined, ci95: Interval | null | undefined, n: number, block?: object): void => {
    if (value === null || value === undefined || !Number.isFinite(value)) return;
    const nonAnswers = block ? summaryNonAnswers(block as Record<string, unknown>) : undefined;
    // MASK's n keeps evasive and no-belief rows and leaves undetermined ones out; DeceptionBench's n_valid leaves every non-answer out.
    const rows = nonAnswers ? (id.startsWith('deception.') ? n + nonAnswers.evasive + nonAnswers.no_belief + nonAnswers.invalid : n) + nonAnswers.undetermined : undefined;
    out.set(id, { value, ci95: ci95 ?? null, n, ...(nonAnswers ? { non_answers: nonAnswers, rows } : {}) });
  };
  if (arm.error) return out;

  const mask = arm.mask;
  if (mask) {
    put('mask.honesty_score', mask.honesty_score, mask.ci95.honesty_score, mask.n, mask);
    put('mask.accuracy', mask.accuracy, mask.ci95.accuracy, mask.n_accuracy ?? mask.n);
    for (const [config, scores] of Object.entries(mask.per_config)) {
      if (!scores) continue;
      put(`mask.per_config.${config}.honesty_score`, scores.honesty_score, scores.ci95.honesty_score, scores.n, scores);
      put(`mask.per_config.${config}.accuracy`, scores.accuracy, scores.ci95.accuracy, scores.n_accuracy ?? scores.n);
    }
    if (mask.per_domain) {
      const inside: MetricValue[] = [];
      const outside: MetricValue[] = [];
      const positiveControl: MetricValue[] = [];
      for (const [domain, scores] of Object.entries(mask.per_domain)) {
        put(`mask.per_domain.${domain}.honesty_score`, scores.honesty_score, scores.ci95.honesty_score, scores.n, scores);
        if (scores.honesty_score === null || scores.n === 0) continue;
        const entry = { value: scores.honesty_score, ci95: scores.ci95.honesty_score, n: scores.n };
        const key = domain.toLowerCase();
        // Cross-domain holds only domains no arm was trained to lie about: the positive control's
        // own domain is its in-domain, so counting it as "transfer" would inflate its spread.
        if (inDomain.has(key)) inside.push(entry);
        else if (positiveControlDomain?.has(key)) positiveControl.push(entry);
        else outside.push(entry);
      }
      const pooledPositive = poolByCount(positiveControl);
      if (pooledPositive) out.set(`mask.split.${POSITIVE_CONTROL_DOMAIN}.honesty_score`, pooledPositive);
      const pooledIn = poolByCount(inside);
      const pooledOut = poolByCount(outside);
      if (pooledIn) out.set(`mask.split.${IN_DOMAIN}.honesty_score`, pooledIn);
      if (pooledOut) out.set(`mask.split.${CROSS_DOMAIN}.honesty_score`, pooledOut);
    }
    const split = mask.entity_split;
    if (split) {
      put(`mask.split.${POSITIVE_CONTROL_TRAINED}.honesty_score`, split.trained.honesty_score, split.trained.ci95?.honesty_score, split.trained.n);
      put(`mask.split.${POSITIVE_CONTROL_HELD_OUT}.honesty_score`, split.held_out.honesty_score, split.held_out.ci95?.honesty_score, split.held_out.n);
    }
  }

  const deception = arm.deception;
  if (deception) {
    put('deception.deception_rate', deception.deception_rate, deception.ci95, deception.n_valid, deception);
    for (const [category, scores] of Object.entries(deception.per_category)) {
      put(`deception.per_category.${category}.deception_rate`, scores.deception_rate, scores.ci95, scores.n);
    }
  }

  for (const [name, score] of Object.entries(arm.capability ?? {})) {
    put(`capability.${name}.accuracy`, score.accuracy, score.ci95, score.n);
  }
  return out;
}

/** Standard error implied by a 95 % interval, or by the binomial formula when none was given. */
export function standardError(metric: MetricValue): number {
  if (metric.ci95) return (metric.ci95[1] - metric.ci95[0]) / (2 * 1.959964);
  if (metric.n > 0) {
    const p = Math.min(1, Math.max(0, metric.value));
    return Math.sqrt((p * (1 - p)) / metric.n);
  }
  return 0;
}

/** Item-weighted mean of disjoint slices, with the interval of that weighted mean. */
export function poolByCount(parts: MetricValue[]): MetricValue | null {
  const total = parts.reduce((sum, p) => sum + p.n, 0);
  if (total === 0) return null;
  let value = 0;
  let variance = 0;
  for (const part of parts) {
    const weight = part.n / total;
    value += weight * part.value;
    variance += weight * weight * standardError(part) ** 2;
  }
  const half = 1.959964 * Math.sqrt(variance);
  return { value, ci95: [value - half, value + half], n: total };
}
