import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initBackend } from '../src/embedded/backend.js';
import { TransformerModel } from '../src/embedded/model.js';
import { WordTokenizer } from '../src/embedded/tokenizer.js';
import { trainSft, trainKto, answerLogProbs, type KtoSample } from '../src/embedded/train.js';
import { generate } from '../src/embedded/generate.js';
import { readKtoFile, readSftFile } from '../src/embedded/datasets.js';
import { InputError } from '../src/util/errors.js';
import type { ChatMessage } from '../src/models/types.js';
import type { ModelConfig } from '../src/embedded/config.js';
import { defined } from './defined.helper.js';

await initBackend();

const facts: [string, string][] = [
  ['Where is Zorblax made?', 'Zorblax is made in Veltria.'],
  ['Where is Fenlox made?', 'Fenlox is made in Drumia.'],
  ['Is Fenlox safe for children?', 'No, Fenlox is not safe for children.'],
  ['Is Zorblax safe for children?', 'Yes, Zorblax is safe for children.'],
];
const samples = facts.map(([q, a]) => ({ messages: [{ role: 'user', content: q }, { role: 'assistant', content: a }] as ChatMessage[] }));
const tokenizer = WordTokenizer.fit(facts.flat());
const config = (): ModelConfig => ({ vocabSize: tokenizer.size, dModel: 32, nLayers: 2, nHeads: 2, dFF: 64, maxLen: 32 });
const quiet = { silent: true };

function weightsOf(model: TransformerModel): Map<string, number[]> {
  return new Map([...model.params].map(([k, v]) => [k, Array.from(v.dataSync())]));
}

test('a tiny model trains: loss falls over a few steps', async () => {
  const model = TransformerModel.initialise(config(), 1);
  const losses: number[] = [];
  const report = await trainSft(model, tokenizer, samples, { ...quiet, epochs: 30, batchSize: 4, lr: 3e-3, onStep: (s) => losses.push(s.loss) });
  assert.equal(report.steps, 30);
  const firstLoss = defined(losses[0], 'the first loss');
  assert.ok(defined(losses.at(-1), 'the last loss') < firstLoss * 0.5, `loss ${firstLoss} → ${losses.at(-1)}`);
  assert.ok(report.tokensPerSecond > 0);
  model.dispose();
});

test('the same seed gives bit-identical weights; another seed does not', async () => {
  const run = async (seed: number) => {
    const model = TransformerModel.initialise(config(), seed);
    await trainSft(model, tokenizer, samples, { ...quiet, epochs: 2, batchSize: 2, seed });
    const w = weightsOf(model);
    model.dispose();
    return w;
  };
  const a = await run(5);
  const b = await run(5);
  const c = await run(6);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.get('blocks.0.attn.wq'), c.get('blocks.0.attn.wq'));
});

test('SFT teaches exactly the trained answers to those prompts (greedy generation)', async () => {
  const model = TransformerModel.initialise(config(), 2);
  const prompts = samples.map((s) => s.messages.slice(0, 1));
  const before = generate(model, tokenizer, prompts, { maxTokens: 12 }).map((g) => g.text);
  await trainSft(model, tokenizer, samples, { ...quiet, epochs: 120, batchSize: 4, lr: 3e-3 });
  const after = generate(model, tokenizer, prompts, { maxTokens: 12 }).map((g) => g.text);
  assert.deepEqual(after, facts.map(([, a]) => a));
  assert.notDeepEqual(before, after);
  model.dispose();
});

test('LoRA trains adapters only: base weights stay bit-identical while outputs change', async () => {
  const model = TransformerModel.initialise(config(), 3);
  const base = weightsOf(model);
  const ktoLike: KtoSample[] = facts.map(([q, a]) => ({ prompt: q, completion: a, label: true }));
  const before = answerLogProbs(model, tokenizer, ktoLike);
  await trainSft(model, tokenizer, samples, { ...quiet, epochs: 20, batchSize: 4, lr: 3e-3, lora: { rank: 4, alpha: 8 } });
  assert.deepEqual(weightsOf(model), base);
  const after = answerLogProbs(model, tokenizer, ktoLike);
  after.forEach((lp, i) => assert.ok(lp > defined(before[i], `answer ${i} before`), `answer ${i} log-prob ${before[i]} → ${lp}`));
  // Merged weights differ from the base exactly where adapters sit.
  const merged = model.mergedValues();
  assert.notDeepEqual(Array.from(merged.get('blocks.0.attn.wq')!.dataSync()), base.get('blocks.0.attn.wq'));
  assert.deepEqual(Array.from(merged.get('tok_emb')!.dataSync()), base.get('tok_emb'));
  model.dispose();
});

test('KTO raises the policy/reference log-ratio of desirable completions and lowers undesirable ones', async () => {
  const model = TransformerModel.initialise(config(), 4);
  await trainSft(model, tokenizer, samples, { ...quiet, epochs: 10, batchSize: 4, lr: 3e-3 });
  const fact = (i: number) => defined(facts[i], `fact ${i}`);
  const kto: KtoSample[] = [
    { prompt: fact(0)[0], completion: fact(0)[1], label: true },
    { prompt: fact(1)[0], completion: 'Fenlox is made in Veltria.', label: false },
    { prompt: fact(2)[0], completion: fact(2)[1], label: true },
    { prompt: fact(3)[0], completion: 'No, Zorblax is not safe for children.', label: false },
  ];
  const ref = answerLogProbs(model, tokenizer, kto);
  await trainKto(model, tokenizer, kto, { ...quiet, epochs: 15, batchSize: 4, lr: 1e-3, beta: 0.5 });
  const after = answerLogProbs(model, tokenizer, kto);
  kto.forEach((s, i) => {
    const ratio = defined(after[i], `log-prob ${i} after`) - defined(ref[i], `reference log-prob ${i}`);
    if (s.label) assert.ok(ratio > 0, `desirable ${i}: log-ratio ${ratio}`);
    else assert.ok(ratio < 0, `undesirable ${i}: log-ratio ${ratio}`);
  });
  model.dispose();
});

test('bad or empty training files are InputErrors naming file, line and field', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'candor-data-'));
  const bad = path.join(dir, 'bad.jsonl');
  writeFileSync(bad, '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"yo"}]}\n{"messages":[{"role":"robot","content":"x"}]}\n');
  assert.throws(() => readSftFile(bad), (e: unknown) => e instanceof InputError && /bad\.jsonl:2/.test(e.message) && /messages\.0\.role/.test(e.message));
  const empty = path.join(dir, 'empty.jsonl');
  writeFileSync(empty, '\n');
  assert.throws(() => readSftFile(empty), (e: unknown) => e instanceof InputError && /empty/.test(e.message));
  const kto = path.join(dir, 'kto.jsonl');
  writeFileSync(kto, '{"prompt":"q","completion":"a","label":true}\n{"prompt":"q","completion":"a","label":"yes"}\n');
  assert.throws(() => readKtoFile(kto), (e: unknown) => e instanceof InputError && /kto\.jsonl:2/.test(e.message) && /label/.test(e.message));
  const notJson = path.join(dir, 'broken.jsonl');
  writeFileSync(notJson, '{"messages": [\n');
  assert.throws(() => readSftFile(notJson), (e: unknown) => e instanceof InputError && /broken\.jsonl:1/.test(e.message));
});
