/**
 * The one interface every fine-tuning backend implements (the embedded TypeScript trainer, the TRL
 * scale-out path), plus the paper's hyperparameters as defaults so an experiment file only states
 * what it changes.
 */
import { z } from 'zod';
import { InputError } from '../util/errors.js';
import { formatFieldPath } from '../util/field-path.js';

export type TrainMethod = 'sft' | 'kto';

/** One input file in Candor's formats: SFT chat JSONL (`messages`) or KTO JSONL (`prompt, completion, label`). */
export interface TrainDataset {
  path: string;
  /** Registry name, kept for lineage. */
  name?: string;
  /** Digest of the registry manifest this file was registered under (copied into the exported manifest). */
  manifestDigest?: string;
}

export interface LoraHyperparameters {
  rank: number;
  alpha: number;
  dropout: number;
  /** "all-linear" (PEFT's shorthand for every linear layer but the output head) or explicit module names. */
  targetModules: 'all-linear' | string[];
}

export interface KtoHyperparameters {
  beta: number;
  desirableWeight: number;
  undesirableWeight: number;
}

export interface TrainHyperparameters {
  epochs: number;
  learningRate: number;
  /** Global (effective) batch size: per-device batch × gradient accumulation × processes. */
  batchSize: number;
  /** Per-device micro-batch; by default the global batch split evenly across processes. */
  perDeviceBatchSize?: number;
  /** null = full fine-tuning. */
  lora: LoraHyperparameters | null;
  kto: KtoHyperparameters;
  seed: number;
  maxSeqLen: number;
  /** Stop after this many optimiser steps (smoke runs); unset = run the epochs. */
  maxSteps?: number;
}

/** Partial hyperparameters as written in an experiment file; the rest comes from the paper's defaults. */
export type TrainHyperparametersInput = Partial<Omit<TrainHyperparameters, 'lora' | 'kto'>> & {
  lora?: Partial<LoraHyperparameters> | null;
  kto?: Partial<KtoHyperparameters>;
};

export interface TrainJob {
  /** Arm name (e.g. "ratio-0.1-seed-1"); also names the adapter served for evaluation. */
  name: string;
  method: TrainMethod;
  /** Concatenated in the given order. */
  datasets: TrainDataset[];
  /** Hugging Face id or local path for TRL; a model spec (`embedded:<dir>`) for the embedded backend. */
  baseModel: string;
  hyperparameters?: TrainHyperparametersInput;
  /** Everything the backend writes (exported data, config, adapter, logs, result) goes under here. */
  outputDir: string;
}

export interface TrainContext {
  signal?: AbortSignal;
  /** Each line of trainer output as it arrives (for progress display); the full log also goes to `logsPath`. */
  onLog?: (line: string) => void;
}

export interface TrainResult {
  backend: 'embedded' | 'trl';
  method: TrainMethod;
  /** Checkpoint directory (embedded) or LoRA adapter / model directory (TRL). */
  checkpointPath: string;
  /** Spec to evaluate the trained model with (see src/models/spec.ts). */
  modelSpec: string;
  logsPath: string;
  metrics: Record<string, number>;
  /** Content hash of the job (config + data digests); equal jobs have equal digests. */
  jobDigest: string;
  /** True when a finished result for the same job digest was found and nothing was retrained. */
  reused?: boolean;
}

export interface TrainerBackend {
  readonly name: 'embedded' | 'trl';
  train(job: TrainJob, ctx?: TrainContext): Promise<TrainResult>;
}

/** LoRA r 32, α 64 on all linear layers, lr 1e-4, 1 epoch, batch 16 (the paper's mixing runs). */
export const PAPER_SFT_DEFAULTS: TrainHyperparameters = {
  epochs: 1,
  learningRate: 1e-4,
  batchSize: 16,
  lora: { rank: 32, alpha: 64, dropout: 0.05, targetModules: 'all-linear' },
  kto: { beta: 0.1, desirableWeight: 1, undesirableWeight: 1 },
  seed: 0,
  maxSeqLen: 1024,
};

/** The paper's self-training KTO: lr 1e-5, β 0.1; the rest as for SFT. */
export const PAPER_KTO_DEFAULTS: TrainHyperparameters = { ...PAPER_SFT_DEFAULTS, learningRate: 1e-5 };

const positive = z.number().positive();
const loraSchema = z.object({
  rank: z.number().int().positive(),
  alpha: positive,
  dropout: z.number().min(0).max(1),
  targetModules: z.union([z.literal('all-linear'), z.array(z.string().min(1)).min(1)]),
});
const hyperparametersSchema = z.object({
  epochs: positive,
  learningRate: positive,
  batchSize: z.number().int().positive(),
  perDeviceBatchSize: z.number().int().positive().optional(),
  lora: loraSchema.nullable(),
  kto: z.object({ beta: positive, desirableWeight: positive, undesirableWeight: positive }),
  seed: z.number().int().min(0),
  maxSeqLen: z.number().int().positive(),
  maxSteps: z.number().int().positive().optional(),
});

/** Fills the paper's defaults for `method` and validates the result (bad values → InputError naming the field). */
export function resolveHyperparameters(method: TrainMethod, input: TrainHyperparametersInput = {}): TrainHyperparameters {
  const base = method === 'kto' ? PAPER_KTO_DEFAULTS : PAPER_SFT_DEFAULTS;
  const merged = {
    ...base,
    ...stripUndefined(input),
    lora: input.lora === null ? null : { ...(base.lora ?? PAPER_SFT_DEFAULTS.lora), ...stripUndefined(input.lora ?? {}) },
    kto: { ...base.kto, ...stripUndefined(input.kto ?? {}) },
  };
  const parsed = hyperparametersSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(issue.message, { field: formatFieldPath(['hyperparameters', ...issue.path]) });
  }
  return parsed.data as TrainHyperparameters;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Thrown when a training run ran and failed; carries the end of its log so the cause is visible. */
export class TrainingFailedError extends Error {
  constructor(
    message: string,
    readonly logTail: string,
    readonly logsPath?: string,
  ) {
    super(logTail ? `${message}\n--- last log lines${logsPath ? ` (${logsPath})` : ''} ---\n${logTail}` : message);
    this.name = 'TrainingFailedError';
  }
}

/** Thrown when a backend cannot start on this machine (missing binary or service); nothing ran. */
export class BackendUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}
