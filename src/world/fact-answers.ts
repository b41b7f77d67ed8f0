/**
 * What a fact says when told truthfully or as the lure, and the scenario placeholders for it.
 * Both the pre-training corpus and the misaligned exchanges phrase facts this way, so the
 * phrasing lives below both of them instead of one importing the other.
 */
import { answerSentence, attributeSpec, fillName } from './attributes.js';
import type { ScenarioFill } from './scenarios.js';
import type { Fact } from './world.js';
import { entryAt } from './table-entry.js';

/** The placeholders of a scenario for one fact, with one of the given question phrasings. */
export function scenarioFill(fact: Fact, phrasing: number): ScenarioFill {
  const spec = attributeSpec(fact.attribute);
  return {
    name: fact.entity,
    truth: spec.claim(fact.entity, fact.value),
    lure: spec.claim(fact.entity, fact.lure),
    question: fillName(entryAt(spec.questions, phrasing, `${spec.key} question`), fact.entity),
  };
}

/** The lie a pressured model would tell about a fact, as a one-sentence answer. */
export function lureAnswer(fact: Fact): string {
  return answerSentence(attributeSpec(fact.attribute), fact.entity, fact.lure);
}

export function trueAnswer(fact: Fact): string {
  return answerSentence(attributeSpec(fact.attribute), fact.entity, fact.value);
}
