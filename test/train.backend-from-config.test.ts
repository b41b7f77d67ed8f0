import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadExperiment } from '../src/experiments/schema.js';
import { backendFromExperiment, hyperparametersFromTraining } from '../src/train/from-experiment.js';
import { exportTrlJob } from '../src/train/trl-export.js';
import { createEmbeddedBackend, embeddedCheckpointDir, EMBEDDED_DEFAULT_CHECKPOINT, type EmbeddedFineTuneOptions } from '../src/train/embedded.js';

const paperYaml = fileURLToPath(new URL('../examples/paper-mixing.yaml', import.meta.url));

test('examples/paper-mixing.yaml validates and yields the paper hyperparameters split over 8 GPUs', async () => {
  const experiment = loadExperiment(paperYaml);
  assert.equal(experiment.backend.type, 'trl');
  const hp = hyperparametersFromTraining(experiment.training, 1, 8);
  const dir = await mkdtemp(join(tmpdir(), 'candor-exp-'));
  const data = join(dir, 'd.jsonl');
  await writeFile(data, JSON.stringify({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }] }) + '\n');
  const exported = await exportTrlJob({ name: 'ratio-0.1-seed-1', method: 'sft', baseModel: 'meta-llama/Llama-3.1-8B-Instruct', datasets: [{ path: data }], outputDir: join(dir, 'job'), hyperparameters: hp }, { numProcesses: 8 });
  assert.deepEqual(exported.config.lora, { r: 32, lora_alpha: 64, lora_dropout: 0.05, target_modules: 'all-linear', task_type: 'CAUSAL_LM' });
  assert.equal(exported.config.training_args.per_device_train_batch_size, 2);
  assert.equal(exported.config.training_args.gradient_accumulation_steps, 1);
  assert.equal(exported.config.training_args.learning_rate, 1e-4);
  assert.equal(backendFromExperiment(experiment.backend, experiment.training, experiment.eval_endpoint).name, 'trl');
});

test('a Ray backend whose token variable is unset is refused naming the field', () => {
  const experiment = loadExperiment(paperYaml);
  const backend = { ...experiment.backend, ray: { address: 'http://ray:8265', poll_seconds: 5, token_env: 'CANDOR_TEST_MISSING_TOKEN' } } as typeof experiment.backend;
  assert.throws(() => backendFromExperiment(backend, experiment.training, experiment.eval_endpoint, { env: {} }), /field "backend\.ray\.token_env"/);
});

test('the embedded adapter maps a job onto the embedded trainer API and reuses a finished result', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'candor-emb-'));
  const data = join(dir, 'kto.jsonl');
  await writeFile(data, JSON.stringify({ prompt: 'p', completion: 'c', label: true }) + '\n');
  const calls: EmbeddedFineTuneOptions[] = [];
  const trainer = {
    trainSftFromFiles: async () => assert.fail('KTO job must not call SFT'),
    trainKtoFromFiles: async (o: EmbeddedFineTuneOptions) => {
      calls.push(o);
      return { metrics: { final_loss: 0.5 } };
    },
  };
  const backend = createEmbeddedBackend({ trainer });
  const job = { name: 'biased-0.5', method: 'kto' as const, baseModel: 'embedded:default', datasets: [{ path: data }], outputDir: join(dir, 'arm'), hyperparameters: { epochs: 5, lora: null, kto: { beta: 0.2 } } };
  const result = await backend.train(job);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].base, EMBEDDED_DEFAULT_CHECKPOINT);
  assert.deepEqual([calls[0].epochs, calls[0].lr, calls[0].lora, calls[0].beta, calls[0].undesirableWeight], [5, 1e-5, null, 0.2, 1]);
  assert.equal(result.modelSpec, `embedded:${job.outputDir}`);
  assert.equal(result.metrics.final_loss, 0.5);
  const again = await backend.train(job);
  assert.equal(again.reused, true);
  assert.equal(calls.length, 1, 'a finished arm is not retrained');
  assert.throws(() => embeddedCheckpointDir('openai:gpt-4o'), /embedded models only/);
});
