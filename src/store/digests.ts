/**
 * Content digests of things that are not single files (checkpoint directories).
 */
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileSha256 } from '../util/canonical-json.js';

/**
 * sha256 over the sorted list of "<relative path with '/'>\t<file sha256>\n" lines of every regular
 * file under `dir`, so a directory's digest does not depend on the platform's path separator or
 * on directory listing order.
 */
export async function directoryDigest(dir: string): Promise<{ digest: string; files: { path: string; sha256: string; bytes: number }[] }> {
  const files: { path: string; sha256: string; bytes: number }[] = [];
  const walk = async (current: string): Promise<void> => {
    const entries = await readdir(current, { withFileTypes: true });
    for (const entry of entries) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) {
        const { sha256, bytes } = await fileSha256(full);
        files.push({ path: relative(dir, full).split(sep).join('/'), sha256, bytes });
      }
    }
  };
  await walk(dir);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f.path}\t${f.sha256}\n`);
  return { digest: hash.digest('hex'), files };
}
