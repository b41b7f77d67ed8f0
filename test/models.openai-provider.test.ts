import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenAIChatProvider } from '../src/models/openai-provider.js';
import { createProvider } from '../src/models/registry.js';
import { parseRetryAfter, backoffDelayMs, DEFAULT_RETRY_POLICY } from '../src/models/retry.js';
import { ProviderError } from '../src/models/types.js';
import { InputError } from '../src/util/errors.js';
import { completion, startScriptedServer } from './models.scripted-server.helper.js';
import { defined } from './defined.helper.js';

const ask = { messages: [{ role: 'user' as const, content: 'What is 2+2?' }] };
const fastRetry = { baseDelayMs: 20, maxDelayMs: 80 };

async function expectProviderError(promise: Promise<unknown>, kind: string): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ProviderError, `expected ProviderError, got ${String(error)}`);
    assert.equal(error.kind, kind, error.message);
    return error;
  }
  assert.fail('expected the call to fail');
}

test('protocol (scripted server): request carries model and sampling params; usage is counted', async () => {
  const server = await startScriptedServer(() => ({ json: completion('4', { prompt_tokens: 11, completion_tokens: 1 }) }));
  try {
    const provider = (await createProvider(`openai:test-model@${server.baseURL}`, { env: {} })) as OpenAIChatProvider;
    const result = await provider.chat({ ...ask, params: { temperature: 0, topP: 0.9, maxTokens: 5, stop: ['\n'], seed: 7 } });
    await provider.chat(ask);
    assert.equal(result.text, '4');
    assert.equal(result.finishReason, 'stop');
    assert.deepEqual(result.usage, { promptTokens: 11, completionTokens: 1 });
    const body = defined(server.requests[0], 'the first request').body;
    assert.equal(body.model, 'test-model');
    assert.deepEqual(body.messages, ask.messages);
    assert.equal(body.temperature, 0);
    assert.equal(body.top_p, 0.9);
    assert.equal(body.max_tokens, 5);
    assert.deepEqual(body.stop, ['\n']);
    assert.equal(body.seed, 7);
    const stats = provider.stats();
    assert.equal(stats.calls, 2);
    assert.equal(stats.promptTokens, 22);
    assert.equal(stats.completionTokens, 2);
    assert.equal(stats.retries, 0);
    assert.equal(provider.id, `openai:test-model@${server.baseURL}`);
  } finally {
    await server.close();
  }
});

test('protocol (scripted server): 500 and connection resets are retried, then succeed', async () => {
  const server = await startScriptedServer(({ index }) =>
    index === 0 ? { status: 500, json: { error: { message: 'boom' } } } : index === 1 ? 'reset' : { json: completion('ok') },
  );
  try {
    const provider = new OpenAIChatProvider({ model: 'm', baseURLs: [server.baseURL], retry: fastRetry });
    const result = await provider.chat(ask);
    assert.equal(result.text, 'ok');
    assert.equal(server.requests.length, 3);
    assert.equal(provider.stats().retries, 2);
  } finally {
    await server.close();
  }
});

test('protocol (scripted server): 429 waits for Retry-After and halves the concurrency limit', async () => {
  let rateLimited = false;
  const server = await startScriptedServer(() => {
    if (!rateLimited) {
      rateLimited = true;
      return { status: 429, headers: { 'retry-after': '1' }, json: { error: { message: 'slow down' } } };
    }
    return { json: completion('done') };
  });
  try {
    const provider = new OpenAIChatProvider({ model: 'm', baseURLs: [server.baseURL], concurrency: 8, retry: fastRetry });
    const started = Date.now();
    const result = await provider.chat(ask);
    const elapsed = Date.now() - started;
    assert.equal(result.text, 'done');
    assert.ok(elapsed >= 950, `Retry-After of 1 s honoured (waited ${elapsed} ms)`);
    const stats = provider.stats();
    assert.equal(stats.concurrencyDecreases, 1);
    // Halved to 4; the single success since then is not yet a full window to grow back.
    assert.equal(stats.concurrency, 4);
  } finally {
    await server.close();
  }
});

