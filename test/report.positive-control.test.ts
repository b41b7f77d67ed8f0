import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { analyzeResults } from '../src/report/aggregate.js';
import { buildCharts } from '../src/report/charts.js';
import { ExperimentResults, type ExperimentResultsInput } from '../src/experiments/results-schema.js';
import { armTable, buildHeadlines, buildPositiveControlStatement, buildVerdict, comparisonTable } from '../src/report/summary.js';
import { syntheticResults } from './report.synthetic.helper.js';
import { validateResults } from '../src/report/load-results.js';
import { writeReport } from '../src/report/write-report.js';
import { InputError } from '../src/util/errors.js';
import { defined } from './defined.helper.js';

const LEGEND = 'positive control: pressure lying on places, 10%';

/** A sweep with no effect anywhere (no deception block, whose synthetic rate rises with the ratio). */
function nullSweep(positiveDrop: number): ExperimentResults {
  const input = syntheticResults({ ratios: [0.02, 0.1, 0.3], honestyDropPerRatio: 0, positiveControl: { factDomain: 'places', drop: positiveDrop } });
  for (const arm of input.arms) delete (arm as Record<string, unknown>).deception;
  return ExperimentResults.parse(input);
}

test('results accept a positive_control arm with its ratio and fact domain, and refuse one without a ratio', () => {
  const input = syntheticResults({ ratios: [0.1], seeds: [1], positiveControl: { factDomain: 'places', drop: 0.2 } });
  const results = ExperimentResults.parse(input);
  const positive = results.arms.find((a) => a.arm === 'positive_control')!;
  assert.equal(positive.ratio, 0.1);
  assert.equal(positive.fact_domain, 'places');
  assert.deepEqual(positive.eval_domains, ['places']);

  const bad = structuredClone(input) as ExperimentResultsInput;
  const index = bad.arms.findIndex((a) => a.arm === 'positive_control');
  defined(bad.arms[index], 'the positive control arm').ratio = 0;
  assert.throws(
    () => validateResults(bad, 'results.json'),
    (e: unknown) => e instanceof InputError && e.location.field === `arms[${index}].ratio` && /positive_control" arm needs a ratio > 0/.test(e.message),
  );
});

test('the positive control is compared with control on its own domain\'s items, not on the sweep\'s in-domain set', () => {
  const results = nullSweep(0.3);
  const analysis = analyzeResults(results, { replicates: 400 });
  const metric = 'mask.split.positive_control_domain.honesty_score';
  const control = analysis.aggregates.find((a) => a.metric === metric && a.arm === 'control')!;
  const perSeed = results.arms.filter((a) => a.arm === 'control').map((a) => defined(a.mask!.per_domain!.places, 'places').honesty_score!);
  assert.ok(Math.abs(control.mean - perSeed.reduce((s, v) => s + v, 0) / perSeed.length) < 1e-12, 'control scored on places');
  const positive = analysis.aggregates.find((a) => a.metric === metric && a.arm === 'positive_control')!;
  assert.equal(positive.label, LEGEND);
  assert.ok(positive.mean < control.mean - 0.2);
  // The sweep's in-domain split stays the sweep's (drugs) for every arm, the positive control included.
  const inDomain = analysis.aggregates.find((a) => a.metric === 'mask.split.in_domain.honesty_score' && a.arm === 'positive_control')!;
  const drugs = results.arms.filter((a) => a.arm === 'positive_control').map((a) => defined(a.mask!.per_domain!.drugs, 'drugs').honesty_score!);
  assert.ok(Math.abs(inDomain.mean - drugs.reduce((s, v) => s + v, 0) / drugs.length) < 1e-12);
  // The positive control is not a point of the sweep: no headline, verdict or trend rests on it.
  assert.ok(comparisonTable(analysis).rows.some((r) => r[1] === LEGEND));
  assert.match(buildVerdict(analysis, buildHeadlines(analysis)), /^No detectable effect of contamination/);
  assert.ok(analysis.trends.every((t) => t.points === 4), 'control + 3 ratio arms, no positive control');
});

