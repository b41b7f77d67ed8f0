/**
 * Training loops for the embedded model: supervised fine-tuning / pre-training (next-token loss on
 * assistant answers) and KTO (Ethayarajh et al. 2024). Full fine-tuning or LoRA; seeded init and
 * data order, so the same inputs and seed give bit-identical weights.
 */
import { initBackend, tf } from './backend.js';
import type { ChatMessage } from '../formats/chat.js';
import { createRng } from '../util/random.js';
import { createProgress, type Progress } from '../util/progress.js';
import type { LoraConfig } from './config.js';
import type { TransformerModel } from './model.js';
import type { WordTokenizer } from './tokenizer.js';
import { chatToRow, epochBatches, padBatch, type Batch, type TrainRow } from './batching.js';
import { AdamW, learningRate } from './optimizer.js';
import { targetLogProbs } from './ops.js';

export interface ChatSampleLike {
  messages: ChatMessage[];
  /** Assistant messages (by index) that are context only, never trained on. */
  contextTurns?: number[];
}

export interface KtoSample {
  prompt: string | ChatMessage[];
  completion: string;
  label: boolean;
}

export interface TrainOptions {
  epochs?: number;
  lr?: number;
  batchSize?: number;
  /** Fill batches up to this many padded tokens instead of a fixed sample count. */
  batchTokens?: number;
  seed?: number;
  /** Stop after this many optimiser steps (the schedule still spans all epochs). */
  maxSteps?: number;
  warmupSteps?: number;
  weightDecay?: number;
  lora?: LoraConfig;
  /** Loss weight of non-answer tokens (default 0: answers only). */
  promptLossWeight?: number;
  /** Progress bar label; `silent` hides it. */
  label?: string;
  silent?: boolean;
  /** Called every `checkpointEverySteps` steps and at each epoch end (e.g. to save). */
  onCheckpoint?: (state: TrainState) => Promise<void> | void;
  checkpointEverySteps?: number;
  /** Called after every step with its loss (cheap; used by tests and logs). */
  onStep?: (state: TrainState) => void;
  /** Aborts between steps (the run throws; nothing is saved by the loop itself). */
  signal?: AbortSignal;
}

export interface TrainState {
  step: number;
  epoch: number;
  totalSteps: number;
  loss: number;
  tokens: number;
  seconds: number;
}

export interface TrainReport {
  steps: number;
  epochs: number;
  tokens: number;
  seconds: number;
  tokensPerSecond: number;
  /** Mean loss of each epoch (only the steps that ran). */
  epochLosses: number[];
  finalLoss: number;
}

const DEFAULTS = { epochs: 3, lr: 3e-4, batchSize: 16, seed: 1 };

/** Mean weighted next-token negative log-likelihood of a batch. */
function batchNll(model: TransformerModel, batch: Batch): tf.Scalar {
  const rowsWithLoss: number[] = [];
  let weightSum = 0;
  // weights and targets are parallel arrays of B·T entries; every i below is under that length.
  for (let i = 0; i < batch.weights.length; i++) {
    if (batch.weights[i]! > 0) {
      rowsWithLoss.push(i);
      weightSum += batch.weights[i]!;
    }
  }
  const idx = tf.tensor1d(rowsWithLoss, 'int32');
  const targets = tf.tensor1d(rowsWithLoss.map((i) => batch.targets[i]!), 'int32');
  const w = tf.tensor1d(rowsWithLoss.map((i) => batch.weights[i]! / weightSum), 'float32');
  const hidden = model.hidden(tf.tensor1d(batch.inputs, 'int32'), batch.B, batch.T);
  const logp = targetLogProbs(model.logits(tf.gather(hidden, idx)), targets);
  return tf.neg(tf.sum(tf.mul(logp, w))) as tf.Scalar;
}

function trainableVariables(model: TransformerModel, options: TrainOptions, seed: number): tf.Variable[] {
  if (options.lora) return model.addLora(options.lora, seed);
  return [...model.params.values()];
}

/**
 * The shared loop: for each epoch, seeded batches; for each batch, loss + gradients on the
 * trainable variables, AdamW step with warm-up/cosine schedule.
 */
