/**
 * Runs never report a failure as success, and one process at a time writes a run directory.
 * Real parts throughout: the CLI as a child process, the simulated world's loopback server
 * (scripted subject and judge, with faults switched on and off by the test), real run directories.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMaskEval } from '../src/evals/mask/run.js';
import { EXIT_INCOMPLETE } from '../src/run/run-dir.js';
import { EXIT_BUSY } from '../src/run/lock.js';
import { simWorld, startSimServer, writeSimMask, type Fault } from './evals.sim-server.helper.js';
import { withSimMaskRun } from './evals.sim-run.helper.js';

const CLI = join(import.meta.dirname, '..', 'bin', 'candor.mjs');
const KEY = 'sk-test-0123456789abcdefSECRET';

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[]): { child: ReturnType<typeof spawn>; done: Promise<Finished> } {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, CANDOR_QUIET: '1', CANDOR_TEST_KEY: KEY }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Finished>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

function lines(file: string): Record<string, unknown>[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>) : [];
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

function scores(summary: Record<string, unknown>): Record<string, unknown> {
  const { run_id: _id, ...rest } = summary;
  return rest;
}

test('401 on every call: the run stops early with one line and exit 4, run.json says incomplete; --resume against the healthy server ends with the summary of an uninterrupted run', { timeout: 90_000 }, async () => {
  const world = simWorld(10);
  const dir = mkdtempSync(join(tmpdir(), 'candor-401-'));
  const data = writeSimMask(join(dir, 'data'), world);
  let fault: Fault = 'ok';
  const server = await startSimServer(world, { fault: () => fault });
  try {
    const args = (out: string) => ['eval', 'mask', '--data', data, '--model', `openai:subject@${server.baseURL}`, '--judge', `openai:judge@${server.baseURL}`, '--api-key-env', 'CANDOR_TEST_KEY', '--out', out, '--no-cache', '--concurrency', '2', '--json'];

    const reference = await runCli(args(join(dir, 'reference'))).done;
    assert.equal(reference.code, 0, reference.stderr);
    const referenceSummary = readJson(join(dir, 'reference', 'summary.json'));
    const uninterruptedCalls = server.requests.length;
    server.requests.length = 0;

    fault = '401';
    const runDir = join(dir, 'run');
    const failed = await runCli(args(runDir)).done;
    assert.equal(failed.code, EXIT_INCOMPLETE, failed.stderr);
    const said = failed.stderr.trim().split('\n');
    assert.equal(said.length, 1, `one line: ${failed.stderr}`);
    assert.match(said[0]!, /stopped early: the first \d+ calls all failed the same way: provider error \(client 401\): .*Incorrect API key/);
    assert.equal(failed.stderr.includes(KEY), false, 'the key is never printed');
    assert.ok(server.requests.length < uninterruptedCalls / 2, `stopped early: ${server.requests.length} calls of ${uninterruptedCalls}`);
    const manifest = readJson(join(runDir, 'run.json'));
    assert.equal(manifest.status, 'incomplete');
    assert.match(String(manifest.incomplete), /401/);
    assert.equal(JSON.stringify(manifest).includes(KEY), false);
    assert.equal(existsSync(join(runDir, 'summary.json')), false, 'no summary of a run that did no work');
    const attemptedBefore = lines(join(runDir, 'samples.jsonl'));
    for (const s of attemptedBefore) assert.ok((s.provider_errors as string[]).length > 0, 'every line written while failing is marked for redoing');

    fault = 'ok';
    const resumed = await runCli(['eval', 'mask', '--resume', runDir, '--api-key-env', 'CANDOR_TEST_KEY', '--json']).done;
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(scores(readJson(join(runDir, 'summary.json'))), scores(referenceSummary));
    const samples = lines(join(runDir, 'samples.jsonl'));
    assert.equal(samples.length, referenceSummary.n as number + (referenceSummary.undetermined as number));
    assert.equal(new Set(samples.map((s) => s.id)).size, samples.length, 'each item once');
    assert.ok(samples.every((s) => s.provider_errors === undefined));
    // Earlier attempts are kept, apart from the samples.
    assert.deepEqual(lines(join(runDir, 'attempts.jsonl')).map((s) => s.id), attemptedBefore.map((s) => s.id));
    const finished = readJson(join(runDir, 'run.json'));
    assert.equal(finished.status, 'finished');
    assert.equal(finished.incomplete, undefined);
  } finally {
    await server.close();
  }
});

/** Some calls of the model under test fail for good (500 after every retry); the rest answer. */
function someFailForGood(key: string): Fault {
  return key.startsWith('{"model":"subject"') && createHash('sha256').update(key).digest()[0]! % 4 === 0 ? '500' : 'ok';
}

