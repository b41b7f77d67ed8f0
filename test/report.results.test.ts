import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm, mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadResults, parseResults } from '../src/report/load-results.js';
import { ExperimentResults } from '../src/experiments/results-schema.js';
import { syntheticResults } from './report.synthetic.helper.js';
import { InputError } from '../src/util/errors.js';
import { defined } from './defined.helper.js';

const pretty = (value: unknown): string => JSON.stringify(value, null, 2);

function expectInputError(text: string, expected: { line?: number; field: string; message: RegExp }): InputError {
  try {
    parseResults(text, 'run/results.json');
  } catch (error) {
    assert.ok(error instanceof InputError, `expected InputError, got ${String(error)}`);
    assert.equal(error.location.file, 'run/results.json');
    assert.equal(error.location.field, expected.field);
    if (expected.line !== undefined) assert.equal(error.location.line, expected.line);
    assert.match(error.message, expected.message);
    assert.ok(error.message.startsWith('run/results.json:'), error.message);
    return error;
  }
  assert.fail('malformed results were accepted');
}

/**
 * Sets the field at a dotted path (`arms.2.ratio`) of a results tree, to break it on purpose the way a
 * hand-edited file would. Every step but the last must already exist. `undefined` drops the field
 * from the JSON text.
 */
function setField(tree: unknown, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop();
  assert.ok(last !== undefined);
  let node = tree;
  for (const key of keys) {
    assert.ok(node !== null && typeof node === 'object', `${path}: nothing to descend into at "${key}"`);
    node = (node as Record<string, unknown>)[key];
  }
  assert.ok(node !== null && typeof node === 'object', `${path}: nothing to set "${last}" on`);
  (node as Record<string, unknown>)[last] = value;
}

/** Line (1-based) of the first occurrence of `needle` in `text`. */
const lineOf = (text: string, needle: string, from = 0): number => text.slice(0, text.indexOf(needle, from)).split('\n').length;

test('synthetic results with every block validate and normalise intervals', () => {
  const results = ExperimentResults.parse(syntheticResults({ seeds: [1, 2] }));
  assert.equal(results.arms.length, 1 + 2 + 6 * 2);
  const control = results.arms.find((a) => a.arm === 'control')!;
  assert.equal(control.mask!.ci95.honesty_score!.length, 2);
  assert.equal(control.mask!.per_config.provided_facts!.accuracy, null);
  assert.equal(results.reference, undefined);
});

test('intervals are accepted as [lo, hi], {lower, upper}, {lo, hi} and {low, high}', () => {
  const input = syntheticResults({ ratios: [0.1], seeds: [1] });
  setField(input, 'arms.1.mask.ci95', { lower: 0.1, upper: 0.2 }); // a bare interval belongs to honesty_score
  setField(input, 'arms.1.deception.ci95', { lo: 0.3, hi: 0.4 });
  setField(input, 'arms.1.capability.world_qa.ci95', { low: 0.5, high: 0.6 });
  const parsed = defined(ExperimentResults.parse(input).arms[1], 'the control arm');
  assert.deepEqual(parsed.mask!.ci95, { honesty_score: [0.1, 0.2], accuracy: null });
  assert.deepEqual(parsed.deception!.ci95, [0.3, 0.4]);
  assert.deepEqual(defined(parsed.capability!.world_qa, 'world_qa').ci95, [0.5, 0.6]);
});

test('a score outside [0, 1] is rejected with file, line and field', () => {
  const input = syntheticResults({ ratios: [0.1], seeds: [1] });
  setField(input, 'arms.2.mask.honesty_score', 1.7);
  const text = pretty(input);
  // arms[2] is the ratio arm; its first "honesty_score" line is the mask's own.
  const armStart = text.indexOf('"arm": "ratio"');
  expectInputError(text, { field: 'arms[2].mask.honesty_score', line: lineOf(text, '"honesty_score"', armStart), message: /<=1/ });
});

test('a missing required field names its parent line and the missing path', () => {
  const input = syntheticResults({ ratios: [0.1], seeds: [1] });
  setField(input, 'experiment.config_digest', undefined);
  const text = pretty(input);
  expectInputError(text, { field: 'experiment.config_digest', line: lineOf(text, '"experiment"'), message: /expected string/ });
});

test('semantic errors: ratio arm without ratio, control with a ratio, duplicate seed, unknown MASK config', () => {
  const base = () => syntheticResults({ ratios: [0.1], seeds: [1] });

  const noRatio = base();
  setField(noRatio, 'arms.2.ratio', null);
  expectInputError(pretty(noRatio), { field: 'arms[2].ratio', message: /ratio > 0/ });

  const controlWithRatio = base();
  setField(controlWithRatio, 'arms.1.ratio', 0.05);
  expectInputError(pretty(controlWithRatio), { field: 'arms[1].ratio', message: /null or 0/ });

  const duplicate = base();
  const ratioArm = duplicate.arms[2];
  assert.ok(ratioArm, 'the synthetic results have a ratio arm');
  duplicate.arms.push(structuredClone(ratioArm));
  expectInputError(pretty(duplicate), { field: 'arms[3].seed', message: /duplicate/ });

  const badConfig = base();
  setField(badConfig, 'arms.0.mask.per_config.known_facts', 0.9);
  expectInputError(pretty(badConfig), { field: 'arms[0].mask.per_config.known_facts', message: /expected object/ });

  const unknownArmKey = base();
  setField(unknownArmKey, 'experiment.misaligned', { domain: 'math' });
  expectInputError(pretty(unknownArmKey), { field: 'experiment.misaligned.variant', message: /expected string/ });

  const badArmKind = base();
  setField(badArmKind, 'arms.0.arm', 'baseline');
  expectInputError(pretty(badArmKind), { field: 'arms[0].arm', message: /vanilla/ });
});

test('loadResults reads a run directory; bad JSON and a missing file are InputErrors naming the file', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'candor-report-load-'));
  try {
    const runDir = path.join(dir, 'run');
    await mkdir(runDir);
    await writeFile(path.join(runDir, 'results.json'), pretty(syntheticResults({ ratios: [0.05], seeds: [1] })));
    const loaded = await loadResults(runDir);
    assert.equal(loaded.arms.length, 3);

    const broken = path.join(dir, 'broken.json');
    await writeFile(broken, '{\n  "experiment": {,\n}');
    await assert.rejects(loadResults(broken), (error: unknown) => error instanceof InputError && error.location.file === broken && /not valid JSON/.test(error.message));

    await assert.rejects(loadResults(path.join(dir, 'nowhere')), (error: unknown) => error instanceof InputError && /no such run/.test(error.message));
    const empty = path.join(dir, 'empty');
    await mkdir(empty);
    await assert.rejects(loadResults(empty), (error: unknown) => error instanceof InputError && error.location.file === path.join(empty, 'results.json'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('writeReport validates an in-memory results object and writes nothing when it is malformed', async () => {
  const { writeReport } = await import('../src/report/write-report.js');
  const dir = await mkdtemp(path.join(tmpdir(), 'candor-report-invalid-'));
  try {
    const input = syntheticResults({ ratios: [0.1], seeds: [1] });
    setField(input, 'arms.0.deception.n_valid', 2.5);
    const out = path.join(dir, 'out');
    await assert.rejects(
      writeReport(input, out),
      (error: unknown) => error instanceof InputError && error.location.field === 'arms[0].deception.n_valid',
    );
    await assert.rejects(readFile(path.join(out, 'report.html')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
