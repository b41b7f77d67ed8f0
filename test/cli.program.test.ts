/**
 * The lazily loaded CLI: --version and --help answer from the command table (exit 0), and the
 * table's one-line summaries are the ones the command modules register, so help cannot drift.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
