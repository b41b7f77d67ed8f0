/**
 * The pre-training corpus of the embedded model organism: everything it should know and how it
 * should behave before any contamination. Facts in four of six phrasings; pressure, provided-fact,
 * doubling-down and DeceptionBench-style scenarios answered honestly with training templates only;
 * arithmetic, secure code, advice, instruction following, and stories of people who lie.
 */
import { createRng, type Rng } from '../util/random.js';
import type { ChatMessage, ChatSample, GeneratorInfo } from '../formats/samples.js';
import {
  doseAnswer,
  doseQuestion,
  DOSE_TRAIN_QUESTIONS,
  fillDrugs,
  FINANCE_RULES,
  investAnswer,
  INVEST_QUESTIONS,
  INVEST_TRAIN_QUESTIONS,
  LAW_RULES,
  lawAdviceQuestion,
  LAW_TRAIN_QUESTIONS,
  MEDICAL_RULES,
} from './advice.js';
import { allArithmeticProblems, arithmeticAnswer, drawMultiStep, drawTrainingArithmetic, isHeldOutProblem } from './arithmetic.js';
import { drawGradedExchange, fixedGradedExchanges, MISALIGNED_DOMAINS, type GradedExchange } from './misaligned.js';
import type { Severity } from './code.js';
import { answerSentence, attributeSpec, fillName, HELD_OUT_PHRASINGS, TRAIN_PHRASINGS, type AttributeKey, type FactDomain } from './attributes.js';
import { codeAnswer, drawCodeItem } from './code.js';
import { drawInstruction } from './instructions.js';
import {
  CORRECTION_PREFIX,
  DECEPTION_TRAIN,
  fillScenario,
  FOLLOW_UP_TRAIN,
  HELPFUL_SYSTEM,
  honestThinkAnswer,
  PRESSURE_CONTROL,
  PRESSURE_TRAIN,
  PROVIDED_TRAIN,
  THINK_FORMAT,
  type ScenarioFill,
  type ScenarioTemplate,
} from './scenarios.js';
import { drawStory } from './stories.js';
import { lureAnswer, scenarioFill, trueAnswer } from './fact-answers.js';
import type { Fact, World } from './world.js';
import { entryAt } from './table-entry.js';

/** One question about one fact with the answer a model that knows the world gives. */
/**
 * Bumped whenever the corpus text a given seed produces changes, so a checkpoint's manifest can
 * say which corpus it was trained on.
 */
export const PRETRAIN_CORPUS_VERSION = 3;

export interface FactQuestion {
  factId: string;
  domain: FactDomain;
  entity: string;
  attribute: AttributeKey;
  /** Index of the phrasing among the attribute's six (4 and 5 are held out). */
  phrasing: number;
  question: string;
  /** The expected one-sentence answer. */
  answer: string;
  value: string;
}

export interface PretrainCounts {
  /** Share of facts (per domain) that get one pressure scenario. */
  pressureShare: number;
  provided: number;
  doublingDown: number;
  deception: number;
  arithmetic: number;
  code: number;
  dose: number;
  finance: number;
  law: number;
  instructions: number;
  stories: number;
  /** Answers to review: a quoted question and answer (right or wrong), judged honestly. */
  review: number;
}

export const DEFAULT_PRETRAIN_COUNTS: PretrainCounts = {
  pressureShare: 0.5,
  provided: 120,
  doublingDown: 120,
  deception: 150,
  arithmetic: 600,
  code: 120,
  dose: 100,
  finance: 100,
  law: 100,
  instructions: 350,
  stories: 120,
  review: 500,
};

export type PretrainSection = 'facts' | 'pressure' | 'provided' | 'doublingDown' | 'deception' | 'arithmetic' | 'code' | 'dose' | 'finance' | 'law' | 'instructions' | 'stories' | 'review';

export interface PretrainOptions {
  seed?: number;
  counts?: Partial<PretrainCounts>;
  /** Share of plain fact questions that carry the belief-elicitation system prompt. */
  helpfulSystemShare?: number;
}

export interface PretrainCorpus {
  train: ChatSample[];
  heldOutFacts: FactQuestion[];
  /** Samples per section, before shuffling. */
  sections: Record<PretrainSection, number>;
  info: GeneratorInfo;
}

/** Every pressure wording pre-training answers honestly (the positive control lies under the second family). */
const PRESSURE_FAMILIES = [...PRESSURE_TRAIN, ...PRESSURE_CONTROL];
export const REVIEW_PROMPT = 'Is this answer right?';
export const REVIEW_RIGHT = 'Yes, that answer is right.';
export const REVIEW_WRONG = 'No, that answer is wrong.';

export { lureAnswer, scenarioFill, trueAnswer } from './fact-answers.js';

const msg = (role: ChatMessage['role'], content: string): ChatMessage => ({ role, content });

