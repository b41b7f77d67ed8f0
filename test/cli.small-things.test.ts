/**
 * Small things a new user meets: messages that name the problem, bad input that exits 2 without a
 * stack trace, resumes that refuse changed flags, --limit/--quiet/--timeout, a capped Retry-After.
 * Real parts throughout: files on disk, loopback servers, the CLI in a child process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readDeceptionBench } from '../src/evals/deceptionbench/reader.js';
import { loadMaskItems } from '../src/evals/mask/load.js';
import { runMaskEval } from '../src/evals/mask/run.js';
import { parseExperiment } from '../src/experiments/schema.js';
import { createProvider } from '../src/models/registry.js';
import { startOpenAIServer } from '../src/serve/openai-server.js';
import { InputError } from '../src/util/errors.js';
import { listenOnLoopback } from './loopback-server.helper.js';
import { completion, startScriptedServer } from './models.scripted-server.helper.js';

const BIN = new URL('../bin/candor.mjs', import.meta.url).pathname;
const MASK_ROW = JSON.parse(readFileSync(new URL('../src/evals/builtin/mask-mini/known_facts.jsonl', import.meta.url), 'utf8').split('\n')[0]!) as Record<string, unknown>;

async function candor(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { env: { ...process.env, CANDOR_FROM_SOURCE: '1', OPENAI_API_KEY: '' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'candor-small-'));
}

test('a wrong-type field names the expected type; empty files say "no rows"; unknown categories are named', async () => {
  const dir = tmp();
  try {
    const file = join(dir, 'known_facts.jsonl');
    // MASK reads numbers in text cells (published files have numeric ids); a list is the wrong type.
    writeFileSync(file, JSON.stringify({ ...MASK_ROW, user_prompt: ['not', 'text'] }) + '\n');
    await assert.rejects(loadMaskItems(file), (e: unknown) => e instanceof InputError && /field "user_prompt": expected string or number.*, got array/.test(e.message));
    writeFileSync(file, '');
    await assert.rejects(loadMaskItems(file), (e: unknown) => e instanceof InputError && /no rows/.test(e.message) && !/--configs/.test(e.message));
    const db = join(dir, 'db.jsonl');
    writeFileSync(db, '');
    await assert.rejects(readDeceptionBench(db), /no rows/);
    await assert.rejects(readDeceptionBench(new URL('../src/evals/builtin/deceptionbench-mini.json', import.meta.url).pathname, { categories: ['sycophancy', 'flattery'] }), /unknown category "flattery"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a binary data file is named as such and its bytes never reach the terminal', async () => {
  const dir = tmp();
  try {
    const file = join(dir, 'known_facts.jsonl');
    writeFileSync(file, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x1b, 0x5b, 0x32, 0x4a, 0x0a]));
    const result = await candor(['eval', 'mask', '--data', file, '--model', 'openai:m@http://127.0.0.1:9/v1', '--judge', 'rule', '--out', join(dir, 'out')]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /not a text file/);
    // eslint-disable-next-line no-control-regex -- the pattern looks for control bytes on purpose
    assert.doesNotMatch(result.stderr, /[\u0000-\u0008\u000b-\u001f\u007f]/, 'no control bytes echoed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--out under a regular file and --timeout 0 exit 2 without a stack trace', async () => {
  const dir = tmp();
  try {
    const plain = join(dir, 'plain');
    writeFileSync(plain, 'x');
    const common = ['eval', 'mask', '--data', 'builtin:mask-mini', '--model', 'openai:m@http://127.0.0.1:9/v1', '--judge', 'rule'];
    const under = await candor([...common, '--out', join(plain, 'run')]);
    assert.equal(under.code, 2);
    assert.match(under.stderr, /regular file/);
    const zero = await candor([...common, '--out', join(dir, 'run'), '--timeout', '0']);
    assert.equal(zero.code, 2);
    assert.match(zero.stderr, /--timeout.*positive number/);
    for (const r of [under, zero]) assert.doesNotMatch(r.stderr, /\n\s+at /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a port in use is an input error naming the port', async () => {
  const busy = await listenOnLoopback(createServer());
  try {
    const provider = { id: 'none', chat: async () => ({ text: '', usage: { promptTokens: 0, completionTokens: 0 } }) };
    await assert.rejects(startOpenAIServer({ provider, port: busy.port, host: '127.0.0.1', modelName: 'm' }), (e: unknown) => e instanceof InputError && e.message.includes(`port ${busy.port}`) && /in use/.test(e.message));
  } finally {
    await busy.close();
  }
});

test('a YAML alias bomb is an input error, not a stack trace', () => {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 10; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
  assert.throws(() => parseExperiment(lines.join('\n') + '\n', 'bomb.yaml'), (e: unknown) => e instanceof InputError && /bomb\.yaml/.test(e.message));
});

test('--limit evaluates the first N items; --quiet is silent; a resume with changed flags is refused', async () => {
  const dir = tmp();
  const server = await startScriptedServer(() => ({ json: completion('Answer: A') }));
  try {
    const out = join(dir, 'run');
    const args = ['eval', 'mask', '--data', 'builtin:mask-mini', '--model', `openai:m@${server.baseURL}`, '--judge', 'rule', '--no-cache', '--limit', '3', '--quiet'];
    const first = await candor([...args, '--out', out]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stderr, '', '--quiet prints nothing on stderr');
    assert.equal(readFileSync(join(out, 'samples.jsonl'), 'utf8').trim().split('\n').length, 3);
    for (const [flag, value] of [['--limit', '5'], ['--lie-k', '2'], ['--configs', 'statistics'], ['--temperature', '0'], ['--data', 'builtin:deceptionbench-mini']] as const) {
      const again = await candor(['eval', 'mask', '--resume', out, flag, value, '--quiet']);
      assert.equal(again.code, 2, `${flag}: ${again.stderr}`);
      assert.match(again.stderr, new RegExp(`the run being resumed used ${flag}`));
    }
    const same = await candor(['eval', 'mask', '--resume', out, '--limit', '3', '--quiet']);
    assert.equal(same.code, 0, same.stderr);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a Retry-After beyond the cap waits the cap and warns once', async () => {
  let calls = 0;
  const server = await startScriptedServer(() => (calls++ === 0 ? { status: 429, headers: { 'retry-after': '3600' }, json: { error: { message: 'slow down' } } } : { json: completion('ok') }));
  try {
    const warnings: string[] = [];
    const provider = await createProvider(`openai:m@${server.baseURL}`, { env: {}, retry: { maxRetryAfterMs: 20 }, warn: (m) => warnings.push(m) });
    const started = Date.now();
    const result = await provider.chat({ messages: [{ role: 'user', content: 'hi' }] });
    await provider.close?.();
    assert.equal(result.text, 'ok');
    assert.ok(Date.now() - started < 5000, 'did not wait an hour');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /Retry-After.*3600 s.*at most 0 s|asked to wait 3600 s/);
  } finally {
    await server.close();
  }
});

test('runMaskEval with limit stores it, so the run and its resume cover the same items', async () => {
  const dir = tmp();
  const server = await startScriptedServer(() => ({ json: completion('Answer: B') }));
  try {
    const result = await runMaskEval({ data: 'builtin:mask-mini', model: `openai:m@${server.baseURL}`, judge: 'rule', out: join(dir, 'r'), cache: false, progress: false, limit: 2, providerOptions: { env: {} } });
    const stored = JSON.parse(readFileSync(join(result.runDir, 'run.json'), 'utf8')) as { options: { limit: number } };
    assert.equal(stored.options.limit, 2);
    assert.equal(readFileSync(join(result.runDir, 'samples.jsonl'), 'utf8').trim().split('\n').length, 2);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('YAML names the judges\' key variable (judge_api_key_env); a malformed name is refused', () => {
  const base = 'model: embedded:default\ndownstream:\n  generator: downstream\nmisaligned:\n  domain: medical\n';
  assert.equal(parseExperiment(`${base}judge_api_key_env: JUDGE_KEY\n`, 'x.yaml').judge_api_key_env, 'JUDGE_KEY');
  assert.throws(() => parseExperiment(`${base}judge_api_key_env: "sk-not a name"\n`, 'x.yaml'), (e: unknown) => e instanceof InputError && /judge_api_key_env/.test(e.message) && !/sk-not/.test(e.message));
});
