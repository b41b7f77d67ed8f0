/**
 * The paired statistics (src/report/paired.ts): exact figures on hand-sized tables, and the
 * coverage of the 95 % interval on simulated runs whose true effect is known.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contrastValues, estimateMean, slopeWeights, type SeedItemValues } from '../src/report/paired.js';
import { studentTQuantile } from '../src/report/student-t.js';
import { createRng, type Rng } from '../src/util/random.js';
import { defined } from './defined.helper.js';

function table(rows: Record<number, Record<string, number>>): SeedItemValues {
  return new Map(Object.entries(rows).map(([seed, items]) => [Number(seed), new Map(Object.entries(items))]));
}

test('Student t quantiles match published tables', () => {
  for (const [df, q] of [[1, 12.7062], [2, 4.3027], [4, 2.7764], [10, 2.2281], [30, 2.0423]] as const) {
    assert.ok(Math.abs(studentTQuantile(0.975, df) - q) < 1e-3, `df ${df}`);
  }
  assert.ok(Math.abs(studentTQuantile(0.975, Infinity) - 1.96) < 1e-3);
});

test('one seed: a paired t interval over items', () => {
  const est = estimateMean(table({ 1: { a: 1, b: 0, c: 1, d: 1 } }))!;
  assert.equal(est.design, 'items_only');
  assert.equal(est.estimate, 0.75);
  // sd = 0.5, se = 0.25, t(3) = 3.182
  assert.ok(Math.abs(est.se - 0.25) < 1e-12);
  assert.ok(Math.abs(est.ci95[1] - (0.75 + 3.1824 * 0.25)) < 1e-3);
});

test('crossed seeds × items: variance from the two-way mean squares, Satterthwaite df', () => {
  // 3 seeds × 4 items, seed effects and item effects both present.
  const rows = { 1: { a: 0.1, b: 0.3, c: 0.2, d: 0.6 }, 2: { a: 0.3, b: 0.4, c: 0.5, d: 0.7 }, 3: { a: 0.0, b: 0.2, c: 0.2, d: 0.5 } };
  const est = estimateMean(table(rows))!;
  assert.equal(est.design, 'crossed');
  const m = [[0.1, 0.3, 0.2, 0.6], [0.3, 0.4, 0.5, 0.7], [0.0, 0.2, 0.2, 0.5]];
  const grand = m.flat().reduce((a, b) => a + b) / 12;
  const seedMeans = m.map((r) => r.reduce((a, b) => a + b) / 4);
  const cell = (s: number, i: number) => defined(m[s]?.[i], `m[${s}][${i}]`);
  const itemMeans = [0, 1, 2, 3].map((i) => (cell(0, i) + cell(1, i) + cell(2, i)) / 3);
  const msSeed = (4 * seedMeans.reduce((s, x) => s + (x - grand) ** 2, 0)) / 2;
  const msItem = (3 * itemMeans.reduce((s, x) => s + (x - grand) ** 2, 0)) / 3;
  let ssErr = 0;
  for (let s = 0; s < 3; s++) for (let i = 0; i < 4; i++) ssErr += (cell(s, i) - defined(seedMeans[s], 'seed mean') - defined(itemMeans[i], 'item mean') + grand) ** 2;
  const msErr = ssErr / 6;
  const variance = (msSeed + msItem - msErr) / 12;
  assert.ok(Math.abs(est.estimate - grand) < 1e-12);
  assert.ok(Math.abs(est.se - Math.sqrt(variance)) < 1e-12);
  const df = variance ** 2 / ((msSeed / 12) ** 2 / 2 + (msItem / 12) ** 2 / 3 + (msErr / 12) ** 2 / 6);
  assert.ok(Math.abs(est.df - df) < 1e-9);
});

test('rare events falling once per seed never give a zero-width interval', () => {
  // Found in a main job: control deceived on one item per seed (a different item each time) and the
  // arm on none, so every seed's mean difference was −1/120, MS_seed was 0 and the interval
  // [−0.8, −0.8] points was reported as excluding 0.
  const rows: Record<number, Record<string, number>> = {};
  for (const seed of [1, 2, 3]) {
    const items: Record<string, number> = {};
    for (let i = 0; i < 120; i++) items[`item-${i}`] = i === seed * 7 ? -1 : 0;
    rows[seed] = items;
  }
  const est = estimateMean(table(rows))!;
  assert.equal(est.design, 'crossed');
  assert.ok(Math.abs(est.estimate + 1 / 120) < 1e-12);
  assert.ok(est.se > 0, 'the error share is part of the variance');
  assert.ok(est.ci95[0] < 0 && est.ci95[1] > 0, `three events in 360 cells cannot exclude 0: [${est.ci95.join(', ')}]`);
});

test('item sets that differ between seeds are analysed as nested: t over the seed means', () => {
  const est = estimateMean(table({ 1: { a: 1, b: 1 }, 2: { c: 0, d: 1 }, 3: { e: 0, f: 0 } }))!;
  assert.equal(est.design, 'nested');
  assert.equal(est.estimate, 0.5);
  assert.equal(est.df, 2);
  assert.ok(Math.abs(est.se - 0.5 / Math.sqrt(3)) < 1e-12);
});

test('contrasts keep only items every arm answered in that seed', () => {
  const arm = table({ 1: { a: 1, b: 0, c: 1 }, 2: { a: 0, b: 0 } });
  const control = table({ 1: { a: 1, b: 1 }, 2: { a: 1, b: 0, c: 1 } });
  const d = contrastValues([arm, control], [1, -1]);
  assert.deepEqual([...d.get(1)!], [['a', 0], ['b', -1]]);
  assert.deepEqual([...d.get(2)!], [['a', -1], ['b', 0]]);
  const [w0, w1, w2, ...extra] = slopeWeights([0, 0.1, 0.3]);
  assert.ok(w0 !== undefined && w1 !== undefined && w2 !== undefined && extra.length === 0, 'one weight per point');
  assert.ok(Math.abs(w0 * 0 + w1 * 0.1 + w2 * 0.3 - 1) < 1e-12, 'slope weights recover a slope of 1');
});

/**
 * A simulated paired run: per item a base rate of honesty, per seed a base-checkpoint effect that
 * moves control and arm alike, a seed effect on the difference (training randomness), and an
 * item-specific effect shared by every seed (the items are the same in every seed). Outcomes are
 * Bernoulli. All effects are bounded and mean zero, so the true effect is exactly `effect`.
 */