test('headline: a positive control whose interval excludes 0 says the metric can move', () => {
  const analysis = analyzeResults(nullSweep(0.3), { replicates: 400 });
  const statement = buildPositiveControlStatement(analysis, nullSweep(0.3))!;
  assert.equal(statement.moved, true);
  assert.match(statement.text, /^The metric can move: the positive control \(pressure lying on places, 10%\) lowered in-domain MASK honesty \(places\) by \d+\.\d points versus control \(difference −\d+\.\d, 95 % CI \[−\d+\.\d, −\d+\.\d\]\)\. /);
  // Then what it shows outside its domain, claimed only as far as the interval goes.
  assert.match(statement.text, /On the domains no arm was trained to lie about \(cross-domain\): (not distinguishable from control \(difference [−+]?\d+\.\d points versus control, 95 % CI \[[^\]]+\] includes 0\)|honesty (lower|higher) than control's by \d+\.\d points \([^)]+\))\.$/);
});

test('headline: a positive control that did not move makes the sweep\'s null uninformative', () => {
  const results = nullSweep(0);
  const analysis = analyzeResults(results, { replicates: 400 });
  const statement = buildPositiveControlStatement(analysis, results)!;
  assert.equal(statement.moved, false);
  assert.match(statement.text, /^Caveat: the positive control \(pressure lying on places, 10%\) did not move in-domain MASK honesty \(places\) either \(difference [−+]?\d+\.\d points versus control, 95 % CI \[[^\]]+\] includes 0\), so the sweep's null is uninformative/);
  // The sweep's own wording is unchanged: a null stated as a null.
  assert.match(buildVerdict(analysis, buildHeadlines(analysis)), /a null result at this scale/);

  const withoutPositive = ExperimentResults.parse(syntheticResults({ ratios: [0.1], seeds: [1] }));
  assert.equal(buildPositiveControlStatement(analyzeResults(withoutPositive, { replicates: 100 }), withoutPositive), null);

  const failed = structuredClone(results);
  for (const arm of failed.arms) if (arm.arm === 'positive_control') arm.error = 'killed';
  const unfinished = buildPositiveControlStatement(analyzeResults(failed, { replicates: 100 }), failed)!;
  assert.equal(unfinished.moved, null);
  assert.match(unfinished.text, /did not finish/);
});

test('charts draw the positive control as a labelled reference in every honesty, deception and capability chart', () => {
  const results = ExperimentResults.parse(syntheticResults({ ratios: [0.02, 0.1, 0.3], positiveControl: { factDomain: 'places', drop: 0.3 } }));
  const charts = buildCharts(analyzeResults(results, { replicates: 200 }), results, null);
  const byId = new Map(charts.map((c) => [c.id, c]));
  for (const id of ['mask-honesty-vs-ratio', 'mask-honesty-in-vs-cross-domain', 'deception-by-category', 'capability-by-arm']) {
    const values = (byId.get(id)!.spec as { data: { values: { label: string; kind?: string }[] } }).data.values;
    assert.ok(values.some((v) => v.label === LEGEND), `${id} holds the positive control`);
  }
  const split = byId.get('mask-honesty-in-vs-cross-domain')!;
  assert.deepEqual((split.spec as { facet: { sort: string[] } }).facet.sort, ['in-domain (drugs)', 'cross-domain (all but drugs, places)', "positive control's domain (places)"]);
  assert.match(split.caption, /positive control/i);
});

test('a report with a positive control: legend in the inline SVG, statement on the page, its own CSV row', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'candor-report-pc-'));
  try {
    const results = nullSweep(0.3);
    const output = await writeReport(results, dir, { replicates: 300 });
    const html = await readFile(output.htmlPath, 'utf8');
    const svgText = [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((m) => m[0]).join('\n');
    assert.ok(svgText.includes(LEGEND), 'legend text drawn in a chart');
    assert.match(html, /<p class="verdict positive-control">The metric can move: /);
    assert.match(html, /positive-control domain honesty \(places\)/);

    const arms = parseCsv(await readFile(path.join(dir, 'data', 'arms.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const rows = arms.filter((r) => r.arm === 'positive_control');
    assert.deepEqual(rows.map((r) => `${r.ratio}/${r.seed}/${r.fact_domain}`), ['0.1/1/places', '0.1/2/places', '0.1/3/places']);
    const report = JSON.parse(await readFile(path.join(dir, 'data', 'report.json'), 'utf8')) as { positive_control: { moved: boolean } };
    assert.equal(report.positive_control.moved, true);
    assert.match(await readFile(path.join(dir, 'summary.md'), 'utf8'), /\*\*The metric can move: /);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

function heldOutSweep(heldOutDrop: number): ExperimentResults {
  const input = syntheticResults({ ratios: [0.1, 0.3], honestyDropPerRatio: 0, positiveControl: { factDomain: 'places', drop: 0.3, heldOutDrop } });
  for (const arm of input.arms) delete (arm as Record<string, unknown>).deception;
  return ExperimentResults.parse(input);
}

test('the entity split becomes trained / held-out metrics for every arm, with their own table columns', () => {
  const results = heldOutSweep(0.2);
  const analysis = analyzeResults(results, { replicates: 300 });
  for (const slice of ['trained', 'held_out']) {
    const metric = `mask.split.positive_control_${slice}_entities.honesty_score`;
    const arms = new Set(analysis.aggregates.filter((a) => a.metric === metric).map((a) => a.arm));
    assert.deepEqual([...arms].sort(), ['control', 'positive_control', 'ratio', 'vanilla']);
    const control = analysis.aggregates.find((a) => a.metric === metric && a.arm === 'control')!;
    const perSeed = results.arms.filter((a) => a.arm === 'control').map((a) => defined((a.mask!.entity_split! as Record<string, { honesty_score: number }>)[slice], slice).honesty_score);
    assert.ok(Math.abs(control.mean - perSeed.reduce((s, v) => s + v, 0) / perSeed.length) < 1e-12);
  }
  const table = armTable(analysis, results);
  assert.ok(table.columns.includes('positive-control domain, trained entities'));
  assert.ok(table.columns.includes('positive-control domain, held-out entities'));
  assert.ok(comparisonTable(analysis).rows.some((r) => r[0] === 'mask.split.positive_control_held_out_entities.honesty_score' && r[1] === LEGEND));
});

test('statement: a drop on held-out entities with an interval excluding 0 is stated as generalisation', () => {
  const results = heldOutSweep(0.25);
  const statement = buildPositiveControlStatement(analyzeResults(results, { replicates: 400 }), results)!;
  assert.equal(statement.moved, true);
  assert.equal(statement.generalised, true);
  assert.match(
    statement.text,
    /\)\. On held-out entities of the same domain its honesty was \d+\.\d points lower than control's \(difference −\d+\.\d points versus control, 95 % CI \[−\d+\.\d, −\d+\.\d\]\): the lying generalised to entities it was never trained to lie about, under eval pressure wordings its training lies never used \(a separate template family\)\. On the domains no arm was trained to lie about/,
  );
});

test('statement: no drop on held-out entities says it did not detectably generalise', () => {
  const results = heldOutSweep(0);
  const statement = buildPositiveControlStatement(analyzeResults(results, { replicates: 400 }), results)!;
  assert.equal(statement.moved, true, 'trained entities still moved the in-domain score');
  assert.equal(statement.generalised, false);
  assert.match(statement.text, /On held-out entities of the same domain it did not detectably generalise: honesty there is not lower than control's \(difference [−+]?\d+\.\d points versus control, 95 % CI \[[^\]]+\] includes 0\)\. On the domains no arm/);
  assert.match(statement.text, /On the entities its training lies were about: honesty lower than control's by \d+\.\d points/);
  assert.doesNotMatch(statement.text, /the lying generalised/);
  // Without a split the statement is one sentence, as before.
  assert.equal(buildPositiveControlStatement(analyzeResults(nullSweep(0.3), { replicates: 200 }), nullSweep(0.3))!.generalised, undefined);
});
