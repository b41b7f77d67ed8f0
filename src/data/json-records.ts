/**
 * The one reader of JSON records (training data, benchmark files, scenario files): each record with
 * the line it starts on, streamed so a multi-gigabyte file never sits in memory whole, or parsed from
 * text already in memory by the same rules and line numbers. Two containers are understood, told
 * apart by the first non-blank character: a JSON array of records ("[" — Alpaca's and
 * DeceptionBench's published files) and JSON Lines (anything else; blank lines are skipped).
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { InputError } from '../util/errors.js';
import { looksBinary, printable } from '../util/printable.js';

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
    // JSON.parse quotes the text it choked on: never echo a binary file's bytes to the terminal.
    if (looksBinary(text)) throw new InputError('not a text file: this line holds binary bytes', { file, line });
    throw new InputError(`malformed JSON (${printable((error as Error).message)})`, { file, line });
  }
}

/** A JSON array already in memory, by the same rules (and line numbers) as the streaming reader. */
export function parseJsonArrayText(text: string, file: string): RawRecord[] {
  const splitter = new JsonArraySplitter(file);
  const records = splitter.push(text);
  splitter.end();
  return records;
}

/** Records of a text in memory, the container told apart as `readJsonRecords` does. */
export function parseJsonRecordsText(text: string, file: string): { container: Container; records: RawRecord[] } {
  const container = containerOf(text);
  return { container, records: container === 'json-array' ? parseJsonArrayText(text, file) : parseJsonLinesText(text, file) };
}

function containerOf(text: string): Container {
  return /^\uFEFF?\s*\[/.test(text) ? 'json-array' : 'jsonl';
}

async function* readJsonArray(file: string): AsyncGenerator<RawRecord> {
  const splitter = new JsonArraySplitter(file);
  for await (const chunk of createReadStream(file, { encoding: 'utf8' })) yield* splitter.push(chunk as string);
  splitter.end();
}

/**
 * Splits a top-level JSON array into its elements without parsing the whole array: a small state
 * machine, fed one chunk at a time, tracks strings, escapes and nesting depth across chunk boundaries.
 */
class JsonArraySplitter {
  private line = 1;
  private opened = false;
  private closed = false;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private element: string[] = [];
  private inElement = false;
  private elementLine = 0;
  private sawCommaOrOpen = false;

  constructor(private readonly file: string) {}

  /** The elements completed within `text`. */
  push(text: string): RawRecord[] {
    const out: RawRecord[] = [];
    const { file } = this;
    let start = this.inElement ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (this.inElement) {
        if (this.inString) {
          if (this.escaped) this.escaped = false;
          else if (c === '\\') this.escaped = true;
          else if (c === '"') this.inString = false;
          else if (c === '\n') this.line++;
          continue;
        }
        if (c === '"') this.inString = true;
        else if (c === '{' || c === '[') this.depth++;
        else if (c === '}' || c === ']') {
          if (this.depth === 0) {
            // a bare scalar element ended by the array's own "]"
            this.element.push(text.slice(start, i));
            out.push(this.finish());
            this.closed = true;
            start = -1;
            continue;
          }
          this.depth--;
          if (this.depth === 0) {
            this.element.push(text.slice(start, i + 1));
            out.push(this.finish());
            start = -1;
          }
        } else if (c === ',' && this.depth === 0) {
          this.element.push(text.slice(start, i));
          out.push(this.finish());
          this.sawCommaOrOpen = true;
          start = -1;
        } else if (c === '\n') this.line++;
        continue;
      }
      if (c === '\n') {
        this.line++;
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\r' || c === '\uFEFF') continue;
      const line = this.line;
      if (this.closed) throw new InputError(`malformed JSON (unexpected "${c}" after the end of the array)`, { file, line });
      if (!this.opened) {
        if (c !== '[') throw new InputError('malformed JSON (expected an array)', { file, line });
        this.opened = true;
        this.sawCommaOrOpen = true;
        continue;
      }
      if (c === ',') {
        if (this.sawCommaOrOpen) throw new InputError('malformed JSON (unexpected "," in the array)', { file, line });
        this.sawCommaOrOpen = true;
        continue;
      }
      if (c === ']') {
        this.closed = true;
        continue;
      }
      if (!this.sawCommaOrOpen) throw new InputError('malformed JSON (expected "," between array elements)', { file, line });
      this.inElement = true;
      this.elementLine = line;
      start = i;
      this.depth = c === '{' || c === '[' ? 1 : 0;
      if (c === '"') this.inString = true;
    }
    if (this.inElement && start >= 0) this.element.push(text.slice(start));
    return out;
  }

  /** Call after the last chunk: an array left open is an error. */
  end(): void {
    const { file } = this;
    if (this.inElement) throw new InputError('malformed JSON (the array ends inside an element)', { file, line: this.elementLine });
    if (this.opened && !this.closed) throw new InputError('malformed JSON (the array is not closed with "]")', { file, line: this.line });
  }

  private finish(): RawRecord {
    const text = this.element.join('');
    this.element = [];
    this.inElement = false;
    this.sawCommaOrOpen = false;
    return { value: parseJson(text, this.file, this.elementLine), line: this.elementLine };
  }
}

/**
 * Candor's own append-only JSON Lines (samples.jsonl and the like), read for reporting: a missing file
 * is empty, and a line that does not parse is skipped rather than refused — a kill can leave a torn
 * line, and the resumed run rewrote its record further down.
 */
export function readOwnJsonLines(file: string): unknown[] {
  if (!existsSync(file)) return [];
  const values: unknown[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      values.push(JSON.parse(line));
    } catch {
      // torn by a kill; see above
    }
  }
  return values;
}
