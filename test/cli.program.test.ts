/**
 * The lazily loaded CLI: --version and --help answer from the command table (exit 0), and the
 * table's one-line summaries are the ones the command modules register, so help cannot drift.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { COMMANDS } from '../src/cli/command-table.js';

const BIN = new URL('../bin/candor.mjs', import.meta.url).pathname;
const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function candor(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
}

test('--version prints the package version and exits 0', () => {
  const result = candor('--version');
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout.trim(), version);
});

test('--help lists every command of the table and exits 0', () => {
  const result = candor('--help');
  assert.equal(result.status, 0, result.stderr);
  for (const entry of COMMANDS) for (const name of entry.names) assert.match(result.stdout, new RegExp(`^  ${name}\\b`, 'm'));
});

test('an unknown command is a usage error (exit 2)', () => {
  const result = candor('no-such-command');
  assert.equal(result.status, 2);
  assert.match(result.stderr, /unknown command/);
});

test('each summary in the table is the description its module registers', async () => {
  for (const entry of COMMANDS) {
    const program = new Command();
    (await entry.load())(program);
    for (const name of entry.names) {
      const command = program.commands.find((c) => c.name() === name);
      assert.ok(command, `${name} is registered by its module`);
      assert.equal(command.description(), entry.summary[name], `summary of ${name}`);
    }
  }
});

test('bin/candor.mjs runs dist/ while it is fresh and the sources once any source is newer', () => {
  const root = mkdtempSync(join(tmpdir(), 'candor-dist-'));
  try {
    const repo = new URL('..', import.meta.url).pathname;
    for (const path of ['bin', 'src', 'package.json']) cpSync(join(repo, path), join(root, path), { recursive: true });
    symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'));
    const build = spawnSync(process.execPath, [join(root, 'bin/build-dist.mjs')], { encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
    const help = () => spawnSync(process.execPath, [join(root, 'bin/candor.mjs'), '--help'], { encoding: 'utf8' }).stdout;
    // Mark the compiled program: a fresh dist/ is what runs.
    const compiled = join(root, 'dist/cli/program.js');
    writeFileSync(compiled, readFileSync(compiled, 'utf8').replace('Measure and defend', 'FROM-DIST Measure and defend'));
    assert.match(help(), /FROM-DIST/);
    // A source edited after the build: the sources run (through tsx), never the stale build.
    const source = join(root, 'src/cli/program.ts');
    writeFileSync(source, readFileSync(source, 'utf8').replace('Measure and defend', 'FROM-SOURCE Measure and defend'));
    const later = new Date(Date.now() + 5_000);
    utimesSync(source, later, later);
    const out = help();
    assert.match(out, /FROM-SOURCE/);
    assert.doesNotMatch(out, /FROM-DIST/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
