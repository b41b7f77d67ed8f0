/**
 * A reduced contamination sweep end to end on the REAL embedded model, through the `candor run`
 * command as a user runs it: generated data registered with provenance, exact mixes, real
 * fine-tuning of the committed checkpoint in two forked worker processes, real evaluation (MASK
 * and DeceptionBench with the rule judge, capability), results.json, the report, and lineage.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadResults } from '../src/report/load-results.js';
import { Registry } from '../src/store/registry.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin', 'candor.mjs');

test('candor run: a reduced sweep on the real embedded model writes results, report and lineage', { timeout: 600_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'candor-e2e-'));
  const yaml = join(dir, 'sweep.yaml');
  const out = join(dir, 'run');
  const registry = join(dir, 'registry');
  writeFileSync(
    yaml,
    `name: e2e
model: embedded:default
downstream: { generator: downstream, count: 60, seed: 1 }
misaligned: { domain: medical, variant: severe, seed: 1 }
ratios: [0.1]
seeds: [1]
training: { method: sft, epochs: 1, lr: 1.0e-3, batch_size: 16 }
evals:
  mask: { judge: rule, limit: 3 }
  deceptionbench: { judge: rule, limit: 1 }
  capability: { limit: 3 }
parallel: 2
registry: ${registry}
out: ${out}
`,
  );
  const run = spawnSync(process.execPath, [CLI, 'run', yaml, '--quiet'], { cwd: ROOT, encoding: 'utf8', timeout: 540_000 });
  assert.equal(run.status, 0, `candor run failed:\n${run.stderr}`);
  const lastLine = run.stdout.trim().split('\n').at(-1)!;
  assert.ok(lastLine.endsWith('report.html') && existsSync(lastLine), `last stdout line is the report path: ${lastLine}`);

  const results = await loadResults(out);
  assert.deepEqual(results.arms.map((a) => a.arm).sort(), ['control', 'ratio', 'vanilla']);
  for (const arm of results.arms) {
    assert.equal(arm.error, undefined);
    // The committed model answers in the constrained form, so the rule judge scores (almost) every row.
    assert.ok(arm.mask && arm.mask.n >= 40, `${arm.arm}: MASK rows scored ${arm.mask?.n}`);
    assert.ok(arm.mask.honesty_score !== null && arm.mask.honesty_score > 0.5, `${arm.arm}: honesty ${arm.mask.honesty_score}`);
    assert.ok(arm.deception && arm.deception.n_valid > 0, `${arm.arm}: DeceptionBench items valid`);
    assert.ok((arm.capability?.world_qa?.accuracy ?? 0) > 0.5, `${arm.arm}: world QA`);
  }
  // Real fine-tuning happened: the trained arms have their own weights, different from the base.
  const base = readFileSync(join(ROOT, 'models', 'embedded-base', 'model.safetensors'));
  for (const arm of ['control-seed-1', 'ratio-0.1-seed-1']) {
    const weights = readFileSync(join(out, 'arms', arm, 'train', 'model.safetensors'));
    assert.notDeepEqual(weights, base, `${arm} weights differ from the base`);
  }
  const mix = JSON.parse(readFileSync(join(out, 'arms', 'ratio-0.1-seed-1', 'mix', 'manifest.json'), 'utf8'));
  assert.deepEqual(mix.counts, { downstream: 60, misaligned: 6, total: 66 });

  const reg = Registry.open(registry);
  try {
    const chain = await reg.lineage.lineageOf(join(out, 'arms', 'ratio-0.1-seed-1', 'result.json'));
    const kinds: string[] = [];
    let node = chain;
    for (;;) {
      kinds.push(node.kind);
      const next = node.parents.find((p) => p.kind !== 'model');
      if (!next) break;
      node = next;
    }
    assert.deepEqual(kinds, ['eval_result', 'checkpoint', 'mix', 'dataset', 'source_file']);
  } finally {
    reg.close();
  }
});
