/**
 * Writes samples as JSON Lines. The file appears under its final name only when complete (written
 * to a temporary sibling, then renamed), so a crash never leaves a truncated dataset that a later
 * run could mistake for a finished one.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { once } from 'node:events';

export async function writeJsonl(path: string, records: Iterable<unknown> | AsyncIterable<unknown>): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const out = createWriteStream(tmp, { encoding: 'utf8' });
  let count = 0;
  try {
    for await (const record of records as AsyncIterable<unknown>) {
      if (!out.write(JSON.stringify(record) + '\n')) await once(out, 'drain');
      count++;
    }
    out.end();
    await once(out, 'finish');
    await rename(tmp, path);
  } catch (error) {
    out.destroy();
    await rm(tmp, { force: true });
    throw error;
  }
  return count;
}

/** JSON file written atomically, pretty-printed for people to read. */
export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(value, null, 2) + '\n', 'utf8');
  await rename(tmp, path);
}
