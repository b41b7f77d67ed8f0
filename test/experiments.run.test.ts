import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runExperiment } from '../src/experiments/runner.js';
import { writeReport } from '../src/report/write-report.js';
import { armPaths } from '../src/experiments/layout.js';
import { loadResults } from '../src/report/load-results.js';
import { Registry } from '../src/store/registry.js';
import type { LineageNode } from '../src/store/lineage.js';
import { InputError } from '../src/util/errors.js';
import { armHooks } from './experiments.run-fakes.helper.js';
import { scratchExperiment, type ScratchExperiment } from './experiments.scratch-run.helper.js';
import { defined } from './defined.helper.js';

const HELPER = fileURLToPath(new URL('./experiments.run-fakes.helper.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

function setup(ratios = '[0.1, 0.2]'): ScratchExperiment {
  return scratchExperiment(
    'candor-run-',
    'tiny',
    `downstream: { generator: downstream, count: 40, seed: 1 }
misaligned: { domain: medical, variant: normal }
ratios: ${ratios}
seeds: [1]
training: { epochs: 1, batch_size: 8 }
evals:
  mask: { judge: rule, limit: 2 }
  deceptionbench: { judge: rule, limit: 1 }
  capability: { limit: 2 }
`,
  );
}

const quiet = { progress: false, mode: 'inline' as const, hooks: armHooks, report: writeReport };

/** Kinds met walking from a node down its first parent of each step. */
function chainKinds(node: LineageNode): string[] {
  const kinds = [node.kind];
  let current = node;
  while (current.parents.length) {
    current = current.parents.find((p) => p.kind !== 'model') ?? defined(current.parents[0], 'a parent');
    kinds.push(current.kind);
  }
  return kinds;
}

test('a reduced sweep writes results.json and the report, with exact mixes and lineage down to the source files', async () => {
  const { yaml, out, registry } = setup();
  const output = await runExperiment(yaml, quiet);
  assert.equal(output.runDir, out);
  assert.deepEqual(output.arms, { total: 4, skipped: 0, ran: 4, failed: [] });
  assert.ok(output.reportPath && existsSync(output.reportPath), 'report.html written');
  assert.match(readFileSync(output.reportPath, 'utf8'), /<html/i);

  const results = await loadResults(out);
  assert.deepEqual(results.arms.map((a) => `${a.arm}:${a.ratio}`).sort(), ['control:0', 'ratio:0.1', 'ratio:0.2', 'vanilla:0']);
  const byRatio = new Map(results.arms.map((a) => [a.ratio, a as typeof a & { mix?: { counts: { misaligned: number; downstream: number } } }]));
  assert.deepEqual(byRatio.get(0.1)!.mix!.counts, { downstream: 40, misaligned: 4, total: 44 });
  assert.deepEqual(byRatio.get(0.2)!.mix!.counts, { downstream: 40, misaligned: 8, total: 48 });
  assert.deepEqual(results.experiment.misaligned.eval_domains, ['drugs', 'medical']);
  for (const arm of results.arms) {
    assert.equal(arm.error, undefined);
    assert.ok(arm.mask && arm.mask.n > 0, 'MASK scored');
    // Every world fact domain appears in the per-domain breakdown (limit 2 rows per domain and config).
    assert.deepEqual(Object.keys(arm.mask.per_domain ?? {}).sort(), ['companies', 'drugs', 'law', 'people', 'places', 'products']);
    assert.ok(arm.deception, 'DeceptionBench ran');
    assert.ok(arm.capability?.world_qa && arm.capability.world_qa.n > 0, 'world QA scored');
    assert.ok(arm.capability?.arithmetic, 'arithmetic scored');
  }

  const reg = Registry.open(registry);
  try {
    const resultFile = armPaths(out, 'ratio-0.2-seed-1').result;
    const chain = await reg.lineage.lineageOf(resultFile);
    assert.deepEqual(chainKinds(chain), ['eval_result', 'checkpoint', 'mix', 'dataset', 'source_file']);
    const mix = defined(defined(chain.parents[0], 'the checkpoint').parents.find((p) => p.kind === 'mix'), 'the mix');
    assert.deepEqual(mix.parents.map((p) => p.relation).sort(), ['drew 40 samples from', 'drew 8 samples from']);
    const vanilla = await reg.lineage.lineageOf(armPaths(out, 'vanilla-seed-1').result);
    assert.deepEqual(chainKinds(vanilla), ['eval_result', 'model']);
    const run = await reg.lineage.lineageOf(output.runId);
    assert.equal(run.parents.filter((p) => p.kind === 'eval_result').length, 4, 'the run produced four results');
  } finally {
    reg.close();
  }
});

test('a rerun skips finished arms; a killed arm restarts and reuses its complete checkpoint', async () => {
  const { yaml, out } = setup();
  await runExperiment(yaml, quiet);
  const again = await runExperiment(yaml, quiet);
  assert.deepEqual(again.arms, { total: 4, skipped: 4, ran: 0, failed: [] });

  // As if the arm was killed after training and during evaluation: result.json and the summaries gone.
  const arm = armPaths(out, 'ratio-0.2-seed-1');
  rmSync(arm.result);
  rmSync(join(arm.evalDir, 'capability', 'summary.json'));
  const resumed = await runExperiment(yaml, { ...quiet, resume: true });
  assert.deepEqual(resumed.arms, { total: 4, skipped: 3, ran: 1, failed: [] });
  assert.equal(readFileSync(join(arm.trainDir, 'calls.log'), 'utf8').trim().split('\n').length, 1, 'trained once only');
  const result = JSON.parse(readFileSync(arm.result, 'utf8')) as { train: { reused: boolean } };
  assert.equal(result.train.reused, true);
});

test('a different config in the same run directory is refused, and --resume needs an existing run', async () => {
  const first = setup();
  await runExperiment(first.yaml, quiet);
  writeFileSync(first.yaml, readFileSync(first.yaml, 'utf8').replace('ratios: [0.1, 0.2]', 'ratios: [0.1, 0.3]'));
  await assert.rejects(runExperiment(first.yaml, quiet), (e: unknown) => e instanceof InputError && /different experiment/.test(e.message));
  const fresh = setup();
  await assert.rejects(runExperiment(fresh.yaml, { ...quiet, resume: true }), (e: unknown) => e instanceof InputError && /no experiment run/.test(e.message));

  // The CLI maps the refusal to exit code 2 with the file named.
  const cli = spawnSync(process.execPath, [join(ROOT, 'bin', 'candor.mjs'), 'run', first.yaml, '--quiet'], { encoding: 'utf8' });
  assert.equal(cli.status, 2, cli.stderr);
  assert.match(cli.stderr, /experiment\.json.*different experiment/);
});

test('a failed arm keeps its place in results.json with its error and is retried by the next run', async () => {
  const { yaml, out } = setup('[0.1]');
  process.env.CANDOR_TEST_FAIL_ARM = 'ratio-0.1-seed-1';
  let output;
  try {
    output = await runExperiment(yaml, quiet);
  } finally {
    delete process.env.CANDOR_TEST_FAIL_ARM;
  }
  assert.equal(output.arms.failed.length, 1);
  assert.equal(defined(output.arms.failed[0], 'the failed arm').arm, 'ratio-0.1-seed-1');
  const results = await loadResults(out);
  assert.match(results.arms.find((a) => a.arm === 'ratio')!.error ?? '', /scripted failure/);
  assert.ok(existsSync(armPaths(out, 'ratio-0.1-seed-1').error));
  const retried = await runExperiment(yaml, quiet);
  assert.deepEqual(retried.arms, { total: 3, skipped: 2, ran: 1, failed: [] });
  assert.ok(!existsSync(armPaths(out, 'ratio-0.1-seed-1').error), 'error record cleared by the successful retry');
});

test('arms run in worker processes, two at a time, with their output logged per arm', async () => {
  const { yaml, out } = setup('[0.1]');
  const output = await runExperiment(yaml, { progress: false, mode: 'fork', parallel: 2, hooksModule: HELPER });
  assert.deepEqual(output.arms, { total: 3, skipped: 0, ran: 3, failed: [] });
  const log = readFileSync(armPaths(out, 'control-seed-1').log, 'utf8');
  assert.match(log, /\[status\] training on 40 samples/);
  assert.match(log, /mask: \d+\/\d+/, 'the eval progress of the worker reached its log');
  const results = await loadResults(out);
  assert.equal(results.arms.filter((a) => !a.error).length, 3);
});
