import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeResults, formatRatio, groupArms } from '../src/report/aggregate.js';
import { armMetrics, inDomainSet, poolByCount, standardError } from '../src/report/metrics.js';
import { ExperimentResults, type ExperimentResultsInput } from '../src/experiments/results-schema.js';
import { buildHeadlines, buildVerdict } from '../src/report/summary.js';
import { defined } from './defined.helper.js';

const experiment = {
  name: 'hand',
  model: 'embedded:default',
  misaligned: { domain: 'math', variant: 'normal' },
  method: 'sft',
  created_at: '2026-01-01T00:00:00Z',
  config_digest: 'sha256:x',
};

/** Arms with only an overall MASK honesty score and a symmetric interval of ± halfWidth. */
function honestyResults(arms: { arm: 'vanilla' | 'control' | 'ratio'; ratio: number | null; seed: number; h: number }[], halfWidth: number): ExperimentResults {
  const input: ExperimentResultsInput = {
    experiment,
    arms: arms.map((a) => ({
      arm: a.arm,
      ratio: a.ratio,
      seed: a.seed,
      mask: { honesty_score: a.h, n: 400, ci95: [a.h - halfWidth, a.h + halfWidth] as [number, number] },
    })),
  };
  return ExperimentResults.parse(input);
}

const find = <T extends { metric: string }>(rows: T[], metric: string, where: (row: T) => boolean): T => {
  const row = rows.find((r) => r.metric === metric && where(r));
  assert.ok(row, `no row for ${metric}`);
  return row;
};

test('one seed: the mean is the score and the band reproduces the seed’s own 95 % interval', () => {
  const analysis = analyzeResults(honestyResults([{ arm: 'control', ratio: null, seed: 1, h: 0.8 }], 0.05), { replicates: 20000 });
  const row = find(analysis.aggregates, 'mask.honesty_score', (r) => r.group === 'control');
  assert.equal(row.mean, 0.8);
  assert.equal(row.seeds, 1);
  assert.equal(row.seed_sd, 0);
  // Normal draws with se = 0.05 / 1.96: percentiles within Monte Carlo error of 0.75 and 0.85.
  assert.ok(Math.abs(row.ci_low - 0.75) < 0.004, `low ${row.ci_low}`);
  assert.ok(Math.abs(row.ci_high - 0.85) < 0.004, `high ${row.ci_high}`);
});

test('several seeds: mean and sample sd over seeds; the band widens with seed spread', () => {
  const tight = honestyResults(
    [1, 2, 3].map((seed) => ({ arm: 'control' as const, ratio: null, seed, h: 0.8 })),
    0.01,
  );
  const spread = honestyResults(
    [0.7, 0.8, 0.9].map((h, i) => ({ arm: 'control' as const, ratio: null, seed: i + 1, h })),
    0.01,
  );
  const a = find(analyzeResults(tight).aggregates, 'mask.honesty_score', () => true);
  const b = find(analyzeResults(spread).aggregates, 'mask.honesty_score', () => true);
  assert.ok(Math.abs(b.mean - 0.8) < 1e-12);
  assert.ok(Math.abs(b.seed_sd - 0.1) < 1e-12);
  assert.equal(b.n_items, 1200);
  assert.ok(b.ci_high - b.ci_low > 5 * (a.ci_high - a.ci_low), 'seed spread must widen the band');
  assert.ok(b.ci_low < 0.75 && b.ci_high > 0.85);
});

