/**
 * Streams the raw JSON records of a data file, one at a time, with the line each starts on, so a
 * multi-gigabyte file never sits in memory whole. Two containers are understood, told apart by the
 * first non-blank character: a JSON array of records ("[" — Alpaca's published file) and JSON Lines
 * (anything else; blank lines are skipped).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { InputError } from '../util/errors.js';

export interface RawRecord {
  value: unknown;
  /** 1-based line on which the record starts. */
  line: number;
}

export type Container = 'jsonl' | 'json-array';

export async function detectContainer(file: string): Promise<Container> {
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 4096 });
  try {
    for await (const chunk of stream) {
      const text = (chunk as string).replace(/^\uFEFF/, '');
      const first = text.match(/\S/);
      if (first) return first[0] === '[' ? 'json-array' : 'jsonl';
    }
  } catch (error) {
    throw new InputError(`cannot read data file: ${(error as Error).message}`, { file });
  } finally {
    stream.destroy();
  }
  return 'jsonl';
}

export async function* readJsonRecords(file: string): AsyncGenerator<RawRecord> {
  const container = await detectContainer(file);
  if (container === 'jsonl') yield* readJsonLines(file);
  else yield* readJsonArray(file);
}

/** JSON Lines only (one value a line, blank lines skipped, a leading BOM ignored). */
export async function* readJsonLines(file: string): AsyncGenerator<RawRecord> {
  const input = createReadStream(file, { encoding: 'utf8' });
  try {
    await new Promise<void>((resolve, reject) => {
      input.once('open', () => resolve());
      input.once('error', reject);
    });
  } catch (error) {
    throw new InputError(`cannot read data file: ${(error as Error).message}`, { file });
  }
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (const raw of lines) {
    const record = parseJsonLine(raw, ++line, file);
    if (record) yield record;
  }
}

/** JSON Lines already in memory (small files read whole), by the same rules as `readJsonLines`. */
export function parseJsonLinesText(text: string, file: string): RawRecord[] {
  const records: RawRecord[] = [];
  // The same line breaks readline counts (\n, \r\n, lone \r), so line numbers agree with the stream reader.
  text.split(/\r\n|\r|\n/).forEach((raw, index) => {
    const record = parseJsonLine(raw, index + 1, file);
    if (record) records.push(record);
  });
  return records;
}

function parseJsonLine(raw: string, line: number, file: string): RawRecord | undefined {
  const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
  if (!text.trim()) return undefined;
  return { value: parseJson(text, file, line), line };
}

function parseJson(text: string, file: string, line: number): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`invalid JSON: ${(error as Error).message}`, { file, line });
  }
}

/**
 * Splits a top-level JSON array into its elements without parsing the whole array: a small state
 * machine tracks strings, escapes and nesting depth across chunk boundaries.
 */
async function* readJsonArray(file: string): AsyncGenerator<RawRecord> {
  let line = 1;
  let opened = false;
  let closed = false;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let element: string[] = [];
  let inElement = false;
  let elementLine = 0;
  let sawCommaOrOpen = false;

  const finish = (): RawRecord => {
    const text = element.join('');
    element = [];
    inElement = false;
    sawCommaOrOpen = false;
    return { value: parseJson(text, file, elementLine), line: elementLine };
  };

  for await (const chunk of createReadStream(file, { encoding: 'utf8' })) {
    const text = chunk as string;
    let start = inElement ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (inElement) {
        if (inString) {
          if (escaped) escaped = false;
          else if (c === '\\') escaped = true;
          else if (c === '"') inString = false;
          else if (c === '\n') line++;
          continue;
        }
        if (c === '"') inString = true;
        else if (c === '{' || c === '[') depth++;
        else if (c === '}' || c === ']') {
          if (depth === 0) {
            // a bare scalar element ended by the array's own "]"
            element.push(text.slice(start, i));
            yield finish();
            closed = true;
            start = -1;
            continue;
          }
          depth--;
          if (depth === 0) {
            element.push(text.slice(start, i + 1));
            yield finish();
            start = -1;
          }
        } else if (c === ',' && depth === 0) {
          element.push(text.slice(start, i));
          yield finish();
          sawCommaOrOpen = true;
          start = -1;
        } else if (c === '\n') line++;
        continue;
      }
      if (c === '\n') {
        line++;
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\r' || c === '\uFEFF') continue;
      if (closed) throw new InputError(`unexpected "${c}" after the end of the JSON array`, { file, line });
      if (!opened) {
        if (c !== '[') throw new InputError('expected a JSON array', { file, line });
        opened = true;
        sawCommaOrOpen = true;
        continue;
      }
      if (c === ',') {
        if (sawCommaOrOpen) throw new InputError('unexpected "," in JSON array', { file, line });
        sawCommaOrOpen = true;
        continue;
      }
      if (c === ']') {
        closed = true;
        continue;
      }
      if (!sawCommaOrOpen) throw new InputError('expected "," between array elements', { file, line });
      inElement = true;
      elementLine = line;
      start = i;
      depth = 0;
      if (c === '{' || c === '[') depth = 1;
      else if (c === '"') inString = true;
    }
    if (inElement && start >= 0) element.push(text.slice(start));
  }
  if (inElement) throw new InputError('JSON array ends inside an element', { file, line: elementLine });
  if (opened && !closed) throw new InputError('JSON array is not closed with "]"', { file, line });
}
