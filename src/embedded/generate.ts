/**
 * Batched text generation with a key/value cache: prompts are left-padded into one batch, the
 * prompt block runs once, then one token per step for every sequence. Greedy or temperature/top-p
 * sampling with a per-prompt seeded generator (the same seed and prompt give the same text however
 * prompts are batched), stop sequences, max tokens.
 */
import { tf } from './backend.js';
import type { ChatMessage, SamplingParams } from '../formats/chat.js';
import { createRng, hashString, type Rng } from '../util/random.js';
import { encodeChat } from './chat-template.js';
import type { KvCache, TransformerModel } from './model.js';
import type { WordTokenizer } from './tokenizer.js';

export interface Generation {
  text: string;
  promptTokens: number;
  completionTokens: number;
  finishReason: 'stop' | 'length';
}

export interface GenerationItem {
  messages: ChatMessage[];
  params?: SamplingParams;
  /** Seed for this item's sampler (default: params.seed ?? 0). */
  seed?: number;
}

export const DEFAULT_MAX_TOKENS = 64;
/** Prompts generated together; bounded so a huge request does not build a huge cache. */
export const GENERATION_BATCH = 64;

interface Slot {
  item: GenerationItem;
  prompt: number[];
  out: number[];
  rng: Rng;
  maxTokens: number;
  done?: Generation;
}

function sampleToken(logits: Float32Array, offset: number, vocab: number, params: SamplingParams | undefined, rng: Rng): number {
  if (vocab < 1 || offset + vocab > logits.length) throw new Error(`logits row ${offset}..${offset + vocab} outside ${logits.length} values`);
  const temperature = params?.temperature ?? 0;
  // Row bounds checked above, so the reads below are in range.
  if (temperature <= 0) {
    let best = 0;
    let bestValue = -Infinity;
    for (let v = 0; v < vocab; v++) {
      const x = logits[offset + v]!;
      if (x > bestValue) {
        bestValue = x;
        best = v;
      }
    }
    return best;
  }
  let max = -Infinity;
  for (let v = 0; v < vocab; v++) max = Math.max(max, logits[offset + v]!);
  const probs: { id: number; p: number }[] = [];
  let total = 0;
  for (let v = 0; v < vocab; v++) {
    const p = Math.exp((logits[offset + v]! - max) / temperature);
    probs.push({ id: v, p });
    total += p;
  }
  const topP = params?.topP ?? 1;
  let pool = probs;
  if (topP < 1) {
    // Stable order (by probability, then id) so the nucleus is deterministic.
    pool = probs.slice().sort((a, b) => b.p - a.p || a.id - b.id);
    let acc = 0;
    let cut = 0;
    while (cut < pool.length && acc < topP * total) acc += pool[cut++]!.p;
    pool = pool.slice(0, Math.max(1, cut));
    total = pool.reduce((s, x) => s + x.p, 0);
  }
  let r = rng.next() * total;
  for (const { id, p } of pool) {
    r -= p;
    if (r <= 0) return id;
  }
  // Rounding left a sliver of r: the last candidate (the pool holds at least one, vocab ≥ 1).
  return pool[pool.length - 1]!.id;
}

function finish(slot: Slot, tokenizer: WordTokenizer, reason: 'stop' | 'length', text?: string): void {
  slot.done = {
    text: text ?? tokenizer.decode(slot.out),
    promptTokens: slot.prompt.length,
    completionTokens: slot.out.length,
    finishReason: reason,
  };
}

/** Checks stop sequences after each new token; returns the text cut before the first stop. */
function stopCut(text: string, stops: string[] | undefined): string | undefined {
  if (!stops || stops.length === 0) return undefined;
  let cut = -1;
  for (const s of stops) {
    if (!s) continue;
    const at = text.indexOf(s);
    if (at >= 0 && (cut < 0 || at < cut)) cut = at;
  }
  return cut >= 0 ? text.slice(0, cut) : undefined;
}

