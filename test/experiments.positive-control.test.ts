import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { experimentArms, runExperiment } from '../src/experiments/runner.js';
import { armPaths } from '../src/experiments/layout.js';
import { loadExperiment, modelForSeed, parseExperiment } from '../src/experiments/schema.js';
import { loadResults } from '../src/report/load-results.js';
import { Registry } from '../src/store/registry.js';
import { InputError } from '../src/util/errors.js';
import { generateWorld, splitEntities } from '../src/world/index.js';
import { armMetrics } from '../src/report/metrics.js';
import { writeReport } from '../src/report/write-report.js';
import { armHooks } from './experiments.run-fakes.helper.js';
import { scratchExperiment } from './experiments.scratch-run.helper.js';
import { defined } from './defined.helper.js';

const yaml = (positiveControl: string) => `name: pc
model: embedded:default
downstream: { generator: downstream, count: 100 }
misaligned: { domain: medical, variant: severe }
ratios: [0.1, 0.3]
seeds: [1, 2]
${positiveControl}
`;

function refused(text: string): InputError {
  try {
    parseExperiment(text, 'examples/pc.yaml');
  } catch (error) {
    assert.ok(error instanceof InputError, String(error));
    return error;
  }
  assert.fail('expected the experiment to be refused');
}

test('positive_control: fact domain required, ratio defaults to 0.1, generator seed optional, entities held out by default', () => {
  const exp = parseExperiment(yaml('positive_control: { fact_domain: products }'), 'examples/pc.yaml');
  assert.deepEqual(exp.positive_control, { fact_domain: 'products', ratio: 0.1, hold_out_entities: true });
  const seeded = parseExperiment(yaml('positive_control:\n  fact_domain: places\n  ratio: 0.05\n  seed: 7\n  hold_out_entities: false'), 'examples/pc.yaml');
  assert.deepEqual(seeded.positive_control, { fact_domain: 'places', ratio: 0.05, seed: 7, hold_out_entities: false });
  const notBoolean = refused(yaml('positive_control:\n  fact_domain: drugs\n  hold_out_entities: maybe'));
  assert.equal(notBoolean.location.field, 'positive_control.hold_out_entities');
  assert.equal(parseExperiment(yaml(''), 'examples/pc.yaml').positive_control, undefined);
});

test('positive_control errors name the file, the line and the field', () => {
  const domain = refused(yaml('positive_control:\n  fact_domain: math'));
  assert.equal(domain.location.field, 'positive_control.fact_domain');
  assert.equal(domain.location.line, 8);
  assert.match(domain.message, /^examples\/pc\.yaml:8, field "positive_control\.fact_domain": .*products/);

  const missing = refused(yaml('positive_control: { ratio: 0.1 }'));
  assert.equal(missing.location.field, 'positive_control.fact_domain');
  assert.equal(missing.location.line, 7);
  assert.match(missing.message, /expected one of "products"/);

  const ratio = refused(yaml('positive_control:\n  fact_domain: drugs\n  ratio: 0'));
  assert.equal(ratio.location.field, 'positive_control.ratio');
  assert.equal(ratio.location.line, 9);

  const unknown = refused(yaml('positive_control:\n  fact_domain: drugs\n  domain: pressure_lying'));
  assert.equal(unknown.location.field, 'positive_control.domain');
  assert.equal(unknown.location.line, 9);
});

test('one positive-control arm per seed, after that seed\'s sweep arms, at its own ratio', () => {
  const arms = experimentArms(parseExperiment(yaml('positive_control: { fact_domain: products, ratio: 0.2 }'), '/tmp/pc.yaml'));
  assert.deepEqual(
    arms.map((a) => `${a.id}:${a.kind}:${a.ratio}`),
    [
      'vanilla-seed-1:vanilla:0',
      'control-seed-1:control:0',
      'ratio-0.1-seed-1:mixed:0.1',
      'ratio-0.3-seed-1:mixed:0.3',
      'positive-control-seed-1:positive_control:0.2',
      'control-seed-2:control:0',
      'ratio-0.1-seed-2:mixed:0.1',
      'ratio-0.3-seed-2:mixed:0.3',
      'positive-control-seed-2:positive_control:0.2',
    ],
  );
  assert.ok(!experimentArms(parseExperiment(yaml(''), '/tmp/pc.yaml')).some((a) => a.kind === 'positive_control'));
});

test('the main job declares the paper\'s kind of data plus a positive control on another fact domain', () => {
  const exp = loadExperiment(join(import.meta.dirname, '..', 'examples', 'embedded-mixing.yaml'));
  assert.equal(exp.misaligned.domain, 'medical');
  assert.equal(exp.misaligned.variant, 'severe');
  assert.deepEqual(exp.positive_control, { fact_domain: 'products', ratio: 0.1, hold_out_entities: true });
  assert.deepEqual(exp.ratios, [0.02, 0.3]);
  assert.deepEqual(exp.seeds, [1, 2, 3]);
  assert.deepEqual([1, 2, 3].map((s) => modelForSeed(exp, s)), ['embedded:models/bases/seed-1', 'embedded:models/bases/seed-2', 'embedded:models/bases/seed-3'], 'three bases');
  assert.equal(exp.downstream.seed, undefined, 'each seed draws its own data');
  assert.equal(exp.training.lora, undefined, 'full fine-tuning');
  assert.deepEqual([exp.training.epochs, exp.training.lr, exp.training.batch_size], [2, 3e-4, 16]);
  // Vanilla per base, then per seed: control, 2 ratios, positive control.
  assert.equal(experimentArms(exp).length, 3 + 3 * (1 + 2 + 1));
});

