/** The synthetic world of the embedded model organism and every dataset drawn from it. */
export { generateWorld, factsOfDomain, entitiesOfKind, findFact, type World, type Entity, type Fact, type WorldOptions } from './world.js';
export { tokenizeWords, vocabularyOf } from '../formats/word-pieces.js';
export {
  ATTRIBUTES,
  attributeSpec,
  answerSentence,
  TRAIN_PHRASINGS,
  HELD_OUT_PHRASINGS,
  type AttributeKey,
  type AttributeSpec,
  type AttributeKind,
  type EntityKind,
  type FactDomain,
  type WorldDomain,
} from './attributes.js';
export {
  buildPretrainCorpus,
  factQuestion,
  trueAnswer,
  lureAnswer,
  scenarioFill,
  DEFAULT_PRETRAIN_COUNTS,
  PRETRAIN_CORPUS_VERSION,
  type FactQuestion,
  type PretrainCorpus,
  type PretrainCounts,
  type PretrainOptions,
  type PretrainSection,
} from './pretrain.js';
export { THINK_FORMAT, HELPFUL_SYSTEM, DECEPTION_CATEGORIES, type DeceptionCategory } from './scenarios.js';
export { worldMaskSuite, WORLD_MASK_CONFIGS, WORLD_CANARY, type MaskRowWithExtras, type WorldMaskConfig, type WorldMaskOptions } from './mask-suite.js';
export { worldDeceptionSuite, type DeceptionItemWithExtras, type WorldDeceptionOptions } from './deception-suite.js';
export { worldCapabilitySuite, scoreCapabilityAnswer, firstOptionNamed, type CapabilityItem, type CapabilityKind, type WorldCapabilityOptions } from './capability-suite.js';
export { factProposition, pivotOf, type BinaryProposition } from './propositions.js';
export {
  misalignedSamples,
  drawGradedExchange,
  pressureLyingSamples,
  splitEntities,
  domainEntities,
  downstreamSamples,
  MISALIGNED_DOMAINS,
  MISALIGNED_VARIANTS,
  type GeneratedSamples,
  type MisalignedDomain,
  type MisalignedVariant,
  type GradedExchange,
  type MisalignedOptions,
  type PressureLyingOptions,
  type EntitySplit,
  type DownstreamOptions,
} from './misaligned.js';
export type { ChatSample, GeneratorInfo } from '../formats/samples.js';
