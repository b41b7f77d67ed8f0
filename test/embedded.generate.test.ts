import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initBackend } from '../src/embedded/backend.js';
import { TransformerModel } from '../src/embedded/model.js';
import { WordTokenizer } from '../src/embedded/tokenizer.js';
import { trainSft } from '../src/embedded/train.js';
import { generate } from '../src/embedded/generate.js';
import { saveCheckpoint } from '../src/embedded/checkpoint.js';
import { createEmbeddedProvider } from '../src/models/providers/embedded-provider.js';
import type { ChatMessage } from '../src/models/types.js';
import { defined } from './defined.helper.js';

await initBackend();

const facts: [string, string][] = [
  ['Where is Zorblax made?', 'Zorblax is made in Veltria. It is red.'],
  ['What color is Fenlox?', 'Fenlox is blue. It is made in Drumia.'],
  ['Add 5 and 17.', 'The answer is 22.'],
];
const samples = facts.map(([q, a]) => ({ messages: [{ role: 'user', content: q }, { role: 'assistant', content: a }] as ChatMessage[] }));
const tokenizer = WordTokenizer.fit([...facts.flat(), 'Tell me a long story about anything at all please.']);
const model = TransformerModel.initialise({ vocabSize: tokenizer.size, dModel: 32, nLayers: 2, nHeads: 2, dFF: 64, maxLen: 48 }, 11);
await trainSft(model, tokenizer, samples, { silent: true, epochs: 120, batchSize: 3, lr: 3e-3 });
const prompts = facts.map(([q]) => [{ role: 'user', content: q }] as ChatMessage[]);
const firstPrompt = defined(prompts[0], 'the first prompt');
const secondPrompt = defined(prompts[1], 'the second prompt');

test('greedy generation answers trained prompts and stops at the end token', () => {
  const out = generate(model, tokenizer, prompts, { maxTokens: 20 });
  assert.deepEqual(out.map((g) => g.text), facts.map(([, a]) => a));
  for (const g of out) {
    assert.equal(g.finishReason, 'stop');
    assert.ok(g.completionTokens > 0 && g.completionTokens <= 20);
    assert.ok(g.promptTokens > 3);
  }
});

test('batched generation equals one prompt at a time (left padding is masked)', () => {
  const batched = generate(model, tokenizer, [...prompts, [{ role: 'system', content: 'Tell me a long story.' }, ...firstPrompt]], { maxTokens: 20 });
  const single = [...prompts, [{ role: 'system', content: 'Tell me a long story.' }, ...firstPrompt] as ChatMessage[]].map((p) => defined(generate(model, tokenizer, [p], { maxTokens: 20 })[0], 'the generation'));
  assert.deepEqual(batched.map((g) => g.text), single.map((g) => g.text));
});

test('max tokens and stop sequences cut the answer', () => {
  const short = defined(generate(model, tokenizer, [firstPrompt], { maxTokens: 3 })[0], 'the short generation');
  assert.equal(short.text, 'Zorblax is made');
  assert.equal(short.completionTokens, 3);
  assert.equal(short.finishReason, 'length');
  const stopped = defined(generate(model, tokenizer, [secondPrompt], { maxTokens: 20, stop: [' It is'] })[0], 'the stopped generation');
  assert.equal(stopped.text, 'Fenlox is blue.');
  assert.equal(stopped.finishReason, 'stop');
});

test('sampling is reproducible with a seed and varies across seeds', () => {
  const params = { temperature: 3, topP: 0.95, maxTokens: 8 };
  const a = generate(model, tokenizer, prompts, { ...params, seed: 1 }).map((g) => g.text);
  const b = generate(model, tokenizer, prompts, { ...params, seed: 1 }).map((g) => g.text);
  assert.deepEqual(a, b);
  const others = [2, 3, 4, 5].map((seed) => generate(model, tokenizer, prompts, { ...params, seed }).map((g) => g.text).join('|'));
  assert.ok(others.some((o) => o !== a.join('|')), 'different seeds should sample differently at high temperature');
});

test('the provider batches concurrent chat calls and reports token usage', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'candor-prov-'));
  await saveCheckpoint(dir, model, tokenizer);
  const provider = await createEmbeddedProvider(dir, { concurrency: 8 });
  assert.match(provider.id, /^embedded:candor-prov-\w+@[0-9a-f]{12}$/);
  const results = await Promise.all(prompts.map((messages) => provider.chat({ messages, params: { maxTokens: 20 } })));
  assert.deepEqual(results.map((r) => r.text), facts.map(([, a]) => a));
  const stats = provider.stats!();
  assert.equal(stats.calls, 3);
  assert.equal(stats.completionTokens, results.reduce((n, r) => n + r.usage.completionTokens, 0));
  assert.ok(results.every((r) => r.usage.promptTokens > 0));
  const again = await provider.chat({ messages: firstPrompt, params: { temperature: 2, seed: 9, maxTokens: 8 }, sampleIndex: 1 });
  const same = await provider.chat({ messages: firstPrompt, params: { temperature: 2, seed: 9, maxTokens: 8 }, sampleIndex: 1 });
  assert.equal(again.text, same.text);
  await provider.close?.();
});
