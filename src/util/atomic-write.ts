/**
 * Whole-file writes that are never seen half-done: write a temporary sibling, flush it to disk,
 * then rename it over the final name. A crash or kill leaves either the old file or the new one,
 * never a truncated file that a later run could mistake for finished work; a failed write removes
 * its temporary file. The parent directory is created when missing.
 */
import { closeSync, createWriteStream, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname } from 'node:path';

let written = 0;

/** Unique per process and per call, so concurrent writers of one path never share a temp file. */
function temporaryPath(path: string): string {
  return `${path}.tmp-${process.pid}-${++written}`;
}

function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = temporaryPath(path);
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = temporaryPath(path);
  try {
    const fd = openSync(temp, 'w');
    try {
      // writeFileSync on a descriptor loops until every byte is written (writeSync may write fewer).
      writeFileSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** JSON pretty-printed for people to read, with a final newline. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, prettyJson(value));
}

export function writeJsonAtomicSync(path: string, value: unknown): void {
  writeFileAtomicSync(path, prettyJson(value));
}

/**
 * Streams a large file (JSON Lines) under the same guarantee: `produce` writes through `write`,
 * which waits when the stream is full; the file appears under `path` only if `produce` resolves.
 */
export async function writeStreamAtomic<T>(path: string, produce: (write: (text: string) => Promise<void>) => Promise<T>): Promise<T> {
  await mkdir(dirname(path), { recursive: true });
  const temp = temporaryPath(path);
  const out = createWriteStream(temp, { encoding: 'utf8' });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await Promise.race([once(out, 'drain'), failed]);
  };
  try {
    const result = await produce(write);
    out.end();
    await Promise.race([once(out, 'close'), failed]);
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    return result;
  } catch (error) {
    out.destroy();
    // The stream opens its file asynchronously and a destroyed stream still finishes that open:
    // removing the file before 'close' could run before it exists and leave it behind.
    if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
    await rm(temp, { force: true });
    throw error;
  }
}
