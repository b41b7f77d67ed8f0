/**
 * Keys per provider, tested against two real loopback servers (scripted answers, named as such)
 * that record the Authorization header each request carries: a key reaches only the endpoint it
 * was named for, and OPENAI_API_KEY unnamed reaches only api.openai.com — never a loopback host.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDeceptionBenchEval } from '../src/evals/deceptionbench/run.js';
import { createProvider, isOfficialOpenAI, ModelSpecError, parseModelSpec, secondProviderOptions } from '../src/models/registry.js';
import { completion, startScriptedServer, type ScriptedServer } from './models.scripted-server.helper.js';

const MODEL_SECRET = 'sk-model-0123456789abcdef';
const JUDGE_SECRET = 'sk-judge-fedcba9876543210';
const OPENAI_SECRET = 'sk-openai-unnamed-key-42';

async function twoServers(): Promise<{ model: ScriptedServer; judge: ScriptedServer; close(): Promise<void> }> {
  const model = await startScriptedServer(() => ({ json: completion('<think>It is risky; I should say so.</think><output>No, putting everything in one coin is very risky.</output>') }));
  const judge = await startScriptedServer(() => ({ json: completion('The reply is consistent.\nAnswer: No') }));
  return { model, judge, close: async () => void (await Promise.all([model.close(), judge.close()])) };
}

function authorizations(server: ScriptedServer): Set<string> {
  return new Set(server.requests.map((r) => r.headers.authorization ?? '(none)'));
}

test('model and judge keys each reach only their own server; OPENAI_API_KEY reaches neither', async () => {
  const servers = await twoServers();
  const dir = mkdtempSync(join(tmpdir(), 'candor-keys-'));
  try {
    const env = { MODEL_KEY: MODEL_SECRET, JUDGE_KEY: JUDGE_SECRET, OPENAI_API_KEY: OPENAI_SECRET };
    const result = await runDeceptionBenchEval({
      data: 'builtin:deceptionbench-mini',
      model: `openai:m@${servers.model.baseURL}`,
      judge: `openai:j@${servers.judge.baseURL}`,
      out: join(dir, 'run'),
      cache: false,
      progress: false,
      providerOptions: { apiKeyEnv: 'MODEL_KEY', env },
      judgeProviderOptions: { apiKeyEnv: 'JUDGE_KEY', env },
    });
    assert.ok(result.usage.model_calls > 0 && result.usage.judge_calls > 0, 'both servers were called');
    assert.deepEqual(authorizations(servers.model), new Set([`Bearer ${MODEL_SECRET}`]));
    assert.deepEqual(authorizations(servers.judge), new Set([`Bearer ${JUDGE_SECRET}`]));
  } finally {
    await servers.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with no key named, OPENAI_API_KEY is sent to no other host: both servers see no Authorization header', async () => {
  const servers = await twoServers();
  const dir = mkdtempSync(join(tmpdir(), 'candor-keys-'));
  try {
    const env = { OPENAI_API_KEY: OPENAI_SECRET };
    await runDeceptionBenchEval({
      data: 'builtin:deceptionbench-mini',
      model: `openai:m@${servers.model.baseURL}`,
      judge: `openai:j@${servers.judge.baseURL}`,
      out: join(dir, 'run'),
      cache: false,
      progress: false,
      providerOptions: { env },
      judgeProviderOptions: { env },
    });
    assert.ok(servers.model.requests.length > 0 && servers.judge.requests.length > 0);
    assert.deepEqual(authorizations(servers.model), new Set(['(none)']));
    assert.deepEqual(authorizations(servers.judge), new Set(['(none)']));
  } finally {
    await servers.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the model\'s key does not leak to the judge when only the model names one', async () => {
  const servers = await twoServers();
  try {
    const env = { MODEL_KEY: MODEL_SECRET, OPENAI_API_KEY: OPENAI_SECRET };
    const model = await createProvider(`openai:m@${servers.model.baseURL}`, { apiKeyEnv: 'MODEL_KEY', env });
    const judge = await createProvider(`openai:j@${servers.judge.baseURL}`, { env });
    await model.chat({ messages: [{ role: 'user', content: 'hi' }] });
    await judge.chat({ messages: [{ role: 'user', content: 'hi' }] });
    await Promise.all([model.close?.(), judge.close?.()]);
    assert.deepEqual(authorizations(servers.model), new Set([`Bearer ${MODEL_SECRET}`]));
    assert.deepEqual(authorizations(servers.judge), new Set(['(none)']));
  } finally {
    await servers.close();
  }
});

test('a spec load-balanced over the official API and another host sends the unnamed key to the official one only', async () => {
  const servers = await twoServers();
  try {
    const provider = await createProvider(`openai:m@https://api.openai.com/v1,${servers.model.baseURL}`, { env: { OPENAI_API_KEY: OPENAI_SECRET } });
    // The official endpoint is unreachable here (no internet); calls fail over to the loopback one.
    for (let i = 0; i < 3; i++) await provider.chat({ messages: [{ role: 'user', content: `hi ${i}` }] }).catch(() => undefined);
    await provider.close?.();
    assert.ok(servers.model.requests.length > 0, 'the loopback endpoint was called');
    assert.deepEqual(authorizations(servers.model), new Set(['(none)']));
  } finally {
    await servers.close();
  }
});

test('only https://api.openai.com counts as the official API', () => {
  assert.equal(isOfficialOpenAI('https://api.openai.com/v1'), true);
  assert.equal(isOfficialOpenAI('http://api.openai.com/v1'), false);
  assert.equal(isOfficialOpenAI('https://api.openai.com.example.net/v1'), false);
  assert.equal(isOfficialOpenAI('https://proxy.example/api.openai.com/v1'), false);
  assert.equal(isOfficialOpenAI('https://api.openai.com:8443/v1'), false);
});

test('a key in a URL is refused without echoing it', () => {
  for (const spec of ['openai:m@http://user:sk-secret-1@127.0.0.1/v1', 'openai:m@http://127.0.0.1/v1?api_key=sk-secret-1', 'openai:m@http://127.0.0.1/v1?access_token=sk-secret-1']) {
    assert.throws(
      () => parseModelSpec(spec),
      (error: unknown) => error instanceof ModelSpecError && /not allowed/.test(error.message) && !error.message.includes('sk-secret-1'),
    );
  }
});

test('a named key variable that is not set is an error naming the variable, not a keyless call', async () => {
  await assert.rejects(createProvider('openai:m@http://127.0.0.1:9/v1', { apiKeyEnv: 'JUDGE_KEY', env: {} }), /JUDGE_KEY/);
  await assert.rejects(createProvider('openai:gpt-4o-mini', { env: {} }), /OPENAI_API_KEY/);
});

test('OpenAI account ids in the environment (OPENAI_ORG_ID, OPENAI_PROJECT_ID) are not sent to another host', async () => {
  const servers = await twoServers();
  const saved = { org: process.env.OPENAI_ORG_ID, project: process.env.OPENAI_PROJECT_ID };
  process.env.OPENAI_ORG_ID = 'org-candor-test';
  process.env.OPENAI_PROJECT_ID = 'proj-candor-test';
  try {
    const provider = await createProvider(`openai:m@${servers.model.baseURL}`, { apiKeyEnv: 'MODEL_KEY', env: { MODEL_KEY: MODEL_SECRET } });
    await provider.chat({ messages: [{ role: 'user', content: 'hi' }] });
    await provider.close?.();
    const headers = servers.model.requests[0]!.headers;
    assert.equal(headers['openai-organization'], undefined);
    assert.equal(headers['openai-project'], undefined);
    assert.equal(headers.authorization, `Bearer ${MODEL_SECRET}`);
  } finally {
    for (const [name, value] of [['OPENAI_ORG_ID', saved.org], ['OPENAI_PROJECT_ID', saved.project]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await servers.close();
  }
});

test('the judge takes the run\'s call policy (timeout, retries, warnings) but never the model\'s key or environment', () => {
  const warn = (): void => {};
  const model = { apiKeyEnv: 'MODEL_KEY', env: { MODEL_KEY: MODEL_SECRET }, timeoutMs: 1000, retry: { maxAttempts: 3, baseDelayMs: 5 }, warn, concurrency: 4 };
  assert.deepEqual(secondProviderOptions(model), { timeoutMs: 1000, retry: { maxAttempts: 3, baseDelayMs: 5 }, warn });
  assert.deepEqual(secondProviderOptions(model, { apiKeyEnv: 'JUDGE_KEY', timeoutMs: 5000, retry: { maxAttempts: 1 } }), {
    apiKeyEnv: 'JUDGE_KEY',
    timeoutMs: 5000,
    retry: { maxAttempts: 1, baseDelayMs: 5 },
    warn,
  });
  // An option the judge names as undefined (a flag left unset) does not erase the run's.
  assert.deepEqual(secondProviderOptions(model, { apiKeyEnv: undefined, timeoutMs: undefined }), { timeoutMs: 1000, retry: { maxAttempts: 3, baseDelayMs: 5 }, warn });
});
