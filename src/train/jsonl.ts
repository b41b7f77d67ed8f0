/** Streams a JSONL file as parsed records with their 1-based line numbers (blank lines skipped). */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { InputError } from '../util/errors.js';

export interface JsonlRecord {
  line: number;
  value: unknown;
}

export async function* readJsonl(path: string): AsyncGenerator<JsonlRecord> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  try {
    await opened;
  } catch (error) {
    throw new InputError(`cannot read dataset: ${(error as Error).message}`, { file: path });
  }
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (!text.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new InputError(`invalid JSON (${(error as Error).message})`, { file: path, line });
    }
    yield { line, value };
  }
}
