/**
 * Intervals over items and seeds at once, for a mean of per-item values (one arm's score) or of
 * per-item contrasts between arms on identical items (arm − control, or the slope over the ratio).
 *
 * Method: a linear mixed model with crossed random effects, y_si = μ + a_s + b_i + e_si (seed s,
 * item i), fitted by the method of moments (two-way ANOVA mean squares). The variance of the grand
 * mean, σa²/S + σb²/I + σe²/(S·I), is estimated as MS_seed/(S·I) + max(0, MS_item − MS_err)/(S·I),
 * and the interval is Student t on Satterthwaite's degrees of freedom. MS_seed carries the seed
 * share and the error share together, so the estimate never has to decide whether the seed
 * variance is 0, which 3 seeds cannot tell (splitting them, and dropping a seed share estimated
 * below 0, under-covered by 3–4 points in our simulations when seeds mattered). When every arm answers the same items in every seed (the world suites), seeds and
 * items are crossed, and a difference's item effect b_i is shared by all seeds: an analysis that
 * treated items as fresh in each seed would leave that share out.
 *
 * Why not a hierarchical bootstrap (resample seeds, then items within)? With the 3 seeds a run
 * can afford, resampling seeds yields only 10 distinct seed sets, and its percentile interval is
 * about √(2/3) of the right width for the seed term — it under-covers exactly when the base
 * checkpoint matters most. The moment estimator with t on Satterthwaite's degrees of freedom
 * widens with few seeds as it should; test/report.paired.test.ts measures its coverage on
 * simulated runs with known effects.
 *
 * Designs the data may take:
 *  - crossed: the items observed in every seed hold ≥ 90 % of the cells; the model above on them.
 *  - nested: item sets differ between seeds (e.g. the held-out entities of a positive control whose
 *    entity split changes with the seed): items are taken as drawn afresh per seed, and the
 *    interval is a t interval over the per-seed means (df = S − 1).
 *  - items only (one seed): a t interval over items; it says nothing about seed-to-seed variation.
 */
import { studentTQuantile } from './student-t.js';

/** seed → item id → value. */
export type SeedItemValues = Map<number, Map<string, number>>;

export type Design = 'crossed' | 'nested' | 'items_only';

export interface Estimate {
  estimate: number;
  ci95: [number, number];
  se: number;
  /** Degrees of freedom of the t interval (Infinity when the variance is 0). */
  df: number;
  design: Design;
  seeds: number;
  /** Distinct items that entered the estimate. */
  items: number;
  /** Item × seed cells that entered the estimate. */
  cells: number;
  /** Cells left out because their item was missing in another seed (crossed design only). */
  dropped_cells: number;
}

const CROSSED_SHARE = 0.9;

export function estimateMean(values: SeedItemValues): Estimate | null {
  const seeds = [...values.keys()].filter((s) => (values.get(s)?.size ?? 0) > 0).sort((a, b) => a - b);
  const [firstSeed] = seeds;
  if (firstSeed === undefined) return null;
  const totalCells = seeds.reduce((sum, s) => sum + values.get(s)!.size, 0);
  if (seeds.length === 1) return itemsOnly(values.get(firstSeed)!);
  const core = [...values.get(firstSeed)!.keys()].filter((id) => seeds.every((s) => values.get(s)!.has(id))).sort();
  if (core.length >= 2 && core.length * seeds.length >= CROSSED_SHARE * totalCells) {
    const matrix = seeds.map((s) => core.map((id) => values.get(s)!.get(id)!));
    return { ...crossed(matrix), dropped_cells: totalCells - core.length * seeds.length };
  }
  return nested(seeds.map((s) => [...values.get(s)!.values()]));
}

function t95(df: number): number {
  return Number.isFinite(df) ? studentTQuantile(0.975, df) : 1.959963984540054;
}

function interval(estimate: number, variance: number, df: number): { ci95: [number, number]; se: number; df: number } {
  const se = Math.sqrt(Math.max(0, variance));
  const effectiveDf = se === 0 ? Infinity : df;
  const half = t95(effectiveDf) * se;
  return { ci95: [estimate - half, estimate + half], se, df: effectiveDf };
}