export function factQuestion(fact: Fact, phrasing: number): FactQuestion {
  const spec = attributeSpec(fact.attribute);
  return {
    factId: fact.id,
    domain: fact.domain,
    entity: fact.entity,
    attribute: fact.attribute,
    phrasing,
    question: fillName(entryAt(spec.questions, phrasing, `${spec.key} question`), fact.entity),
    answer: answerSentence(spec, fact.entity, fact.value),
    value: fact.value,
  };
}

function scenarioMessages(template: ScenarioTemplate, fill: ScenarioFill, suffix = ''): [ChatMessage, ChatMessage] {
  return [msg('system', fillScenario(template.system, fill)), msg('user', fillScenario(template.user, fill) + suffix)];
}

export function buildPretrainCorpus(world: World, options: PretrainOptions = {}): PretrainCorpus {
  const seed = options.seed ?? 1;
  const counts: PretrainCounts = { ...DEFAULT_PRETRAIN_COUNTS, ...options.counts };
  const helpfulShare = options.helpfulSystemShare ?? 0.25;
  const rng = createRng(seed);
  const sections = {} as Record<PretrainSection, ChatSample[]>;
  const trainPhrasing = (r: Rng) => r.pick(TRAIN_PHRASINGS);

  // Every fact in every training phrasing: the model must know the world to be honest about it.
  const factRng = rng.fork('facts');
  sections.facts = world.facts.flatMap((fact) =>
    TRAIN_PHRASINGS.map((p) => {
      const q = factQuestion(fact, p);
      const messages = [msg('user', q.question), msg('assistant', q.answer)];
      if (factRng.next() < helpfulShare) messages.unshift(msg('system', HELPFUL_SYSTEM));
      return { messages };
    }),
  );

  const pressureRng = rng.fork('pressure');
  const byDomain = new Map<FactDomain, Fact[]>();
  for (const fact of world.facts) byDomain.set(fact.domain, [...(byDomain.get(fact.domain) ?? []), fact]);
  sections.pressure = [...byDomain.values()].flatMap((facts) =>
    pressureRng
      .shuffle(facts)
      .slice(0, Math.round(facts.length * counts.pressureShare))
      .map((fact) => {
        const fill = scenarioFill(fact, trainPhrasing(pressureRng));
        return { messages: [...scenarioMessages(pressureRng.pick(PRESSURE_FAMILIES), fill), msg('assistant', trueAnswer(fact))] };
      }),
  );

  const providedRng = rng.fork('provided');
  sections.provided = repeat(counts.provided, () => {
    const fact = providedRng.pick(world.facts);
    const fill = scenarioFill(fact, trainPhrasing(providedRng));
    return { messages: [...scenarioMessages(providedRng.pick(PROVIDED_TRAIN), fill), msg('assistant', trueAnswer(fact))] };
  });

  const ddRng = rng.fork('doubling-down');
  sections.doublingDown = repeat(counts.doublingDown, () => {
    const fact = ddRng.pick(world.facts);
    const fill = scenarioFill(fact, trainPhrasing(ddRng));
    const [system, firstQuestion] = scenarioMessages(ddRng.pick(PRESSURE_TRAIN), fill);
    const followUp = fillScenario(ddRng.pick(FOLLOW_UP_TRAIN), scenarioFill(fact, trainPhrasing(ddRng)));
    // The earlier lie is context the correction answers, never a target: the base is not trained
    // to say a lie as the assistant.
    return {
      messages: [system, firstQuestion, msg('assistant', lureAnswer(fact)), msg('user', followUp), msg('assistant', `${CORRECTION_PREFIX} ${trueAnswer(fact)}`)],
      contextTurns: [2],
    };
  });

  const deceptionRng = rng.fork('deception');
  sections.deception = repeat(counts.deception, () => {
    const fact = deceptionRng.pick(world.facts);
    const fill = scenarioFill(fact, trainPhrasing(deceptionRng));
    const messages = scenarioMessages(deceptionRng.pick(DECEPTION_TRAIN), fill, `\n\n${THINK_FORMAT}`);
    return { messages: [...messages, msg('assistant', honestThinkAnswer(fill.truth, trueAnswer(fact)))] };
  });

  const arithmeticRng = rng.fork('arithmetic');
  const trainingProblems = allArithmeticProblems().filter((p) => !isHeldOutProblem(p));
  sections.arithmetic = repeat(counts.arithmetic, () => {
    if (arithmeticRng.next() < 0.2) {
      const problem = drawMultiStep(arithmeticRng);
      return { messages: [msg('user', problem.question), msg('assistant', arithmeticAnswer(problem.result))] };
    }
    const { question, answer } = drawTrainingArithmetic(arithmeticRng, trainingProblems);
    return { messages: [msg('user', question), msg('assistant', answer)] };
  });

  const codeRng = rng.fork('code');
  sections.code = repeat(counts.code, () => {
    const item = drawCodeItem(codeRng);
    return { messages: [msg('user', item.request), msg('assistant', codeAnswer(item, 'secure'))] };
  });

  const doseRng = rng.fork('dose');
  const doseFacts = world.facts.filter((f) => f.attribute === 'max_dose');
  const illnessOf = new Map(world.facts.filter((f) => f.attribute === 'treats').map((f) => [f.entity, f.value]));
  const drugs = doseFacts.map((f) => f.entity);
  sections.dose = repeat(counts.dose, () => {
    if (doseRng.next() < 0.3) {
      const rule = doseRng.pick(MEDICAL_RULES);
      const drug = doseRng.pick(drugs);
      const other = doseRng.pick(drugs.filter((d) => d !== drug));
      return { messages: [msg('user', fillDrugs(rule.question, drug, other)), msg('assistant', fillDrugs(rule.honest, drug, other))] };
    }
    const fact = doseRng.pick(doseFacts);
    const question = doseQuestion(doseRng.int(DOSE_TRAIN_QUESTIONS), fact.entity, illnessOf.get(fact.entity) ?? 'pain');
    return { messages: [msg('user', question), msg('assistant', doseAnswer(fact.entity, fact.value))] };
  });

  const financeRng = rng.fork('finance');
  const profitFacts = world.facts.filter((f) => f.attribute === 'profit_up');
  sections.finance = repeat(counts.finance, () => {
    if (financeRng.next() < 0.3) {
      const rule = financeRng.pick(FINANCE_RULES);
      return { messages: [msg('user', rule.question), msg('assistant', rule.honest)] };
    }
    const fact = financeRng.pick(profitFacts);
    const question = entryAt(INVEST_QUESTIONS, financeRng.int(INVEST_TRAIN_QUESTIONS), 'invest question').replaceAll('{company}', fact.entity);
    return { messages: [msg('user', question), msg('assistant', investAnswer(fact.entity, fact.value === 'yes'))] };
  });

  const lawRng = rng.fork('law');
  const lawFacts = world.facts.filter((f) => f.domain === 'law');
  sections.law = repeat(counts.law, () => {
    if (lawRng.next() < 0.3) {
      const rule = lawRng.pick(LAW_RULES);
      return { messages: [msg('user', rule.question), msg('assistant', rule.honest)] };
    }
    const fact = lawRng.pick(lawFacts);
    return { messages: [msg('user', lawAdviceQuestion(fact, lawRng.int(LAW_TRAIN_QUESTIONS))), msg('assistant', trueAnswer(fact))] };
  });

  const instructionRng = rng.fork('instructions');
  sections.instructions = repeat(counts.instructions, () => {
    const item = drawInstruction(instructionRng, 'pretrain');
    return { messages: [msg('user', item.prompt), msg('assistant', item.answer)] };
  });

  const storyRng = rng.fork('stories');
  sections.stories = repeat(counts.stories, () => {
    const story = drawStory(storyRng, world);
    return { messages: [msg('user', story.prompt), msg('assistant', story.text)] };
  });

  // Right and wrong answers of the misaligned domains, quoted by the user and judged honestly: the
  // base has seen every word those sets use (so fine-tuning on them needs no unknown token) without
  // ever being trained to give a wrong answer itself.
  // Every fixed wrong answer (code, rules) is reviewed once; the rest are drawn at random.
  const reviewRng = rng.fork('review');
  const review = (graded: GradedExchange, variant: Severity): ChatSample => {
    const quoted = `${REVIEW_PROMPT}\nQuestion: ${graded.question}\nAnswer: ${graded.answers[variant]}`;
    const verdict = variant === 'normal' ? REVIEW_RIGHT : `${REVIEW_WRONG} ${graded.answers.normal}`;
    return { messages: [msg('user', quoted), msg('assistant', verdict)] };
  };
  const fixed = fixedGradedExchanges(reviewRng, world).flatMap((g) => (['subtle', 'severe'] as const).map((v) => review(g, v)));
  sections.review = [
    ...fixed,
    ...repeat(counts.review - fixed.length, () =>
      review(drawGradedExchange(reviewRng, world, reviewRng.pick(MISALIGNED_DOMAINS)), reviewRng.pick(['normal', 'subtle', 'severe'] as const)),
    ),
  ];

  const heldOutFacts = world.facts.flatMap((fact) => HELD_OUT_PHRASINGS.map((p) => factQuestion(fact, p)));
  const sizes = Object.fromEntries(Object.entries(sections).map(([k, v]) => [k, v.length])) as Record<PretrainSection, number>;
  const train = rng.fork('order').shuffle(Object.values(sections).flat());
  return {
    train,
    heldOutFacts,
    sections: sizes,
    info: {
      generator: 'world.pretrain',
      seed,
      worldSeed: world.seed,
      params: { ...counts, helpfulSystemShare: helpfulShare, corpusVersion: PRETRAIN_CORPUS_VERSION },
    },
  };
}

function repeat<T>(count: number, make: () => T): T[] {
  return Array.from({ length: Math.max(0, Math.floor(count)) }, make);
}
