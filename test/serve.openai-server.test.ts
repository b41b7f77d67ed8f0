import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startOpenAIServer, splitForStreaming, type RunningOpenAIServer } from '../src/serve/openai-server.js';
import { ReversingTestProvider } from '../src/models/reverse-provider.js';
import { OpenAIChatProvider } from '../src/models/openai-provider.js';
import { ProviderError } from '../src/models/types.js';
import { defined } from './defined.helper.js';

let server: RunningOpenAIServer;
let client: OpenAI;
const provider = new ReversingTestProvider();

before(async () => {
  server = await startOpenAIServer({ provider, port: 0, host: '127.0.0.1', modelName: 'reverser' });
  client = new OpenAI({ baseURL: server.baseURL, apiKey: 'unused', maxRetries: 0 });
});
after(async () => {
  await server.close();
});

test('the official openai client gets a plain completion with usage from the served provider', async () => {
  const completion = await client.chat.completions.create({
    model: 'reverser',
    messages: [
      { role: 'system', content: 'ignored by the reverser' },
      { role: 'user', content: 'one two three' },
    ],
  });
  assert.equal(completion.object, 'chat.completion');
  assert.equal(completion.model, 'reverser');
  const choice = defined(completion.choices[0], 'the choice');
  assert.equal(choice.message.role, 'assistant');
  assert.equal(choice.message.content, 'three two one');
  assert.equal(choice.finish_reason, 'stop');
  assert.deepEqual(completion.usage && { p: completion.usage.prompt_tokens, c: completion.usage.completion_tokens, t: completion.usage.total_tokens }, { p: 7, c: 3, t: 10 });
});

test('sampling parameters reach the provider (max_tokens, stop)', async () => {
  const completion = await client.chat.completions.create({ model: 'reverser', messages: [{ role: 'user', content: 'a b c d e' }], max_tokens: 2 });
  const choice = defined(completion.choices[0], 'the choice');
  assert.equal(choice.message.content, 'e d');
  assert.equal(choice.finish_reason, 'length');
  const stopped = await client.chat.completions.create({ model: 'reverser', messages: [{ role: 'user', content: 'a b c d e' }], stop: [' b'] });
  assert.equal(defined(stopped.choices[0], 'the stopped choice').message.content, 'e d c');
});

test('the official openai client streams SSE chunks that re-join to the answer, with usage when asked', async () => {
  const stream = await client.chat.completions.create({
    model: 'reverser',
    messages: [{ role: 'user', content: 'alpha  beta\ngamma delta' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  let chunks = 0;
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | null | undefined;
  for await (const chunk of stream) {
    chunks++;
    const [choice] = chunk.choices;
    if (choice) {
      text += choice.delta.content ?? '';
      finish = choice.finish_reason ?? finish;
    }
    if (chunk.usage) usage = chunk.usage;
  }
  assert.equal(text, 'delta gamma beta alpha');
  assert.ok(chunks >= 6, `role chunk, 4 word chunks, finish chunk, usage chunk (got ${chunks})`);
  assert.equal(finish, 'stop');
  assert.equal(usage?.completion_tokens, 4);
  assert.equal(usage?.prompt_tokens, 4);
});

test('a stream without include_usage sends no usage and ends with [DONE]', async () => {
  const response = await fetch(`${server.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'reverser', messages: [{ role: 'user', content: 'x y' }], stream: true }),
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
  const body = await response.text();
  const events = body.split('\n\n').filter(Boolean);
  assert.equal(events.at(-1), 'data: [DONE]');
  for (const event of events.slice(0, -1)) assert.ok(!('usage' in JSON.parse(event.slice('data: '.length))));
});

test('/v1/models lists the served model; unknown model and route give OpenAI-style 404s', async () => {
  const models = await client.models.list();
  assert.deepEqual(models.data.map((m) => m.id), ['reverser']);
  await assert.rejects(client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }), (error: unknown) => {
    assert.ok(error instanceof OpenAI.NotFoundError);
    assert.equal((error.error as { code?: string }).code, 'model_not_found');
    return true;
  });
  const response = await fetch(`${server.url}/v2/nothing`);
  assert.equal(response.status, 404);
  const body = (await response.json()) as { error: Record<string, unknown> };
  assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message', 'param', 'type']);
});

test('bad requests get status 400 with the offending parameter named', async () => {
  const post = (body: string) => fetch(`${server.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const cases: [string, string | null][] = [
    ['{not json', null],
    [JSON.stringify({ model: 'reverser' }), 'messages'],
    [JSON.stringify({ model: 'reverser', messages: [] }), 'messages'],
    [JSON.stringify({ model: 'reverser', messages: [{ role: 'wizard', content: 'x' }] }), 'messages.[0].role'],
    [JSON.stringify({ model: 'reverser', messages: [{ role: 'user', content: 'x' }], temperature: 9 }), 'temperature'],
    [JSON.stringify({ model: 'reverser', messages: [{ role: 'user', content: 'x' }], n: 3 }), 'n'],
  ];
  for (const [body, param] of cases) {
    const response = await post(body);
    assert.equal(response.status, 400, body);
    const json = (await response.json()) as { error: { type: string; param: string | null; message: unknown } };
    assert.equal(json.error.type, 'invalid_request_error');
    assert.equal(json.error.param, param, body);
    assert.equal(typeof json.error.message, 'string');
  }
  await assert.rejects(client.chat.completions.create({ model: 'reverser', messages: [{ role: 'assistant', content: 'only me' }] }), OpenAI.BadRequestError);
});

test('the server proxies another OpenAI-compatible endpoint through the HTTP provider', async () => {
  const proxied = new OpenAIChatProvider({ model: 'reverser', baseURLs: [server.baseURL] });
  const front = await startOpenAIServer({ provider: proxied, modelName: 'front' });
  try {
    const frontClient = new OpenAI({ baseURL: front.baseURL, apiKey: 'unused', maxRetries: 0 });
    const completion = await frontClient.chat.completions.create({ model: 'front', messages: [{ role: 'user', content: 'left right' }] });
    assert.equal(defined(completion.choices[0], 'the choice').message.content, 'right left');
    assert.equal(front.stats().completions, 1);
    assert.equal(front.stats().completionTokens, 2);
  } finally {
    await front.close();
  }
});

test('provider failures map to OpenAI-style errors with matching status', async () => {
  const failing = { id: 'test:failing', chat: async () => { throw new ProviderError('upstream busy', 'rate_limit', 429); } };
  const front = await startOpenAIServer({ provider: failing, modelName: 'f' });
  try {
    const response = await fetch(`${front.baseURL}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'f', messages: [{ role: 'user', content: 'x' }] }) });
    assert.equal(response.status, 429);
    assert.equal(((await response.json()) as { error: { type: string } }).error.type, 'rate_limit_error');
  } finally {
    await front.close();
  }
});

test('streaming splits keep every character', () => {
  for (const text of ['', ' lead', 'a  b\n\nc ', 'x']) assert.equal(splitForStreaming(text).join(''), text);
});