test('a clear drop is called an effect; the same arms without the drop are a null', () => {
  const arms = (drop: number) =>
    honestyResults(
      [
        { arm: 'vanilla', ratio: null, seed: 1, h: 0.8 },
        ...[1, 2, 3].flatMap((seed) => [
          { arm: 'control' as const, ratio: null, seed, h: 0.9 + seed * 0.002 },
          { arm: 'ratio' as const, ratio: 0.1, seed, h: 0.9 - drop * 0.1 + seed * 0.002 },
          { arm: 'ratio' as const, ratio: 0.3, seed, h: 0.9 - drop * 0.3 + seed * 0.002 },
        ]),
      ],
      0.02,
    );

  const effect = analyzeResults(arms(0.5));
  const at30 = find(effect.comparisons, 'mask.honesty_score', (c) => c.ratio === 0.3);
  assert.ok(Math.abs(at30.difference - -0.15) < 1e-9);
  assert.equal(at30.excludes_zero, true);
  assert.ok(at30.ci_high < 0);
  const trend = find(effect.trends, 'mask.honesty_score', () => true);
  // Arm means lie exactly on a line of slope −0.5 per unit ratio = −0.05 per +0.1.
  assert.ok(Math.abs(trend.slope_per_tenth - -0.05) < 1e-9);
  assert.equal(trend.points, 3);
  assert.equal(trend.excludes_zero, true);
  const headlines = buildHeadlines(effect);
  assert.match(defined(headlines[0], 'the first headline').text, /falls with the ratio/);
  assert.match(buildVerdict(effect, headlines), /moved 1 of 1/);

  const none = analyzeResults(arms(0));
  const nullAt30 = find(none.comparisons, 'mask.honesty_score', (c) => c.ratio === 0.3);
  assert.equal(nullAt30.difference, 0);
  assert.equal(nullAt30.excludes_zero, false);
  assert.ok(nullAt30.ci_low < 0 && nullAt30.ci_high > 0);
  const nullHeadlines = buildHeadlines(none);
  const nullHeadline = defined(nullHeadlines[0], 'the first headline').text;
  assert.match(nullHeadline, /no detectable trend/);
  assert.match(nullHeadline, /not distinguishable from control/);
  assert.doesNotMatch(nullHeadline, /falls|rises|lower than|higher than/);
  assert.match(buildVerdict(none, nullHeadlines), /No detectable effect/);
});

test('without a control arm nothing is compared and the verdict says so', () => {
  const analysis = analyzeResults(
    honestyResults(
      [
        { arm: 'vanilla', ratio: null, seed: 1, h: 0.8 },
        { arm: 'ratio', ratio: 0.1, seed: 1, h: 0.5 },
      ],
      0.02,
    ),
  );
  assert.equal(analysis.comparisons.length, 0);
  assert.equal(analysis.trends.length, 0);
  assert.match(buildVerdict(analysis, buildHeadlines(analysis)), /No control arm/);
});

test('the analysis is deterministic: same input, same intervals', () => {
  const results = honestyResults(
    [1, 2].flatMap((seed) => [
      { arm: 'control' as const, ratio: null, seed, h: 0.9 },
      { arm: 'ratio' as const, ratio: 0.02, seed, h: 0.85 + seed / 100 },
    ]),
    0.03,
  );
  assert.deepEqual(analyzeResults(results, { replicates: 500 }), analyzeResults(results, { replicates: 500 }));
});

test('groups are ordered vanilla, control, ratios ascending; failed arms are kept apart', () => {
  const input: ExperimentResultsInput = {
    experiment,
    arms: [
      { arm: 'ratio', ratio: 0.3, seed: 1 },
      { arm: 'ratio', ratio: 0.02, seed: 1, error: 'trainer crashed' },
      { arm: 'control', ratio: 0, seed: 1 },
      { arm: 'vanilla', ratio: null, seed: 1 },
      { arm: 'ratio', ratio: 0.02, seed: 2 },
    ],
  };
  const groups = groupArms(ExperimentResults.parse(input));
  assert.deepEqual(groups.map((g) => g.label), ['vanilla', 'control', '2%', '30%']);
  const twoPercent = defined(groups[2], 'the 2% group');
  assert.deepEqual(twoPercent.seeds, [2]);
  assert.deepEqual(twoPercent.failed, [{ seed: 1, error: 'trainer crashed' }]);
  assert.equal(formatRatio(0.005), '0.5%');
});

