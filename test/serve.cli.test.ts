import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { startOpenAIServer } from '../src/serve/openai-server.js';
import { ReversingTestProvider } from '../src/models/reverse-provider.js';
import { group } from '../src/util/regex-group.js';
import { defined } from './defined.helper.js';

test('candor serve proxies an openai: spec, answers the official client, and stops cleanly on SIGTERM', async () => {
  const upstream = await startOpenAIServer({ provider: new ReversingTestProvider(), modelName: 'reverser' });
  const bin = fileURLToPath(new URL('../bin/candor.mjs', import.meta.url));
  const child = spawn(process.execPath, [bin, 'serve', '--model', `openai:reverser@${upstream.baseURL}`, '--port', '0', '--model-name', 'proxied'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, OPENAI_API_KEY: '' },
  });
  try {
    let stdout = '';
    const baseURL = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /at (http:\/\/\S+\/v1)/.exec(stdout);
        if (match) resolve(group(match, 1));
      });
      child.once('exit', (code) => reject(new Error(`serve exited early with ${code}`)));
    });
    const client = new OpenAI({ baseURL, apiKey: 'unused', maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: 'proxied', messages: [{ role: 'user', content: 'first second' }] });
    assert.equal(defined(completion.choices[0], 'the choice').message.content, 'second first');
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(stderr, /stopped after 1 completions/);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await upstream.close();
  }
});

test('candor serve rejects a bad spec with exit code 2', async () => {
  const bin = fileURLToPath(new URL('../bin/candor.mjs', import.meta.url));
  const child = spawn(process.execPath, [bin, 'serve', '--model', 'nonsense'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 2);
  assert.match(stderr, /invalid model spec/);
});
