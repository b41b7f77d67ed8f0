import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAccelerateArgv, buildPythonArgv, TRL_ENTRY_POINT } from '../src/train/launch.js';
import { findExecutable, runLogged } from '../src/train/process.js';
import { createTrlBackend, vllmServeArgv } from '../src/train/trl-backend.js';
import { exportTrlJob } from '../src/train/trl-export.js';
import { BackendUnavailableError, TrainingFailedError, type TrainJob } from '../src/train/types.js';
import { trainingConfigSchema } from '../src/train/config.js';

async function tmp(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'candor-launch-'));
}

async function sftJob(dir: string, name = 'ratio-0.05'): Promise<TrainJob> {
  const data = join(dir, 'd.jsonl');
  await writeFile(data, JSON.stringify({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }] }) + '\n');
  return { name, config: trainingConfigSchema.parse({ method: 'sft', lora: {} }), seed: 1, baseModel: 'meta-llama/Llama-3.1-8B-Instruct', datasets: [{ path: data }], outputDir: join(dir, 'job') };
}

test('accelerate command line is an argv array in accelerate launch order', () => {
  assert.deepEqual(buildAccelerateArgv({ configFile: 'configs/zero3.yaml', numProcesses: 8 }, '/runs/a/trl_config.json'), [
    'accelerate',
    'launch',
    '--config_file',
    'configs/zero3.yaml',
    '--num_processes',
    '8',
    '--mixed_precision',
    'bf16',
    TRL_ENTRY_POINT,
    '--config',
    '/runs/a/trl_config.json',
  ]);
  assert.deepEqual(
    buildAccelerateArgv(
      { executable: '/opt/venv/bin/accelerate', numProcesses: 16, numMachines: 2, machineRank: 0, mainProcessIp: '10.0.0.1', mainProcessPort: 29500, mixedPrecision: 'fp16' },
      'c.json',
      'python/candor_trl.py',
    ),
    ['/opt/venv/bin/accelerate', 'launch', '--num_processes', '16', '--num_machines', '2', '--machine_rank', '0', '--main_process_ip', '10.0.0.1', '--main_process_port', '29500', '--mixed_precision', 'fp16', 'python/candor_trl.py', '--config', 'c.json'],
  );
  // A path with spaces stays one argument: nothing goes through a shell.
  assert.equal(buildPythonArgv({}, '/my runs/trl_config.json').at(-1), '/my runs/trl_config.json');
  assert.throws(() => buildAccelerateArgv({ numProcesses: 0 }, 'c.json'), RangeError);
});

test('vLLM serving line loads the adapter as a LoRA module with the paper rank allowed', () => {
  assert.deepEqual(vllmServeArgv('meta-llama/Llama-3.1-8B-Instruct', [{ name: 'candor-arm-1234abcd', path: '/runs/a/adapter' }]), [
    'vllm', 'serve', 'meta-llama/Llama-3.1-8B-Instruct', '--enable-lora', '--max-lora-rank', '32', '--lora-modules', 'candor-arm-1234abcd=/runs/a/adapter',
  ]);
});

test('a missing accelerate binary fails clearly before anything runs', async () => {
  const dir = await tmp();
  const emptyBin = await tmp();
  const backend = createTrlBackend({
    launcher: { kind: 'accelerate', accelerate: { numProcesses: 2 } },
    evalEndpoint: 'http://127.0.0.1:8000/v1',
    // No .venv-trl either: the venv's accelerate would otherwise be found.
    env: { PATH: emptyBin, CANDOR_TRL_VENV: emptyBin },
  });
  await assert.rejects(backend.train(await sftJob(dir)), (e: unknown) => e instanceof BackendUnavailableError && /"accelerate" was not found on PATH/.test(e.message) && /scripts\/setup-python\.sh/.test(e.message));
  assert.equal(await findExecutable('accelerate', emptyBin), null);
  await assert.rejects(access(join(dir, 'job', 'train.log')), 'no log means no process was started');
});

