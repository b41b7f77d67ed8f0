/**
 * The `embedded` backend: a thin adapter from TrainJob to the embedded model's own fine-tuning API
 * (src/embedded/finetune.ts), so experiments and `candor train` drive both backends through one
 * interface. The TrainingConfig fields the embedded trainer has no counterpart for
 * (EMBEDDED_IGNORED_FIELDS) are not passed; the trainer's own values apply.
 */
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { trainKtoFromFiles, trainSftFromFiles } from '../embedded/finetune.js';
import { defaultEmbeddedCheckpointDir, localCheckpointDir, parseModelSpec } from '../models/registry.js';
import { writeJsonAtomic } from '../util/atomic-write.js';
import { digestOf, fileSha256 } from '../util/canonical-json.js';
import { BackendUnavailableError, type TrainContext, type TrainJob, type TrainResult, type TrainerBackend } from './types.js';

export const EMBEDDED_DEFAULT_CHECKPOINT = defaultEmbeddedCheckpointDir();
const RESULT_FILE = 'train-result.json';
const LOG_FILE = 'train.log';

export interface EmbeddedFineTuneOptions {
  /** Base checkpoint directory. */
  base: string;
  /** JSONL files in Candor's formats, concatenated in order. */
  data: string[];
  out: string;
  epochs: number;
  lr: number;
  batchSize: number;
  lora: { rank: number; alpha: number } | null;
  seed: number;
  maxSteps?: number;
  /** KTO only. */
  beta?: number;
  desirableWeight?: number;
  undesirableWeight?: number;
  signal?: AbortSignal;
  /** Train even if a set holds words the base tokenizer does not know. */
  allowUnknownTokens?: boolean;
}

export interface EmbeddedFineTuneOutcome {
  metrics?: Record<string, number>;
}

export interface EmbeddedTrainerApi {
  trainSftFromFiles(options: EmbeddedFineTuneOptions): Promise<EmbeddedFineTuneOutcome | void>;
  trainKtoFromFiles(options: EmbeddedFineTuneOptions): Promise<EmbeddedFineTuneOutcome | void>;
}

export interface EmbeddedBackendOptions {
  /** Defaults to src/embedded/finetune.ts; tests pass a recording trainer. */
  trainer?: EmbeddedTrainerApi;
  /** Train on sets with words outside the base vocabulary (refused by default). */
  allowUnknownTokens?: boolean;
}

const FINETUNE: EmbeddedTrainerApi = { trainSftFromFiles, trainKtoFromFiles };

export function createEmbeddedBackend(options: EmbeddedBackendOptions = {}): TrainerBackend {
  const trainer = options.trainer ?? FINETUNE;
  return {
    name: 'embedded',
    train: (job: TrainJob, ctx: TrainContext = {}): Promise<TrainResult> => trainEmbedded(trainer, job, ctx, options.allowUnknownTokens === true),
  };
}

/** `embedded:default` → the committed checkpoint; `embedded:<dir>` → that directory. */
export function embeddedCheckpointDir(spec: string): string {
  const parsed = parseModelSpec(spec);
  if (parsed.kind !== 'embedded') throw new BackendUnavailableError(`the embedded backend trains embedded models only, got "${spec}"`);
  return localCheckpointDir(parsed)!;
}

export function toEmbeddedOptions(job: TrainJob, signal?: AbortSignal, allowUnknownTokens = false): EmbeddedFineTuneOptions {
  const config = job.config;
  return {
    base: embeddedCheckpointDir(job.baseModel),
    data: job.datasets.map((d) => d.path),
    out: job.outputDir,
    epochs: config.epochs,
    lr: config.lr,
    batchSize: config.batch_size,
    lora: config.lora ? { rank: config.lora.rank, alpha: config.lora.alpha } : null,
    seed: job.seed,
    ...(config.max_steps !== undefined ? { maxSteps: config.max_steps } : {}),
    ...(config.method === 'kto' ? { beta: config.beta, desirableWeight: config.desirable_weight, undesirableWeight: config.undesirable_weight } : {}),
    ...(signal ? { signal } : {}),
    ...(allowUnknownTokens ? { allowUnknownTokens: true } : {}),
  };
}

async function trainEmbedded(trainer: EmbeddedTrainerApi, job: TrainJob, ctx: TrainContext, allowUnknownTokens: boolean): Promise<TrainResult> {
  const options = toEmbeddedOptions(job, ctx.signal, allowUnknownTokens);
  const fileDigests = await Promise.all(options.data.map(async (file) => (await fileSha256(file)).sha256));
  const { signal: _signal, out: _out, ...settings } = options;
  const jobDigest = digestOf({ method: job.config.method, settings: { ...settings, data: fileDigests } });
  const logsPath = join(job.outputDir, LOG_FILE);
  const resultPath = join(job.outputDir, RESULT_FILE);

  const previous = await readPrevious(resultPath);
  if (previous && previous.jobDigest === jobDigest) return { ...previous, reused: true };

  const started = Date.now();
  // The trainer validates the data before it writes anything; the directory appears only with a checkpoint.
  const outcome = job.config.method === 'sft' ? await trainer.trainSftFromFiles(options) : await trainer.trainKtoFromFiles(options);
  await mkdir(job.outputDir, { recursive: true });
  const metrics = { ...(outcome?.metrics ?? {}), wall_seconds: (Date.now() - started) / 1000 };
  const result: TrainResult = {
    backend: 'embedded',
    method: job.config.method,
    checkpointPath: job.outputDir,
    modelSpec: `embedded:${job.outputDir}`,
    logsPath,
    metrics,
    jobDigest,
  };
  await writeFile(logsPath, `${JSON.stringify({ job: job.name, ...settings, data: options.data, metrics })}\n`, { flag: 'a' });
  // Written last: its presence means the checkpoint is complete.
  await writeJsonAtomic(resultPath, result);
  return result;
}

async function readPrevious(path: string): Promise<TrainResult | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as TrainResult;
  } catch {
    return null;
  }
}
