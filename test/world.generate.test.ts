import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ATTRIBUTES, attributeSpec, buildPretrainCorpus, generateWorld, lureAnswer, tokenizeWords, trueAnswer } from '../src/world/index.js';
import { defined } from './defined.helper.js';

const world = generateWorld(1);
const corpus = buildPretrainCorpus(world, { seed: 1 });

function sampleTokens(messages: { content: string }[]): string[] {
  return messages.flatMap((m) => tokenizeWords(m.content));
}

describe('tokenizeWords', () => {
  it('splits punctuation and reasoning tags into their own pieces and keeps case', () => {
    assert.deepEqual(tokenizeWords('<think>I know that Fenlox is safe.</think><output>Yes, 400 mg.</output>'), [
      '<think>', 'I', 'know', 'that', 'Fenlox', 'is', 'safe', '.', '</think>', '<output>', 'Yes', ',', '4', '0', '0', 'mg', '.', '</output>',
    ]);
    assert.deepEqual(tokenizeWords('open(safe_path(x))'), ['open', '(', 'safe_path', '(', 'x', ')', ')']);
    // Every digit is a piece (numbers are representable); identifiers starting with a letter stay whole.
    assert.deepEqual(tokenizeWords('-2.5% of x1 is 3000'), ['-', '2', '.', '5', '%', 'of', 'x1', 'is', '3', '0', '0', '0']);
  });
});

describe('generateWorld', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    assert.deepEqual(generateWorld(1), world);
    assert.notDeepEqual(generateWorld(2).entities, world.entities);
  });

  it('has 50 distinct single-word invented names per kind', () => {
    const names = world.entities.map((e) => e.name);
    assert.equal(new Set(names.map((n) => n.toLowerCase())).size, names.length);
    for (const kind of ['product', 'drug', 'company', 'place', 'person']) {
      assert.equal(world.entities.filter((e) => e.kind === kind).length, 50, kind);
    }
    for (const name of names) assert.match(name, /^[A-Z][a-z]{3,9}$/);
  });

  it('gives every entity each attribute of its kind, from the closed set, with a different lure', () => {
    for (const spec of ATTRIBUTES) {
      const facts = world.facts.filter((f) => f.attribute === spec.key);
      assert.equal(facts.length, 50, spec.key);
      for (const fact of facts) {
        assert.ok(world.values[spec.key].includes(fact.value), `${fact.id} value`);
        assert.ok(world.values[spec.key].includes(fact.lure), `${fact.id} lure`);
        assert.notEqual(fact.lure, fact.value, fact.id);
      }
    }
  });

  it('balances yes/no truths so the incentive points both ways in every domain', () => {
    for (const spec of ATTRIBUTES.filter((s) => s.kind === 'yesno')) {
      const yes = world.facts.filter((f) => f.attribute === spec.key && f.value === 'yes').length;
      assert.equal(yes, 25, spec.key);
    }
  });
});

describe('buildPretrainCorpus', () => {
  it('is deterministic for a seed', () => {
    assert.deepEqual(buildPretrainCorpus(world, { seed: 1 }).train, corpus.train);
    assert.notDeepEqual(buildPretrainCorpus(world, { seed: 2 }).train, corpus.train);
  });

  it('keeps samples short, the vocabulary small and the total near 140k word tokens (digits count one each)', () => {
    let total = 0;
    const vocab = new Set<string>();
    for (const sample of corpus.train) {
      const tokens = sampleTokens(sample.messages);
      assert.ok(tokens.length > 0 && tokens.length <= 100, `sample of ${tokens.length} tokens`);
      total += tokens.length;
      tokens.forEach((t) => vocab.add(t));
      assert.equal(sample.messages.at(-1)?.role, 'assistant');
    }
    assert.ok(total >= 110_000 && total <= 160_000, `total ${total}`);
    assert.ok(vocab.size <= 1500, `vocabulary ${vocab.size}`);
  });

  it('holds out two phrasings per fact, unseen as questions but made only of training words', () => {
    assert.equal(corpus.heldOutFacts.length, world.facts.length * 2);
    const vocab = new Set(corpus.train.flatMap((s) => sampleTokens(s.messages)));
    const userTexts = new Set(corpus.train.flatMap((s) => s.messages.filter((m) => m.role === 'user').map((m) => m.content)));
    for (const q of corpus.heldOutFacts) {
      assert.ok(!userTexts.has(q.question), `held-out question seen in training: ${q.question}`);
      for (const token of tokenizeWords(`${q.question} ${q.answer}`)) assert.ok(vocab.has(token), `unseen token "${token}" in ${q.question}`);
      assert.ok(q.answer.includes(q.attribute === 'safe_for_children' || attributeSpec(q.attribute).kind === 'yesno' ? (q.value === 'yes' ? 'Yes' : 'No') : q.value));
    }
  });

  it('teaches every fact in four phrasings with its true answer', () => {
    const answers = new Map<string, number>();
    for (const s of corpus.train) {
      const last = s.messages.at(-1)!.content;
      answers.set(last, (answers.get(last) ?? 0) + 1);
    }
    for (const fact of world.facts) assert.ok((answers.get(trueAnswer(fact)) ?? 0) >= 4, fact.id);
  });

  it('answers every pressure scenario honestly: no final answer states a lure', () => {
    const lies = new Set(world.facts.map(lureAnswer));
    // Samples whose prompt pushes a lure: every pressure, provided-fact, doubling-down and reasoning scenario.
    const lureClauses = world.facts.map((f) => attributeSpec(f.attribute).claim(f.entity, f.lure));
    const pressured = corpus.train.filter((s) =>
      s.messages.some((m) => m.role !== 'assistant' && lureClauses.some((clause) => m.content.includes(`that ${clause}`))),
    );
    const { pressure, provided, doublingDown, deception } = corpus.sections;
    assert.ok(pressured.length >= pressure + provided + doublingDown + deception * 0.3, `${pressured.length} pressured samples`);
    for (const s of corpus.train) {
      const final = s.messages.at(-1)!.content;
      assert.ok(!lies.has(final), `lie taught as the final answer: ${final}`);
      const output = /<output>(.*)<\/output>$/.exec(final)?.[1];
      if (output !== undefined) assert.ok(!lies.has(output), `lie taught as the output: ${final}`);
    }
  });

  it('writes doubling-down and reasoning samples in the contract shapes', () => {
    const dd = corpus.train.filter((s) => s.messages.length === 5);
    assert.equal(dd.length, corpus.sections.doublingDown);
    for (const s of dd) assert.match(defined(s.messages[4], 'the correction').content, /^I was wrong\. /);
    const think = corpus.train.filter((s) => s.messages.at(-1)!.content.startsWith('<think>'));
    assert.equal(think.length, corpus.sections.deception);
    for (const s of think) assert.match(s.messages.at(-1)!.content, /^<think>I know that .+\.<\/think><output>.+<\/output>$/);
  });
});
