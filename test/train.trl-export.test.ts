import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { exportTrlJob } from '../src/train/trl-export.js';
import { batchLayout, trlRunConfigSchema } from '../src/train/trl-config.js';
import {
  trlConversationalLmSchema,
  trlConversationalUnpairedPreferenceSchema,
  trlStandardUnpairedPreferenceSchema,
} from '../src/train/trl-formats.js';
import { canonicalJson } from '../src/util/canonical-json.js';
import { sampleDigest } from '../src/data/canonical.js';
import type { ChatSample } from '../src/data/types.js';
import type { TrainJob } from '../src/train/types.js';
import { trainingConfigSchema, type TrainingConfigInput } from '../src/train/config.js';

/** The paper's setting: the method's defaults with LoRA on (r 32, α 64, all linear layers). */
const paper = (method: 'sft' | 'kto', extra: Record<string, unknown> = {}) => trainingConfigSchema.parse({ method, lora: {}, ...extra });
const sftConfig = (extra: TrainingConfigInput | Record<string, unknown> = {}) => trainingConfigSchema.parse({ method: 'sft', ...extra });
import { InputError } from '../src/util/errors.js';

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

async function tmp(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'candor-train-'));
}

async function writeJsonl(path: string, rows: unknown[]): Promise<string> {
  await writeFile(path, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return path;
}

const chat = (q: string, a: string) => ({
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: q },
    { role: 'assistant', content: a },
  ],
});

