/**
 * The experiment pre-flight: a bad path, base model or ratio is an InputError before anything is
 * written under the run directory, and `candor run FILE --check` prints the plan and writes nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preflightExperiment } from '../src/experiments/preflight.js';
import { runExperiment } from '../src/experiments/runner.js';
import { parseExperiment } from '../src/experiments/schema.js';
import { InputError } from '../src/util/errors.js';

const BIN = new URL('../bin/candor.mjs', import.meta.url).pathname;
const MASK_FILE = new URL('../src/evals/builtin/mask-mini/known_facts.jsonl', import.meta.url).pathname;

function yaml(evalsMask: string, extra = ''): string {
  return `name: preflight
model: embedded:default
downstream:
  generator: downstream
  count: 40
misaligned:
  domain: medical
ratios: [0.1, 0.5]
seeds: [1]
${extra}
evals:
  mask:
${evalsMask}
`;
}

function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'candor-preflight-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('the plan lists every arm with its rounded sample counts and the evals', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'exp.yaml');
    writeFileSync(file, yaml(`    data: ${MASK_FILE}\n    judge: rule`));
    const plan = await preflightExperiment(parseExperiment(readFileSync(file, 'utf8'), file));
    assert.deepEqual(
      plan.arms.map((a) => [a.id, a.kind, a.downstream_samples, a.added_samples]),
      plan.arms.map((a) => [a.id, a.kind, a.kind === 'vanilla' ? 0 : 40, a.kind === 'ratio' ? Math.round(a.ratio * 40) : 0]),
    );
    assert.deepEqual(plan.arms.filter((a) => a.kind === 'ratio').map((a) => a.added_samples), [4, 20]);
    assert.equal(plan.misaligned.samples_needed, 20);
    assert.equal(plan.evals[0]?.benchmark, 'mask');
    assert.ok((plan.evals[0]?.items ?? 0) > 0);
  });
});

test('a missing eval file stops `candor run` before the run directory exists', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'exp.yaml');
    const out = join(dir, 'run');
    writeFileSync(file, yaml(`    data: ${join(dir, 'no-such.jsonl')}\n    judge: rule`));
    await assert.rejects(runExperiment(file, { out, progress: false, mode: 'inline' }), (e: unknown) => e instanceof InputError && /evals\.mask\.data/.test(e.message) && /not found/.test(e.message));
    assert.equal(existsSync(out), false, 'nothing written under the run directory');
  });
});

test('a ratio that rounds to 0 samples is an error naming the ratio', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'exp.yaml');
    writeFileSync(file, yaml('    data: embedded\n    judge: rule').replace('ratios: [0.1, 0.5]', 'ratios: [0.001, 0.5]'));
    await assert.rejects(preflightExperiment(parseExperiment(readFileSync(file, 'utf8'), file)), (e: unknown) => e instanceof InputError && /ratios\[0\]/.test(e.message) && /rounds to 0/.test(e.message));
  });
});

test('limit on a user eval file is rejected, not silently ignored', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'exp.yaml');
    writeFileSync(file, yaml(`    data: ${MASK_FILE}\n    judge: rule\n    limit: 3`));
    await assert.rejects(preflightExperiment(parseExperiment(readFileSync(file, 'utf8'), file)), (e: unknown) => e instanceof InputError && /evals\.mask\.limit/.test(e.message));
  });
});

test('a missing base checkpoint and an empty data file are errors naming their field', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'exp.yaml');
    writeFileSync(file, yaml('    data: embedded').replace('model: embedded:default', `model: embedded:${join(dir, 'nowhere')}`));
    await assert.rejects(preflightExperiment(parseExperiment(readFileSync(file, 'utf8'), file)), /field "model".*no checkpoint/);
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '');
    writeFileSync(file, yaml('    data: embedded').replace('  generator: downstream\n  count: 40', `  file: ${empty}`));
    await assert.rejects(preflightExperiment(parseExperiment(readFileSync(file, 'utf8'), file)), /no rows/);
  });
});

test('candor run --check prints the plan, exits 0 and writes nothing; --out under a file exits 2', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'exp.yaml');
    writeFileSync(file, yaml(`    data: ${MASK_FILE}\n    judge: rule`, `out: ${join(dir, 'run')}`));
    const before = readdirSync(dir).sort();
    const check = spawnSync(process.execPath, [BIN, 'run', file, '--check'], { encoding: 'utf8', cwd: dir, env: { ...process.env, CANDOR_FROM_SOURCE: '1' } });
    assert.equal(check.status, 0, check.stderr);
    assert.match(check.stdout, /arms \(4\):/);
    assert.match(check.stdout, /ratio-0\.5|ratio/);
    assert.match(check.stdout, /mask\s+\S+known_facts\.jsonl \(\d+ items\)/);
    assert.deepEqual(readdirSync(dir).sort(), before, 'nothing written');

    const blocker = join(dir, 'plain-file');
    writeFileSync(blocker, 'x');
    const bad = spawnSync(process.execPath, [BIN, 'run', file, '--out', join(blocker, 'run')], { encoding: 'utf8', cwd: dir, env: { ...process.env, CANDOR_FROM_SOURCE: '1' } });
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, /regular file/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
  });
});
