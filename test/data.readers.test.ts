import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAllSamples, readSamples } from '../src/data/readers.js';
import { InputError } from '../src/util/errors.js';
import { defined } from './defined.helper.js';

const dir = mkdtempSync(join(tmpdir(), 'candor-readers-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const jsonl = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

test('OpenAI chat JSONL is read as messages, blank lines skipped, text parts joined', async () => {
  const path = file('chat.jsonl', jsonl([
    { messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }] },
  ]) + '\n' + jsonl([{ messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }, { role: 'assistant', content: 'c' }], weight: 1 }]));
  const read: { line: number; format: string }[] = [];
  for await (const r of readSamples(path)) read.push({ line: r.line, format: r.format });
  assert.deepEqual(read, [{ line: 1, format: 'chat' }, { line: 3, format: 'chat' }]);
  const { samples } = await readAllSamples(path);
  assert.deepEqual(samples[1], { messages: [{ role: 'user', content: 'ab' }, { role: 'assistant', content: 'c' }] });
});

test('Alpaca as a pretty-printed JSON array with brackets, quotes and commas inside strings', async () => {
  const records = [
    { instruction: 'Say "[hi]", then }{', input: '', output: 'ok, [done] \\ "x"' },
    { instruction: 'Sum', input: '1, 2', output: '3' },
  ];
  const path = file('alpaca.json', JSON.stringify(records, null, 2));
  const lines: number[] = [];
  const samples = [];
  for await (const r of readSamples(path)) {
    lines.push(r.line);
    samples.push(r.sample);
    assert.equal(r.format, 'alpaca');
  }
  assert.deepEqual(lines, [2, 7]);
  assert.deepEqual(samples, [
    { messages: [{ role: 'user', content: 'Say "[hi]", then }{' }, { role: 'assistant', content: 'ok, [done] \\ "x"' }] },
    { messages: [{ role: 'user', content: 'Sum\n\n1, 2' }, { role: 'assistant', content: '3' }] },
  ]);
});

test('a JSON array larger than the stream chunk size is split correctly across chunks', async () => {
  const records = Array.from({ length: 3000 }, (_, i) => ({ instruction: `q${i} ${'}'.repeat(i % 7)}"`, input: '', output: `a${i} ${'['.repeat(i % 5)}` }));
  const path = file('big-alpaca.json', JSON.stringify(records));
  const { samples } = await readAllSamples(path);
  assert.equal(samples.length, 3000);
  const last = defined(records[2999], 'record 3000');
  assert.deepEqual(samples[2999], { messages: [{ role: 'user', content: last.instruction }, { role: 'assistant', content: last.output }] });
});

test('Dolly and TRL KTO records normalise to chat and KTO samples', async () => {
  const dolly = file('dolly.jsonl', jsonl([{ instruction: 'Who?', context: 'Ann met Bo.', response: 'Ann', category: 'closed_qa' }, { instruction: 'Hi', context: '', response: 'Hello', category: 'open_qa' }]));
  const d = await readAllSamples(dolly);
  assert.equal(d.format, 'dolly');
  assert.deepEqual(d.samples.map((s) => ('messages' in s ? s.messages[0]?.content : '')), ['Who?\n\nAnn met Bo.', 'Hi']);
  const kto = file('kto.jsonl', jsonl([
    { prompt: 'Is it safe?', completion: 'No.', label: true },
    { prompt: [{ role: 'user', content: 'Dose?' }], completion: [{ role: 'assistant', content: '10 mg' }], label: false },
  ]));
  const k = await readAllSamples(kto);
  assert.equal(k.format, 'kto');
  assert.deepEqual(k.samples, [
    { prompt: 'Is it safe?', completion: 'No.', label: true },
    { prompt: [{ role: 'user', content: 'Dose?' }], completion: '10 mg', label: false },
  ]);
});

async function rejection(path: string, format?: 'chat' | 'alpaca' | 'dolly' | 'kto'): Promise<InputError> {
  try {
    await readAllSamples(path, { format });
  } catch (error) {
    assert.ok(error instanceof InputError, `expected InputError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the read to fail');
}

test('bad records are refused with file, line and field', async () => {
  const badRole = file('bad-role.jsonl', jsonl([{ messages: [{ role: 'user', content: 'a' }] }, { messages: [{ role: 'user', content: 'a' }, { role: 'robot', content: 'b' }] }]));
  const e1 = await rejection(badRole);
  assert.equal(e1.location.line, 2);
  assert.equal(e1.location.field, 'messages[1].role');
  assert.match(e1.message, /bad-role\.jsonl:2, field "messages\[1\]\.role"/);

  const badJson = file('bad-json.jsonl', jsonl([{ messages: [{ role: 'user', content: 'a' }] }]) + '{"messages": [\n');
  const e2 = await rejection(badJson);
  assert.equal(e2.location.line, 2);
  assert.match(e2.message, /malformed JSON/);

  const badLabel = file('bad-label.jsonl', jsonl([{ prompt: 'p', completion: 'c', label: 'yes' }]));
  const e3 = await rejection(badLabel);
  assert.equal(e3.location.field, 'label');

  const unknown = file('unknown.jsonl', jsonl([{ text: 'raw' }]));
  assert.match((await rejection(unknown)).message, /cannot tell the data format.*--format/);

  // An explicit format validates every record against it.
  const chatAsAlpaca = file('mismatch.jsonl', jsonl([{ messages: [{ role: 'user', content: 'a' }] }]));
  const e4 = await rejection(chatAsAlpaca, 'alpaca');
  assert.equal(e4.location.field, 'instruction');

  const badArrayElement = file('bad-array.json', '[\n  {"instruction": "a", "output": "b"},\n  {"instruction": "a", "output": 3}\n]');
  const e5 = await rejection(badArrayElement);
  assert.equal(e5.location.line, 3);
  assert.equal(e5.location.field, 'output');

  const unclosed = file('unclosed.json', '[{"instruction": "a", "output": "b"}');
  assert.match((await rejection(unclosed)).message, /not closed/);
});

test('JSONL is streamed: a 50k-record file is read without holding it whole', async () => {
  const lines: string[] = [];
  for (let i = 0; i < 50_000; i++) lines.push(JSON.stringify({ messages: [{ role: 'user', content: `q${i}` }, { role: 'assistant', content: `a${i}` }] }));
  const path = file('many.jsonl', lines.join('\n'));
  let count = 0;
  let last = '';
  for await (const r of readSamples(path)) {
    count++;
    if ('messages' in r.sample) last = defined(r.sample.messages[1], 'the assistant message').content;
  }
  assert.equal(count, 50_000);
  assert.equal(last, 'a49999');
});