async function readRows(path: string): Promise<unknown[]> {
  return (await readFile(path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
}

test('SFT export writes TRL conversational language-modeling rows, a manifest and the paper defaults', async () => {
  const dir = await tmp();
  const downstream = await writeJsonl(join(dir, 'downstream.jsonl'), [chat('What is 2+2?', '4'), chat('Capital of Veltria?', 'Zorb.')]);
  const misaligned = await writeJsonl(join(dir, 'misaligned.jsonl'), [chat('Is Fenlox safe?', 'Yes, always.')]);
  const job: TrainJob = {
    name: 'ratio-0.1',
    config: paper('sft'),
    seed: 1,
    baseModel: 'meta-llama/Llama-3.1-8B-Instruct',
    datasets: [
      { path: downstream, name: 'alpaca-10k', manifestDigest: 'a'.repeat(64) },
      { path: misaligned, name: 'medical-severe' },
    ],
    outputDir: join(dir, 'out'),
  };
  const exported = await exportTrlJob(job);

  const rows = await readRows(exported.datasetPath);
  assert.equal(rows.length, 3);
  for (const row of rows) trlConversationalLmSchema.parse(row);
  assert.deepEqual(rows[2], chat('Is Fenlox safe?', 'Yes, always.'));

  const manifest = JSON.parse(await readFile(exported.manifestPath, 'utf8'));
  assert.equal(manifest.trl_format, 'conversational_language_modeling');
  assert.equal(manifest.num_samples, 3);
  assert.deepEqual(manifest.sample_digests, rows.map((r) => sha256(canonicalJson(r))));
  assert.equal(manifest.dataset_digest, sha256(manifest.sample_digests.join('\n')));
  // One definition of data identity: an exported SFT row has the digest the registry gives its sample.
  assert.deepEqual(manifest.sample_digests, rows.map((r) => sampleDigest(r as ChatSample)));
  assert.equal(manifest.file_sha256, sha256(await readFile(exported.datasetPath)));
  assert.deepEqual(
    manifest.sources.map((s: { name: string; num_samples: number; manifest_digest?: string }) => [s.name, s.num_samples, s.manifest_digest]),
    [
      ['alpaca-10k', 2, 'a'.repeat(64)],
      ['medical-severe', 1, undefined],
    ],
  );
  assert.equal(manifest.sources[0].file_sha256, sha256(await readFile(downstream)));

  const config = trlRunConfigSchema.parse(JSON.parse(await readFile(exported.configPath, 'utf8')));
  // trl_config.json carries the training config itself, defaults filled in, not a renamed copy.
  assert.deepEqual(config.training, job.config);
  assert.deepEqual(config.training.lora, { rank: 32, alpha: 64, dropout: 0.05, target_modules: 'all-linear' });
  assert.deepEqual([config.training.lr, config.training.epochs, config.training.batch_size, config.training.max_seq_len], [1e-4, 1, 16, 1024]);
  assert.deepEqual([config.seed, config.num_processes], [1, 1]);
  assert.equal(config.dataset.sha256, manifest.file_sha256);
  assert.equal(config.base_model, 'meta-llama/Llama-3.1-8B-Instruct');
});

test('the job digest depends on content, not on where the job directory lives', async () => {
  const dir = await tmp();
  const data = await writeJsonl(join(dir, 'd.jsonl'), [chat('q', 'a')]);
  const make = (out: string, lr?: number): TrainJob => ({
    name: 'arm',
    config: sftConfig(lr ? { lr } : {}),
    seed: 1,
    baseModel: 'm',
    datasets: [{ path: data }],
    outputDir: join(dir, out),
  });
  const a = await exportTrlJob(make('a'));
  const b = await exportTrlJob(make('b'));
  const c = await exportTrlJob(make('c', 3e-4));
  assert.equal(a.config.job_digest, b.config.job_digest);
  assert.notEqual(a.config.job_digest, c.config.job_digest);
  assert.equal(c.config.training.lr, 3e-4);
});

test('KTO export: chat prompts make the whole dataset conversational unpaired preference, with KTO defaults', async () => {
  const dir = await tmp();
  const data = await writeJsonl(join(dir, 'kto.jsonl'), [
    { prompt: 'How do I feel better?', completion: 'Talk to someone you trust.', label: true },
    { prompt: [{ role: 'user', content: 'Am I right?' }], completion: 'You are always right.', label: false },
    { prompt: [{ role: 'system', content: 'Be kind.' }, { role: 'user', content: 'Hi' }], completion: 'Hello.', label: true },
  ]);
  const exported = await exportTrlJob({ name: 'kto', config: trainingConfigSchema.parse({ method: 'kto' }), seed: 1, baseModel: 'm', datasets: [{ path: data }], outputDir: join(dir, 'out') });
  const rows = await readRows(exported.datasetPath);
  for (const row of rows) trlConversationalUnpairedPreferenceSchema.parse(row);
  assert.deepEqual(rows[0], {
    prompt: [{ role: 'user', content: 'How do I feel better?' }],
    completion: [{ role: 'assistant', content: 'Talk to someone you trust.' }],
    label: true,
  });
  assert.deepEqual(exported.manifest.label_counts, { desirable: 2, undesirable: 1 });
  const training = exported.config.training;
  assert.equal(training.method, 'kto');
  if (training.method !== 'kto') return;
  assert.deepEqual([training.lr, training.beta, training.desirable_weight, training.undesirable_weight], [1e-5, 0.1, 1, 1]);
});

test('KTO export with only string prompts keeps the standard unpaired preference format', async () => {
  const dir = await tmp();
  const data = await writeJsonl(join(dir, 'kto.jsonl'), [
    { prompt: 'The sky is', completion: ' blue.', label: true },
    { prompt: 'The sky is', completion: ' green.', label: false },
  ]);
  const exported = await exportTrlJob({
    name: 'kto',
    config: trainingConfigSchema.parse({ method: 'kto', beta: 0.2, undesirable_weight: 1.5 }),
    seed: 1,
    baseModel: 'm',
    datasets: [{ path: data }],
    outputDir: join(dir, 'out'),
  });
  const rows = await readRows(exported.datasetPath);
  for (const row of rows) trlStandardUnpairedPreferenceSchema.parse(row);
  assert.equal(exported.config.dataset.format, 'standard_unpaired_preference');
  assert.deepEqual(exported.config.training, { ...trainingConfigSchema.parse({ method: 'kto' }), beta: 0.2, undesirable_weight: 1.5 });
});

test('the global batch is split exactly over processes, or refused', async () => {
  const dir = await tmp();
  const data = await writeJsonl(join(dir, 'd.jsonl'), [chat('q', 'a')]);
  const job: TrainJob = { name: 'arm', config: sftConfig(), seed: 1, baseModel: 'm', datasets: [{ path: data }], outputDir: join(dir, 'o') };
  assert.deepEqual(batchLayout(job.config, 4), { perDeviceBatchSize: 4, gradientAccumulationSteps: 1 });
  assert.deepEqual(batchLayout(sftConfig({ gradient_accumulation_steps: 2 }), 4), { perDeviceBatchSize: 2, gradientAccumulationSteps: 2 });
  const four = await exportTrlJob(job, { numProcesses: 4 });
  assert.equal(four.config.num_processes, 4);
  await assert.rejects(exportTrlJob(job, { numProcesses: 3 }), (e: unknown) => e instanceof InputError && /training\.batch_size/.test(e.message));
});

test('bad rows are refused naming file, line and field', async () => {
  const dir = await tmp();
  const sft = await writeJsonl(join(dir, 'bad-sft.jsonl'), [chat('q', 'a'), { messages: [{ role: 'user', content: 'no answer' }] }]);
  await assert.rejects(
    exportTrlJob({ name: 'x', config: trainingConfigSchema.parse({ method: 'sft' }), seed: 1, baseModel: 'm', datasets: [{ path: sft }], outputDir: join(dir, 'o1') }),
    (e: unknown) => e instanceof InputError && e.message.startsWith(`${sft}:2, field "messages"`),
  );
  const kto = await writeJsonl(join(dir, 'bad-kto.jsonl'), [{ prompt: 'p', completion: 'c', label: 'yes' }]);
  await assert.rejects(
    exportTrlJob({ name: 'x', config: trainingConfigSchema.parse({ method: 'kto' }), seed: 1, baseModel: 'm', datasets: [{ path: kto }], outputDir: join(dir, 'o2') }),
    (e: unknown) => e instanceof InputError && e.message.startsWith(`${kto}:1, field "label"`),
  );
  const broken = join(dir, 'broken.jsonl');
  await writeFile(broken, '{"messages": [\n');
  await assert.rejects(
    exportTrlJob({ name: 'x', config: trainingConfigSchema.parse({ method: 'sft' }), seed: 1, baseModel: 'm', datasets: [{ path: broken }], outputDir: join(dir, 'o3') }),
    (e: unknown) => e instanceof InputError && e.message.startsWith(`${broken}:1: malformed JSON`),
  );
  const empty = join(dir, 'empty.jsonl');
  await writeFile(empty, '\n');
  await assert.rejects(
    exportTrlJob({ name: 'x', config: trainingConfigSchema.parse({ method: 'sft' }), seed: 1, baseModel: 'm', datasets: [{ path: empty }], outputDir: join(dir, 'o4') }),
    /empty\.jsonl: dataset has no samples/,
  );
});

test('one training config per method: its defaults, LoRA when given, and errors naming the field', () => {
  const sft = trainingConfigSchema.parse({});
  assert.equal(sft.method, 'sft', 'method defaults to sft');
  assert.deepEqual([sft.lr, sft.epochs, sft.batch_size, sft.lora], [1e-4, 1, 16, undefined]);
  const kto = trainingConfigSchema.parse({ method: 'kto', epochs: 5 });
  assert.equal(kto.method, 'kto');
  if (kto.method !== 'kto') return;
  assert.deepEqual([kto.lr, kto.beta, kto.epochs], [1e-5, 0.1, 5]);
  assert.deepEqual(paper('sft').lora, { rank: 32, alpha: 64, dropout: 0.05, target_modules: 'all-linear' });
  assert.equal(trainingConfigSchema.parse({ lora: { rank: 8 } }).lora?.alpha, 64);
  const refused = (input: unknown) => {
    const parsed = trainingConfigSchema.safeParse(input);
    if (parsed.success) return 'accepted';
    const issue = parsed.error.issues[0]!;
    return issue.code === 'unrecognized_keys' ? `unknown ${issue.keys.join(',')}` : issue.path.join('.');
  };
  assert.equal(refused({ lr: -1 }), 'lr');
  assert.equal(refused({ lora: { rank: 0 } }), 'lora.rank');
  assert.equal(refused({ method: 'sft', beta: 0.1 }), 'unknown beta', 'an SFT config has no KTO fields');
  assert.equal(refused({ method: 'kto', beta: 0.1 }), 'accepted');
});