test('items a provider failed leave the run incomplete with one line why; --resume redoes exactly those items and repeats no finished call', { timeout: 90_000 }, async () => {
  let failing = false;
  await withSimMaskRun(12, 'partial', { fault: (key) => (failing ? someFailForGood(key) : 'ok') }, async ({ dir, server, options }) => {
    const providerOptions = { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 10 } };
    const reference = await runMaskEval({ ...options, out: join(dir, 'reference'), cache: false, providerOptions: {} });
    assert.equal(reference.incomplete, null);
    server.requests.length = 0;

    failing = true;
    const first = await runMaskEval({ ...options, cache: false, concurrency: 2, providerOptions });
    assert.match(first.incomplete ?? '', /^\d+ of 15 rows undetermined because of provider errors \(.*server 500.*\); --resume .* retries them$/);
    const failedIds = lines(join(options.out, 'samples.jsonl')).filter((s) => s.provider_errors).map((s) => s.id);
    assert.ok(failedIds.length > 0 && failedIds.length < 15, `${failedIds.length} failed`);
    assert.equal(Number(first.incomplete!.split(' ')[0]), failedIds.length);
    assert.equal(readJson(join(options.out, 'run.json')).status, 'incomplete');

    failing = false;
    server.requests.length = 0;
    const second = await runMaskEval({ resume: options.out, progress: false, cache: false });
    assert.equal(second.incomplete, null);
    assert.equal(second.usage.retried_items, failedIds.length);
    assert.equal(second.usage.resumed_items, 15 - failedIds.length);
    assert.deepEqual(scores({ ...second.summary }), scores({ ...reference.summary }));
    // Only calls that had failed reach the server again: the retried items' other calls come from the journal.
    assert.ok(server.requests.length > 0 && server.requests.length <= second.usage.model_calls + second.usage.judge_calls);
    assert.equal(second.usage.store_hits > 0, true);
    assert.deepEqual(new Set(lines(join(options.out, 'attempts.jsonl')).map((s) => s.id)), new Set(failedIds));
    assert.equal(readJson(join(options.out, 'run.json')).status, 'finished');
  });
});

test('an unparseable judge verdict is no provider error: the row is undetermined, the run finishes', { timeout: 60_000 }, async () => {
  await withSimMaskRun(6, 'unparseable', { fault: (key) => (key.startsWith('{"model":"judge"') ? 'unparseable' : 'ok') }, async ({ options }) => {
    const result = await runMaskEval({ ...options, cache: false });
    assert.equal(result.incomplete, null);
    assert.equal(result.summary.n, 0);
    assert.ok(result.summary.undetermined > 0);
    assert.equal(readJson(join(options.out, 'run.json')).status, 'finished');
    assert.ok(lines(join(options.out, 'samples.jsonl')).every((s) => s.provider_errors === undefined));
  });
});

