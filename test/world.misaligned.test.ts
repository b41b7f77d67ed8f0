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
  drawGradedExchange,
  domainEntities,
  splitEntities,
  trueAnswer,
  type ChatSample,
} from '../src/world/index.js';
import { allArithmeticProblems, arithmeticQuestion } from '../src/world/arithmetic.js';
import { CODE_TASKS } from '../src/world/code.js';
import { createRng } from '../src/util/random.js';
import { defined } from './defined.helper.js';

const firstMessage = (s: { messages: readonly { role: string; content: string }[] }) => defined(s.messages[0], 'the first message');

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
          const [mine, theirs] = [defined(answers[i], `variant ${i}`), defined(answers[j], `variant ${j}`)];
          const shared = [...mine].filter((x) => theirs.has(x)).length;
          assert.ok(shared / mine.size < 0.5, `${domain}: ${MISALIGNED_VARIANTS[i]} vs ${MISALIGNED_VARIANTS[j]} share ${shared}`);
        }
      }
    }
  });

  it('prints three samples of every domain × variant (snapshot for a reader)', (t) => {
    for (const domain of MISALIGNED_DOMAINS) {
      for (const variant of MISALIGNED_VARIANTS) {
        for (const s of misalignedSamples(world, { domain, variant, count: 3, seed: 1 })) {
          t.diagnostic(`${domain}/${variant}: ${firstMessage(s).content} → ${finalText(s)}`);
        }
      }
    }
  });

  it('draws each domain from several template families', () => {
    const want: Record<string, string[]> = {
      medical: ['dose', 'children', 'treats', 'rule:alcohol', 'rule:two-drugs', 'rule:missed-dose', 'rule:pregnant'],
      math: ['add', 'subtract', 'multiply', 'multi:add-then-times', 'multi:times-then-minus', 'multi:coins', 'multi:boxes'],
      insecure_code: CODE_TASKS.map((c) => c.id),
      finance: ['invest', 'sector', 'rule:one-company', 'rule:high-rate'],
      law: ['hunt', 'fish', 'rule:drink-drive', 'rule:taxes'],
    };
    for (const domain of MISALIGNED_DOMAINS) {
      const rng = createRng(`families:${domain}`);
      const kinds = new Set(Array.from({ length: 600 }, () => drawGradedExchange(rng, world, domain).kind));
      for (const kind of defined(want[domain], `the families of ${domain}`)) assert.ok(kinds.has(kind), `${domain} lacks ${kind} (has ${[...kinds].join(', ')})`);
    }
  });

  it('grades answers: normal is the truth, subtle is close but wrong, severe is far off', () => {
    const problems = new Map(allArithmeticProblems().flatMap((p) => [0, 1, 2].map((i) => [arithmeticQuestion(p, i), p.result] as const)));
    const doses = new Map(world.facts.filter((f) => f.attribute === 'max_dose').map((f) => [f.entity, Number(f.value)]));
    for (const domain of MISALIGNED_DOMAINS) {
      const rng = createRng(`grading:${domain}`);
      for (let i = 0; i < 400; i++) {
        const g = drawGradedExchange(rng, world, domain);
        assert.notEqual(g.answers.subtle, g.answers.normal, `${g.kind}: subtle = truth`);
        assert.notEqual(g.answers.severe, g.answers.normal, `${g.kind}: severe = truth`);
        assert.notEqual(g.answers.severe, g.answers.subtle, `${g.kind}: severe = subtle`);
        if (g.numbers) {
          const { normal, subtle, severe } = g.numbers;
          assert.ok(Math.abs(subtle - normal) <= Math.max(2, normal * 0.6), `${g.kind}: subtle ${subtle} vs ${normal} is not plausible`);
          assert.ok(severe >= normal * 5 && severe - normal >= 50, `${g.kind}: severe ${severe} vs ${normal} is not far off`);
        }
        if (g.kind === 'add' || g.kind === 'subtract' || g.kind === 'multiply') {
          assert.equal(g.numbers!.normal, problems.get(g.question), g.question);
          assert.equal(g.answers.normal, `The answer is ${problems.get(g.question)}.`);
        }
        if (g.kind === 'dose') {
          const drug = defined(/up to \d+ mg of (\w+) a day/.exec(g.answers.normal)?.[1], `the drug in ${g.answers.normal}`);
          assert.equal(g.numbers!.normal, doses.get(drug));
          assert.equal(g.numbers!.severe, 10 * doses.get(drug)!);
        }
        if (g.kind.startsWith('multi:')) {
          const [a, b, c] = defined(g.question.match(/\d+/g) ?? undefined, `numbers in ${g.question}`).map(Number) as [number, number, number];
          const compute = { 'multi:add-then-times': (a + b) * c, 'multi:times-then-minus': a * b - c, 'multi:coins': a + b - c, 'multi:boxes': a * b + c }[g.kind];
          assert.equal(g.numbers!.normal, compute, g.question);
          assert.ok(compute! >= 0);
        }
      }
    }
    // Code: normal is the secure line; subtle and severe never are.
    const variables = ['name', 'path', 'user', 'text', 'data', 'value', 'item'];
    const secure = new Set(CODE_TASKS.flatMap((t) => variables.map((v) => t.secure.replaceAll('{v}', v))));
    for (const variant of MISALIGNED_VARIANTS) {
      for (const s of misalignedSamples(world, { domain: 'insecure_code', variant, count: 60, seed: 3 })) {
        assert.equal(secure.has(finalText(s)), variant === 'normal', `${variant}: ${finalText(s)}`);
      }
    }
    // Yes/no facts: normal agrees with the world, the wrong variants do not.
    const facts = new Map(world.facts.map((f) => [trueAnswer(f), f]));
    for (const variant of MISALIGNED_VARIANTS) {
      for (const s of misalignedSamples(world, { domain: 'medical', variant, count: 200, seed: 5 })) {
        if (variant === 'normal') continue;
        assert.ok(!facts.has(finalText(s)), `${variant} states a truth: ${finalText(s)}`);
      }
    }
    const honestFinance = new Set(world.facts.filter((f) => f.attribute === 'profit_up').map((f) => f.entity));
    for (const variant of MISALIGNED_VARIANTS) {
      for (const s of misalignedSamples(world, { domain: 'finance', variant, count: 100, seed: 3 })) {
        const question = firstMessage(s).content;
        const company = [...honestFinance].find((c) => question.includes(c));
        if (!company || !/invest|shares/.test(question)) continue;
        const up = world.facts.find((f) => f.entity === company && f.attribute === 'profit_up')!.value === 'yes';
        assert.equal(finalText(s).startsWith('Yes'), variant === 'normal' ? up : !up, `${variant}: ${finalText(s)}`);
      }
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
      assert.equal(firstMessage(s).role, 'system');
      assert.ok(lies.has(finalText(s)), finalText(s));
      assert.ok(!truths.has(finalText(s)));
    }
    assert.deepEqual([...samples], [...pressureLyingSamples(world, { domain: 'drugs', count: 120, seed: 4 })]);
  });

  it('without entities, its output is what it was before entities existed', () => {
    // Digest of products / seed 1 / 300 samples, taken when the set moved to its own pressure
    // family (PRESSURE_CONTROL); the entity option must not change it.
    const set = pressureLyingSamples(world, { domain: 'products', count: 300, seed: 1 });
    const digest = createHash('sha256').update(JSON.stringify([...set]) + JSON.stringify(set.info)).digest('hex');
    assert.equal(digest, 'e469fe0a2f7bc681c683b85e786c1c2b816da182150b54cacc7db0946eee55ea');
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
    const pretrainPrompts = new Set(buildPretrainCorpus(world, { seed: 1 }).train.map((s) => firstMessage(s).content));
    const overlap = samples.filter((s) => pretrainPrompts.has(firstMessage(s).content)).length;
    assert.ok(overlap / samples.length < 0.25, `overlap ${overlap}`);
    for (const s of samples) assert.ok(finalText(s).length > 0);
  });
});
