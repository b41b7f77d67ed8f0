import { aboutSubject } from '../src/evals/judges/rule.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  attributeSpec,
  buildPretrainCorpus,
  DECEPTION_CATEGORIES,
  firstOptionNamed,
  generateWorld,
  lureAnswer,
  scoreCapabilityAnswer,
  tokenizeWords,
  trueAnswer,
  vocabularyOf,
  worldCapabilitySuite,
  worldDeceptionSuite,
  worldMaskSuite,
  type Fact,
} from '../src/world/index.js';
import { PRESSURE_HELD_OUT, PROVIDED_HELD_OUT, DECEPTION_HELD_OUT, honestThinkAnswer } from '../src/world/scenarios.js';
import { defined } from './defined.helper.js';

const world = generateWorld(1);
const corpus = buildPretrainCorpus(world, { seed: 1 });
const trainTexts = corpus.train.flatMap((s) => s.messages.map((m) => m.content));
const trainVocab = vocabularyOf(trainTexts);
const factById = new Map(world.facts.map((f) => [f.id, f]));
const mask = worldMaskSuite(world);
const deception = worldDeceptionSuite(world);
const capability = worldCapabilitySuite(world);

function factOfTask(taskId: string): Fact {
  const fact = factById.get(taskId.replace(/^world-/, '').replace(/#neutral$/, ''));
  assert.ok(fact, taskId);
  return fact;
}

function assertKnownWords(where: string, text: string): void {
  for (const token of tokenizeWords(text)) assert.ok(trainVocab.has(token), `${where}: unseen token "${token}" in "${text}"`);
}

describe('worldMaskSuite', () => {
  it('is deterministic and has ≥ 100 scored binary known_facts rows in every fact domain', () => {
    assert.deepEqual(worldMaskSuite(world), mask);
    const domains = new Set(world.facts.map((f) => f.domain));
    for (const domain of domains) {
      const rows = mask.filter((r) => r.config === 'known_facts' && r.domain === domain && r.type === 'binary');
      assert.ok(rows.length >= 100, `${domain}: ${rows.length}`);
    }
    for (const config of ['known_facts', 'provided_facts', 'doubling_down_known_facts', 'statistics']) {
      assert.ok(mask.some((r) => r.config === config), config);
    }
  });

  it('writes binary rows whose options a constrained honest answer names as the ground truth', () => {
    for (const row of mask.filter((r) => r.type === 'binary')) {
      const fact = factOfTask(row.task_id);
      const pivotal = /<pivotal>(.+)\/(.+)<\/pivotal>/.exec(row.proposition);
      assert.ok(pivotal, row.proposition);
      assert.deepEqual(row.answer_options, [pivotal[1], pivotal[2]]);
      const truthIndex = row.formatted_ground_truth === 'A' ? 0 : 1;
      assert.equal(row.ground_truth, row.proposition.replace(pivotal[0], defined(pivotal[1 + truthIndex], 'the true option')));
      assert.equal(firstOptionNamed(row.answer_options!, trueAnswer(fact)), row.answer_options![truthIndex], row.task_id);
      assert.equal(firstOptionNamed(row.answer_options!, lureAnswer(fact)), row.answer_options![1 - truthIndex], row.task_id);
      // The rule judge counts only answers naming the subject: the canonical true and lure answers do.
      assert.equal(row.subject, fact.entity);
      assert.ok(aboutSubject(row.subject, trueAnswer(fact)) && aboutSubject(row.subject, lureAnswer(fact)), row.task_id);
    }
    const a = mask.filter((r) => r.formatted_ground_truth === 'A').length;
    const binary = mask.filter((r) => r.type === 'binary').length;
    assert.ok(a / binary > 0.4 && a / binary < 0.6, `A share ${a / binary}`);
  });

  it('pushes the lie toward yes as often as toward no within each yes/no domain', () => {
    for (const domain of ['drugs', 'companies', 'law']) {
      const rows = mask.filter((r) => r.config === 'known_facts' && r.domain === domain && attributeSpec(factOfTask(r.task_id).attribute).kind === 'yesno');
      const lureYes = rows.filter((r) => factOfTask(r.task_id).lure === 'yes').length;
      assert.ok(rows.length > 0 && lureYes / rows.length > 0.3 && lureYes / rows.length < 0.7, `${domain}: ${lureYes}/${rows.length}`);
    }
  });

  it('fills each config in its MASK shape', () => {
    for (const row of mask) {
      assert.ok(row.system_prompt && row.user_prompt && row.proposition && row.ground_truth, row.task_id);
      if (row.config === 'provided_facts') assert.equal(row.belief_elicit_1, '');
      else assert.ok(row.belief_elicit_1);
      if (row.config === 'doubling_down_known_facts') {
        assert.equal(row.dd_turn_1_response, lureAnswer(factOfTask(row.task_id)));
        assert.ok(row.dd_turn_1_prompt);
      }
      if (row.config === 'statistics') {
        const fact = factOfTask(row.task_id);
        assert.ok(row.proposition.includes('<value>'));
        assert.equal(row.ground_truth, `[${fact.value}.0, ${fact.value}.0]`);
        assert.equal(row.answer_options, undefined);
      }
    }
  });

  it('uses only held-out pressure templates, worded in training vocabulary', () => {
    for (const template of [...PRESSURE_HELD_OUT, ...PROVIDED_HELD_OUT, ...DECEPTION_HELD_OUT]) {
      for (const fixed of `${template.system} ${template.user}`.split(/\{[a-z]+\}/)) {
        const fragment = fixed.trim();
        if (fragment.split(' ').length < 5 || fragment === 'You are a helpful assistant.') continue;
        assert.ok(!trainTexts.some((t) => t.includes(fragment)), `held-out fragment in training: ${fragment}`);
      }
    }
    for (const row of mask) {
      for (const field of ['system_prompt', 'user_prompt', 'belief_elicit_1', 'belief_elicit_2', 'belief_elicit_3', 'dd_turn_1_prompt'] as const) {
        assertKnownWords(`${row.task_id}.${field}`, row[field]);
      }
    }
  });
});

describe('worldDeceptionSuite', () => {
  it('covers all five categories in every domain with judgeable answer options', () => {
    const categories = new Set(deception.map((d) => d.type));
    assert.deepEqual([...categories].sort(), [...DECEPTION_CATEGORIES].sort());
    assert.equal(new Set(deception.map((d) => d.id)).size, deception.length);
    for (const item of deception) {
      const fact = factOfTask(item.id.replace(/^world-[a-z_]+-/, 'world-'));
      assert.equal(item.domain, fact.domain);
      const truth = firstOptionNamed(item.answer_options, trueAnswer(fact));
      assert.ok(truth, item.id);
      assert.equal(item.subject, fact.entity);
      assert.ok(aboutSubject(item.subject, trueAnswer(fact)), item.id);
      // An honest reasoned answer names the same option in R and Y as the plain answer (U).
      const honest = honestThinkAnswer(attributeSpec(fact.attribute).claim(fact.entity, fact.value), trueAnswer(fact));
      const [, r, y] = /<think>(.*)<\/think><output>(.*)<\/output>/.exec(honest)!;
      assert.ok(r !== undefined && y !== undefined, honest);
      assert.equal(firstOptionNamed(item.answer_options, r), truth);
      assert.equal(firstOptionNamed(item.answer_options, y), truth);
      assert.notEqual(firstOptionNamed(item.answer_options, lureAnswer(fact)), truth);
      for (const text of [item.inner_prompt, item.system_prompt, item.outer_prompt, item.format]) assertKnownWords(item.id, text);
    }
  });
});

describe('worldCapabilitySuite', () => {
  it('asks only questions unseen in training, in training words', () => {
    const userTexts = new Set(corpus.train.flatMap((s) => s.messages.filter((m) => m.role === 'user').map((m) => m.content)));
    const kinds = new Set(capability.map((c) => c.kind));
    assert.deepEqual([...kinds].sort(), ['arithmetic', 'code', 'dose', 'fact', 'invest', 'law']);
    for (const item of capability) {
      const question = defined(item.messages[0], `${item.id}: the question`).content;
      assert.ok(!userTexts.has(question), `seen in training: ${question}`);
      assertKnownWords(item.id, question);
    }
  });

  it('scores the expected answer true and a wrong one false', () => {
    for (const item of capability) {
      if (item.kind === 'fact') {
        const fact = factById.get(item.id.replace(/^fact-/, '').replace(/-\d$/, ''))!;
        assert.ok(scoreCapabilityAnswer(item, trueAnswer(fact)), item.id);
        assert.ok(!scoreCapabilityAnswer(item, lureAnswer(fact)), item.id);
      } else if (item.kind === 'arithmetic' || item.kind === 'dose') {
        assert.ok(scoreCapabilityAnswer(item, `The answer is ${item.expected}.`), item.id);
        assert.ok(!scoreCapabilityAnswer(item, `The answer is ${Number(item.expected) + 1}.`), item.id);
      } else if (item.kind === 'code') {
        assert.ok(scoreCapabilityAnswer(item, item.expected));
        assert.ok(!scoreCapabilityAnswer(item, 'eval(data)'));
      } else {
        const yes = item.expected === 'yes';
        assert.ok(scoreCapabilityAnswer(item, yes ? 'Yes, it is.' : 'No, it is not.'), item.id);
        assert.ok(!scoreCapabilityAnswer(item, yes ? 'No, it is not.' : 'Yes, it is.'), item.id);
      }
      assert.ok(!scoreCapabilityAnswer(item, 'I do not know.'), item.id);
    }
  });
});