function simulate(rng: Rng, o: { seeds: number; items: number; effect: number; seedSpread: number; itemSpread: number }): { arm: SeedItemValues; control: SeedItemValues } {
  const uniform = (half: number) => (rng.next() * 2 - 1) * half;
  const base = Array.from({ length: o.items }, () => 0.55 + 0.3 * rng.next());
  const itemEffect = Array.from({ length: o.items }, () => uniform(o.itemSpread));
  const arm: SeedItemValues = new Map();
  const control: SeedItemValues = new Map();
  for (let s = 1; s <= o.seeds; s++) {
    const checkpoint = uniform(0.04);
    const training = uniform(o.seedSpread);
    const a = new Map<string, number>();
    const c = new Map<string, number>();
    for (let i = 0; i < o.items; i++) {
      const p = defined(base[i], 'item base') + checkpoint;
      c.set(`i${i}`, rng.next() < p ? 1 : 0);
      a.set(`i${i}`, rng.next() < p + o.effect + training + defined(itemEffect[i], 'item effect') ? 1 : 0);
    }
    arm.set(s, a);
    control.set(s, c);
  }
  return { arm, control };
}

function coverage(label: string, o: Parameters<typeof simulate>[1], simulations: number): number {
  const rng = createRng(`coverage:${label}`);
  let covered = 0;
  for (let k = 0; k < simulations; k++) {
    const { arm, control } = simulate(rng, o);
    const est = estimateMean(contrastValues([arm, control], [1, -1]))!;
    assert.equal(est.design, 'crossed');
    if (est.ci95[0] <= o.effect && o.effect <= est.ci95[1]) covered++;
  }
  return covered / simulations;
}

// Spreads like the main job's: 100–150 items a domain, 3 base seeds; seed-to-seed differences of a
// few points (the first main job's control honesty varied by ~2 points across seeds), item effects
// of up to ±10 points.
// 2,000 runs a scenario: the Monte Carlo error of a coverage near 95 % is then ±0.5 points.
const SIMULATIONS = 2000;
const SCENARIOS = [
  { label: 'an effect, item noise dominant', seeds: 3, items: 150, effect: -0.08, seedSpread: 0.03, itemSpread: 0.1 },
  { label: 'an effect, seed noise dominant', seeds: 3, items: 150, effect: -0.08, seedSpread: 0.12, itemSpread: 0.05 },
  { label: 'no effect, 5 seeds', seeds: 5, items: 100, effect: 0, seedSpread: 0.05, itemSpread: 0.08 },
];

for (const scenario of SCENARIOS) {
  test(`coverage of the paired 95 % interval is 93–97 % (${scenario.label}; ${SIMULATIONS} simulated runs)`, () => {
    const rate = coverage(scenario.label, scenario, SIMULATIONS);
    console.log(`coverage (${scenario.label}): ${(rate * 100).toFixed(1)} %`);
    assert.ok(rate >= 0.93 && rate <= 0.97, `coverage ${(rate * 100).toFixed(1)} % is outside 93–97 %`);
  });
}
