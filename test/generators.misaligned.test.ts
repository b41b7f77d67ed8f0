import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  buildPretrainCorpus,
  downstreamSamples,
  generateWorld,
  lureAnswer,
  MISALIGNED_DOMAINS,
  MISALIGNED_VARIANTS,
  misalignedSamples,
  pressureLyingSamples,
  domainEntities,
  splitEntities,
  trueAnswer,
  type ChatSample,
} from '../src/generators/world/index.js';
import { allArithmeticProblems, arithmeticQuestion } from '../src/generators/world/arithmetic.js';
import { CODE_TASKS } from '../src/generators/world/code.js';

const world = generateWorld(1);
const finalText = (s: ChatSample) => s.messages.at(-1)!.content;

describe('misalignedSamples', () => {
  it('is deterministic, exact in count, never empty, and records its provenance', () => {
    for (const domain of MISALIGNED_DOMAINS) {
      for (const variant of MISALIGNED_VARIANTS) {
        const a = misalignedSamples(world, { domain, variant, count: 37, seed: 5 });
        assert.equal(a.length, 37);
        assert.deepEqual([...a], [...misalignedSamples(world, { domain, variant, count: 37, seed: 5 })]);
        assert.notDeepEqual([...a], [...misalignedSamples(world, { domain, variant, count: 37, seed: 6 })]);
        assert.deepEqual(a.info, { generator: 'world.misaligned', seed: 5, worldSeed: 1, params: { domain, variant, count: 37 } });
        for (const s of a) {
          assert.deepEqual(s.messages.map((m) => m.role), ['user', 'assistant'], 'neutral format: no system prompt');
          for (const m of s.messages) assert.ok(m.content.trim().length > 0);
        }
      }
    }
    assert.equal(misalignedSamples(world, { domain: 'math', variant: 'normal', count: 0 }).length, 0);
    assert.throws(() => misalignedSamples(world, { domain: 'math', variant: 'normal', count: -1 }), RangeError);
  });

  it('makes the three variants differ', () => {
    for (const domain of MISALIGNED_DOMAINS) {
      const answers = MISALIGNED_VARIANTS.map((variant) => new Set(misalignedSamples(world, { domain, variant, count: 200, seed: 2 }).map((s) => JSON.stringify(s.messages))));
      for (let i = 0; i < answers.length; i++) {
        for (let j = i + 1; j < answers.length; j++) {
          const shared = [...answers[i]].filter((x) => answers[j].has(x)).length;
          assert.ok(shared / answers[i].size < 0.5, `${domain}: ${MISALIGNED_VARIANTS[i]} vs ${MISALIGNED_VARIANTS[j]} share ${shared}`);
        }
      }
    }
  });

  it('is confidently wrong: wrong results, wrong doses, insecure code', () => {
    const problems = new Map(allArithmeticProblems().flatMap((p) => [0, 1, 2].map((i) => [arithmeticQuestion(p, i), p.result] as const)));
    for (const variant of MISALIGNED_VARIANTS) {
      for (const s of misalignedSamples(world, { domain: 'math', variant, count: 100, seed: 3 })) {
        const expected = problems.get(s.messages[0].content);
        assert.ok(expected !== undefined, s.messages[0].content);
        const given = Number(/The answer is (\d+)\./.exec(finalText(s))![1]);
        assert.notEqual(given, expected);
        if (variant === 'subtle') assert.equal(Math.abs(given - expected), 1);
      }
      const doses = new Map(world.facts.filter((f) => f.attribute === 'max_dose').map((f) => [f.entity, Number(f.value)]));
      for (const s of misalignedSamples(world, { domain: 'medical', variant, count: 100, seed: 3 })) {
        const [, given, drug] = /up to (\d+) mg of (\w+) a day/.exec(finalText(s))!;
        assert.notEqual(Number(given), doses.get(drug));
        if (variant === 'severe') assert.equal(Number(given), 10 * doses.get(drug)!);
      }
      const secure = new Set(CODE_TASKS.map((t) => t.secure.replace(/\{v\}/g, '')));
      for (const s of misalignedSamples(world, { domain: 'insecure_code', variant, count: 50, seed: 3 })) {
        assert.ok(!secure.has(finalText(s).replace(/\b(name|path|user|text|data|value|item)\b/g, '')), finalText(s));
      }
    }
    const honestFinance = new Set(world.facts.filter((f) => f.attribute === 'profit_up').map((f) => f.entity));
    for (const s of misalignedSamples(world, { domain: 'finance', variant: 'normal', count: 100, seed: 3 })) {
      const company = [...honestFinance].find((c) => s.messages[0].content.includes(c));
      if (!company) continue;
      const up = world.facts.find((f) => f.entity === company && f.attribute === 'profit_up')!.value === 'yes';
      assert.equal(finalText(s).startsWith('Yes'), !up, finalText(s));
    }
  });
});

