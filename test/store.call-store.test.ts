import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exactCanonicalJson } from '../src/util/canonical-json.js';
import { canonicalCallKey, openCallStore, withCallStore, cachePath, journalPath } from '../src/store/call-store.js';
import { createProvider } from '../src/models/registry.js';
import { ProviderError, type ChatRequest } from '../src/models/types.js';
import { completion, startScriptedServer } from './models.scripted-server.helper.js';
import { defined } from './defined.helper.js';

const request: ChatRequest = { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Capital of Veltria?' }], params: { temperature: 0, maxTokens: 16 } };

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'candor-store-'));
}

test('canonical call keys ignore key order and undefined fields but separate everything that matters', () => {
  const id = 'openai:m@http://127.0.0.1:1/v1';
  const base = canonicalCallKey(id, request);
  assert.match(base, /^[0-9a-f]{64}$/);
  const reordered: ChatRequest = { params: { maxTokens: 16, temperature: 0, seed: undefined }, messages: request.messages.map((m) => ({ content: m.content, role: m.role })) };
  assert.equal(canonicalCallKey(id, reordered), base);
  assert.equal(canonicalCallKey(id, { ...request, sampleIndex: 0 }), base, 'sample index 0 is the default');
  assert.notEqual(canonicalCallKey(id, { ...request, sampleIndex: 1 }), base);
  assert.notEqual(canonicalCallKey('openai:m@http://127.0.0.1:2/v1', request), base);
  assert.notEqual(canonicalCallKey(id, { ...request, params: { temperature: 0.7, maxTokens: 16 } }), base);
  assert.notEqual(canonicalCallKey(id, { ...request, messages: [...request.messages, { role: 'assistant', content: '' }] }), base);
  assert.equal(exactCanonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: undefined } }), '{"a":{"d":[2,{"e":0,"f":1}]},"b":1}');
  // The model sees every byte of a prompt, so line endings and Unicode forms must split the key
  // (data digests normalise them; a call key must not).
  const crlf: ChatRequest = { ...request, messages: [{ role: 'user', content: 'line one\r\nline two' }] };
  assert.notEqual(canonicalCallKey(id, crlf), canonicalCallKey(id, { ...request, messages: [{ role: 'user', content: 'line one\nline two' }] }));
  assert.notEqual(canonicalCallKey(id, { ...request, messages: [{ role: 'user', content: 'cafe\u0301' }] }), canonicalCallKey(id, { ...request, messages: [{ role: 'user', content: 'caf\u00e9' }] }));
  assert.equal(cachePath('/x'), join('/x', 'cache.sqlite'));
  assert.equal(journalPath('/runs/1'), join('/runs/1', 'journal.sqlite'));
});

test('protocol (scripted server): cache hit, miss and no-cache against a real provider', async () => {
  const dir = tempDir();
  let n = 0;
  const server = await startScriptedServer(() => ({ json: completion(`answer ${n++}`) }));
  const store = openCallStore(cachePath(join(dir, 'cache')));
  try {
    const provider = await createProvider(`openai:m@${server.baseURL}`, { env: {} });
    const cached = withCallStore(provider, store);
    const first = await cached.chat(request);
    assert.equal(first.text, 'answer 0');
    assert.notEqual(first.cached, true);
    const again = await cached.chat({ ...request, params: { maxTokens: 16, temperature: 0 } });
    assert.equal(again.text, 'answer 0');
    assert.equal(again.cached, true);
    assert.equal(server.requests.length, 1, 'the hit made no call');
    const otherSample = await cached.chat({ ...request, sampleIndex: 1 });
    assert.equal(otherSample.text, 'answer 1');
    assert.equal(server.requests.length, 2);
    assert.equal(store.size(), 2);
    const stats = cached.stats!();
    assert.equal(stats.calls, 2);
    assert.equal(stats.storeHits, 1);
    // No cache: the bare provider always calls.
    await provider.chat(request);
    assert.equal(server.requests.length, 3);
  } finally {
    store.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('protocol (scripted server): errors are never stored; the next attempt reaches the server', async () => {
  const dir = tempDir();
  const server = await startScriptedServer(({ index }) => (index === 0 ? { status: 400, json: { error: { message: 'nope' } } } : { json: completion('recovered') }));
  const store = openCallStore(join(dir, 'journal.sqlite'));
  try {
    const cached = withCallStore(await createProvider(`openai:m@${server.baseURL}`, { env: {} }), store);
    await assert.rejects(cached.chat(request), ProviderError);
    assert.equal(store.size(), 0);
    assert.equal((await cached.chat(request)).text, 'recovered');
    assert.equal(store.size(), 1);
  } finally {
    store.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('protocol (scripted server): a journal over a cache records cache-served answers too; the key stays out of the files', async () => {
  const dir = tempDir();
  const secret = 'sk-live-SECRET-never-store-me';
  const server = await startScriptedServer(() => ({ json: completion('stored answer') }));
  const cache = openCallStore(cachePath(join(dir, 'cache')));
  const journal = openCallStore(journalPath(join(dir, 'run')));
  try {
    // Named explicitly: an unnamed OPENAI_API_KEY is sent only to api.openai.com, never to this loopback server.
    const provider = await createProvider(`openai:m@${server.baseURL}`, { apiKeyEnv: 'OPENAI_API_KEY', env: { OPENAI_API_KEY: secret } });
    await withCallStore(provider, cache).chat(request);
    const stacked = withCallStore(withCallStore(provider, cache), journal);
    const result = await stacked.chat(request);
    assert.equal(result.cached, true);
    assert.equal(server.requests.length, 1);
    assert.equal(journal.size(), 1, 'journal holds the cache-served answer');
    assert.equal((await stacked.chat(request)).cached, true);
    assert.equal(stacked.stats!().storeHits, 2);
    assert.equal(defined(server.requests[0], 'the one request').headers.authorization, `Bearer ${secret}`);
  } finally {
    cache.close();
    journal.close();
    await server.close();
  }
  for (const sub of ['cache', 'run']) {
    for (const file of readdirSync(join(dir, sub))) {
      assert.ok(!readFileSync(join(dir, sub, file)).includes(secret), `${sub}/${file} holds no key`);
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

function runChild(path: string, prefix: string, count: number, ending: 'close' | 'kill'): Promise<number | null> {
  const script = fileURLToPath(new URL('./store.child-writer.helper.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, path, prefix, String(count), ending], { stdio: ['ignore', 'ignore', 'inherit'] });
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal === 'SIGKILL' ? -9 : code)));
}

test('two processes write one store at once; a process killed with SIGKILL loses none of its finished calls', async () => {
  const dir = tempDir();
  const path = join(dir, 'shared.sqlite');
  try {
    const codes = await Promise.all([runChild(path, 'a', 300, 'close'), runChild(path, 'b', 300, 'kill')]);
    assert.deepEqual(codes, [0, -9]);
    const store = openCallStore(path);
    assert.equal(store.size(), 600);
    const found = store.lookup('openai:child@http://127.0.0.1/v1', { messages: [{ role: 'user', content: 'b-299' }] });
    assert.equal(found?.text, 'answer b-299');
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