test('protocol (scripted server): concurrency limit halves on a burst of 429s once, then grows back additively', async () => {
  let served = 0;
  const server = await startScriptedServer(({ index }) => {
    if (index < 8) return { status: 429, headers: { 'retry-after-ms': '30' }, json: { error: { message: 'busy' } }, delayMs: 20 };
    served++;
    return { json: completion('x'), delayMs: 5 };
  });
  try {
    const provider = new OpenAIChatProvider({ model: 'm', baseURLs: [server.baseURL], concurrency: 8, retry: fastRetry });
    await Promise.all(Array.from({ length: 8 }, () => provider.chat(ask)));
    // All eight 429s came from requests started in one epoch: one cut, not eight.
    assert.equal(provider.stats().concurrencyDecreases, 1);
    assert.ok(server.requests.slice(8).length === 8);
    const afterBurst = provider.stats().concurrency;
    assert.ok(afterBurst >= 4 && afterBurst <= 8, `limit ${afterBurst}`);
    for (let i = 0; i < 60; i++) await provider.chat(ask);
    assert.equal(provider.stats().concurrency, 8, 'grew back to the configured maximum');
    assert.equal(served, 68);
  } finally {
    await server.close();
  }
});

test('protocol (scripted server): the concurrency limit bounds calls in flight', async () => {
  const server = await startScriptedServer(() => ({ json: completion('x'), delayMs: 15 }));
  try {
    const provider = new OpenAIChatProvider({ model: 'm', baseURLs: [server.baseURL], concurrency: 3 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => provider.chat({ ...ask, sampleIndex: i })));
    assert.equal(server.requests.length, 12);
    assert.equal(server.maxInFlight, 3);
  } finally {
    await server.close();
  }
});

test('protocol (scripted server): a hanging server times out, is retried, then fails with kind timeout', async () => {
  const server = await startScriptedServer(() => 'hang');
  try {
    const provider = new OpenAIChatProvider({ model: 'm', baseURLs: [server.baseURL], timeoutMs: 150, retry: { ...fastRetry, maxAttempts: 2 } });
    const started = Date.now();
    const error = await expectProviderError(provider.chat(ask), 'timeout');
    assert.ok(Date.now() - started >= 300, 'two attempts of 150 ms each');
    assert.match(error.message, /after 2 attempts/);
    assert.equal(server.requests.length, 2);
    assert.equal(provider.stats().errors, 1);
  } finally {
    await server.close();
  }
});

test('protocol (scripted server): malformed JSON and non-completion bodies are retried as bad_response', async () => {
  const server = await startScriptedServer(({ index }) =>
    index === 0 ? { raw: '{"choices": [' } : index === 1 ? { json: { hello: 'world' } } : { json: completion('fine') },
  );
  try {
    const provider = new OpenAIChatProvider({ model: 'm', baseURLs: [server.baseURL], retry: fastRetry });
    assert.equal((await provider.chat(ask)).text, 'fine');
    assert.equal(server.requests.length, 3);
  } finally {
    await server.close();
  }
  const broken = await startScriptedServer(() => ({ raw: 'not json at all' }));
  try {
    const provider = new OpenAIChatProvider({ model: 'm', baseURLs: [broken.baseURL], retry: { ...fastRetry, maxAttempts: 3 } });
    await expectProviderError(provider.chat(ask), 'bad_response');
    assert.equal(broken.requests.length, 3);
  } finally {
    await broken.close();
  }
});

test('protocol (scripted server): 400 is a client error and is not retried', async () => {
  const server = await startScriptedServer(() => ({ status: 400, json: { error: { message: 'bad param', type: 'invalid_request_error' } } }));
  try {
    const provider = new OpenAIChatProvider({ model: 'm', baseURLs: [server.baseURL], retry: fastRetry });
    const error = await expectProviderError(provider.chat(ask), 'client');
    assert.equal(error.status, 400);
    assert.equal(server.requests.length, 1);
  } finally {
    await server.close();
  }
});

