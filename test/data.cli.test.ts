import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerDataCommands } from '../src/cli/commands/data.js';
import { Registry } from '../src/store/registry.js';
import { buildMix } from '../src/data/mix.js';
import { InputError } from '../src/util/errors.js';

/** Runs the real command definitions in-process and captures what they print. */
async function candor(args: string[]): Promise<{ stdout: string; exitCode: number | undefined }> {
  const program = new Command().exitOverride();
  registerDataCommands(program);
  const chunks: string[] = [];
  const write = process.stdout.write;
  const previousExit = process.exitCode;
  process.exitCode = undefined;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(args, { from: 'user' });
    return { stdout: chunks.join(''), exitCode: typeof process.exitCode === 'number' ? process.exitCode : undefined };
  } finally {
    process.stdout.write = write;
    process.exitCode = previousExit;
  }
}

test('data add, list, show, verify and lineage through the command line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'candor-cli-'));
  const registryDir = join(dir, 'reg');
  const alpaca = join(dir, 'alpaca.json');
  writeFileSync(alpaca, JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ instruction: `Task ${i}`, input: '', output: `Done ${i}` })), null, 2));
  const kto = join(dir, 'kto.jsonl');
  writeFileSync(kto, [true, false, true].map((label, i) => JSON.stringify({ prompt: `p${i}`, completion: `c${i}`, label })).join('\n'));

  const added = await candor(['data', 'add', alpaca, '--name', 'alpaca', '--source', 'https://github.com/tatsu-lab/stanford_alpaca', '--license', 'CC-BY-NC-4.0', '--registry', registryDir]);
  assert.match(added.stdout, /registered alpaca: 40 chat samples \(alpaca\)/);
  assert.match(added.stdout, /dataset digest {2}[0-9a-f]{64}/);
  await candor(['data', 'add', kto, '--name', 'prefs', '--source', 'local', '--license', 'MIT', '--format', 'kto', '--registry', registryDir]);

  const listed = await candor(['data', 'list', '--json', '--registry', registryDir]);
  const rows = JSON.parse(listed.stdout) as { name: string; samples: number; kind: string }[];
  assert.deepEqual(rows.map((r) => [r.name, r.samples, r.kind]), [['alpaca', 40, 'chat'], ['prefs', 3, 'kto']]);

  const shown = JSON.parse((await candor(['data', 'show', 'prefs', '--registry', registryDir])).stdout);
  assert.deepEqual(shown.counts, { samples: 3, messages: 0, desirable: 2, undesirable: 1 });

  assert.equal((await candor(['data', 'verify', '--registry', registryDir])).exitCode, undefined);
  appendFileSync(kto, '\n' + JSON.stringify({ prompt: 'p9', completion: 'c9', label: false }));
  const verified = await candor(['data', 'verify', '--registry', registryDir]);
  assert.equal(verified.exitCode, 1);
  assert.match(verified.stdout, /ok {7}alpaca/);
  assert.match(verified.stdout, /CHANGED {2}prefs .*file changed since it was registered/);

  await assert.rejects(candor(['data', 'add', join(dir, 'missing.jsonl'), '--name', 'm', '--source', 's', '--license', 'l', '--registry', registryDir]), InputError);

  // Lineage of a mix recorded by a run, printed down to the source file.
  const registry = Registry.open(registryDir);
  let mixId: string;
  try {
    const down = await registry.load('alpaca');
    const mix = buildMix({ downstream: down, ratio: 0, seed: 1 });
    mixId = registry.lineage.recordMix(mix);
  } finally {
    registry.close();
  }
  const lineage = await candor(['lineage', mixId.slice(0, 14), '--registry', registryDir]);
  assert.match(lineage.stdout, /^mix {2}control-seed-1 {2}sha256:[0-9a-f]{64}/);
  assert.match(lineage.stdout, /└─ drew 40 samples from dataset {2}alpaca/);
  assert.ok(lineage.stdout.includes(alpaca));
});
