#!/usr/bin/env node
/**
 * Compiles src/ to dist/ (one .js per .ts, no bundling, no type checking: `npm run typecheck` does
 * that) and copies the data files src/ ships, so `candor` starts without the TypeScript loader.
 * Run by npm's `prepare` step (npm ci / npm install). bin/candor.mjs uses dist/ only while it is
 * newer than every file under src/, and falls back to running the sources through tsx otherwise.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const out = join(root, 'dist');
const building = join(root, 'dist.tmp');

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

const started = Date.now();
rmSync(building, { recursive: true, force: true });
let compiled = 0;
let copied = 0;
for (const file of files(src)) {
  const rel = relative(src, file);
  if (file.endsWith('.d.ts')) continue;
  if (file.endsWith('.ts')) {
    const target = join(building, rel.replace(/\.ts$/, '.js'));
    const result = await transform(readFileSync(file, 'utf8'), { loader: 'ts', format: 'esm', target: 'node20', sourcefile: file, sourcemap: 'inline' });
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, result.code);
    compiled++;
  } else {
    const target = join(building, rel);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(file, target);
    copied++;
  }
}
// The stamp is written last: a build cut short leaves no stamp, and bin/candor.mjs ignores it.
writeFileSync(join(building, '.built'), `${new Date().toISOString()}\n`);
rmSync(out, { recursive: true, force: true });
// Renamed into place in one step so a running candor never sees a half-written dist/.
renameSync(building, out);
process.stderr.write(`candor: built dist/ (${compiled} modules, ${copied} data files) in ${Date.now() - started} ms\n`);