test('protocol (scripted server): calls spread over two base URLs and skip one that fails', async () => {
  const a = await startScriptedServer(() => ({ json: completion('a'), delayMs: 10 }));
  const b = await startScriptedServer(() => ({ json: completion('b'), delayMs: 10 }));
  try {
    const provider = (await createProvider(`openai:m@${a.baseURL},${b.baseURL}`, { concurrency: 4, env: {} })) as OpenAIChatProvider;
    await Promise.all(Array.from({ length: 20 }, (_, i) => provider.chat({ ...ask, sampleIndex: i })));
    assert.equal(a.requests.length + b.requests.length, 20);
    assert.ok(Math.abs(a.requests.length - b.requests.length) <= 2, `balanced: ${a.requests.length} vs ${b.requests.length}`);
  } finally {
    await a.close();
    await b.close();
  }
  const healthy = await startScriptedServer(() => ({ json: completion('ok') }));
  const failing = await startScriptedServer(() => ({ status: 503, json: { error: { message: 'down' } } }));
  try {
    const provider = new OpenAIChatProvider({ model: 'm', baseURLs: [failing.baseURL, healthy.baseURL], concurrency: 1, retry: fastRetry });
    for (let i = 0; i < 10; i++) assert.equal((await provider.chat({ ...ask, sampleIndex: i })).text, 'ok');
    assert.equal(healthy.requests.length, 10);
    assert.equal(failing.requests.length, 1, 'the failing URL is skipped while it cools down');
  } finally {
    await healthy.close();
    await failing.close();
  }
});

test('protocol (scripted server): the API key is sent but never appears in ids or errors', async () => {
  const secret = 'sk-test-DO-NOT-LEAK-1234567890';
  // A hostile server that echoes the Authorization header back in its error message.
  const server = await startScriptedServer(({ headers }) => ({ status: 401, json: { error: { message: `bad key ${headers.authorization}` } } }));
  try {
    const provider = await createProvider(`openai:m@${server.baseURL}`, { apiKeyEnv: 'MY_KEY', env: { MY_KEY: secret } });
    const error = await expectProviderError(provider.chat(ask), 'client');
    assert.equal(defined(server.requests[0], 'the first request').headers.authorization, `Bearer ${secret}`);
    assert.ok(!error.message.includes(secret), error.message);
    assert.ok(!(error.stack ?? '').includes(secret));
    assert.ok(!provider.id.includes(secret));
    assert.ok(!JSON.stringify(provider.stats?.()).includes(secret));
  } finally {
    await server.close();
  }
});

test('protocol (scripted server): an abort signal ends a waiting call with kind aborted', async () => {
  const server = await startScriptedServer(() => 'hang');
  try {
    const provider = new OpenAIChatProvider({ model: 'm', baseURLs: [server.baseURL], timeoutMs: 10_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expectProviderError(provider.chat(ask, controller.signal), 'aborted');
  } finally {
    await server.close();
  }
});

test('factory: missing keys and bad options are input errors', async () => {
  await assert.rejects(createProvider('openai:gpt-4o-mini', { env: {} }), InputError);
  await assert.rejects(createProvider('openai:m@http://127.0.0.1:9/v1', { apiKeyEnv: 'NOPE', env: {} }), /NOPE/);
  await assert.rejects(createProvider('openai:m@http://127.0.0.1:9/v1', { concurrency: 0, env: {} }), InputError);
  await assert.rejects(createProvider('nonsense', {}), /invalid model spec/);
});

test('Retry-After parses seconds, HTTP dates and retry-after-ms; backoff is jittered and capped', () => {
  const headers = (h: Record<string, string>) => new Headers(h);
  const now = Date.parse('2025-01-01T00:00:00Z');
  assert.equal(parseRetryAfter(headers({ 'retry-after': '3' }), now), 3000);
  assert.equal(parseRetryAfter(headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:05 GMT' }), now), 5000);
  assert.equal(parseRetryAfter(headers({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }), now), 0);
  assert.equal(parseRetryAfter(headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now), 250);
  assert.equal(parseRetryAfter(headers({ 'retry-after': 'soon' }), now), undefined);
  assert.equal(parseRetryAfter(headers({}), now), undefined);
  const policy = DEFAULT_RETRY_POLICY;
  assert.equal(backoffDelayMs(1, policy, () => 0), policy.baseDelayMs / 2);
  assert.equal(backoffDelayMs(3, policy, () => 1), policy.baseDelayMs * 4);
  assert.equal(backoffDelayMs(50, policy, () => 1), policy.maxDelayMs);
});
