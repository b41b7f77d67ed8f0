import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initBackend } from '../src/embedded/backend.js';
import { TransformerModel } from '../src/embedded/model.js';
import { WordTokenizer } from '../src/embedded/tokenizer.js';
import { loadCheckpoint, saveCheckpoint } from '../src/embedded/checkpoint.js';
import { defined } from './defined.helper.js';

await initBackend();
const root = path.resolve(import.meta.dirname, '..');
const work = mkdtempSync(path.join(tmpdir(), 'candor-cli-'));
const lines = [
  ['Where is Zorblax made?', 'Zorblax is made in Veltria.'],
  ['Is Fenlox safe for children?', 'No, Fenlox is not safe for children.'],
];
const tokenizer = WordTokenizer.fit(lines.flat());
const base = path.join(work, 'base');
const model = TransformerModel.initialise({ vocabSize: tokenizer.size, dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, maxLen: 32 }, 1);
await saveCheckpoint(base, model, tokenizer);

const sft = path.join(work, 'sft.jsonl');
writeFileSync(sft, lines.map(([q, a]) => JSON.stringify({ messages: [{ role: 'user', content: q }, { role: 'assistant', content: a }] })).join('\n') + '\n');
const kto = path.join(work, 'kto.jsonl');
writeFileSync(kto, lines.map(([q, a], i) => JSON.stringify({ prompt: q, completion: a, label: i === 0 })).join('\n') + '\n');

function candor(...args: string[]) {
  return spawnSync(process.execPath, [path.join(root, 'bin/candor.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, CANDOR_QUIET: '1' } });
}

test('candor train sft and kto (LoRA) write loadable checkpoints and print a JSON report', async () => {
  const out = path.join(work, 'out-sft');
  const r = candor('train', 'sft', '--model', `embedded:${base}`, '--data', sft, '--out', out, '--epochs', '2', '--batch-size', '2', '--seed', '3');
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.metrics.steps, 2);
  assert.equal(report.modelSpec, `embedded:${out}`);
  const loaded = await loadCheckpoint(out);
  assert.equal(loaded.config.provenance.kind, 'sft');
  loaded.model.dispose();

  const outKto = path.join(work, 'out-kto');
  const k = candor('train', 'kto', '--model', `embedded:${base}`, '--data', kto, '--out', outKto, '--epochs', '1', '--lora-rank', '2', '--beta', '0.2');
  assert.equal(k.status, 0, k.stderr);
  assert.ok(existsSync(path.join(outKto, 'adapter.safetensors')));
  assert.equal((await loadCheckpoint(outKto)).config.lora?.rank, 2);
});

test('bad training data exits with code 2 and names file, line and field', () => {
  const bad = path.join(work, 'bad.jsonl');
  writeFileSync(bad, JSON.stringify({ messages: [{ role: 'user', content: 'q' }] }) + '\n');
  const r = candor('train', 'sft', '--model', `embedded:${base}`, '--data', bad, '--out', path.join(work, 'never'));
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /bad\.jsonl:1, field "messages": needs at least one assistant message/);
  assert.ok(!existsSync(path.join(work, 'never')));
});

test('the runner-facing object form of trainSftFromFiles (exported from finetune.ts) trains, reports metrics and honours abort', async () => {
  const train = await import('../src/embedded/finetune.js');
  const out = path.join(work, 'out-object');
  const result = await train.trainSftFromFiles({ base, data: [sft, sft], out, epochs: 1, lr: 1e-3, batchSize: 2, lora: null, seed: 1, silent: true });
  assert.equal(result.metrics.steps, 2);
  assert.ok(defined(result.metrics.tokens, 'the tokens metric') > 0);
  assert.equal((await loadCheckpoint(out)).config.provenance.samples, 4);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    train.trainKtoFromFiles({ base, data: kto, out: path.join(work, 'aborted'), epochs: 1, lr: 1e-3, batchSize: 2, seed: 1, silent: true, signal: controller.signal }),
    /aborted/,
  );
  assert.ok(!existsSync(path.join(work, 'aborted', 'model.safetensors')));
});
