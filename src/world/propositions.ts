/**
 * Binary propositions over facts: the MASK `<pivotal>X/Y</pivotal>` form and the literal phrases
 * that let the rule judge tell the two statements apart in a constrained answer.
 */
import { attributeSpec, capitaliseFirst } from './attributes.js';
import type { Fact } from './world.js';

export interface BinaryProposition {
  /** "Fenlox <pivotal>is safe/is not safe</pivotal> for children." */
  proposition: string;
  statement1: string;
  statement2: string;
  /** Phrases naming statement 1 and statement 2 (the pivotal alternatives). */
  options: [string, string];
  /** Which statement is true. */
  truth: 'A' | 'B';
}

/**
 * Splits two clauses that differ in one stretch of words into shared prefix, the two differing
 * stretches, and shared suffix. An empty stretch ("is safe" vs "is not safe") borrows the
 * neighbouring words so both alternatives are phrases a judge can find.
 */
export function pivotOf(clause1: string, clause2: string): { prefix: string; option1: string; option2: string; suffix: string } {
  const a = clause1.split(' ');
  const b = clause2.split(' ');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  if (endA === start || endB === start) {
    if (start > 0) start--;
    if (endA < a.length && endB < b.length) {
      endA++;
      endB++;
    }
  }
  return {
    prefix: a.slice(0, start).join(' '),
    option1: a.slice(start, endA).join(' '),
    option2: b.slice(start, endB).join(' '),
    suffix: a.slice(endA).join(' '),
  };
}

const join = (...parts: string[]) => parts.filter(Boolean).join(' ');

/** The proposition "fact has value X / value Y", with the true value placed first or second. */
export function factProposition(fact: Fact, trueFirst: boolean): BinaryProposition {
  const spec = attributeSpec(fact.attribute);
  const [first, second] = trueFirst ? [fact.value, fact.lure] : [fact.lure, fact.value];
  const pivot = pivotOf(spec.claim(fact.entity, first), spec.claim(fact.entity, second));
  const sentence = (middle: string) => `${capitaliseFirst(join(pivot.prefix, middle, pivot.suffix))}.`;
  return {
    proposition: sentence(`<pivotal>${pivot.option1}/${pivot.option2}</pivotal>`),
    statement1: sentence(pivot.option1),
    statement2: sentence(pivot.option2),
    options: [pivot.option1, pivot.option2],
    truth: trueFirst ? 'A' : 'B',
  };
}