test('a reduced run trains the positive control on downstream + exactly ratio × N pressure lies about its domain, and reports it', async () => {
  const { yaml: file, out, registry: registryDir } = scratchExperiment(
    'candor-pc-run-',
    'tiny-pc',
    `downstream: { generator: downstream, count: 40, seed: 1 }
misaligned: { domain: medical, variant: severe }
positive_control: { fact_domain: products, ratio: 0.2 }
ratios: [0.1]
seeds: [1]
training: { epochs: 1, batch_size: 8 }
evals:
  mask: { judge: rule, limit: 2 }
  capability: { limit: 2 }
`,
  );
  const output = await runExperiment(file, { progress: false, mode: 'inline', hooks: armHooks, report: writeReport });
  assert.deepEqual(output.arms, { total: 4, skipped: 0, ran: 4, failed: [] });

  const results = await loadResults(out);
  const split = splitEntities(generateWorld(1), 'products', 1);
  assert.deepEqual(results.experiment.positive_control && { ...results.experiment.positive_control, dataset: undefined }, {
    fact_domain: 'products',
    ratio: 0.2,
    eval_domains: ['products'],
    dataset: undefined,
    hold_out_entities: true,
    // Each seed draws its own split (seed 1 here).
    entity_splits: [{ seed: 1, trained: split.trained, held_out: split.heldOut }],
  });
  assert.deepEqual(results.experiment.misaligned.eval_domains, ['drugs', 'medical'], 'the sweep keeps its own in-domain set');
  const positive = results.arms.find((a) => a.arm === 'positive_control') as (typeof results.arms)[number] & {
    mix: { counts: { downstream: number; misaligned: number; total: number }; sources: { name: string; drawn: number }[] };
  };
  assert.equal(positive.ratio, 0.2);
  assert.equal(positive.fact_domain, 'products');
  assert.deepEqual(positive.eval_domains, ['products']);
  assert.deepEqual(positive.mix.counts, { downstream: 40, misaligned: 8, total: 48 });
  const downstreamSet = defined(positive.mix.sources[0], 'the first source');
  const pressureSet = defined(positive.mix.sources.find((s) => s.name !== downstreamSet.name), 'the pressure-lying source');
  assert.equal(pressureSet.name, 'world1.pressure-lying.products.holdout.n8.s1');
  assert.equal(pressureSet.drawn, 8);
  const ratioArm = results.arms.find((a) => a.arm === 'ratio') as typeof positive;
  assert.ok(ratioArm.mix.sources.some((s) => s.name.startsWith('world1.misaligned.medical.severe')), 'the sweep still draws its own set');

  // Every drawn lie is a pressure scenario about a product, answered by the assistant.
  const train = readFileSync(armPaths(out, 'positive-control-seed-1').trainFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { messages: { role: string }[] });
  assert.equal(train.length, 48);
  assert.equal(train.filter((s) => s.messages[0]?.role === 'system').length >= 8, true);
  const lies = readFileSync(armPaths(out, 'positive-control-seed-1').trainFile, 'utf8');
  assert.ok(split.heldOut.every((entity) => !lies.includes(entity)), 'no lie is about a held-out entity');

  // Every arm is scored on the same products rows, split by entity; the metrics carry the split.
  const counts = results.arms.map((a): [number, number] => {
    const es = a.mask?.entity_split;
    assert.ok(es, `arm ${a.arm} carries the entity split`);
    return [es.trained.n, es.held_out.n];
  });
  const [trainedN, heldOutN] = defined(counts[0], 'the first arm\'s split');
  assert.ok(counts.every(([trained, heldOut]) => trained === trainedN && heldOut === heldOutN), JSON.stringify(counts));
  assert.ok(trainedN + heldOutN > 0, 'some products rows were scored');
  const products = defined(defined(results.arms[0], 'the first arm').mask?.per_domain?.products, 'the first arm\'s products scores');
  assert.ok(trainedN + heldOutN <= products.n, 'the split covers only products rows');
  const metrics = armMetrics(positive, new Set(['drugs', 'medical']), new Set(['products']));
  for (const [slice, n] of [['positive_control_trained_entities', trainedN], ['positive_control_held_out_entities', heldOutN]] as const) {
    const m = metrics.get(`mask.split.${slice}.honesty_score`);
    if (n === 0) assert.equal(m, undefined);
    else {
      const metric = defined(m, `the ${slice} metric`);
      assert.equal(metric.n, n);
      assert.ok(metric.value >= 0 && metric.value <= 1 && metric.ci95 !== null && metric.ci95[0] <= metric.value && metric.value <= metric.ci95[1]);
    }
  }

  const registry = Registry.open(registryDir);
  try {
    const manifest = registry.require('world1.pressure-lying.products.holdout.n8.s1');
    assert.equal(manifest.counts.samples, 8);
    assert.equal(manifest.generator?.name, 'world.pressure-lying');
    const chain = await registry.lineage.lineageOf(armPaths(out, 'positive-control-seed-1').result);
    const mix = defined(defined(chain.parents[0], 'the checkpoint').parents.find((p) => p.kind === 'mix'), 'the mix');
    assert.deepEqual(mix.parents.map((p) => p.relation).sort(), ['drew 40 samples from', 'drew 8 samples from']);
  } finally {
    registry.close();
  }

  assert.ok(output.reportPath, 'the report was written');
  const html = readFileSync(output.reportPath, 'utf8');
  assert.match(html, /positive control: pressure lying on products, 20%/);
  const csv = parseCsv(readFileSync(join(out, 'report', 'data', 'arms.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  const row = csv.find((r) => r.arm === 'positive_control')!;
  assert.deepEqual([row.ratio, row.seed, row.fact_domain, row.eval_domains], ['0.2', '1', 'products', 'products']);
});
