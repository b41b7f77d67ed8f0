#!/usr/bin/env node
// Runs the compiled dist/ when it is at least as new as every file under src/ (npm's prepare step
// builds it: bin/build-dist.mjs); otherwise runs the TypeScript sources through tsx, so a fresh
// clone or an edited tree always runs what its sources say.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const m = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (m > newest) newest = m;
  }
  return Math.max(newest, statSync(dir).mtimeMs);
}

function distIsFresh() {
  if (process.env.CANDOR_FROM_SOURCE) return false;
  try {
    return statSync(join(root, 'dist', '.built')).mtimeMs >= newestMtime(join(root, 'src'));
  } catch {
    return false;
  }
}

if (distIsFresh()) {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