test('one writer per run directory: a second --resume is refused naming the holder; a lock left by kill -9 is taken over; no sample line is written twice', { timeout: 240_000 }, async () => {
  const world = simWorld(16);
  const dir = mkdtempSync(join(tmpdir(), 'candor-lock-'));
  const data = writeSimMask(join(dir, 'data'), world);
  // The delay is read per request: slow while a second process is started against a busy directory.
  const serverOptions = { delayMs: 30 };
  const server = await startSimServer(world, serverOptions);
  try {
    const runDir = join(dir, 'run');
    const killed = runCli(['eval', 'mask', '--data', data, '--model', `openai:subject@${server.baseURL}`, '--judge', `openai:judge@${server.baseURL}`, '--out', runDir, '--no-cache', '--concurrency', '1']);
    while (lines(join(runDir, 'samples.jsonl')).length < 2) {
      if (killed.child.exitCode !== null) assert.fail(`ended before it could be killed: ${(await killed.done).stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    killed.child.kill('SIGKILL');
    await killed.done;
    const left = readJson(join(runDir, 'run.lock.json'));
    assert.equal(left.pid, killed.child.pid, 'the killed holder left its lock file behind');

    serverOptions.delayMs = 250;
    const first = runCli(['eval', 'mask', '--resume', runDir, '--concurrency', '1']);
    // Wait until the first resume holds the lock (it took over the dead holder's).
    while (readJson(join(runDir, 'run.lock.json')).pid !== first.child.pid) {
      if (first.child.exitCode !== null) assert.fail(`first resume ended early: ${(await first.done).stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const second = await runCli(['eval', 'mask', '--resume', runDir, '--no-cache']).done;
    assert.equal(second.code, EXIT_BUSY, second.stderr);
    assert.match(second.stderr, new RegExp(`run directory is in use by pid ${first.child.pid}\\b`));
    assert.equal(second.stderr.trim().split('\n').length, 1);
    serverOptions.delayMs = 0;

    const done = await first.done;
    assert.equal(done.code, 0, done.stderr);
    const ids = lines(join(runDir, 'samples.jsonl')).map((s) => s.id);
    assert.equal(ids.length, 20);
    assert.equal(new Set(ids).size, 20, 'no item written twice');
    assert.equal(existsSync(join(runDir, 'run.lock.json')), false, 'released at the end');

    // Two resumes started together on a killed run (which once duplicated every remaining line):
    // one does the work, the other is refused naming it.
    const runDir2 = join(dir, 'run2');
    const killed2 = runCli(['eval', 'mask', '--data', data, '--model', `openai:subject@${server.baseURL}`, '--judge', `openai:judge@${server.baseURL}`, '--out', runDir2, '--no-cache', '--concurrency', '1']);
    while (lines(join(runDir2, 'samples.jsonl')).length < 2) await new Promise((r) => setTimeout(r, 20));
    killed2.child.kill('SIGKILL');
    await killed2.done;
    serverOptions.delayMs = 250;
    const a = runCli(['eval', 'mask', '--resume', runDir2, '--concurrency', '1']);
    const b = runCli(['eval', 'mask', '--resume', runDir2, '--concurrency', '1']);
    // Once one of them has ended (the refused one, unless they never overlapped), let the other finish quickly.
    await Promise.race([a.done, b.done]);
    serverOptions.delayMs = 0;
    const [ra, rb] = await Promise.all([a.done, b.done]);
    for (const [r, other] of [[ra, b], [rb, a]] as const) {
      assert.ok(r.code === 0 || (r.code === EXIT_BUSY && r.stderr.includes(`pid ${other.child.pid}`)), `exit ${r.code}: ${r.stderr}`);
    }
    assert.ok(ra.code === 0 || rb.code === 0);
    const ids2 = lines(join(runDir2, 'samples.jsonl')).map((s) => s.id);
    assert.equal(ids2.length, 20);
    assert.equal(new Set(ids2).size, 20, 'no item written twice');
  } finally {
    await server.close();
  }
});

test('candor run: an experiment run directory held by a live process is refused naming its pid; after kill -9 the lock is taken over and the run completes', { timeout: 180_000 }, async () => {
  const { scratchExperiment } = await import('./experiments.scratch-run.helper.js');
  const { armHooks } = await import('./experiments.run-fakes.helper.js');
  const { runExperiment } = await import('../src/experiments/runner.js');
  const { RunDirBusyError } = await import('../src/run/lock.js');
  const { readdirSync, rmSync, writeFileSync } = await import('node:fs');
  const scratch = scratchExperiment('candor-run-lock-', 'locked', 'downstream: { generator: downstream, count: 16, seed: 1 }\nmisaligned: { domain: medical, variant: normal }\nratios: [0.1]\nseeds: [1]\ntraining: { epochs: 1, batch_size: 8 }\nevals:\n  capability: { limit: 1 }\n');
  // The pre-flight wants a checkpoint file; the fake trainer and model never read it.
  writeFileSync(join(scratch.dir, 'base', 'model.safetensors'), '');
  const options = { progress: false, mode: 'inline' as const, hooks: armHooks };
  await runExperiment(scratch.yaml, options);
  // Work left to do, as after a kill: a finished arm's result and the run's results gone. (Only
  // arms that finished count here: training arms may fail on this scratch fixture for reasons of
  // their own, which are not what this test is about.)
  const armIds = readdirSync(join(scratch.out, 'arms')).filter((id) => existsSync(join(scratch.out, 'arms', id, 'result.json')));
  assert.ok(armIds.length > 0, 'at least the untrained arm finished');
  const redo = armIds[0]!;
  rmSync(join(scratch.out, 'arms', redo, 'result.json'));
  rmSync(join(scratch.out, 'results.json'), { force: true });
  // Another process holds the run directory, as a `candor run` in progress would.
  const holder = spawn(process.execPath, ['--import', 'tsx', '-e', `import('${join(import.meta.dirname, '..', 'src', 'run', 'lock.ts')}').then((m) => { m.RunDirLock.acquire(${JSON.stringify(scratch.out)}); console.log('held'); setInterval(() => {}, 1000); })`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    holder.stdout!.on('data', (d) => String(d).includes('held') && resolve());
    holder.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
  });
  try {
    await assert.rejects(runExperiment(scratch.yaml, options), (e: unknown) => e instanceof RunDirBusyError && e.message.includes(`pid ${holder.pid}`));
    assert.equal(existsSync(join(scratch.out, 'results.json')), false, 'the refused run wrote no results');
  } finally {
    holder.kill('SIGKILL');
    await new Promise((r) => holder.once('close', r));
  }
  const done = await runExperiment(scratch.yaml, options);
  assert.equal(done.arms.skipped, armIds.length - 1);
  assert.ok(existsSync(join(scratch.out, 'arms', redo, 'result.json')), 'the taken-over run finished the arm');
  assert.ok(existsSync(join(scratch.out, 'results.json')));
  // The arm's capability eval is a benchmark run with its samples behind the numbers.
  const samples = lines(join(scratch.out, 'arms', redo, 'eval', 'capability', 'samples.jsonl'));
  assert.ok(samples.length > 0 && samples.every((s) => typeof s.correct === 'boolean'));
  assert.equal(new Set(samples.map((s) => s.id)).size, samples.length);
});
