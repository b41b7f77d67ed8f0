/**
 * What a seed varies: the base checkpoint (`bases`, or `{seed}` in `model`), the data draw and the
 * positive control's entity split — what a user's repeat of the experiment would vary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { experimentArms } from '../src/experiments/arm-plan.js';
import { resolveSeedData } from '../src/experiments/datasets.js';
import { modelForSeed, parseExperiment } from '../src/experiments/schema.js';
import { Registry } from '../src/store/registry.js';
import { InputError } from '../src/util/errors.js';

const body = (model: string, extra = '') => `name: seeds
model: ${model}
downstream: { generator: downstream, count: 60 }
misaligned: { domain: medical, variant: severe }
positive_control: { fact_domain: products, ratio: 0.1 }
ratios: [0.1]
seeds: [1, 2, 3]
${extra}`;

function refused(text: string): InputError {
  try {
    parseExperiment(text, 'examples/seeds.yaml');
  } catch (error) {
    assert.ok(error instanceof InputError, String(error));
    return error;
  }
  assert.fail('expected the experiment to be refused');
}

test('{seed} in model and a bases list both map each seed to its own base; vanilla runs once per distinct base', () => {
  const placeholder = parseExperiment(body('embedded:models/bases/seed-{seed}'), 'examples/seeds.yaml');
  assert.deepEqual([1, 2, 3].map((s) => modelForSeed(placeholder, s)), ['embedded:models/bases/seed-1', 'embedded:models/bases/seed-2', 'embedded:models/bases/seed-3']);
  assert.deepEqual(experimentArms(placeholder).filter((a) => a.kind === 'vanilla').map((a) => a.seed), [1, 2, 3]);

  const listed = parseExperiment(body('embedded:default', 'bases: [embedded:a, embedded:b, embedded:a]\n'), 'examples/seeds.yaml');
  assert.deepEqual([1, 2, 3].map((s) => modelForSeed(listed, s)), ['embedded:a', 'embedded:b', 'embedded:a']);
  assert.deepEqual(experimentArms(listed).filter((a) => a.kind === 'vanilla').map((a) => a.seed), [1, 2], 'seed 3 shares seed 1’s base');

  const shared = parseExperiment(body('embedded:default'), 'examples/seeds.yaml');
  assert.equal(experimentArms(shared).filter((a) => a.kind === 'vanilla').length, 1, 'one base, one vanilla arm');
});

test('a bases list of the wrong length, or bases beside {seed}, is refused naming the field', () => {
  const short = refused(body('embedded:default', 'bases: [embedded:a, embedded:b]\n'));
  assert.match(short.message, /2 model\(s\) for 3 seed\(s\)/);
  assert.equal(short.location.field, "bases");
  assert.equal(short.location.line, 8, "the line of bases:");
  const both = refused(body('embedded:x-{seed}', 'bases: [embedded:a, embedded:b, embedded:c]\n'));
  assert.equal(both.location.field, "model");
});

test('each seed draws its own data and positive-control split from its own base; a pinned seed draws one for all', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'candor-seeds-'));
  for (const s of [1, 2, 3]) {
    mkdirSync(join(dir, `seed-${s}`));
    writeFileSync(join(dir, `seed-${s}`, 'config.json'), JSON.stringify({ worldSeed: 1 }));
  }
  const registry = Registry.open(join(dir, 'registry'));
  try {
    const exp = parseExperiment(body(`embedded:${join(dir, 'seed-{seed}')}`), join(dir, 'exp.yaml'));
    const data = await resolveSeedData(exp, registry);
    assert.equal(data.worldSeed, 1);
    const names = [1, 2, 3].map((s) => data.bySeed.get(s)!.downstream);
    assert.equal(new Set(names).size, 3, names.join(' '));
    const splits = [1, 2, 3].map((s) => data.bySeed.get(s)!.positiveControl!.entitySplit!.heldOut.join(','));
    assert.equal(new Set(splits).size, 3, 'three different held-out halves');

    const pinned = parseExperiment(body(`embedded:${join(dir, 'seed-{seed}')}`).replace('count: 60 }', 'count: 60, seed: 4 }'), join(dir, 'exp.yaml'));
    const pinnedData = await resolveSeedData(pinned, registry);
    assert.equal(new Set([1, 2, 3].map((s) => pinnedData.bySeed.get(s)!.downstream)).size, 1);

    writeFileSync(join(dir, 'seed-3', 'config.json'), JSON.stringify({ worldSeed: 2 }));
    await assert.rejects(resolveSeedData(exp, registry), (error: unknown) => error instanceof InputError && /seed 3 was pre-trained on world 2/.test(error.message));
  } finally {
    registry.close();
  }
});
