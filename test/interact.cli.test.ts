import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const BIN = join(import.meta.dirname, '..', 'bin', 'candor.mjs');
const candor = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });

describe('candor interact', () => {
  it('--check validates the file and prints the plan without writing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'candor-interact-cli-'));
    const file = join(dir, 'i.yaml');
    writeFileSync(file, `name: t\nout: ${join(dir, 'run')}\npopulation: { size: 10, conversations_per_user: 1 }\nbiased_ratios: [0, 0.5]\nmethods: [kto]\nrounds: 3\n`);
    const r = candor('interact', 'run', '--check', file);
    assert.equal(r.status, 0, r.stderr);
    const plan = JSON.parse(r.stdout);
    assert.equal(plan.arms.length, 4);
    assert.equal(plan.training_jobs, 12);
    assert.equal(plan.conversations_total, 2 * 10 + 4 * 3 * 10);
    assert.equal(existsSync(join(dir, 'run')), false);
  });

  it('both shipped examples validate', () => {
    for (const example of ['embedded-interaction.yaml', 'paper-interaction.yaml']) {
      const r = candor('interact', 'run', '--check', join(import.meta.dirname, '..', 'examples', example));
      assert.equal(r.status, 0, `${example}: ${r.stderr}`);
      assert.ok(JSON.parse(r.stdout).arms.length >= 20);
    }
  });

  it('exits 2 naming file, line and field on a bad file, and on a bad scenario file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'candor-interact-cli-'));
    const file = join(dir, 'i.yaml');
    writeFileSync(file, 'seeds: [1]\nmethods: [sft, dpo]\n');
    const r = candor('interact', 'run', file);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /i\.yaml:2, field "methods\[1\]"/);
    writeFileSync(join(dir, 's.jsonl'), '{"id": "a"}\n');
    writeFileSync(file, 'scenarios: s.jsonl\n');
    const s = candor('interact', 'run', '--check', file);
    assert.equal(s.status, 2);
    assert.match(s.stderr, /s\.jsonl:1, field "domain"/);
  });

  it('refuses a seed whose starting assistant has no checkpoint, before writing anything', () => {
    const dir = mkdtempSync(join(tmpdir(), 'candor-interact-cli-'));
    const file = join(dir, 'i.yaml');
    writeFileSync(file, `out: ${join(dir, 'run')}\nassistant: embedded:${join(dir, 'bases', 'seed-{seed}')}\nseeds: [1, 2]\n`);
    for (const args of [['--check', file], [file]]) {
      const r = candor('interact', 'run', ...args);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /field "assistant": the starting assistant embedded:.*seed-1 has no checkpoint/);
    }
    assert.equal(existsSync(join(dir, 'run')), false);
  });
});