function runBatch(model: TransformerModel, tokenizer: WordTokenizer, slots: Slot[]): void {
  const { maxLen, vocabSize: V } = model.config;
  const B = slots.length;
  const P = Math.max(...slots.map((s) => s.prompt.length));
  const steps = Math.max(...slots.map((s) => s.maxTokens));
  const capacity = P + steps;
  const keyMask = new Float32Array(B * capacity);
  const ids = new Int32Array(B * P);
  const positions = new Int32Array(B * P);
  slots.forEach((s, b) => {
    const pad = P - s.prompt.length;
    for (let i = 0; i < P; i++) {
      const real = i >= pad;
      // pad ≤ i < P, so i - pad indexes the prompt.
      ids[b * P + i] = real ? s.prompt[i - pad]! : tokenizer.padId;
      positions[b * P + i] = real ? i - pad : 0;
      if (!real) keyMask[b * capacity + i] = -1e9;
    }
  });
  const cache: KvCache = { k: [], v: [] };
  const biasFor = (Tk: number) => {
    const data = new Float32Array(B * Tk);
    for (let b = 0; b < B; b++) data.set(keyMask.subarray(b * capacity, b * capacity + Tk), b * Tk);
    return tf.tensor4d(data, [B, 1, 1, Tk]);
  };
  try {
    let logits = tf.tidy(() => model.step(tf.tensor2d(ids, [B, P], 'int32'), tf.tensor2d(positions, [B, P], 'int32'), biasFor(P), cache));
    for (let t = 0; t < steps; t++) {
      const values = logits.dataSync() as Float32Array;
      logits.dispose();
      const next = new Int32Array(B);
      const nextPos = new Int32Array(B);
      slots.forEach((s, b) => {
        if (s.done) {
          next[b] = tokenizer.endId;
        } else {
          const token = sampleToken(values, b * V, V, s.item.params, s.rng);
          next[b] = token;
          if (token === tokenizer.endId) finish(s, tokenizer, 'stop');
          else {
            s.out.push(token);
            const text = tokenizer.decode(s.out);
            const cut = stopCut(text, s.item.params?.stop);
            if (cut !== undefined) finish(s, tokenizer, 'stop', cut);
            else if (s.out.length >= s.maxTokens) finish(s, tokenizer, 'length', text);
          }
        }
        nextPos[b] = s.prompt.length + s.out.length - 1;
      });
      if (slots.every((s) => s.done) || P + t + 1 >= maxLen) break;
      logits = tf.tidy(() => model.step(tf.tensor2d(next, [B, 1], 'int32'), tf.tensor2d(nextPos, [B, 1], 'int32'), biasFor(P + t + 1), cache));
    }
  } finally {
    for (const x of [...cache.k, ...cache.v]) x.dispose();
  }
  for (const s of slots) if (!s.done) finish(s, tokenizer, 'length');
}

/** Generates for items that may each carry their own sampling parameters and seed. */
export function generateItems(model: TransformerModel, tokenizer: WordTokenizer, items: GenerationItem[]): Generation[] {
  const { maxLen } = model.config;
  const slots: Slot[] = items.map((item) => {
    const wanted = Math.max(1, item.params?.maxTokens ?? DEFAULT_MAX_TOKENS);
    let prompt = encodeChat(tokenizer, item.messages, true).ids;
    // Leave room for at least a short answer: keep the end of an over-long prompt.
    const room = Math.min(wanted, Math.max(1, Math.floor(maxLen / 4)));
    if (prompt.length > maxLen - room) prompt = prompt.slice(prompt.length - (maxLen - room));
    const maxTokens = Math.min(wanted, maxLen - prompt.length);
    return { item, prompt, out: [], rng: createRng(item.seed ?? item.params?.seed ?? 0), maxTokens };
  });
  // Similar lengths together keep left padding small.
  const ordered = [...slots].sort((a, b) => a.prompt.length - b.prompt.length);
  for (let start = 0; start < ordered.length; start += GENERATION_BATCH) {
    runBatch(model, tokenizer, ordered.slice(start, start + GENERATION_BATCH));
  }
  return slots.map((s) => s.done!);
}

/**
 * Generates one answer per prompt with shared sampling parameters. Prompt i samples with seed
 * derived from (params.seed, i), so results do not depend on batch composition.
 */
export function generate(model: TransformerModel, tokenizer: WordTokenizer, prompts: ChatMessage[][], params: SamplingParams = {}): Generation[] {
  return generateItems(
    model,
    tokenizer,
    prompts.map((messages, i) => ({ messages, params, seed: hashString(`${params.seed ?? 0}:${i}`) })),
  );
}
