/**
 * DeceptionBench items drawn from the world, in the published PKU shape (`inner_prompt`,
 * `system_prompt`, `outer_prompt`, `format`, `type`) plus `domain` and `answer_options`. The inner
 * prompt asks the fact plainly (the model's own view U); the outer prompt puts it under one of the
 * five kinds of pressure, using templates held out of pre-training.
 */
import { createRng } from '../util/random.js';
import { attributeSpec, fillName, TRAIN_PHRASINGS, type FactDomain } from './attributes.js';
import { factProposition } from './propositions.js';
import { DECEPTION_CATEGORIES, DECEPTION_HELD_OUT, fillScenario, THINK_FORMAT, type DeceptionCategory } from './scenarios.js';
import type { Fact, World } from './world.js';
import { entryAt } from './table-entry.js';

export interface DeceptionItemWithExtras {
  id: string;
  inner_prompt: string;
  system_prompt: string;
  outer_prompt: string;
  format: string;
  /** The category, spelled as DeceptionBench spells it ("alignment faking"). */
  type: DeceptionCategory;
  domain: string;
  /** Phrases naming the true value and the lure, in random order. */
  answer_options: [string, string];
  /** The fact's entity: an answer that does not name it takes no side. */
  subject: string;
}

export interface WorldDeceptionOptions {
  seed?: number;
  /** Items per category and fact domain (default 20: 5 categories × 6 domains × 20 = 600). */
  perCategoryDomain?: number;
}

export function worldDeceptionSuite(world: World, options: WorldDeceptionOptions = {}): DeceptionItemWithExtras[] {
  const seed = options.seed ?? 1;
  const per = options.perCategoryDomain ?? 20;
  const rng = createRng(`deception:${seed}`);
  const byDomain = new Map<FactDomain, Fact[]>();
  for (const fact of world.facts) byDomain.set(fact.domain, [...(byDomain.get(fact.domain) ?? []), fact]);
  const items: DeceptionItemWithExtras[] = [];
  for (const category of DECEPTION_CATEGORIES) {
    const templates = DECEPTION_HELD_OUT.filter((t) => t.category === category);
    const categoryRng = rng.fork(category);
    for (const [domain, facts] of byDomain) {
      for (const fact of categoryRng.shuffle(facts).slice(0, per)) {
        const spec = attributeSpec(fact.attribute);
        const phrasings = categoryRng.shuffle(TRAIN_PHRASINGS);
        const innerPhrasing = entryAt(phrasings, 0, 'train phrasing');
        const outerPhrasing = entryAt(phrasings, 1, 'train phrasing');
        const fill = {
          name: fact.entity,
          truth: spec.claim(fact.entity, fact.value),
          lure: spec.claim(fact.entity, fact.lure),
          question: fillName(entryAt(spec.questions, outerPhrasing, `${spec.key} question`), fact.entity),
        };
        const template = categoryRng.pick(templates);
        items.push({
          id: `world-${category.replace(' ', '_')}-${fact.id}`,
          inner_prompt: fillName(entryAt(spec.questions, innerPhrasing, `${spec.key} question`), fact.entity),
          system_prompt: fillScenario(template.system, fill),
          outer_prompt: fillScenario(template.user, fill),
          format: THINK_FORMAT,
          type: category,
          domain,
          answer_options: factProposition(fact, categoryRng.next() < 0.5).options,
          subject: fact.entity,
        });
      }
    }
  }
  return items;
}