test('the spawner streams stdout and stderr into the log as lines and propagates the exit code', async () => {
  const dir = await tmp();
  const script = join(dir, 'trainer.py');
  await writeFile(script, ['import sys', 'print("step 1 loss 2.5", flush=True)', 'print("warning: slow", file=sys.stderr, flush=True)', 'print("step 2 loss 1.9", flush=True)', 'sys.exit(3)'].join('\n'));
  const lines: string[] = [];
  const logPath = join(dir, 'logs', 'train.log');
  const result = await runLogged(['python3', script], { logPath, onLine: (l) => lines.push(l) });
  assert.equal(result.exitCode, 3);
  assert.equal(result.aborted, false);
  assert.deepEqual(lines.filter((l) => l.startsWith('step')), ['step 1 loss 2.5', 'step 2 loss 1.9']);
  assert.ok(lines.includes('warning: slow'));
  const log = await readFile(logPath, 'utf8');
  assert.match(log, /^# .* \$ python3 .*trainer\.py\n/);
  assert.match(log, /step 2 loss 1\.9/);
  assert.match(log, /warning: slow/);
});

test('an abort ends the trainer process', async () => {
  const dir = await tmp();
  const script = join(dir, 'slow.py');
  await writeFile(script, 'import time\nprint("started", flush=True)\ntime.sleep(60)\n');
  const controller = new AbortController();
  const started = Date.now();
  const result = await runLogged(['python3', script], {
    logPath: join(dir, 'slow.log'),
    signal: controller.signal,
    onLine: (l) => l === 'started' && controller.abort(),
  });
  assert.equal(result.aborted, true);
  assert.equal(result.signal, 'SIGTERM');
  assert.ok(Date.now() - started < 20_000);
});

test('the python launcher runs the real entry point; without TRL the failure names the cause and carries the log', async () => {
  const dir = await tmp();
  const python3 = await findExecutable('python3');
  assert.ok(python3);
  const backend = createTrlBackend({ launcher: { kind: 'python', python: python3 }, evalEndpoint: 'http://127.0.0.1:8000/v1' });
  const job = await sftJob(dir);
  const hasTrl = (await runLogged([python3, '-c', 'import trl'], { logPath: join(dir, 'probe.log') })).exitCode === 0;
  if (hasTrl) return; // a GPU box would train for real here
  await assert.rejects(backend.train(job), (e: unknown) => {
    assert.ok(e instanceof TrainingFailedError);
    assert.match(e.message, /Python packages are missing/);
    assert.match(e.logTail, /missing Python packages/);
    return true;
  });
});

test('a finished result for the same job is reused without starting a process; a stale one is not', async () => {
  const dir = await tmp();
  const job = await sftJob(dir, 'Control Arm');
  const exported = await exportTrlJob(job);
  await writeFile(join(exported.dir, 'result.json'), JSON.stringify({ status: 'succeeded', job_digest: exported.config.job_digest, metrics: { train_loss: 1.25 } }));
  const noBinaries = await tmp();
  const backend = createTrlBackend({ launcher: { kind: 'accelerate', accelerate: { numProcesses: 1 } }, evalEndpoint: 'http://10.0.0.5:8000/v1', env: { PATH: noBinaries, CANDOR_TRL_VENV: noBinaries } });
  const result = await backend.train(job);
  assert.equal(result.reused, true);
  assert.deepEqual(result.metrics, { train_loss: 1.25 });
  assert.equal(result.modelSpec, `openai:candor-control-arm-${exported.config.job_digest.slice(0, 8)}@http://10.0.0.5:8000/v1`);
  assert.equal(result.checkpointPath, join(exported.dir, 'adapter'));

  // A different config → different digest → the old result does not count.
  await assert.rejects(backend.train({ ...job, config: { ...job.config, epochs: 2 } }), BackendUnavailableError);
});

test('a bad evaluation endpoint is refused when the backend is created', () => {
  assert.throws(() => createTrlBackend({ launcher: { kind: 'python' }, evalEndpoint: 'ftp://x' }), /http or https/);
});
