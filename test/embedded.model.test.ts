import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initBackend, tf } from '../src/embedded/backend.js';
import { TransformerModel } from '../src/embedded/model.js';
import { WordTokenizer } from '../src/embedded/tokenizer.js';
import { encodeChat, formatChat } from '../src/embedded/chat-template.js';
import { loadCheckpoint, saveCheckpoint } from '../src/embedded/checkpoint.js';
import { decodeSafetensors, encodeSafetensors } from '../src/embedded/safetensors.js';
import { chatToRow, padBatch } from '../src/embedded/batching.js';
import { targetLogProbs } from '../src/embedded/ops.js';
import type { ModelConfig } from '../src/embedded/config.js';
import { defined } from './defined.helper.js';

await initBackend();

const texts = ['The Zorblax is made in Veltria.', 'Is Fenlox safe for children?', 'No, Fenlox is not safe for children.', '<think>I know that it is red.</think><output>It is red.</output>', 'Add 5 and 17.', 'The answer is 22.'];
const tokenizer = WordTokenizer.fit(texts);
const tiny = (): ModelConfig => ({ vocabSize: tokenizer.size, dModel: 16, nLayers: 2, nHeads: 2, dFF: 32, maxLen: 32 });

function sampleLoss(model: TransformerModel): number {
  const rows = texts.slice(0, 4).map((t, i) => chatToRow(tokenizer, [{ role: 'user', content: 'Tell me.' }, { role: 'assistant', content: t }], i, { maxLen: 32 }));
  const batch = padBatch(rows);
  return tf.tidy(() => {
    const h = model.hidden(tf.tensor1d(batch.inputs, 'int32'), batch.B, batch.T);
    const lp = targetLogProbs(model.logits(h), tf.tensor1d(batch.targets, 'int32'));
    return -defined(tf.sum(tf.mul(lp, tf.tensor1d(batch.weights))).dataSync()[0], 'the loss');
  });
}

test('tokenizer round-trips corpus text with its own spacing and maps unknown words to <unk>', () => {
  for (const t of texts) assert.equal(tokenizer.decode(tokenizer.encode(t)), t);
  const ids = tokenizer.encode('The Quux is red.');
  assert.equal(ids[1], tokenizer.unkId);
  const restored = new WordTokenizer(JSON.parse(JSON.stringify(tokenizer.toJSON())));
  const text = defined(texts[3], 'a corpus text');
  assert.deepEqual(restored.encode(text), tokenizer.encode(text));
});

test('chat template marks exactly the assistant tokens for the loss', () => {
  const messages = [
    { role: 'system' as const, content: 'Be brief.' },
    { role: 'user' as const, content: 'Add 5 and 17.' },
    { role: 'assistant' as const, content: 'The answer is 22.' },
  ];
  assert.equal(formatChat(messages, false), '<|system|>Be brief.<|end|><|user|>Add 5 and 17.<|end|><|assistant|>The answer is 22.<|end|>');
  const { ids, assistantMask } = encodeChat(tokenizer, messages);
  const answerIds = ids.filter((_, i) => assistantMask[i] === 1);
  assert.equal(tokenizer.decode(answerIds), 'The answer is 22.');
  assert.equal(answerIds.at(-1), tokenizer.endId);
});

test('safetensors encode/decode is exact and the header follows the format', () => {
  const tensors = new Map([
    ['b', { shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 1e-8, 0, 7]) }],
    ['a', { shape: [1], data: Float32Array.from([Math.PI]) }],
  ]);
  const bytes = encodeSafetensors(tensors, { note: 'x' });
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
  assert.deepEqual(header.a, { dtype: 'F32', shape: [1], data_offsets: [0, 4] });
  assert.deepEqual(header.b.data_offsets, [4, 28]);
  assert.equal(bytes.length, 8 + headerLength + 28);
  const back = decodeSafetensors(bytes);
  assert.deepEqual(Array.from(back.tensors.get('b')!.data), Array.from(tensors.get('b')!.data));
  assert.equal(back.metadata.note, 'x');
});

