/**
 * ChatProvider over the embedded model; src/embedded/ generates, this module queues and batches.
 * Concurrent chat() calls are queued for one event-loop turn and generated together as one batch
 * (generation is synchronous CPU work, so batching is where the throughput comes from).
 * `embedded:default` resolves to the committed base checkpoint.
 */
import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { loadCheckpoint, type LoadedCheckpoint } from '../../embedded/checkpoint.js';
import { generateItems, GENERATION_BATCH, type GenerationItem } from '../../embedded/generate.js';
import { hashString } from '../../util/random.js';
import { InputError } from '../../util/errors.js';
import { resolveCheckpointDir } from '../embedded-default.js';
import type { ChatProvider, ChatRequest, ChatResult, ProviderStats } from '../types.js';
import { ProviderError } from '../types.js';

export interface EmbeddedProviderOptions {
  /** Most requests generated in one batch (default 64). */
  concurrency?: number;
}

interface Pending {
  item: GenerationItem;
  resolve: (r: ChatResult) => void;
  reject: (e: unknown) => void;
  signal?: AbortSignal;
}

export async function createEmbeddedProvider(dir: string, options: EmbeddedProviderOptions = {}): Promise<ChatProvider> {
  const resolved = resolveCheckpointDir(dir);
  const weights = path.join(resolved, 'model.safetensors');
  if (!existsSync(weights)) throw new InputError('no embedded checkpoint here (model.safetensors missing)', { file: resolved });
  // The id names the weights' content so caches never serve answers of different weights.
  const digest = createHash('sha256').update(readFileSync(weights)).digest('hex').slice(0, 12);
  const id = `embedded:${path.basename(resolved)}@${digest}`;
  const batchLimit = Math.max(1, options.concurrency ?? GENERATION_BATCH);
  // Loaded up front so a broken checkpoint fails here, with its file named, not on the first call.
  const checkpoint: LoadedCheckpoint = await loadCheckpoint(resolved);
  const stats: ProviderStats = { calls: 0, promptTokens: 0, completionTokens: 0, retries: 0, errors: 0 };
  let queue: Pending[] = [];
  let scheduled = false;

  const flush = async () => {
    scheduled = false;
    const { model, tokenizer } = checkpoint;
    while (queue.length > 0) {
      const batch = queue.slice(0, batchLimit);
      queue = queue.slice(batchLimit);
      const live = batch.filter((p) => {
        if (p.signal?.aborted) {
          p.reject(new ProviderError('request aborted', 'aborted'));
          return false;
        }
        return true;
      });
      if (live.length === 0) continue;
      try {
        const results = generateItems(model, tokenizer, live.map((p) => p.item));
        if (results.length !== live.length) throw new Error(`${results.length} generations for ${live.length} prompts`);
        for (const [i, p] of live.entries()) {
          const g = results[i]!; // one generation per prompt, checked above
          stats.calls++;
          stats.promptTokens += g.promptTokens;
          stats.completionTokens += g.completionTokens;
          p.resolve({ text: g.text, usage: { promptTokens: g.promptTokens, completionTokens: g.completionTokens }, finishReason: g.finishReason });
        }
      } catch (error) {
        stats.errors += live.length;
        for (const p of live) p.reject(new ProviderError(`embedded generation failed: ${(error as Error).message}`, 'server'));
      }
      // Let callers queue more work between batches.
      await new Promise((r) => setImmediate(r));
    }
  };

  return {
    id,
    chat(request: ChatRequest, signal?: AbortSignal): Promise<ChatResult> {
      if (signal?.aborted) return Promise.reject(new ProviderError('request aborted', 'aborted'));
      return new Promise<ChatResult>((resolve, reject) => {
        const seed = hashString(`${request.params?.seed ?? 0}:${request.sampleIndex ?? 0}`);
        queue.push({ item: { messages: request.messages, params: request.params, seed }, resolve, reject, signal });
        if (!scheduled) {
          scheduled = true;
          setImmediate(() => {
            flush().catch((error) => {
              const failed = queue;
              queue = [];
              for (const p of failed) p.reject(error);
            });
          });
        }
      });
    },
    stats: () => ({ ...stats }),
    async close() {
      checkpoint.model.dispose();
    },
  };
}
