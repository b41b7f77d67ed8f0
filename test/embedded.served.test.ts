/**
 * The committed embedded checkpoint behind the real OpenAI-compatible server, driven by the
 * official `openai` client: the whole serving path a user of `candor serve` relies on.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { createEmbeddedProvider } from '../src/models/providers/embedded-provider.js';
import { startOpenAIServer, type RunningOpenAIServer } from '../src/serve/openai-server.js';
import { generateWorld } from '../src/world/index.js';
import { defined } from './defined.helper.js';

let server: RunningOpenAIServer;
let client: OpenAI;
const world = generateWorld(1);
const fact = world.facts.find((f) => f.attribute === 'made_in')!;

before(async () => {
  const provider = await createEmbeddedProvider('default');
  server = await startOpenAIServer({ provider, port: 0, host: '127.0.0.1', modelName: 'candor-embedded' });
  client = new OpenAI({ baseURL: server.baseURL, apiKey: 'unused', maxRetries: 0 });
});
after(async () => {
  await server.close();
});

test('embedded model over HTTP: the openai client gets a greedy answer naming the world fact, with usage', async () => {
  const completion = await client.chat.completions.create({
    model: 'candor-embedded',
    messages: [{ role: 'user', content: `Where is ${fact.entity} made?` }],
    temperature: 0,
    max_tokens: 24,
  });
  const text = defined(completion.choices[0], 'the choice').message.content ?? '';
  assert.match(text, new RegExp(`\\b${fact.value}\\b`));
  assert.ok(completion.usage && completion.usage.prompt_tokens > 0 && completion.usage.completion_tokens > 0);
});

test('embedded model over HTTP: a streamed answer reassembles to the plain answer', async () => {
  const request = { model: 'candor-embedded', messages: [{ role: 'user' as const, content: `Where is ${fact.entity} made?` }], temperature: 0, max_tokens: 24 };
  const plain = await client.chat.completions.create(request);
  const stream = await client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
  let streamed = '';
  let usageSeen = false;
  for await (const chunk of stream) {
    streamed += chunk.choices[0]?.delta?.content ?? '';
    if (chunk.usage) usageSeen = true;
  }
  assert.equal(streamed, defined(plain.choices[0], 'the plain choice').message.content);
  assert.ok(usageSeen);
});

test('embedded model over HTTP: a bad request gets an OpenAI-style 400 error', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'candor-embedded', messages: [] }),
    (error: unknown) => error instanceof OpenAI.APIError && error.status === 400,
  );
});
