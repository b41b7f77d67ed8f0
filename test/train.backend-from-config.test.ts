import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadExperiment } from '../src/experiments/schema.js';
import { backendFromConfig } from '../src/train/backend-from-config.js';
import { trainingConfigSchema } from '../src/train/config.js';
import { exportTrlJob } from '../src/train/trl-export.js';
import { createEmbeddedBackend, embeddedCheckpointDir, toEmbeddedOptions, EMBEDDED_DEFAULT_CHECKPOINT, type EmbeddedFineTuneOptions } from '../src/train/embedded.js';
import { defined } from './defined.helper.js';

const paperYaml = fileURLToPath(new URL('../examples/paper-mixing.yaml', import.meta.url));

test('examples/paper-mixing.yaml validates: its training block is the paper SFT config, split over 8 GPUs', async () => {
  const experiment = loadExperiment(paperYaml);
  assert.equal(experiment.backend.type, 'trl');
  assert.deepEqual(experiment.training, trainingConfigSchema.parse({ method: 'sft', lora: { rank: 32, alpha: 64 } }));
  const dir = await mkdtemp(join(tmpdir(), 'candor-exp-'));
  const data = join(dir, 'd.jsonl');
  await writeFile(data, JSON.stringify({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }] }) + '\n');
  const job = { name: 'ratio-0.1-seed-1', config: experiment.training, seed: 1, baseModel: 'meta-llama/Llama-3.1-8B-Instruct', datasets: [{ path: data }], outputDir: join(dir, 'job') };
  const exported = await exportTrlJob(job, { numProcesses: 8 });
  assert.deepEqual(exported.config.training, experiment.training, 'trl_config.json holds the YAML block as parsed');
  assert.equal(exported.config.num_processes, 8);
  assert.equal(backendFromConfig(experiment.backend, experiment.eval_endpoint).name, 'trl');
});

test('a Ray backend whose token variable is unset is refused naming the field', () => {
  const experiment = loadExperiment(paperYaml);
  const backend = { ...experiment.backend, ray: { address: 'http://ray:8265', poll_seconds: 5, token_env: 'CANDOR_TEST_MISSING_TOKEN' } } as typeof experiment.backend;
  assert.throws(() => backendFromConfig(backend, experiment.eval_endpoint, { env: {} }), /field "backend\.ray\.token_env"/);
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
  const config = trainingConfigSchema.parse({ method: 'kto', epochs: 5, beta: 0.2 });
  const job = { name: 'biased-0.5', config, seed: 3, baseModel: 'embedded:default', datasets: [{ path: data }], outputDir: join(dir, 'arm') };
  const result = await backend.train(job);
  assert.equal(calls.length, 1);
  const call = defined(calls[0], 'the fine-tuning call');
  assert.equal(call.base, EMBEDDED_DEFAULT_CHECKPOINT);
  assert.deepEqual([call.epochs, call.lr, call.lora, call.beta, call.undesirableWeight, call.seed], [5, 1e-5, null, 0.2, 1, 3]);
  assert.equal(result.modelSpec, `embedded:${job.outputDir}`);
  assert.equal(result.metrics.final_loss, 0.5);
  const again = await backend.train(job);
  assert.equal(again.reused, true);
  assert.equal(calls.length, 1, 'a finished arm is not retrained');
  assert.throws(() => embeddedCheckpointDir('openai:gpt-4o'), /embedded models only/);
});

test('the embedded backend gets exactly the settings the experiment path gave it before the config was unified', () => {
  // examples/embedded-mixing.yaml is the main job. The options (and so the job digest that decides
  // whether a finished arm is reused) must be what the pre-refactor mapping gave: the file's epochs, lr and
  // batch, no LoRA, the arm's seed, nothing else.
  const config = loadExperiment(fileURLToPath(new URL('../examples/embedded-mixing.yaml', import.meta.url))).training;
  const job = { name: 'ratio-0.1-seed-2', config, seed: 2, baseModel: 'embedded:default', datasets: [{ path: '/data/train.jsonl' }], outputDir: '/runs/x/arm' };
  assert.deepEqual(toEmbeddedOptions(job), {
    base: EMBEDDED_DEFAULT_CHECKPOINT,
    data: ['/data/train.jsonl'],
    out: '/runs/x/arm',
    epochs: 2,
    lr: 3e-4,
    batchSize: 16,
    lora: null,
    seed: 2,
  });
});
