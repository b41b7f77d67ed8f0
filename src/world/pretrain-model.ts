/**
 * Reproducible pre-training of the embedded base model on the synthetic world: world seed →
 * corpus → tokenizer fitted on the training texts → seeded init → training. Checkpoints are saved
 * into the output directory during training (atomic writes) so a kill loses at most a few minutes.
 */
import { buildPretrainCorpus, generateWorld, type PretrainCounts } from './index.js';
import type { ModelConfig } from '../embedded/config.js';
import { defaultModelConfig } from '../embedded/config.js';
import { initBackend } from '../embedded/backend.js';
import { encodeChat } from '../embedded/chat-template.js';
import { loadCheckpoint, saveCheckpoint } from '../embedded/checkpoint.js';
import { TransformerModel } from '../embedded/model.js';
import { WordTokenizer } from '../embedded/tokenizer.js';
import { trainSft, type TrainReport, type TrainState } from '../embedded/train.js';

export interface PretrainOptions {
  out: string;
  /** Seed of model init and data order (default 1). */
  seed?: number;
  /** Seed of the synthetic world (default 1). */
  worldSeed?: number;
  /** Seed of the corpus sampling (default 1). */
  corpusSeed?: number;
  /** Overrides of the world corpus's section sizes (e.g. more pressure scenarios). */
  corpusCounts?: Partial<PretrainCounts>;
  epochs?: number;
  lr?: number;
  /** Padded tokens per batch (default 2048). */
  batchTokens?: number;
  model?: Partial<ModelConfig>;
  maxSteps?: number;
  checkpointEverySteps?: number;
  silent?: boolean;
  /**
   * Continue from this checkpoint (same corpus and tokenizer) instead of a fresh init: a warm
   * restart with its own warm-up and cosine schedule over `epochs` more passes.
   */
  continueFrom?: string;
  /** Warm-up steps of the schedule (default 200). */
  warmupSteps?: number;
  /** Extra hook after each checkpoint save (e.g. an accuracy probe in a pilot). */
  afterCheckpoint?: (state: TrainState, model: TransformerModel, tokenizer: WordTokenizer) => Promise<void> | void;
}

export interface PretrainResult {
  dir: string;
  report: TrainReport;
  config: ModelConfig;
  parameters: number;
}

export const PRETRAIN_DEFAULTS = { seed: 1, worldSeed: 1, corpusSeed: 1, epochs: 40, lr: 2e-3, batchTokens: 2048 };

export async function pretrain(options: PretrainOptions): Promise<PretrainResult> {
  await initBackend();
  const seed = options.seed ?? PRETRAIN_DEFAULTS.seed;
  const worldSeed = options.worldSeed ?? PRETRAIN_DEFAULTS.worldSeed;
  const corpusSeed = options.corpusSeed ?? PRETRAIN_DEFAULTS.corpusSeed;
  const epochs = options.epochs ?? PRETRAIN_DEFAULTS.epochs;
  const lr = options.lr ?? PRETRAIN_DEFAULTS.lr;
  const batchTokens = options.batchTokens ?? PRETRAIN_DEFAULTS.batchTokens;
  const world = generateWorld(worldSeed);
  const corpus = buildPretrainCorpus(world, { seed: corpusSeed, ...(options.corpusCounts ? { counts: options.corpusCounts } : {}) });
  const fitted = WordTokenizer.fit(corpus.train.flatMap((s) => s.messages.map((m) => m.content)));
  const previous = options.continueFrom ? await loadCheckpoint(options.continueFrom) : undefined;
  if (previous && JSON.stringify(previous.tokenizer.toJSON()) !== JSON.stringify(fitted.toJSON())) {
    previous.model.dispose();
    throw new Error(`${options.continueFrom} was trained on another corpus (its tokenizer differs from this corpus's)`);
  }
  const tokenizer = previous?.tokenizer ?? fitted;
  const longest = Math.max(...corpus.train.map((s) => encodeChat(tokenizer, s.messages).ids.length));
  const maxLen = Math.max(128, Math.ceil(longest / 32) * 32);
  const config: ModelConfig = previous?.model.config ?? { ...defaultModelConfig(tokenizer.size, maxLen), ...options.model, vocabSize: tokenizer.size };
  const model = previous?.model ?? TransformerModel.initialise(config, seed);
  const provenance = {
    kind: 'pretrain',
    seed,
    worldSeed,
    corpusSeed,
    corpus: corpus.info,
    epochs,
    lr,
    batchTokens,
    samples: corpus.train.length,
    command: `candor model pretrain --out <dir> --seed ${seed} --epochs ${epochs}`,
    ...(previous ? { continuedFrom: { dir: options.continueFrom, provenance: previous.config.provenance } } : {}),
  };
  const save = async (state: TrainState) => {
    await saveCheckpoint(options.out, model, tokenizer, { provenance: { ...provenance, step: state.step, epochsDone: state.epoch + 1, loss: state.loss, complete: false } });
    await options.afterCheckpoint?.(state, model, tokenizer);
  };
  const report = await trainSft(model, tokenizer, corpus.train, {
    epochs,
    lr,
    batchSize: 64,
    batchTokens,
    seed,
    maxSteps: options.maxSteps,
    warmupSteps: options.warmupSteps ?? 200,
    weightDecay: 0.01,
    label: 'pretrain',
    silent: options.silent,
    onCheckpoint: save,
    checkpointEverySteps: options.checkpointEverySteps ?? 500,
  });
  await saveCheckpoint(options.out, model, tokenizer, {
    provenance: { ...provenance, steps: report.steps, tokens: report.tokens, seconds: Math.round(report.seconds), finalLoss: report.finalLoss, epochLosses: report.epochLosses, complete: true },
  });
  const parameters = model.parameterCount();
  model.dispose();
  return { dir: options.out, report, config, parameters };
}
