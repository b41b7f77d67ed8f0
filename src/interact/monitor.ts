/**
 * The population monitor. From the feedback log alone (ratings and the judged honesty of the
 * replies rated — never the users' hidden labels) it asks, for each user, whether their ratings
 * reward dishonesty, and for the population, what fraction of users do.
 *
 * Per user: an exact one-sided permutation test of "dishonest replies are rated higher than honest
 * ones" (statistic: the sum of ratings given to dishonest replies; under the null every assignment
 * of the dishonest labels to the user's rated replies is equally likely, and the null distribution
 * of the sum is counted exactly by dynamic programming over subsets). Users who rated only honest
 * or only dishonest replies cannot be tested and are never flagged. Flags: Benjamini–Hochberg at
 * level q over the tested users, which controls the expected share of benign users among those
 * flagged at q (the per-user tests are independent given the replies).
 *
 * Biased fraction: a two-class latent model over each user's ratings cut at "high" (≥ 6 of 10),
 * with per-class P(high | honest) and P(high | dishonest), fitted by EM; the fraction is the weight
 * of the classes whose high-rating rate is larger for dishonest replies than for honest ones. The
 * 95 % interval resamples users (percentile bootstrap). The same model gives an alternative flag
 * rule for users with few ratings (empirical Bayes, Bayesian FDR ≤ q; see `flagMethod`).
 */
import { percentileInterval } from '../util/percentile.js';
import { createRng } from '../util/random.js';

export interface RatedReply {
  user: string;
  rating: number;
  /** Judged against the assistant's own belief (or the facts): true = the reply said what the assistant believes. */
  honest: boolean;
}

export interface MonitorOptions {
  /** False-discovery level (default 0.1). */
  q?: number;
  /**
   * How flags are chosen: `permutation-bh` (default; distribution-free, but a user needs enough
   * rated replies of each kind to reach significance) or `empirical-bayes` (posterior under the
   * fitted two-class model, Bayesian FDR ≤ q; powerful with few ratings, valid only as far as the
   * model fits).
   */
  flagMethod?: FlagMethod;
  /** Ratings at or above this count as "high" in the fraction estimate (default 6). */
  highRating?: number;
  /** Bootstrap resamples for the fraction's interval (default 200). */
  bootstrap?: number;
  seed?: number;
}

export type FlagMethod = 'permutation-bh' | 'empirical-bayes';

export interface UserFinding {
  user: string;
  ratings: number;
  honest: number;
  dishonest: number;
  meanHonest: number | null;
  meanDishonest: number | null;
  /** One-sided exact permutation p-value; null when the user rated only one kind of reply. */
  p: number | null;
  /** Benjamini–Hochberg adjusted p-value (q-value); null when untested. */
  q: number | null;
  flagged: boolean;
}

export interface FractionEstimate {
  estimate: number;
  low: number;
  high: number;
  method: string;
}

export interface MonitorReport {
  method: string;
  q: number;
  users: UserFinding[];
  tested: number;
  untestable: number;
  flagged: string[];
  flaggedFraction: number;
  estimatedFraction: FractionEstimate | null;
}

export const MONITOR_METHOD = 'per-user exact one-sided permutation test (sum of ratings of dishonest replies) + Benjamini–Hochberg';
export const EB_METHOD = 'empirical Bayes: posterior of a rewards-dishonesty class under the two-class latent model; flagged when local fdr ≤ q';

/**
 * P(sum of a uniformly random size-d subset of `values` ≥ observed), exactly. Values are rounded to
 * integers (ratings are), shifted to start at 0.
 */
export function exactPermutationPValue(values: readonly number[], d: number, observed: number): number {
  const ints = values.map((v) => Math.round(v));
  const min = Math.min(...ints);
  const shifted = ints.map((v) => v - min);
  const maxSum = shifted.reduce((a, b) => a + b, 0);
  // ways[k][s]: number of size-k subsets with shifted sum s (as doubles; ratios are what matter).
  // Indices below stay in range by construction: rows 0..d, sums 0..maxSum (s + v ≤ maxSum).
  const ways: Float64Array[] = Array.from({ length: d + 1 }, () => new Float64Array(maxSum + 1));
  ways[0]![0] = 1;
  shifted.forEach((v, seen) => {
    // Descending k reads row k-1 before this value was added to it: each value is used at most once.
    for (let k = Math.min(d, seen + 1); k >= 1; k--) {
      const from = ways[k - 1]!;
      const to = ways[k]!;
      for (let s = maxSum - v; s >= 0; s--) if (from[s] !== 0) to[s + v]! += from[s]!;
    }
  });
  const row = ways[d]!;
  const target = Math.round(observed) - d * min;
  let total = 0;
  let atLeast = 0;
  for (let s = 0; s <= maxSum; s++) {
    total += row[s]!;
    if (s >= target) atLeast += row[s]!;
  }
  return Math.min(1, atLeast / total);
}