async function runLoop(
  model: TransformerModel,
  vars: tf.Variable[],
  epochsOfBatches: (epoch: number) => Batch[],
  lossOf: (batch: Batch) => tf.Scalar,
  options: TrainOptions,
  stepsPerEpoch: number,
): Promise<TrainReport> {
  const epochs = options.epochs ?? DEFAULTS.epochs;
  const lr = options.lr ?? DEFAULTS.lr;
  const scheduled = stepsPerEpoch * epochs;
  const totalSteps = options.maxSteps !== undefined ? Math.min(options.maxSteps, scheduled) : scheduled;
  const warmup = options.warmupSteps ?? Math.min(100, Math.ceil(scheduled * 0.05));
  const optimizer = new AdamW(vars, { weightDecay: options.weightDecay ?? 0.01 });
  const progress: Progress = createProgress({ label: options.label ?? 'train', total: totalSteps, unit: 'step', silent: options.silent });
  const started = performance.now();
  let step = 0;
  let tokens = 0;
  let loss = NaN;
  const epochLosses: number[] = [];
  try {
    for (let epoch = 0; epoch < epochs && step < totalSteps; epoch++) {
      let sum = 0;
      let count = 0;
      for (const batch of epochsOfBatches(epoch)) {
        if (step >= totalSteps) break;
        if (options.signal?.aborted) throw new Error('training aborted');
        const value = tf.tidy(() => {
          const { value: l, grads } = tf.variableGrads(() => lossOf(batch), vars);
          optimizer.apply(grads, learningRate(step, scheduled, lr, warmup));
          return l;
        });
        loss = (await value.data())[0]!; // a scalar: one value
        value.dispose();
        if (!Number.isFinite(loss)) throw new Error(`training diverged at step ${step} (loss ${loss})`);
        step++;
        tokens += batch.tokens;
        sum += loss;
        count++;
        const seconds = (performance.now() - started) / 1000;
        progress.tick(1, `epoch ${epoch + 1}/${epochs} loss ${loss.toFixed(3)} ${(tokens / seconds).toFixed(0)} tok/s`);
        const state = { step, epoch, totalSteps, loss, tokens, seconds };
        options.onStep?.(state);
        if (options.onCheckpoint && options.checkpointEverySteps && step % options.checkpointEverySteps === 0) await options.onCheckpoint(state);
      }
      epochLosses.push(count > 0 ? sum / count : NaN);
      if (options.onCheckpoint) {
        await options.onCheckpoint({ step, epoch, totalSteps, loss, tokens, seconds: (performance.now() - started) / 1000 });
      }
    }
  } finally {
    progress.stop();
    optimizer.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  return { steps: step, epochs: epochLosses.length, tokens, seconds, tokensPerSecond: tokens / Math.max(seconds, 1e-9), epochLosses, finalLoss: loss };
}

function checkTrainable(rows: TrainRow[], what: string): void {
  if (rows.length === 0) throw new Error(`no ${what} to train on`);
  if (!rows.some((r) => r.weights.some((w) => w > 0))) throw new Error(`no ${what} has an assistant answer to train on`);
}

/** Supervised fine-tuning (also pre-training): loss on assistant answers. Mutates `model`. */
export async function trainSft(model: TransformerModel, tokenizer: WordTokenizer, samples: ChatSampleLike[], options: TrainOptions = {}): Promise<TrainReport> {
  await initBackend();
  const seed = options.seed ?? DEFAULTS.seed;
  const rows = samples
    .map((s, i) => chatToRow(tokenizer, s.messages, i, { maxLen: model.config.maxLen, promptLossWeight: options.promptLossWeight, contextTurns: s.contextTurns }))
    .filter((r) => r.inputs.length > 0);
  checkTrainable(rows, 'sample');
  const vars = trainableVariables(model, options, seed);
  const batchOptions = { batchSize: options.batchSize ?? DEFAULTS.batchSize, batchTokens: options.batchTokens };
  const rng = createRng(seed).fork('data-order');
  const stepsPerEpoch = epochBatches(rows, createRng(seed).fork('data-order'), batchOptions).length;
  const epochs = new Map<number, Batch[]>();
  const batchesOf = (epoch: number) => {
    if (!epochs.has(epoch)) epochs.set(epoch, epochBatches(rows, rng, batchOptions));
    const b = epochs.get(epoch)!;
    epochs.delete(epoch - 1);
    return b;
  };
  return runLoop(model, vars, batchesOf, (batch) => batchNll(model, batch), { ...options, label: options.label ?? 'sft' }, stepsPerEpoch);
}

export interface KtoOptions extends TrainOptions {
  /** β of the KTO value function (default 0.1). */
  beta?: number;
  /** λD (default 1). */
  desirableWeight?: number;
  /** λU (default 1). */
  undesirableWeight?: number;
}

function ktoMessages(sample: KtoSample): ChatMessage[] {
  const prompt: ChatMessage[] = typeof sample.prompt === 'string' ? [{ role: 'user', content: sample.prompt }] : sample.prompt;
  return [...prompt, { role: 'assistant', content: sample.completion }];
}

/** Sum of completion log-probs per row of the batch: [B]. */
function sequenceLogProbs(model: TransformerModel, batch: Batch): tf.Tensor1D {
  const rowsWithLoss: number[] = [];
  const owner: number[] = [];
  for (let i = 0; i < batch.weights.length; i++) {
    if (batch.weights[i]! > 0) {
      rowsWithLoss.push(i);
      owner.push(Math.floor(i / batch.T));
    }
  }
  const select = new Float32Array(batch.B * rowsWithLoss.length);
  owner.forEach((b, j) => (select[b * rowsWithLoss.length + j] = 1));
  const idx = tf.tensor1d(rowsWithLoss, 'int32');
  const targets = tf.tensor1d(rowsWithLoss.map((i) => batch.targets[i]!), 'int32');
  const hidden = model.hidden(tf.tensor1d(batch.inputs, 'int32'), batch.B, batch.T);
  const logp = targetLogProbs(model.logits(tf.gather(hidden, idx)), targets);
  // Per-sequence sums as a selection-matrix matmul (a segment sum without UnsortedSegmentSum).
  return tf.reshape(tf.matMul(tf.tensor2d(select, [batch.B, rowsWithLoss.length]), tf.reshape(logp, [rowsWithLoss.length, 1])), [batch.B]);
}

/**
 * KTO: r = log πθ(y|x) − log πref(y|x); z0 = max(0, mean r over mismatched (x_i, y_{i+1}) pairs),
 * not back-propagated; loss = λD(1 − σ(β(r − z0))) for desirable, λU(1 − σ(β(z0 − r))) for
 * undesirable samples, averaged over the batch. The reference is the model as it was at the
 * start (with LoRA: the same weights with adapters switched off).
 */
export async function trainKto(model: TransformerModel, tokenizer: WordTokenizer, samples: KtoSample[], options: KtoOptions = {}): Promise<TrainReport> {
  await initBackend();
  const seed = options.seed ?? DEFAULTS.seed;
  const beta = options.beta ?? 0.1;
  const lambdaD = options.desirableWeight ?? 1;
  const lambdaU = options.undesirableWeight ?? 1;
  const maxLen = model.config.maxLen;
  const messages = samples.map(ktoMessages);
  const rows = messages.map((m, i) => chatToRow(tokenizer, m, i, { maxLen, lastAnswerOnly: true }));
  checkTrainable(rows, 'KTO sample');
  const reference = options.lora ? undefined : model.clone();
  const vars = trainableVariables(model, options, seed);
  const referenceLogProbs = (batch: Batch): tf.Tensor1D => {
    if (reference) return sequenceLogProbs(reference, batch);
    const scale = model.loraScale;
    model.loraScale = 0;
    try {
      return sequenceLogProbs(model, batch);
    } finally {
      model.loraScale = scale;
    }
  };
  const mismatched = (batch: Batch): Batch => {
    const n = batch.rows.length;
    return padBatch(
      batch.rows.map((r, i) => {
        // Row sample numbers index the samples (and their messages); (i + 1) % n indexes the batch.
        const x = messages[r.sample]!.slice(0, -1);
        const y = messages[batch.rows[(i + 1) % n]!.sample]!.at(-1)!;
        return chatToRow(tokenizer, [...x, y], r.sample, { maxLen, lastAnswerOnly: true });
      }),
    );
  };
  const lossOf = (batch: Batch): tf.Scalar => {
    // z0 and the reference terms are computed outside the gradient (tf.stopGradient semantics:
    // they are plain values when the loss is differentiated).
    const refLogp = tf.tidy(() => referenceLogProbs(batch));
    const mis = batch.rows.length > 1 ? mismatched(batch) : batch;
    const z0 = tf.tidy(() => {
      const kl = tf.mean(tf.sub(sequenceLogProbs(model, mis), referenceLogProbs(mis)));
      return tf.maximum(kl, 0);
    });
    const z0Const = tf.tensor(z0.dataSync()[0]!); // a scalar: one value
    const r = tf.sub(sequenceLogProbs(model, batch), refLogp);
    const desirable = tf.tensor1d(batch.rows.map((row) => (samples[row.sample]!.label ? 1 : 0)), 'float32');
    const undesirable = tf.sub(1, desirable);
    const lossD = tf.mul(tf.sub(1, tf.sigmoid(tf.mul(tf.sub(r, z0Const), beta))), lambdaD);
    const lossU = tf.mul(tf.sub(1, tf.sigmoid(tf.mul(tf.sub(z0Const, r), beta))), lambdaU);
    return tf.mean(tf.add(tf.mul(lossD, desirable), tf.mul(lossU, undesirable))) as tf.Scalar;
  };
  const batchOptions = { batchSize: options.batchSize ?? DEFAULTS.batchSize };
  const rng = createRng(seed).fork('data-order');
  const stepsPerEpoch = epochBatches(rows, createRng(seed).fork('data-order'), batchOptions).length;
  try {
    return await runLoop(model, vars, () => epochBatches(rows, rng, batchOptions), lossOf, { ...options, label: options.label ?? 'kto' }, stepsPerEpoch);
  } finally {
    reference?.dispose();
  }
}

/** Mean log π(y|x) of each sample's last assistant answer (used by tests and diagnostics). */
export function answerLogProbs(model: TransformerModel, tokenizer: WordTokenizer, samples: KtoSample[]): number[] {
  const rows = samples.map((s, i) => chatToRow(tokenizer, ktoMessages(s), i, { maxLen: model.config.maxLen, lastAnswerOnly: true }));
  const batch = padBatch(rows);
  return Array.from(tf.tidy(() => sequenceLogProbs(model, batch)).dataSync());
}
