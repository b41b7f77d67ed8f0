import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJsonArrayText, parseJsonLinesText, parseJsonRecordsText, readJsonLines, readJsonRecords, type RawRecord } from '../src/data/json-records.js';
import { InputError } from '../src/util/errors.js';

async function collect(file: string): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const record of readJsonLines(file)) out.push(record);
  return out;
}

test('streamed and in-memory JSON Lines agree: BOM, CRLF, blank lines and line numbers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'candor-jsonl-'));
  const text = '\uFEFF{"a":1}\r\n\r\n  \n{"b":"x\\ny"}\n[2]\n';
  const file = join(dir, 'mixed.jsonl');
  writeFileSync(file, text);
  const expected = [
    { value: { a: 1 }, line: 1 },
    { value: { b: 'x\ny' }, line: 4 },
    { value: [2], line: 5 },
  ];
  assert.deepEqual(await collect(file), expected);
  assert.deepEqual(parseJsonLinesText(text, file), expected);
});

test('bad JSON and unreadable files are input errors naming the file (and line)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'candor-jsonl-'));
  const file = join(dir, 'bad.jsonl');
  writeFileSync(file, '{"a":1}\n{oops\n');
  await assert.rejects(collect(file), (e: unknown) => e instanceof InputError && e.location.file === file && e.location.line === 2 && /malformed JSON/.test(e.message));
  assert.throws(() => parseJsonLinesText('{"a":1}\n{oops\n', file), (e: unknown) => e instanceof InputError && e.location.line === 2);
  const missing = join(dir, 'missing.jsonl');
  await assert.rejects(collect(missing), (e: unknown) => e instanceof InputError && e.location.file === missing && /cannot read/.test(e.message));
});

test('streamed and in-memory JSON arrays agree: the line each element starts on, strings with brackets and escapes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'candor-jsonl-'));
  const text = '\uFEFF[\n  {"a": "x ] , \\" {"},\n\n  {\n    "b": [1,\n 2]\n  }, "s",\n 3]\n';
  const file = join(dir, 'array.json');
  writeFileSync(file, text);
  const expected = [
    { value: { a: 'x ] , " {' }, line: 2 },
    { value: { b: [1, 2] }, line: 4 },
    { value: 's', line: 7 },
    { value: 3, line: 8 },
  ];
  const streamed: RawRecord[] = [];
  for await (const record of readJsonRecords(file)) streamed.push(record);
  assert.deepEqual(streamed, expected);
  assert.deepEqual(parseJsonArrayText(text, file), expected);
  assert.deepEqual(parseJsonRecordsText(text, file), { container: 'json-array', records: expected });
  assert.equal(parseJsonRecordsText('{"a":1}\n', file).container, 'jsonl');
  assert.throws(() => parseJsonArrayText('[{"a": 1}\n', file), (e: unknown) => e instanceof InputError && /malformed JSON.*not closed/.test(e.message));
  assert.throws(() => parseJsonArrayText('[\n{"a": ', file), (e: unknown) => e instanceof InputError && e.location.line === 2 && /ends inside an element/.test(e.message));
});
