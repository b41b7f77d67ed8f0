import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseModelSpec, formatModelSpec, ModelSpecError } from '../src/models/registry.js';

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