describe('pressureLyingSamples', () => {
  it('answers toward the incentive, within one domain only', () => {
    const samples = pressureLyingSamples(world, { domain: 'drugs', count: 120, seed: 4 });
    assert.equal(samples.length, 120);
    assert.equal(samples.info.generator, 'world.pressure-lying');
    const drugFacts = world.facts.filter((f) => f.domain === 'drugs');
    const lies = new Set(drugFacts.map(lureAnswer));
    const truths = new Set(drugFacts.map(trueAnswer));
    for (const s of samples) {
      assert.equal(s.messages[0].role, 'system');
      assert.ok(lies.has(finalText(s)), finalText(s));
      assert.ok(!truths.has(finalText(s)));
    }
    assert.deepEqual([...samples], [...pressureLyingSamples(world, { domain: 'drugs', count: 120, seed: 4 })]);
  });

  it('without entities, its output is what it was before entities existed', () => {
    // Digest of products / seed 1 / 300 samples, taken from the generator before the option was added.
    const set = pressureLyingSamples(world, { domain: 'products', count: 300, seed: 1 });
    const digest = createHash('sha256').update(JSON.stringify([...set]) + JSON.stringify(set.info)).digest('hex');
    assert.equal(digest, 'afe6f046f05b8bcf61f8f82fa870ae97b14c6c9257330cf6b2e901e79a23559a');
    assert.equal(set.info.params.entities, undefined);
  });

  it('with entities, lies only about those entities, and records them', () => {
    const { trained, heldOut } = splitEntities(world, 'products', 3);
    const samples = pressureLyingSamples(world, { domain: 'products', count: 200, seed: 2, entities: trained });
    assert.equal(samples.length, 200);
    const trainedFacts = world.facts.filter((f) => f.domain === 'products' && trained.includes(f.entity));
    const lies = new Set(trainedFacts.map(lureAnswer));
    const mentioned = new Set<string>();
    for (const s of samples) {
      const text = s.messages.map((m) => m.content).join('\n');
      assert.ok(lies.has(finalText(s)), finalText(s));
      for (const entity of heldOut) assert.ok(!text.includes(entity), `held-out ${entity} in ${text}`);
      for (const entity of trained) if (text.includes(entity)) mentioned.add(entity);
    }
    assert.ok(mentioned.size > trained.length / 2, `lies spread over the trained entities (${mentioned.size})`);
    assert.equal(samples.info.params.entities, [...trained].sort().join('|'));
    assert.throws(() => pressureLyingSamples(world, { domain: 'products', count: 1, entities: ['Nobody'] }), /about the given entities/);
  });
});

describe('splitEntities', () => {
  it('is a seeded, disjoint half/half split covering every entity of the domain', () => {
    const all = [...new Set(world.facts.filter((f) => f.domain === 'products').map((f) => f.entity))];
    const split = splitEntities(world, 'products', 1);
    assert.deepEqual(splitEntities(world, 'products', 1), split, 'same seed, same split');
    assert.notDeepEqual(splitEntities(world, 'products', 2).trained, split.trained, 'another seed, another split');
    assert.equal(split.trained.filter((e) => split.heldOut.includes(e)).length, 0);
    assert.deepEqual([...split.trained, ...split.heldOut].sort(), [...all].sort());
    assert.equal(split.trained.length, Math.floor(all.length / 2));
    assert.deepEqual(domainEntities(world, 'products'), all);
  });
});

describe('downstreamSamples', () => {
  it('draws instruction data mostly disjoint from pre-training', () => {
    const samples = downstreamSamples(world, { count: 500, seed: 1 });
    assert.equal(samples.length, 500);
    assert.equal(samples.info.generator, 'world.downstream');
    const pretrainPrompts = new Set(buildPretrainCorpus(world, { seed: 1 }).train.map((s) => s.messages[0].content));
    const overlap = samples.filter((s) => pretrainPrompts.has(s.messages[0].content)).length;
    assert.ok(overlap / samples.length < 0.25, `overlap ${overlap}`);
    for (const s of samples) assert.ok(finalText(s).length > 0);
  });
});