test('checkpoint save → load reproduces weights and outputs exactly', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'candor-ckpt-'));
  const model = TransformerModel.initialise(tiny(), 7);
  await saveCheckpoint(dir, model, tokenizer, { provenance: { test: true } });
  const loaded = await loadCheckpoint(dir);
  for (const [name, v] of model.params) {
    assert.deepEqual(Array.from(loaded.model.param(name).dataSync()), Array.from(v.dataSync()), name);
  }
  assert.equal(sampleLoss(loaded.model), sampleLoss(model));
  assert.deepEqual(loaded.tokenizer.vocab, tokenizer.vocab);
  assert.equal(loaded.config.provenance.test, true);
  assert.ok(readFileSync(path.join(dir, 'config.json'), 'utf8').includes('"dModel": 16'));
  model.dispose();
  loaded.model.dispose();
});

test('hand-written gradients match finite differences of the loss', () => {
  const model = TransformerModel.initialise(tiny(), 3);
  const vars = [...model.params.values()];
  const rows = texts.map((t, i) => chatToRow(tokenizer, [{ role: 'user', content: 'Tell me.' }, { role: 'assistant', content: t }], i, { maxLen: 32, promptLossWeight: 0.5 }));
  const batch = padBatch(rows);
  const lossFn = () => {
    const h = model.hidden(tf.tensor1d(batch.inputs, 'int32'), batch.B, batch.T);
    const lp = targetLogProbs(model.logits(h), tf.tensor1d(batch.targets, 'int32'));
    return tf.neg(tf.sum(tf.mul(lp, tf.tensor1d(batch.weights)))) as tf.Scalar;
  };
  const { grads } = tf.variableGrads(lossFn, vars);
  // Directional derivative along a fixed pseudo-random direction over every parameter.
  const directions = new Map<string, tf.Tensor>();
  let predicted = 0;
  let k = 1;
  for (const v of vars) {
    const n = v.size;
    const dir = new Float32Array(n);
    for (let i = 0; i < n; i++) dir[i] = Math.sin(++k * 12.9898) > 0 ? 1 : -1;
    const d = tf.tensor(dir, v.shape);
    directions.set(v.name, d);
    predicted += defined(tf.sum(tf.mul(defined(grads[v.name], `gradient of ${v.name}`), d)).dataSync()[0], 'a directional derivative');
  }
  const eps = 1e-3;
  const shifted = (sign: number) => {
    const saved = vars.map((v) => tf.clone(v));
    vars.forEach((v) => v.assign(tf.add(v, tf.mul(directions.get(v.name)!, sign * eps))));
    const value = defined(tf.tidy(() => lossFn().dataSync()[0]), 'the shifted loss');
    vars.forEach((v, i) => v.assign(defined(saved[i], `saved ${v.name}`)));
    saved.forEach((s) => s.dispose());
    return value;
  };
  const numeric = (shifted(1) - shifted(-1)) / (2 * eps);
  assert.ok(Math.abs(predicted) > 1, `gradient should not vanish (${predicted})`);
  assert.ok(Math.abs(numeric - predicted) / Math.abs(predicted) < 0.03, `numeric ${numeric} vs analytic ${predicted}`);
  model.dispose();
});

test('a tokenizer fitted on the world corpus decodes every answer exactly and covers the held-out questions', async () => {
  const { buildPretrainCorpus, generateWorld } = await import('../src/world/index.js');
  const corpus = buildPretrainCorpus(generateWorld(1), { seed: 1 });
  const tok = WordTokenizer.fit(corpus.train.flatMap((s) => s.messages.map((m) => m.content)));
  const answers = corpus.train.flatMap((s) => s.messages.filter((m) => m.role === 'assistant').map((m) => m.content));
  assert.ok(answers.length > 1000);
  const mismatched = answers.filter((a) => tok.decode(tok.encode(a)) !== a);
  assert.deepEqual(mismatched, []);
  const withUnknown = corpus.heldOutFacts.filter((q) => tok.encode(q.question).includes(tok.unkId));
  assert.deepEqual(withUnknown, []);
});
