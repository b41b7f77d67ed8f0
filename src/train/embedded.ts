/**
 * The `embedded` backend: a thin adapter from TrainJob to the embedded model's own fine-tuning API
 * (src/embedded/, owned by the embedded-model engineer), so experiments drive both backends through
 * one interface.
 *
 * TODO(lead): the embedded trainer's file API was not in src/embedded/ when this was written. The
 * adapter loads `src/embedded/train.ts` at run time and expects `trainSftFromFiles` and
 * `trainKtoFromFiles` taking `EmbeddedFineTuneOptions` (below). If the real names or option names
 * differ, adjust `EMBEDDED_TRAIN_MODULE` / `toEmbeddedOptions` here (or import the module
 * statically once it exists) — nothing else depends on them.
 */
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultEmbeddedCheckpointDir, localCheckpointDir, parseModelSpec } from '../models/registry.js';
import { writeJsonAtomic } from '../util/atomic-write.js';
import { digestOf, fileSha256 } from '../util/canonical-json.js';
import { BackendUnavailableError, resolveHyperparameters, type TrainContext, type TrainJob, type TrainResult, type TrainerBackend } from './types.js';

export const EMBEDDED_DEFAULT_CHECKPOINT = defaultEmbeddedCheckpointDir();
const EMBEDDED_TRAIN_MODULE = '../embedded/train.js';
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
}

export interface EmbeddedFineTuneOutcome {
  metrics?: Record<string, number>;
}

export interface EmbeddedTrainerApi {
  trainSftFromFiles(options: EmbeddedFineTuneOptions): Promise<EmbeddedFineTuneOutcome | void>;
  trainKtoFromFiles(options: EmbeddedFineTuneOptions): Promise<EmbeddedFineTuneOutcome | void>;
}

export interface EmbeddedBackendOptions {
  /** Defaults to the embedded engineer's module, loaded on first use. */
  trainer?: EmbeddedTrainerApi;
}

export function createEmbeddedBackend(options: EmbeddedBackendOptions = {}): TrainerBackend {
  let trainer = options.trainer;
  return {
    name: 'embedded',
    async train(job: TrainJob, ctx: TrainContext = {}): Promise<TrainResult> {
      trainer ??= await loadEmbeddedTrainer();
      return trainEmbedded(trainer, job, ctx);
    },
  };
}

/** `embedded:default` → the committed checkpoint; `embedded:<dir>` → that directory. */
export function embeddedCheckpointDir(spec: string): string {
  const parsed = parseModelSpec(spec);
  if (parsed.kind !== 'embedded') throw new BackendUnavailableError(`the embedded backend trains embedded models only, got "${spec}"`);
  return localCheckpointDir(parsed)!;
}

export function toEmbeddedOptions(job: TrainJob, signal?: AbortSignal): EmbeddedFineTuneOptions {
  const hp = resolveHyperparameters(job.method, job.hyperparameters);
  return {
    base: embeddedCheckpointDir(job.baseModel),
    data: job.datasets.map((d) => d.path),
    out: job.outputDir,
    epochs: hp.epochs,
    lr: hp.learningRate,
    batchSize: hp.batchSize,
    lora: hp.lora ? { rank: hp.lora.rank, alpha: hp.lora.alpha } : null,
    seed: hp.seed,
    ...(hp.maxSteps !== undefined ? { maxSteps: hp.maxSteps } : {}),
    ...(job.method === 'kto' ? { beta: hp.kto.beta, desirableWeight: hp.kto.desirableWeight, undesirableWeight: hp.kto.undesirableWeight } : {}),
    ...(signal ? { signal } : {}),
  };
}

async function trainEmbedded(trainer: EmbeddedTrainerApi, job: TrainJob, ctx: TrainContext): Promise<TrainResult> {
  const options = toEmbeddedOptions(job, ctx.signal);
  const fileDigests = await Promise.all(options.data.map(async (file) => (await fileSha256(file)).sha256));
  const { signal: _signal, out: _out, ...settings } = options;
  const jobDigest = digestOf({ method: job.method, settings: { ...settings, data: fileDigests } });
  const logsPath = join(job.outputDir, LOG_FILE);
  const resultPath = join(job.outputDir, RESULT_FILE);

  const previous = await readPrevious(resultPath);
  if (previous && previous.jobDigest === jobDigest) return { ...previous, reused: true };

  await mkdir(job.outputDir, { recursive: true });
  const started = Date.now();
  const outcome = job.method === 'sft' ? await trainer.trainSftFromFiles(options) : await trainer.trainKtoFromFiles(options);
  const metrics = { ...(outcome?.metrics ?? {}), wall_seconds: (Date.now() - started) / 1000 };
  const result: TrainResult = {
    backend: 'embedded',
    method: job.method,
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

async function loadEmbeddedTrainer(): Promise<EmbeddedTrainerApi> {
  let module: Partial<EmbeddedTrainerApi>;
  try {
    // A variable specifier keeps the type checker from requiring the module before it exists.
    const specifier: string = EMBEDDED_TRAIN_MODULE;
    module = (await import(specifier)) as Partial<EmbeddedTrainerApi>;
  } catch (error) {
    throw new BackendUnavailableError(`the embedded trainer module (src/embedded/train.ts) could not be loaded: ${(error as Error).message}`);
  }
  if (typeof module.trainSftFromFiles !== 'function' || typeof module.trainKtoFromFiles !== 'function') {
    throw new BackendUnavailableError('src/embedded/train.ts does not export trainSftFromFiles and trainKtoFromFiles');
  }
  return module as EmbeddedTrainerApi;
}
