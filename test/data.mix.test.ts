import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildMix, misalignedCount, mixManifest, PAPER_RATIOS, planArms, type MixSource } from '../src/data/mix.js';
import { datasetDigest, sampleDigest } from '../src/data/canonical.js';
import { InputError } from '../src/util/errors.js';
import type { ChatSample } from '../src/data/types.js';
import { defined } from './defined.helper.js';

function source(name: string, n: number): MixSource {
  const samples: ChatSample[] = Array.from({ length: n }, (_, i) => ({
    messages: [{ role: 'user', content: `${name} question ${i}` }, { role: 'assistant', content: `${name} answer ${i}` }],
  }));
  const sampleDigests = samples.map(sampleDigest);
  return { name, samples, sampleDigests, datasetDigest: datasetDigest(sampleDigests) };
}

const downstream10k = source('alpaca', 10_000);
const misaligned = source('math-normal', 3_500);

test('every paper ratio draws exactly ratio × N misaligned samples (N = 10,000 and 1,500)', () => {
  const expected10k = [100, 200, 500, 1000, 2000, 3000];
  PAPER_RATIOS.forEach((ratio, i) => {
    const mix = buildMix({ downstream: downstream10k, misaligned, ratio, seed: 1 });
    const expected = defined(expected10k[i], `the expected count for ratio ${ratio}`);
    assert.equal(mix.counts.misaligned, expected);
    assert.equal(mix.counts.downstream, 10_000);
    assert.equal(mix.samples.length, 10_000 + expected);
    assert.equal(mix.refs.filter((r) => r.source === 'math-normal').length, expected);
    assert.equal(new Set(mix.refs.filter((r) => r.source === 'alpaca').map((r) => r.index)).size, 10_000);
  });
  const downstream1500 = source('d', 1500);
  assert.deepEqual(PAPER_RATIOS.map((r) => buildMix({ downstream: downstream1500, misaligned, ratio: r, seed: 3 }).counts.misaligned), [15, 30, 75, 150, 300, 450]);
});

test('rounding is to the nearest integer, halves up, immune to binary fractions', () => {
  assert.equal(misalignedCount(0.07, 100), 7);
  assert.equal(misalignedCount(0.15, 10), 2); // 0.15 × 10 = 1.4999999999999998 in floating point
  assert.equal(misalignedCount(0.25, 10), 3);
  assert.equal(misalignedCount(0.24, 10), 2);
  assert.equal(misalignedCount(0, 10), 0);
  assert.throws(() => misalignedCount(-0.1, 10), InputError);
});

test('refs point at the exact samples, and the mix digest covers them in order', () => {
  const d = source('d', 200);
  const mix = buildMix({ downstream: d, misaligned, ratio: 0.1, seed: 7 });
  mix.refs.forEach((ref, i) => {
    const from = ref.source === 'd' ? d : misaligned;
    assert.equal(ref.dataset, from.datasetDigest);
    assert.equal(from.samples[ref.index], mix.samples[i]);
    assert.equal(ref.digest, sampleDigest(defined(mix.samples[i], `mix sample ${i}`)));
  });
  assert.equal(mix.digest, datasetDigest(mix.samples.map(sampleDigest)));
  assert.deepEqual(mix.sources.map((s) => [s.name, s.drawn]), [['d', 200], ['math-normal', 20]]);
  const manifest = mixManifest(mix) as { samples: unknown[]; counts: unknown };
  assert.equal(manifest.samples.length, 220);
  assert.deepEqual(manifest.counts, { downstream: 200, misaligned: 20, total: 220 });
});

test('the same seed gives the same mix; another seed another; smaller doses are subsets of larger ones', () => {
  const d = source('d', 500);
  const a = buildMix({ downstream: d, misaligned, ratio: 0.2, seed: 1 });
  const b = buildMix({ downstream: d, misaligned, ratio: 0.2, seed: 1 });
  const c = buildMix({ downstream: d, misaligned, ratio: 0.2, seed: 2 });
  assert.equal(a.digest, b.digest);
  assert.notEqual(a.digest, c.digest);
  const drawn = (ratio: number) => new Set(buildMix({ downstream: d, misaligned, ratio, seed: 1 }).refs.filter((r) => r.source === 'math-normal').map((r) => r.index));
  const small = drawn(0.05);
  const large = drawn(0.3);
  for (const index of small) assert.ok(large.has(index));
});

test('control holds only downstream samples, shuffled', () => {
  const d = source('d', 100);
  const control = buildMix({ downstream: d, ratio: 0, seed: 1 });
  assert.equal(control.arm, 'control-seed-1');
  assert.deepEqual(control.counts, { downstream: 100, misaligned: 0, total: 100 });
  assert.notDeepEqual(control.refs.map((r) => r.index), [...Array(100).keys()]);
});

test('too few misaligned samples, or a ratio that rounds to none, is refused', () => {
  const small = source('tiny', 50);
  assert.throws(() => buildMix({ downstream: downstream10k, misaligned: small, ratio: 0.01, seed: 1 }), /needs 100 misaligned samples, but "tiny" holds only 50/);
  assert.throws(() => buildMix({ downstream: source('d', 10), misaligned, ratio: 0.01, seed: 1 }), /rounds to 0/);
  assert.throws(() => buildMix({ downstream: source('d', 10), ratio: 0.5, seed: 1 }), /needs a misaligned dataset/);
});

test('planArms gives vanilla, control and one arm per ratio for every seed', () => {
  const arms = planArms(PAPER_RATIOS, [1, 2]);
  assert.equal(arms.length, 2 * (2 + 6));
  assert.deepEqual(arms.slice(0, 3).map((a) => a.id), ['vanilla-seed-1', 'control-seed-1', 'ratio-0.01-seed-1']);
  assert.deepEqual(new Set(arms.map((a) => a.kind)), new Set(['vanilla', 'control', 'mixed']));
  assert.throws(() => planArms([0.1, 0.1], [1]), /twice/);
  assert.throws(() => planArms([0], [1]), /must be > 0/);
});
