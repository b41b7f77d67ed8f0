/**
 * Generation throughput of the embedded model: tokens/s for a batch of prompts generated together
 * (KV cache, one batch) versus the same prompts one at a time.
 *   node --import tsx bench/generate.ts [CHECKPOINT_DIR] [PROMPTS]
 */
import { generateWorld, worldCapabilitySuite } from '../src/world/index.js';
import { loadCheckpoint } from '../src/embedded/checkpoint.js';
import { generate } from '../src/embedded/generate.js';
import { resolveCheckpointDir } from '../src/models/embedded-default.js';

const dir = resolveCheckpointDir(process.argv[2] ?? 'default');
const count = Number(process.argv[3] ?? 128);
const { model, tokenizer } = await loadCheckpoint(dir);
const prompts = worldCapabilitySuite(generateWorld(1)).slice(0, count).map((c) => c.messages);
const params = { maxTokens: 24 };
generate(model, tokenizer, prompts.slice(0, 4), params); // warm-up

let t0 = performance.now();
const batched = generate(model, tokenizer, prompts, params);
const batchedSeconds = (performance.now() - t0) / 1000;
const batchedTokens = batched.reduce((n, g) => n + g.completionTokens, 0);

const singleCount = Math.min(32, count);
t0 = performance.now();
let singleTokens = 0;
for (const p of prompts.slice(0, singleCount)) {
  const [g] = generate(model, tokenizer, [p], params);
  if (!g) throw new Error('generate returned nothing for a single prompt');
  singleTokens += g.completionTokens;
}
const singleSeconds = (performance.now() - t0) / 1000;

const batchedRate = batchedTokens / batchedSeconds;
const singleRate = singleTokens / singleSeconds;
console.log(`checkpoint ${dir}`);
console.log(`batched: ${count} prompts, ${batchedTokens} tokens in ${batchedSeconds.toFixed(2)} s → ${batchedRate.toFixed(0)} tokens/s, ${(count / batchedSeconds).toFixed(1)} prompts/s`);
console.log(`one at a time: ${singleCount} prompts, ${singleTokens} tokens in ${singleSeconds.toFixed(2)} s → ${singleRate.toFixed(0)} tokens/s`);
console.log(`batching speed-up: ${(batchedRate / singleRate).toFixed(1)}×`);
model.dispose();