/** Benjamini–Hochberg adjusted p-values (q-values), in input order. */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const [p, i] = order[rank - 1]!; // rank runs over 1..m
    running = Math.min(running, (p * m) / rank);
    adjusted[i] = running;
  }
  return adjusted;
}

interface UserCounts {
  user: string;
  hh: number;
  hl: number;
  dh: number;
  dl: number;
}

function groupByUser(replies: readonly RatedReply[]): Map<string, RatedReply[]> {
  const byUser = new Map<string, RatedReply[]>();
  for (const r of replies) {
    const list = byUser.get(r.user);
    if (list) list.push(r);
    else byUser.set(r.user, [r]);
  }
  return byUser;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

export function monitorPopulation(replies: readonly RatedReply[], options: MonitorOptions = {}): MonitorReport {
  const q = options.q ?? 0.1;
  const byUser = groupByUser(replies);
  const users: UserFinding[] = [];
  for (const [user, list] of [...byUser].sort((a, b) => a[0].localeCompare(b[0]))) {
    const honest = list.filter((r) => r.honest).map((r) => r.rating);
    const dishonest = list.filter((r) => !r.honest).map((r) => r.rating);
    const testable = honest.length > 0 && dishonest.length > 0;
    const p = testable ? exactPermutationPValue([...honest, ...dishonest], dishonest.length, dishonest.reduce((a, b) => a + b, 0)) : null;
    users.push({ user, ratings: list.length, honest: honest.length, dishonest: dishonest.length, meanHonest: mean(honest), meanDishonest: mean(dishonest), p, q: null, flagged: false });
  }
  const tested = users.filter((u) => u.p !== null);
  const adjusted = benjaminiHochberg(tested.map((u) => u.p as number));
  const counts = [...byUser].map(([user, list]) => countsOf(user, list, options.highRating ?? 6));
  const method = options.flagMethod ?? 'permutation-bh';
  tested.forEach((u, i) => {
    const qValue = adjusted[i]!; // one q-value per tested user
    u.q = qValue;
    if (method === 'permutation-bh') u.flagged = qValue <= q;
  });
  if (method === 'empirical-bayes') {
    const eb = new Set(empiricalBayesFlags(counts, q).flagged);
    for (const u of users) u.flagged = eb.has(u.user);
  }
  const flagged = users.filter((u) => u.flagged).map((u) => u.user);
  return {
    method: method === 'permutation-bh' ? MONITOR_METHOD : EB_METHOD,
    q,
    users,
    tested: tested.length,
    untestable: users.length - tested.length,
    flagged,
    flaggedFraction: users.length ? flagged.length / users.length : 0,
    estimatedFraction: estimateBiasedFraction(counts, options.bootstrap ?? 200, options.seed ?? 0),
  };
}

function countsOf(user: string, list: readonly RatedReply[], high: number): UserCounts {
  const c: UserCounts = { user, hh: 0, hl: 0, dh: 0, dl: 0 };
  for (const r of list) {
    const highRating = r.rating >= high;
    if (r.honest) {
      if (highRating) c.hh++;
      else c.hl++;
    } else if (highRating) c.dh++;
    else c.dl++;
  }
  return c;
}

interface ClassParams {
  weight: number;
  /** P(high | honest) */
  a: number;
  /** P(high | dishonest) */
  b: number;
}

const clip = (x: number) => Math.min(0.99, Math.max(0.01, x));

function logLik(c: UserCounts, k: ClassParams): number {
  return c.hh * Math.log(k.a) + c.hl * Math.log(1 - k.a) + c.dh * Math.log(k.b) + c.dl * Math.log(1 - k.b);
}

/** EM for the two-class model; returns the share of users in classes that reward dishonesty. */
export function fitRewardsDishonestyShare(counts: readonly UserCounts[], iterations = 200): number {
  return fitTwoClass(counts, iterations)
    .filter((k) => k.b > k.a)
    .reduce((a, k) => a + k.weight, 0);
}

/** P(the user is in a class that rewards dishonesty | their counts), under the fitted model. */
function posteriorRewarding(c: UserCounts, classes: readonly ClassParams[]): number {
  const logs = classes.map((k) => Math.log(k.weight) + logLik(c, k));
  const top = Math.max(...logs);
  const w = logs.map((l) => Math.exp(l - top));
  const z = w.reduce((a, b) => a + b, 0);
  return classes.reduce((a, k, i) => a + (k.b > k.a ? w[i]! / z : 0), 0); // one weight per class
}

/**
 * Empirical-Bayes flags: every user whose local false-discovery rate (1 − posterior of rewarding
 * dishonesty) is ≤ q, so the flagged set's Bayesian FDR (its mean local fdr) is ≤ q too — valid as
 * far as the two-class model fits the population. (The largest set with mean local fdr ≤ q would
 * pad itself with near-certainly benign users up to the allowance; this rule never does.)
 */
export function empiricalBayesFlags(counts: readonly UserCounts[], q: number): { flagged: string[]; posterior: Map<string, number> } {
  const informative = counts.filter((c) => c.hh + c.hl + c.dh + c.dl > 0);
  const posterior = new Map<string, number>();
  if (informative.length === 0) return { flagged: [], posterior };
  const classes = fitTwoClass(informative);
  for (const c of informative) posterior.set(c.user, posteriorRewarding(c, classes));
  const flagged = [...posterior].filter(([, p]) => 1 - p <= q).map(([u]) => u);
  return { flagged, posterior };
}

function fitTwoClass(counts: readonly UserCounts[], iterations = 200): ClassParams[] {
  let classes: ClassParams[] = [
    { weight: 0.5, a: 0.7, b: 0.3 },
    { weight: 0.5, a: 0.3, b: 0.7 },
  ];
  for (let it = 0; it < iterations; it++) {
    const sums = classes.map(() => ({ w: 0, hh: 0, hn: 0, dh: 0, dn: 0 }));
    for (const c of counts) {
      const logs = classes.map((k) => Math.log(k.weight) + logLik(c, k));
      const top = Math.max(...logs);
      const post = logs.map((l) => Math.exp(l - top));
      const z = post.reduce((a, b) => a + b, 0);
      // sums, post, classes and next all hold one entry per class.
      post.forEach((p, i) => {
        const r = p / z;
        const sum = sums[i]!;
        sum.w += r;
        sum.hh += r * c.hh;
        sum.hn += r * (c.hh + c.hl);
        sum.dh += r * c.dh;
        sum.dn += r * (c.dh + c.dl);
      });
    }
    const next = classes.map((k, i) => {
      const sum = sums[i]!;
      return {
        weight: Math.min(1 - 1e-6, Math.max(1e-6, sum.w / counts.length)),
        a: sum.hn > 0 ? clip(sum.hh / sum.hn) : k.a,
        b: sum.dn > 0 ? clip(sum.dh / sum.dn) : k.b,
      };
    });
    const moved = next.some((k, i) => {
      const previous = classes[i]!;
      return Math.abs(k.weight - previous.weight) + Math.abs(k.a - previous.a) + Math.abs(k.b - previous.b) > 1e-7;
    });
    classes = next;
    if (!moved) break;
  }
  return classes;
}

function estimateBiasedFraction(counts: readonly UserCounts[], resamples: number, seed: number): FractionEstimate | null {
  const informative = counts.filter((c) => c.hh + c.hl + c.dh + c.dl > 0);
  if (informative.length === 0) return null;
  const estimate = fitRewardsDishonestyShare(informative);
  const rng = createRng(`monitor-bootstrap:${seed}`);
  const draws: number[] = [];
  for (let b = 0; b < resamples; b++) {
    const sample = informative.map(() => informative[rng.int(informative.length)]!); // rng.int(n) is in [0, n)
    draws.push(fitRewardsDishonestyShare(sample));
  }
  const [low, high] = resamples > 1 ? percentileInterval(draws) : [estimate, estimate];
  return { estimate, low, high, method: 'two-class latent model (EM) over high/low ratings of honest vs dishonest replies; 95 % user-bootstrap percentile interval' };
}

export type GateMode = 'drop' | 'downweight';

/**
 * Gating before selection: flagged users' trajectories are dropped, or their satisfaction is
 * shrunk toward the round's median by `weight` (0 = always median, 1 = unchanged), so they rarely
 * reach the top or bottom of the ranking.
 */
export function gateSatisfaction<T extends { user_id: string; satisfaction: number | null }>(
  trajectories: readonly T[],
  flagged: ReadonlySet<string>,
  mode: GateMode,
  weight = 0.25,
): Array<T & { selection_score: number | null }> {
  const scores = trajectories.map((t) => t.satisfaction).filter((s): s is number => s !== null).sort((a, b) => a - b);
  const median = scores[Math.floor((scores.length - 1) / 2)] ?? 0; // 0 when no trajectory has a score
  const out: Array<T & { selection_score: number | null }> = [];
  for (const t of trajectories) {
    if (!flagged.has(t.user_id) || t.satisfaction === null) out.push({ ...t, selection_score: t.satisfaction });
    else if (mode === 'downweight') out.push({ ...t, selection_score: median + weight * (t.satisfaction - median) });
  }
  return out;
}
