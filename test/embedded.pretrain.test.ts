import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pretrain } from '../src/world/pretrain-model.js';
import { readCheckpointConfig } from '../src/embedded/checkpoint.js';

test('pre-training from the world corpus is reproducible from its seed (bit-identical weights)', async () => {
  const work = mkdtempSync(path.join(tmpdir(), 'candor-pretrain-'));
  const small = { dModel: 32, nLayers: 1, nHeads: 2, dFF: 64 };
  const run = (dir: string, seed: number) => pretrain({ out: path.join(work, dir), seed, epochs: 1, maxSteps: 3, model: small, silent: true });
  const a = await run('a', 7);
  // b repeats a's seed, c changes it; only their weight files are compared below.
  await run('b', 7);
  await run('c', 8);
  assert.equal(a.report.steps, 3);
  assert.ok(a.config.maxLen >= 100, 'context covers the longest corpus sample');
  const bytes = (dir: string) => readFileSync(path.join(work, dir, 'model.safetensors'));
  assert.ok(bytes('a').equals(bytes('b')));
  assert.ok(!bytes('a').equals(bytes('c')));
  const config = readCheckpointConfig(path.join(work, 'a'));
  assert.equal(config.provenance.complete, true);
  assert.equal(config.provenance.seed, 7);
  assert.equal(config.model.vocabSize, a.config.vocabSize);
});
