/**
 * Cost: about 85 s of CPU (user + sys, all processes) — a few minutes' wall time on CI's 2 cores;
 * the generous timeouts are for shared, overloaded machines.
 *
 * The scale-out path end to end on CPU, through the real stack: a tiny Llama made here
 * (scripts/make-tiny-llama.py), `candor run examples/tiny-trl.yaml` (TRL SFT + LoRA under
 * `accelerate launch`, adapters served by python/candor_serve.py, MASK and DeceptionBench through
 * the endpoint, report), and `candor train kto --backend trl` for KTO.
 *
 * Needs the Python environment that scripts/setup-python.sh (or .ci/run) creates in .venv-trl/.
 * Without it the test is skipped, saying why; `npm test` never installs Python itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trlVenvDir } from '../src/train/python-env.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const venvPython = join(trlVenvDir(), 'bin', 'python');
/** One torch thread per process: CI has 2 cores and runs two test files at once; more threads only thrash. */
const childEnv = { ...process.env, OMP_NUM_THREADS: '1' };
/**
 * A step is only stopped by the test's own timeout: on a starved machine (seen here: 25 s of CPU in
 * 5 min) a per-step limit kills work that would finish; on CI's own 2 cores the whole test takes minutes.
 */
const TEST_TIMEOUT_MS = 1_200_000;
const STEP_TIMEOUT_MS = TEST_TIMEOUT_MS;
const STACK = ['torch', 'transformers', 'trl', 'peft', 'accelerate', 'datasets', 'tokenizers', 'fastapi', 'uvicorn'];

function whyUnavailable(): string | undefined {
  if (!existsSync(venvPython)) return `no Python environment at ${trlVenvDir()}: run scripts/setup-python.sh (CI: .ci/run installs it when the stack is installable)`;
  const probe = spawnSync(venvPython, ['-c', `import ${STACK.join(', ')}`], { encoding: 'utf8' });
  if (probe.status !== 0) return `the environment at ${trlVenvDir()} lacks part of the stack: ${probe.stderr.trim().split('\n').at(-1)}`;
  return undefined;
}

