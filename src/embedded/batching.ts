/**
 * Turns chat samples into training rows and rows into padded batches. Batches group samples of
 * similar length (sorted within shuffled windows) so padding and attention cost stay small, while
 * the order of windows and batches still follows the seed.
 */
import type { ChatMessage } from '../formats/chat.js';
import type { Rng } from '../util/random.js';
import { encodeChat } from './chat-template.js';
import type { WordTokenizer } from './tokenizer.js';

export interface TrainRow {
  /** Input ids (the sequence without its last token). */
  inputs: Int32Array;
  /** Next-token targets. */
  targets: Int32Array;
  /** Loss weight per target (0 = not trained on). */
  weights: Float32Array;
  /** Index of the sample this row came from. */
  sample: number;
}

export interface RowOptions {
  maxLen: number;
  /** Weight of non-assistant tokens (0: loss on assistant answers only). */
  promptLossWeight?: number;
  /** Only the last assistant message is trained on (KTO completions); otherwise every one. */
  lastAnswerOnly?: boolean;
  /** Assistant messages (by index) that are context only, never trained on. */
  contextTurns?: readonly number[];
}

export function chatToRow(tokenizer: WordTokenizer, messages: ChatMessage[], sample: number, options: RowOptions): TrainRow {
  const { ids, assistantMask } = encodeChat(tokenizer, messages, false, options.contextTurns);
  let mask = assistantMask;
  if (options.lastAnswerOnly) {
    let start = mask.length;
    while (start > 0 && mask[start - 1] === 1) start--;
    mask = mask.map((m, i) => (i >= start ? m : 0));
  }
  // Keep the end of over-long sequences: the answer is what is trained on.
  const limit = options.maxLen + 1;
  const offset = Math.max(0, ids.length - limit);
  const kept = ids.slice(offset);
  const keptMask = mask.slice(offset);
  const n = kept.length - 1;
  const inputs = new Int32Array(n);
  const targets = new Int32Array(n);
  const weights = new Float32Array(n);
  const promptWeight = options.promptLossWeight ?? 0;
  // n = kept.length - 1, so i and i + 1 index kept (and keptMask, which is as long).
  for (let i = 0; i < n; i++) {
    inputs[i] = kept[i]!;
    targets[i] = kept[i + 1]!;
    weights[i] = keptMask[i + 1] === 1 ? 1 : promptWeight;
  }
  return { inputs, targets, weights, sample };
}

export interface Batch {
  rows: TrainRow[];
  B: number;
  T: number;
  inputs: Int32Array;
  targets: Int32Array;
  weights: Float32Array;
  /** Real (non-padding) tokens. */
  tokens: number;
}

export function padBatch(rows: TrainRow[]): Batch {
  const B = rows.length;
  const T = Math.max(...rows.map((r) => r.inputs.length));
  const inputs = new Int32Array(B * T);
  const targets = new Int32Array(B * T);
  const weights = new Float32Array(B * T);
  let tokens = 0;
  rows.forEach((r, b) => {
    inputs.set(r.inputs, b * T);
    targets.set(r.targets, b * T);
    weights.set(r.weights, b * T);
    tokens += r.inputs.length;
  });
  return { rows, B, T, inputs, targets, weights, tokens };
}

export interface BatchOptions {
  batchSize: number;
  /** When set, batches are filled up to this many padded tokens instead of a fixed sample count. */
  batchTokens?: number;
}

/** One epoch of batches in a seeded order. */
export function epochBatches(rows: TrainRow[], rng: Rng, options: BatchOptions): Batch[] {
  const order = rng.shuffle(rows);
  const window = Math.max(options.batchSize, 1) * 32;
  const groups: TrainRow[][] = [];
  for (let start = 0; start < order.length; start += window) {
    const chunk = order.slice(start, start + window).sort((a, b) => a.inputs.length - b.inputs.length);
    let current: TrainRow[] = [];
    let longest = 0;
    for (const row of chunk) {
      const nextLongest = Math.max(longest, row.inputs.length);
      const full = options.batchTokens
        ? current.length > 0 && nextLongest * (current.length + 1) > options.batchTokens
        : current.length >= options.batchSize;
      if (full) {
        // Batch sizes that are multiples of 8 let attention group sequences into large blocks.
        const keep = options.batchTokens && current.length >= 8 ? current.length - (current.length % 8) : current.length;
        groups.push(current.slice(0, keep));
        current = current.slice(keep);
        longest = Math.max(0, ...current.map((r) => r.inputs.length));
      }
      current.push(row);
      longest = Math.max(longest, row.inputs.length);
    }
    if (current.length > 0) groups.push(current);
  }
  return rng.shuffle(groups).map(padBatch);
}
