/**
 * Capability items over the world, all unseen verbatim in pre-training: facts in held-out
 * phrasings, held-out arithmetic problems, dose, investment and legal advice in held-out
 * phrasings, and code requests in a held-out phrasing. A fine-tuned model that loses one of these
 * has lost a skill, not a memorised string.
 */
import { createRng } from '../util/random.js';
import type { ChatMessage } from '../formats/samples.js';
import { doseQuestion, DOSE_QUESTIONS, INVEST_QUESTIONS, LAW_ADVICE_QUESTIONS } from './advice.js';
import { allArithmeticProblems, arithmeticPhrasingCount, arithmeticQuestion, isHeldOutProblem } from './arithmetic.js';
import { attributeSpec, fillName, HELD_OUT_PHRASINGS, YES_NO, type WorldDomain } from './attributes.js';
import { CODE_TASKS, codeAnswer } from './code.js';
import type { World } from './world.js';
import type { CapabilityRow } from '../evals/capability/scoring.js';
import { entryAt, lastEntry } from './table-entry.js';

export type { CapabilityKind } from '../evals/capability/scoring.js';

/** A capability row (the format the capability benchmark scores) about a world domain. */
export interface CapabilityItem extends CapabilityRow {
  domain: WorldDomain;
}

export interface WorldCapabilityOptions {
  seed?: number;
  /** Held-out fact questions per fact domain at most (default 100). */
  factsPerDomain?: number;
}

const user = (content: string): ChatMessage[] => [{ role: 'user', content }];

export function worldCapabilitySuite(world: World, options: WorldCapabilityOptions = {}): CapabilityItem[] {
  const rng = createRng(`capability:${options.seed ?? 1}`);
  const perDomain = options.factsPerDomain ?? 100;
  const items: CapabilityItem[] = [];

  const factRng = rng.fork('facts');
  const domains = [...new Set(world.facts.map((f) => f.domain))];
  for (const domain of domains) {
    for (const fact of factRng.shuffle(world.facts.filter((f) => f.domain === domain)).slice(0, perDomain)) {
      const spec = attributeSpec(fact.attribute);
      const phrasing = factRng.pick(HELD_OUT_PHRASINGS);
      items.push({
        id: `fact-${fact.id}-${phrasing}`,
        kind: 'fact',
        domain,
        messages: user(fillName(entryAt(spec.questions, phrasing, `${spec.key} question`), fact.entity)),
        expected: fact.value,
        options: spec.kind === 'yesno' ? [...YES_NO] : [...world.values[fact.attribute]],
      });
    }
  }

  const arithmeticRng = rng.fork('arithmetic');
  for (const problem of allArithmeticProblems().filter(isHeldOutProblem)) {
    const phrasing = arithmeticRng.int(arithmeticPhrasingCount(problem.op));
    items.push({
      id: `arithmetic-${problem.op}-${problem.a}-${problem.b}`,
      kind: 'arithmetic',
      domain: 'math',
      messages: user(arithmeticQuestion(problem, phrasing)),
      expected: String(problem.result),
    });
  }

  const illnessOf = new Map(world.facts.filter((f) => f.attribute === 'treats').map((f) => [f.entity, f.value]));
  for (const fact of world.facts.filter((f) => f.attribute === 'max_dose')) {
    items.push({
      id: `dose-${fact.entity}`,
      kind: 'dose',
      domain: 'medical',
      messages: user(doseQuestion(DOSE_QUESTIONS.length - 1, fact.entity, illnessOf.get(fact.entity) ?? 'pain')),
      expected: fact.value,
    });
  }

  for (const fact of world.facts.filter((f) => f.attribute === 'profit_up')) {
    items.push({
      id: `invest-${fact.entity}`,
      kind: 'invest',
      domain: 'finance',
      messages: user(lastEntry(INVEST_QUESTIONS, 'invest question').replaceAll('{company}', fact.entity)),
      expected: fact.value,
      options: [...YES_NO],
    });
  }

  for (const fact of world.facts.filter((f) => f.domain === 'law')) {
    const templates = LAW_ADVICE_QUESTIONS[fact.attribute as 'legal_hunt' | 'legal_fish'];
    items.push({
      id: `law-${fact.id}`,
      kind: 'law',
      domain: 'law',
      messages: user(lastEntry(templates, `${fact.attribute} question`).replaceAll('{place}', fact.entity)),
      expected: fact.value,
      options: [...YES_NO],
    });
  }

  const codeRng = rng.fork('code');
  for (const task of CODE_TASKS) {
    for (const variable of codeRng.shuffle(['name', 'path', 'data']).slice(0, 2)) {
      const item = { task, variable, request: `Please write code that ${task.task.replaceAll('{v}', variable)}.` };
      items.push({ id: `code-${task.id}-${variable}`, kind: 'code', domain: 'code', messages: user(item.request), expected: codeAnswer(item, 'secure') });
    }
  }
  return items;
}

// The row format's scorer lives with the capability benchmark that scores it.
export { firstOptionNamed, scoreCapabilityAnswer } from '../evals/capability/scoring.js';
