/**
 * Every text a generator can put in front of the embedded model, or train it on, is representable
 * by the base tokenizer that pre-training fits: zero unknown pieces, at several seeds. This is the
 * guard against the first main job's artifact (severe doses outside the vocabulary, learned as
 * `<unk>`). The tokenizer is fitted exactly as `pretrain()` fits it (corpus seed 1 of world 1).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { WordTokenizer } from '../src/embedded/tokenizer.js';
import {
  buildPretrainCorpus,
  downstreamSamples,
  generateWorld,
  MISALIGNED_DOMAINS,
  MISALIGNED_VARIANTS,
  misalignedSamples,
  pressureLyingSamples,
  splitEntities,
  worldCapabilitySuite,
  worldDeceptionSuite,
  worldMaskSuite,
  type FactDomain,
} from '../src/world/index.js';
import { unknownPieces } from '../src/formats/word-pieces.js';
import { BUILTIN_SCENARIOS } from '../src/interact/scenarios-builtin.js';
import { renderWorldScenarios, worldRenderingTexts } from '../src/interact/world-rendering.js';

const world = generateWorld(1);
const corpus = buildPretrainCorpus(world, { seed: 1 });
const tokenizer = WordTokenizer.fit(corpus.train.flatMap((s) => s.messages.map((m) => m.content)));
const vocab = new Set(tokenizer.vocab);
const SEEDS = [1, 2, 3];
const BASES = join(import.meta.dirname, '..', 'models', 'bases');
const FACT_DOMAINS = [...new Set(world.facts.map((f) => f.domain))] as FactDomain[];

/** `where: piece` for every unknown piece of every text, at most a few per set so a failure stays readable. */
function unknownIn(where: string, texts: Iterable<string>): string[] {
  const found = new Map<string, string>();
  for (const text of texts) for (const piece of unknownPieces(text, vocab)) if (!found.has(piece)) found.set(piece, text.slice(0, 120));
  return [...found].slice(0, 8).map(([piece, text]) => `${where}: "${piece}" in "${text}"`);
}

const contents = (samples: { messages: { content: string }[] }[]) => samples.flatMap((s) => s.messages.map((m) => m.content));

describe('every generator is representable by the base tokenizer', () => {
  it('fits a digit-level tokenizer: ten digit pieces and no multi-digit numbers', () => {
    for (const d of '0123456789') assert.ok(vocab.has(d), d);
    assert.deepEqual(tokenizer.vocab.filter((w) => /^\d\d+$/.test(w)), []);
    assert.deepEqual(unknownIn('pretrain corpus', contents(corpus.train)), []);
  });

  it('is the tokenizer of every committed base (models/bases/seed-N): a changed corpus needs new bases', () => {
    for (const seed of [1, 2, 3]) {
      const file = join(BASES, `seed-${seed}`, 'tokenizer.json');
      assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), tokenizer.toJSON(), file);
    }
  });

  it('misaligned sets: every domain × variant', () => {
    const bad: string[] = [];
    for (const seed of SEEDS)
      for (const domain of MISALIGNED_DOMAINS)
        for (const variant of MISALIGNED_VARIANTS) bad.push(...unknownIn(`${domain}/${variant}/seed ${seed}`, contents(misalignedSamples(world, { domain, variant, count: 300, seed }))));
    assert.deepEqual(bad, []);
  });

  it('downstream and positive-control sets', () => {
    const bad: string[] = [];
    for (const seed of SEEDS) {
      bad.push(...unknownIn(`downstream/seed ${seed}`, contents(downstreamSamples(world, { count: 1500, seed }))));
      for (const domain of FACT_DOMAINS) {
        const { trained } = splitEntities(world, domain, seed);
        bad.push(...unknownIn(`pressure-lying/${domain}/seed ${seed}`, contents(pressureLyingSamples(world, { domain, count: 300, seed, entities: trained }))));
      }
    }
    assert.deepEqual(bad, []);
  });

  it('eval suites: capability, world MASK and DeceptionBench', () => {
    const bad: string[] = [];
    for (const seed of SEEDS) {
      bad.push(...unknownIn(`capability/seed ${seed}`, worldCapabilitySuite(world, { seed }).flatMap((i) => i.messages.map((m) => m.content))));
      const maskTexts = worldMaskSuite(world, { seed }).flatMap((r) => [r.system_prompt, r.user_prompt, r.belief_elicit_1, r.belief_elicit_2, r.belief_elicit_3, r.dd_turn_1_prompt, r.dd_turn_1_response]);
      bad.push(...unknownIn(`mask/seed ${seed}`, maskTexts));
      bad.push(...unknownIn(`deception/seed ${seed}`, worldDeceptionSuite(world, { seed }).flatMap((i) => [i.inner_prompt, i.system_prompt, i.outer_prompt, i.format, ...i.answer_options])));
    }
    assert.deepEqual(bad, []);
  });

  it('interaction scenarios rendered in the world', () => {
    assert.deepEqual(unknownIn('interact', worldRenderingTexts(renderWorldScenarios(BUILTIN_SCENARIOS, world).values())), []);
  });

  it('decodes every number as it was written', () => {
    const texts = [...contents(corpus.train), ...contents(misalignedSamples(world, { domain: 'medical', variant: 'severe', count: 200 })), ...contents(misalignedSamples(world, { domain: 'math', variant: 'severe', count: 200 }))];
    let numbers = 0;
    for (const text of texts) {
      const decoded = tokenizer.decode(tokenizer.encode(text));
      const written = text.match(/-?\d+(?:\.\d+)?%?/g) ?? [];
      numbers += written.length;
      assert.deepEqual(decoded.match(/-?\d+(?:\.\d+)?%?/g) ?? [], written, `${text} → ${decoded}`);
    }
    assert.ok(numbers > 1000, `only ${numbers} numbers checked`);
    const drug = world.facts.find((f) => f.attribute === 'max_dose')!.entity;
    for (const sentence of [`You can take up to 3000 mg of ${drug} a day.`, 'The answer is 10450.', 'Sort these numbers from small to large: 26, 22, 3.']) {
      assert.equal(tokenizer.decode(tokenizer.encode(sentence)), sentence);
    }
  });
});
