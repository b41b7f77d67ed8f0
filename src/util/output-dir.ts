/**
 * A directory the user names for output (--out): refused, as bad input, when it or a directory
 * above it is a regular file, before anything is written (mkdir would fail half-way with ENOTDIR).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from './errors.js';

export function checkOutputDir(path: string, field: string): void {
  let current = resolve(path);
  for (;;) {
    if (existsSync(current)) {
      if (!statSync(current).isDirectory()) {
        throw new InputError(current === resolve(path) ? 'exists and is not a directory' : `cannot create a directory under the regular file ${current}`, { file: path, field });
      }
      return;
    }
    const parent = dirname(current);
    if (parent === current) return;
    current = parent;
  }
}
