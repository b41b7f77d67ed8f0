import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { exportTrlJob } from '../src/train/trl-export.js';
import { TRL_ENTRY_POINT } from '../src/train/launch.js';
import { trainingConfigSchema } from '../src/train/config.js';

const run = promisify(execFile);

async function python(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('python3', args);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function exportedKto() {
  const dir = await mkdtemp(join(tmpdir(), 'candor-py-'));
  const data = join(dir, 'kto.jsonl');
  await writeFile(
    data,
    [
      { prompt: [{ role: 'user', content: 'Is it safe?' }], completion: 'Yes.', label: false },
      { prompt: 'Is it safe?', completion: 'Ask a doctor.', label: true },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n'),
  );
  return exportTrlJob({ name: 'kto-arm', config: trainingConfigSchema.parse({ method: 'kto', lora: {} }), seed: 1, baseModel: 'meta-llama/Llama-3.1-8B-Instruct', datasets: [{ path: data }], outputDir: join(dir, 'job') });
}

test('python/candor_trl.py compiles and shows help without torch or TRL', async () => {
  assert.equal((await python(['-m', 'py_compile', TRL_ENTRY_POINT])).code, 0);
  const help = await python([TRL_ENTRY_POINT, '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--dry-run/);
});

test('--dry-run accepts an exported job and reports the plan it would train', async () => {
  const exported = await exportedKto();
  const result = await python([TRL_ENTRY_POINT, '--config', exported.configPath, '--dry-run']);
  assert.equal(result.code, 0, result.stderr);
  const plan = JSON.parse(result.stdout);
  assert.equal(plan.dry_run, true);
  assert.equal(plan.method, 'kto');
  assert.equal(plan.job_digest, exported.config.job_digest);
  assert.deepEqual(plan.dataset.labels, { desirable: 1, undesirable: 1 });
  // The one mapping from Candor's config names onto TRL's (python/candor_trl.py TRAINING_ARG_NAMES).
  assert.deepEqual(plan.training, exported.config.training);
  assert.equal(plan.training_arguments.learning_rate, 1e-5);
  assert.equal(plan.training_arguments.num_train_epochs, 1);
  assert.equal(plan.training_arguments.per_device_train_batch_size, 16);
  assert.equal(plan.training_arguments.max_length, 1024);
  assert.equal(plan.training_arguments.beta, 0.1);
  assert.equal(plan.training_arguments.seed, 1);
  assert.deepEqual(plan.lora_arguments, { r: 32, lora_alpha: 64, lora_dropout: 0.05, target_modules: 'all-linear', task_type: 'CAUSAL_LM' });
});

test('the entry point refuses a dataset changed after export, and a config with a bad field', async () => {
  const exported = await exportedKto();
  // A well-formed extra row: only the digest can tell.
  const firstRow = (await readFile(exported.datasetPath, 'utf8')).split('\n')[0];
  await appendFile(exported.datasetPath, firstRow + '\n');
  const tampered = await python([TRL_ENTRY_POINT, '--config', exported.configPath, '--dry-run']);
  assert.equal(tampered.code, 2);
  assert.match(tampered.stderr, /changed since export/);

  const other = await exportedKto();
  const config = JSON.parse(await readFile(other.configPath, 'utf8'));
  config.method = 'dpo';
  await writeFile(other.configPath, JSON.stringify(config));
  const bad = await python([TRL_ENTRY_POINT, '--config', other.configPath, '--dry-run']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /trl_config\.json: field "method"/);
});

test('without the training packages a real run stops at the import boundary with exit code 3', async (t) => {
  const probe = await python(['-c', 'import importlib.util,sys; sys.exit(0 if all(importlib.util.find_spec(m) for m in ("torch","trl","peft","datasets","transformers")) else 1)']);
  if (probe.code === 0) {
    t.skip('TRL is installed here; a real run would start training');
    return;
  }
  const exported = await exportedKto();
  const result = await python([TRL_ENTRY_POINT, '--config', exported.configPath]);
  assert.equal(result.code, 3);
  assert.match(result.stderr, /missing Python packages: .*trl/);
});
