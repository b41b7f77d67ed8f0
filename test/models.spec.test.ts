import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EMBEDDED_DEFAULT_CANDIDATES } from '../src/models/embedded-default.js';
import { defaultEmbeddedCheckpointDir, formatModelSpec, localCheckpointDir, ModelSpecError, parseModelSpec } from '../src/models/registry.js';

test('openai spec with several base URLs keeps them in order and strips trailing slashes', () => {
  const spec = parseModelSpec('openai:meta-llama/Llama-3.1-8B-Instruct@http://127.0.0.1:8000/v1/,http://127.0.0.1:8001/v1');
  assert.deepEqual(spec, {
    kind: 'openai',
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    baseURLs: ['http://127.0.0.1:8000/v1', 'http://127.0.0.1:8001/v1'],
  });
  assert.equal(formatModelSpec(spec), 'openai:meta-llama/Llama-3.1-8B-Instruct@http://127.0.0.1:8000/v1,http://127.0.0.1:8001/v1');
});

test('openai spec without base URL defaults to the OpenAI API', () => {
  const spec = parseModelSpec('openai:gpt-4o-mini');
  assert.equal(spec.kind, 'openai');
  assert.deepEqual(spec.kind === 'openai' && spec.baseURLs, ['https://api.openai.com/v1']);
});

test('embedded spec keeps the directory', () => {
  assert.deepEqual(parseModelSpec('embedded:default'), { kind: 'embedded', dir: 'default' });
});

test('bad specs are rejected with a reason', () => {
  assert.throws(() => parseModelSpec('gpt-4o'), ModelSpecError);
  assert.throws(() => parseModelSpec('vllm:x'), /unknown kind/);
  assert.throws(() => parseModelSpec('openai:@http://x'), /missing model name/);
  assert.throws(() => parseModelSpec('openai:m@ftp://x'), /http or https/);
  assert.throws(() => parseModelSpec('openai:m@http://user:secret@host/v1'), /credentials/);
});

test('embedded:default resolves to the first base that holds weights, through the registry', () => {
  const root = mkdtempSync(join(tmpdir(), 'candor-default-'));
  try {
    const seed1 = join(root, 'bases', 'seed-1');
    const original = join(root, 'embedded-base');
    for (const dir of [seed1, original]) mkdirSync(dir, { recursive: true });
    writeFileSync(join(original, 'model.safetensors'), 'w');
    writeFileSync(join(original, 'config.json'), JSON.stringify({ provenance: { complete: true } }));
    assert.equal(defaultEmbeddedCheckpointDir([seed1, original]), original, 'seed-1 without weights is skipped');
    writeFileSync(join(seed1, 'model.safetensors'), 'w');
    writeFileSync(join(seed1, 'config.json'), JSON.stringify({ provenance: { complete: false, epochsDone: 1 } }));
    assert.equal(defaultEmbeddedCheckpointDir([seed1, original]), original, 'an epoch checkpoint of a pre-training under way is skipped');
    writeFileSync(join(seed1, 'config.json'), JSON.stringify({ provenance: { complete: true } }));
    assert.equal(defaultEmbeddedCheckpointDir([seed1, original]), seed1, 'the finished seed-1 base wins');
    // The registry's embedded:default is that resolver over the committed candidates.
    assert.equal(localCheckpointDir('embedded:default'), defaultEmbeddedCheckpointDir(EMBEDDED_DEFAULT_CANDIDATES));
    assert.equal(localCheckpointDir('embedded:some/dir'), resolve('some/dir'));
    assert.equal(localCheckpointDir('openai:gpt-4o'), undefined);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
