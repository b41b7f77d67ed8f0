/**
 * The one interface every fine-tuning backend implements (the embedded TypeScript trainer, the TRL
 * scale-out path). What to train with is a TrainingConfig (src/train/config.ts), the project's only
 * training settings and defaults.
 */
import type { TrainingConfig, TrainMethod } from './config.js';

export type { TrainMethod } from './config.js';

/** One input file in Candor's formats: SFT chat JSONL (`messages`) or KTO JSONL (`prompt, completion, label`). */
export interface TrainDataset {
  path: string;
  /** Registry name, kept for lineage. */
  name?: string;
  /** Digest of the registry manifest this file was registered under (copied into the exported manifest). */
  manifestDigest?: string;
}

export interface TrainJob {
  /** Arm name (e.g. "ratio-0.1-seed-1"); also names the adapter served for evaluation. */
  name: string;
  /** Method and settings, already validated (trainingConfigSchema). */
  config: TrainingConfig;
  /** Seed of adapter init and data order (the arm's seed). */
  seed: number;
  /** Concatenated in the given order. */
  datasets: TrainDataset[];
  /** Hugging Face id or local path for TRL; a model spec (`embedded:<dir>`) for the embedded backend. */
  baseModel: string;
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