function meanOf(xs: readonly number[]): number {
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

function sampleVariance(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = meanOf(xs);
  let ss = 0;
  for (const x of xs) ss += (x - m) ** 2;
  return ss / (xs.length - 1);
}

function itemsOnly(items: Map<string, number>): Estimate {
  const xs = [...items.values()];
  const estimate = meanOf(xs);
  return { estimate, ...interval(estimate, sampleVariance(xs) / xs.length, xs.length - 1), design: 'items_only', seeds: 1, items: xs.length, cells: xs.length, dropped_cells: 0 };
}

/** Items drawn afresh per seed: a t interval over the seeds' means. */
function nested(perSeed: number[][]): Estimate {
  const means = perSeed.map(meanOf);
  const estimate = meanOf(means);
  const cells = perSeed.reduce((sum, xs) => sum + xs.length, 0);
  return { estimate, ...interval(estimate, sampleVariance(means) / means.length, means.length - 1), design: 'nested', seeds: means.length, items: cells, cells, dropped_cells: 0 };
}

/** matrix[s][i], balanced: S ≥ 2 seeds × I ≥ 2 items. */
function crossed(matrix: number[][]): Omit<Estimate, 'dropped_cells'> {
  const S = matrix.length;
  const I = matrix[0]?.length ?? 0;
  if (S < 2 || I < 2 || matrix.some((row) => row.length !== I)) throw new Error(`a crossed design needs a balanced matrix of at least 2 seeds × 2 items (got ${S} × ${I})`);
  const seedMeans = matrix.map(meanOf);
  // Balanced (checked above): every row has a value at every item index.
  const itemMeans = Array.from({ length: I }, (_, i) => meanOf(matrix.map((row) => row[i]!)));
  const grand = meanOf(seedMeans);
  let ssSeed = 0;
  for (const m of seedMeans) ssSeed += (m - grand) ** 2;
  let ssItem = 0;
  for (const m of itemMeans) ssItem += (m - grand) ** 2;
  let ssErr = 0;
  for (const [s, row] of matrix.entries()) for (const [i, y] of row.entries()) ssErr += (y - seedMeans[s]! - itemMeans[i]! + grand) ** 2;
  const dfSeed = S - 1;
  const dfItem = I - 1;
  const dfErr = (S - 1) * (I - 1);
  const msSeed = (I * ssSeed) / dfSeed;
  const msItem = (S * ssItem) / dfItem;
  const msErr = ssErr / dfErr;
  // Var(grand mean) = σa²/S + σb²/I + σe²/(SI). E[MS_seed] = σe² + Iσa² carries the seed and the
  // error share at once: MS_seed/(SI) estimates σa²/S + σe²/(SI) without ever deciding whether σa²
  // is 0, which 3 seeds cannot tell. E[MS_item] − E[MS_err] = Sσb² adds the items' shared share
  // (left out when estimated below 0).
  const itemShare: VarianceTerm[] = msItem > msErr ? [{ coef: 1, ms: msItem, df: dfItem }, { coef: -1, ms: msErr, df: dfErr }] : [];
  const scale = 1 / (S * I);
  const main = interval(grand, ...satterthwaite(scale, [{ coef: 1, ms: msSeed, df: dfSeed }, ...itemShare]));
  // E[MS_seed] = σe² + Iσa² ≥ σe², so MS_seed/MS_err is at least F-distributed on (S − 1, dfErr)
  // degrees of freedom. A ratio below that distribution's 2.5 % point is not chance but a sign the
  // model does not fit — rare 0/1 events falling once per seed make every seed's mean equal and
  // MS_seed 0, and a main job reported [−0.8, −0.8] points as "excluding 0". Then the error share
  // alone, σe²/(SI) from MS_err, is the floor under the interval. Everywhere else the interval is
  // the model's, so its coverage (test/report.paired.test.ts) is unchanged.
  let wider = main;
  if (msSeed < msErr * chiSquareLowerQuantile(dfSeed) / dfSeed) {
    const floor = interval(grand, ...satterthwaite(scale, [{ coef: 1, ms: msErr, df: dfErr }, ...itemShare]));
    if (floor.ci95[1] - floor.ci95[0] > main.ci95[1] - main.ci95[0]) wider = floor;
  }
  return { estimate: grand, ...wider, design: 'crossed', seeds: S, items: I, cells: S * I };
}

/**
 * The 2.5 % point of a χ² on `df` degrees of freedom (Wilson–Hilferty; within a few per cent of
 * the exact point from df 3, and 0.013 against 0.025 at df 2 — a stricter threshold, which is the
 * safe side for a test of implausibility).
 */
function chiSquareLowerQuantile(df: number): number {
  const z = -1.959963984540054;
  const c = 2 / (9 * df);
  return df * Math.max(0, 1 - c + z * Math.sqrt(c)) ** 3;
}

interface VarianceTerm {
  coef: number;
  ms: number;
  df: number;
}

/** Var = scale · Σ c·MS, with Satterthwaite's degrees of freedom V² / Σ (scale·c·MS)² / df. */
function satterthwaite(scale: number, terms: readonly VarianceTerm[]): [variance: number, df: number] {
  const variance = scale * terms.reduce((sum, t) => sum + t.coef * t.ms, 0);
  const denominator = terms.reduce((sum, t) => sum + (scale * t.coef * t.ms) ** 2 / t.df, 0);
  return [variance, denominator > 0 ? variance ** 2 / denominator : Infinity];
}

/**
 * Per-item contrasts Σ_k w_k · y_k,si over the arms in `arms` (e.g. [arm, control] with weights
 * [1, −1]), kept only where every arm has the item in that seed: arms are compared on identical items.
 */
export function contrastValues(arms: readonly SeedItemValues[], weights: readonly number[]): SeedItemValues {
  const out: SeedItemValues = new Map();
  if (weights.length !== arms.length) throw new Error(`${weights.length} contrast weights for ${arms.length} arms`);
  const [firstArm, ...otherArms] = arms;
  const [firstWeight, ...otherWeights] = weights;
  if (firstArm === undefined || firstWeight === undefined) return out;
  const seeds = [...firstArm.keys()].filter((s) => arms.every((a) => a.has(s)));
  for (const seed of seeds) {
    const first = firstArm.get(seed)!;
    const cells = new Map<string, number>();
    for (const [id, value] of first) {
      let sum = firstWeight * value;
      let complete = true;
      for (const [k, arm] of otherArms.entries()) {
        const other = arm.get(seed)!.get(id);
        if (other === undefined) {
          complete = false;
          break;
        }
        sum += otherWeights[k]! * other; // as many weights as arms, checked above
      }
      if (complete) cells.set(id, sum);
    }
    if (cells.size) out.set(seed, cells);
  }
  return out;
}

/** Least-squares slope weights for points at `xs`: Σ w_k y_k is the slope of y on x. */
export function slopeWeights(xs: readonly number[]): number[] {
  const m = meanOf(xs);
  const sxx = xs.reduce((sum, x) => sum + (x - m) ** 2, 0);
  return xs.map((x) => (x - m) / sxx);
}