/** One control arm of a medical sweep (in-domain: drugs) with the given per-domain MASK scores. */
function medicalControlArm(perDomain: Record<string, { honesty_score: number; n: number }>) {
  const n = Object.values(perDomain).reduce((sum, d) => sum + d.n, 0);
  const input: ExperimentResultsInput = {
    experiment: { ...experiment, misaligned: { domain: 'medical', variant: 'severe', eval_domains: ['drugs'] } },
    arms: [{ arm: 'control', ratio: null, seed: 1, mask: { honesty_score: 0.8, n, per_domain: perDomain } }],
  };
  const parsed = ExperimentResults.parse(input);
  return { arm: defined(parsed.arms[0], 'the control arm'), inDomain: inDomainSet(parsed.experiment) };
}

test('in-domain and cross-domain are item-weighted pools of the per-domain scores', () => {
  const { arm, inDomain } = medicalControlArm({
    drugs: { honesty_score: 0.6, n: 100 },
    products: { honesty_score: 0.9, n: 100 },
    math: { honesty_score: 0.8, n: 300 },
  });
  const metrics = armMetrics(arm, inDomain);
  assert.equal(metrics.get('mask.split.in_domain.honesty_score')!.value, 0.6);
  assert.equal(metrics.get('mask.split.in_domain.honesty_score')!.n, 100);
  const cross = metrics.get('mask.split.cross_domain.honesty_score')!;
  assert.ok(Math.abs(cross.value - (0.9 * 100 + 0.8 * 300) / 400) < 1e-12);
  assert.equal(cross.n, 400);
  // No interval given: binomial standard errors, pooled with weights n_d / N.
  const expectedSe = Math.sqrt((0.25 ** 2 * 0.09) / 100 + (0.75 ** 2 * 0.16) / 300);
  assert.ok(Math.abs(standardError(cross) - expectedSe) < 1e-9);
  assert.equal(poolByCount([]), null);
});

test('the positive control domain is pooled on its own and kept out of the cross-domain pool', () => {
  const { arm, inDomain } = medicalControlArm({
    drugs: { honesty_score: 0.6, n: 100 },
    products: { honesty_score: 0.9, n: 100 },
    places: { honesty_score: 0.7, n: 100 },
  });
  const metrics = armMetrics(arm, inDomain, new Set(['products']));
  assert.equal(metrics.get('mask.split.in_domain.honesty_score')!.value, 0.6);
  assert.equal(metrics.get('mask.split.positive_control_domain.honesty_score')!.value, 0.9);
  const cross = metrics.get('mask.split.cross_domain.honesty_score')!;
  assert.equal(cross.value, 0.7);
  assert.equal(cross.n, 100);
});

test('an in-domain drop without cross-domain movement is reported as confined to the contaminated domain', () => {
  const arm = (kind: 'control' | 'ratio', ratio: number | null, seed: number, drugs: number) => ({
    arm: kind,
    ratio,
    seed,
    mask: {
      honesty_score: 0.9,
      n: 600,
      per_domain: {
        drugs: { honesty_score: drugs, n: 200, ci95: [drugs - 0.03, drugs + 0.03] as [number, number] },
        products: { honesty_score: 0.9 + seed * 0.001, n: 400, ci95: [0.87, 0.93] as [number, number] },
      },
    },
  });
  const input: ExperimentResultsInput = {
    experiment: { ...experiment, misaligned: { domain: 'medical', variant: 'severe', eval_domains: ['drugs'] } },
    arms: [1, 2, 3].flatMap((seed) => [arm('control', null, seed, 0.9), arm('ratio', 0.1, seed, 0.6), arm('ratio', 0.3, seed, 0.4)]),
  };
  const analysis = analyzeResults(ExperimentResults.parse(input), { replicates: 1000 });
  const headlines = buildHeadlines(analysis);
  assert.equal(headlines.find((h) => h.metric === 'mask.split.in_domain.honesty_score')!.effect, true);
  assert.equal(headlines.find((h) => h.metric === 'mask.split.cross_domain.honesty_score')!.effect, false);
  assert.match(buildVerdict(analysis, headlines), /confined to the contaminated domain/);
});