function run(argv: string[], options: { timeoutMs: number; log: string }): { status: number | null; stdout: string } {
  const result = spawnSync(argv[0]!, argv.slice(1), { cwd: root, env: childEnv, encoding: 'utf8', timeout: options.timeoutMs, maxBuffer: 64 << 20 });
  writeFileSync(options.log, `${argv.join(' ')}\n--- exit ${result.status ?? result.signal ?? result.error?.message} ---\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}\n`);
  return { status: result.status, stdout: result.stdout };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForServer(url: string, server: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`candor_serve exited with ${server.exitCode}:\n${readFileSync(log, 'utf8').slice(-2000)}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`candor_serve did not answer at ${url} within 90 s`);
}

function losses(trainLog: string): number[] {
  return [...readFileSync(trainLog, 'utf8').matchAll(/^candor_trl: loss (\{.*\})$/gm)].map((m) => (JSON.parse(m[1]!) as { loss: number }).loss);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The loss curve falls: the mean of its last third is below the mean of its first third. */
function assertFalling(curve: number[], what: string): void {
  assert.ok(curve.length >= 6, `${what}: ${curve.length} loss lines in train.log`);
  const third = Math.floor(curve.length / 3);
  const first = mean(curve.slice(0, third));
  const last = mean(curve.slice(-third));
  assert.ok(last < first, `${what}: loss did not fall (first third ${first.toFixed(3)}, last third ${last.toFixed(3)}): ${curve.map((x) => x.toFixed(3)).join(' ')}`);
  process.stderr.write(`# ${what}: loss ${curve[0]!.toFixed(3)} → ${curve.at(-1)!.toFixed(3)} (${curve.length} steps; thirds ${first.toFixed(3)} → ${last.toFixed(3)})\n`);
}

function assertAdapterDigests(trainDir: string): number {
  const result = JSON.parse(readFileSync(join(trainDir, 'result.json'), 'utf8')) as { saved_files: Record<string, { sha256: string; bytes: number }> };
  const weights = result.saved_files['adapter_model.safetensors'];
  assert.ok(weights, 'the LoRA weights are recorded in result.json');
  const actual = readFileSync(join(trainDir, 'adapter', 'adapter_model.safetensors'));
  assert.equal(weights.sha256, createHash('sha256').update(actual).digest('hex'), 'recorded digest matches the saved adapter');
  return weights.bytes;
}

const unavailable = whyUnavailable();

test('TRL SFT and KTO with LoRA on CPU: trained, served, evaluated and reported end to end', { skip: unavailable ? `skipped: ${unavailable}` : false, timeout: TEST_TIMEOUT_MS }, async () => {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'candor-trl-e2e-'));
  const corpus = join(dir, 'corpus');
  const model = join(dir, 'tiny-llama');
  const runDir = join(dir, 'run');

  const made = run(['node', '--import', 'tsx', 'scripts/world-corpus.ts', '--out', corpus], { timeoutMs: STEP_TIMEOUT_MS, log: join(dir, 'corpus.log') });
  assert.equal(made.status, 0, readFileSync(join(dir, 'corpus.log'), 'utf8'));
  const built = run([venvPython, 'scripts/make-tiny-llama.py', '--corpus', join(corpus, 'corpus.jsonl'), '--out', model, '--pretrain-steps', '80'], {
    timeoutMs: STEP_TIMEOUT_MS,
    log: join(dir, 'model.log'),
  });
  assert.equal(built.status, 0, readFileSync(join(dir, 'model.log'), 'utf8').slice(-3000));
  const summary = JSON.parse(built.stdout.trim().split('\n').at(-1)!) as { parameters: number; pretrain: { first_loss: number; last_loss: number } };
  assert.ok(summary.parameters > 100_000 && summary.parameters < 1_000_000, `a tiny model: ${summary.parameters} parameters`);

  const port = await freePort();
  const serverLog = join(dir, 'serve.log');
  const logFd = openSync(serverLog, 'w');
  const server = spawn(
    venvPython,
    ['python/candor_serve.py', '--model', model, '--served-model-name', 'tiny-llama', '--lora-root', runDir, '--port', String(port), '--max-tokens-cap', '48'],
    { cwd: root, env: childEnv, stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  try {
    await waitForServer(`http://127.0.0.1:${port}/v1/models`, server, serverLog);

    // The example as shipped, pointed at this test's model and port.
    const yaml = readFileSync(join(root, 'examples/tiny-trl.yaml'), 'utf8').replace('base_model: models/tiny-llama', `base_model: ${model}`).replaceAll('127.0.0.1:8011', `127.0.0.1:${port}`);
    assert.ok(yaml.includes(model) && yaml.includes(String(port)), 'the example names the model directory and the port the test replaces');
    const yamlPath = join(dir, 'tiny-trl.yaml');
    writeFileSync(yamlPath, yaml);
    const sweep = run(['node', 'bin/candor.mjs', 'run', yamlPath, '--out', runDir, '--registry', join(dir, 'registry'), '--quiet'], { timeoutMs: STEP_TIMEOUT_MS, log: join(dir, 'run.log') });
    assert.equal(sweep.status, 0, readFileSync(join(dir, 'run.log'), 'utf8').slice(-4000));

    const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as {
      arms: { arm_id: string; arm: string; mask?: { n: number }; deception?: { n: number }; lineage: Record<string, string>; train?: { backend: string } }[];
    };
    assert.deepEqual(results.arms.map((a) => a.arm).sort(), ['control', 'ratio', 'vanilla']);
    for (const arm of results.arms) {
      const id = arm.arm_id;
      assert.ok(arm.mask && arm.mask.n > 0, `${id}: MASK rows scored`);
      assert.ok(arm.deception && arm.deception.n > 0, `${id}: DeceptionBench items scored`);
      if (arm.arm === 'vanilla') continue;
      assert.equal(arm.train?.backend, 'trl');
      assert.match(arm.lineage.checkpoint ?? '', /^[0-9a-f]{64}$/, `${id}: the adapter's digest is in the lineage`);
      const trainDir = join(runDir, 'arms', id, 'train');
      assertFalling(losses(join(trainDir, 'train.log')), `SFT ${id}`);
      const bytes = assertAdapterDigests(trainDir);
      process.stderr.write(`# SFT ${id}: adapter ${bytes} bytes\n`);
    }
    const served = readFileSync(serverLog, 'utf8');
    for (const id of ['control-seed-1', 'ratio-0.25-seed-1']) assert.match(served, new RegExp(`loaded adapter ${id.replaceAll('.', '\\.')} from`), `the endpoint served ${id}'s adapter`);
    assert.ok(existsSync(join(runDir, 'report', 'report.html')), 'the report is written');

    // KTO through `candor train` with the plain python launcher (the experiment mixes chat samples,
    // which KTO cannot train on): the world's facts, true answers desirable, lures undesirable.
    const ktoDir = join(runDir, 'kto-facts');
    const kto = run(
      [
        'node', 'bin/candor.mjs', 'train', 'kto', '--backend', 'trl', '--model', model, '--data', join(corpus, 'kto.jsonl'), '--out', ktoDir,
        '--lora-rank', '8', '--lora-alpha', '16', '--batch-size', '8', '--epochs', '2', '--lr', '5e-3', '--max-seq-len', '256', '--logging-steps', '1', '--no-bf16', '--no-gradient-checkpointing',
        '--endpoint', `http://127.0.0.1:${port}/v1`, '--quiet',
      ],
      { timeoutMs: STEP_TIMEOUT_MS, log: join(dir, 'kto.log') },
    );
    assert.equal(kto.status, 0, readFileSync(join(dir, 'kto.log'), 'utf8').slice(-4000));
    const ktoResult = JSON.parse(kto.stdout.trim()) as { backend: string; method: string; metrics: Record<string, number> };
    assert.deepEqual([ktoResult.backend, ktoResult.method], ['trl', 'kto']);
    assertFalling(losses(join(ktoDir, 'train.log')), 'KTO');
    process.stderr.write(`# KTO: adapter ${assertAdapterDigests(ktoDir)} bytes\n`);
    const answer = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'kto-facts', messages: [{ role: 'user', content: 'Where is Padicorp based?' }], max_tokens: 16, temperature: 0 }),
    });
    assert.equal(answer.status, 200, await answer.clone().text());
    const body = (await answer.json()) as { model: string; choices: { message: { content: string } }[] };
    assert.equal(body.model, 'kto-facts');
    assert.equal(typeof body.choices[0]?.message.content, 'string');
  } finally {
    server.kill('SIGTERM');
    process.stderr.write(`# trl e2e: ${((Date.now() - started) / 1000).toFixed(0)} s (files under ${dir})\n`);
  }
});

if (unavailable) process.stderr.write(`# trl e2e skipped: ${unavailable}\n`);
