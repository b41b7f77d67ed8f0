import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { canonicalSampleJson, datasetDigest, DatasetDigester, sampleDigest } from '../src/data/canonical.js';
import { canonicalJson } from '../src/util/canonical-json.js';
import { parseRecord } from '../src/data/readers.js';
import type { ChatSample, KtoSample } from '../src/data/types.js';

// Digests computed once from the written definition with Python's hashlib/json (see canonical.ts).
const CHAT_DIGEST = 'bc64848e073ced1c68cabb0ae8644a28fe3df49126d9dbcde72c78c28732295a';
const KTO_DIGEST = 'cfafed6d3027866279398ddaf53ca6aa329eb5a9b50d6f09952c0802af90e985';
const DATASET_DIGEST = 'ca2842b3c59acfd624fe7f0cf834f6482fe26f826867a0c80c8ca6faf2661c56';

const chat: ChatSample = {
  messages: [
    { role: 'system', content: 'Café — naïve\n' },
    { role: 'user', content: 'What is 2+2? 🤔' },
    { role: 'assistant', content: '4' },
  ],
};
const kto: KtoSample = { prompt: 'Is it safe?', completion: 'Yes.', label: false };

test('sample digests match the fixed digests of the documented definition', () => {
  assert.equal(canonicalSampleJson(chat), '{"messages":[{"content":"Café — naïve\\n","role":"system"},{"content":"What is 2+2? 🤔","role":"user"},{"content":"4","role":"assistant"}]}');
  assert.equal(sampleDigest(chat), CHAT_DIGEST);
  assert.equal(sampleDigest(kto), KTO_DIGEST);
  assert.equal(datasetDigest([CHAT_DIGEST, KTO_DIGEST]), DATASET_DIGEST);
});

test('NFD text, CRLF line endings, key order and extra message fields do not change the digest', () => {
  const variant = {
    messages: [
      { content: 'Cafe\u0301 — nai\u0308ve\r\n', role: 'system' as const, name: 'ignored' },
      { role: 'user' as const, content: 'What is 2+2? 🤔' },
      { role: 'assistant' as const, content: '4' },
    ],
  };
  assert.equal(sampleDigest(variant), CHAT_DIGEST);
  // Whitespace is meaningful (code, poems): it is not trimmed.
  assert.notEqual(sampleDigest({ messages: [...chat.messages.slice(0, 2), { role: 'assistant', content: '4 ' }] }), CHAT_DIGEST);
});

test('the same conversation read from Alpaca and from chat JSON has one digest', () => {
  const fromAlpaca = parseRecord({ instruction: 'Add.', input: '2 and 2', output: '4' }, 'alpaca', 'x.json', 1);
  const fromChat = parseRecord({ messages: [{ role: 'user', content: 'Add.\n\n2 and 2' }, { role: 'assistant', content: '4' }] }, 'chat', 'x.jsonl', 1);
  assert.equal(sampleDigest(fromAlpaca), sampleDigest(fromChat));
});

test('incremental dataset digest equals the list form', () => {
  const digester = new DatasetDigester();
  digester.add(CHAT_DIGEST);
  digester.add(KTO_DIGEST);
  assert.equal(digester.digest(), DATASET_DIGEST);
});

test('canonical JSON sorts keys by code point as Python does, and Python reproduces the digest', (t) => {
  assert.equal(canonicalJson({ b: 1, a: [{ z: true, y: null }], é: 'x' }), '{"a":[{"y":null,"z":true}],"b":1,"é":"x"}');
  const python = spawnSync('python3', ['-c', [
    'import hashlib,json,sys,unicodedata',
    'obj=json.loads(sys.stdin.read())',
    'print(hashlib.sha256(json.dumps(obj,sort_keys=True,separators=(",",":"),ensure_ascii=False).encode()).hexdigest())',
  ].join('\n')], { input: JSON.stringify({ messages: [{ role: 'user', content: 'ünïcödé \u2028 "quoted" \\ tab\t' }, { role: 'assistant', content: 'ok' }] }), encoding: 'utf8' });
  if (python.status !== 0 || !python.stdout) {
    t.skip('python3 not available');
    return;
  }
  const sample: ChatSample = { messages: [{ role: 'user', content: 'ünïcödé \u2028 "quoted" \\ tab\t' }, { role: 'assistant', content: 'ok' }] };
  assert.equal(python.stdout.trim(), sampleDigest(sample));
});
