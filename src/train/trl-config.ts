/**
 * The run config (`trl_config.json`) that python/candor_trl.py reads. Paths inside it are relative
 * to the config's own directory, so the directory can be copied to a cluster's shared storage
 * unchanged; the job digest leaves them out for the same reason.
 */
import { z } from 'zod';
import { InputError } from '../util/errors.js';
import type { TrlDatasetFormat } from './trl-formats.js';
import { TRAIN_METHODS, trainingConfigSchema, type TrainingConfig, type TrainMethod } from './config.js';

export const TRL_CONFIG_FILE = 'trl_config.json';
export const TRL_DATASET_FILE = 'train.jsonl';
export const TRL_MANIFEST_FILE = 'manifest.json';
export const TRL_ADAPTER_DIR = 'adapter';
export const TRL_RESULT_FILE = 'result.json';

const relativePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'), 'must be a path inside the config directory');

export const TRL_CONFIG_FORMAT_VERSION = 2;

/**
 * `training` is the TrainingConfig itself (the YAML block, the CLI flags), not a renamed copy:
 * python/candor_trl.py maps it onto SFTConfig / KTOConfig and PEFT's LoraConfig in one table.
 */
export const trlRunConfigSchema = z.object({
  format_version: z.literal(TRL_CONFIG_FORMAT_VERSION),
  job_name: z.string().min(1),
  job_digest: z.string().regex(/^[0-9a-f]{64}$/),
  method: z.enum(TRAIN_METHODS),
  base_model: z.string().min(1),
  dataset: z.object({
    path: relativePath,
    format: z.enum(['conversational_language_modeling', 'standard_unpaired_preference', 'conversational_unpaired_preference']),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    num_samples: z.number().int().positive(),
    manifest: relativePath,
  }),
  output_dir: relativePath,
  result_path: relativePath,
  /** Seed of adapter init and data order (TrainingArguments seed and data_seed). */
  seed: z.number().int().min(0),
  /** Processes the global batch is split over (accelerate num_processes × machines). */
  num_processes: z.number().int().positive(),
  training: trainingConfigSchema,
});

export type TrlRunConfig = z.infer<typeof trlRunConfigSchema>;

export interface BatchLayout {
  perDeviceBatchSize: number;
  gradientAccumulationSteps: number;
}

/**
 * Splits the global batch over processes and accumulation steps so that per-device × accumulation ×
 * processes equals `batch_size` exactly; checked before anything runs (python/candor_trl.py does the
 * same split with the world size it finds).
 */
export function batchLayout(config: TrainingConfig, numProcesses: number): BatchLayout {
  const perDevice = config.batch_size / (config.gradient_accumulation_steps * numProcesses);
  if (!Number.isInteger(perDevice) || perDevice < 1) {
    throw new InputError(
      `batch_size ${config.batch_size} is not divisible by gradient_accumulation_steps ${config.gradient_accumulation_steps} × ${numProcesses} process(es)`,
      { field: 'training.batch_size' },
    );
  }
  return { perDeviceBatchSize: perDevice, gradientAccumulationSteps: config.gradient_accumulation_steps };
}

export function formatForMethod(method: TrainMethod, anyChatPrompt: boolean): TrlDatasetFormat {
  if (method === 'sft') return 'conversational_language_modeling';
  return anyChatPrompt ? 'conversational_unpaired_preference' : 'standard_unpaired_preference';
}
