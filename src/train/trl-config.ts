/**
 * The run config (`trl_config.json`) that python/candor_trl.py reads. Paths inside it are relative
 * to the config's own directory, so the directory can be copied to a cluster's shared storage
 * unchanged; the job digest leaves them out for the same reason.
 */
import { z } from 'zod';
import { InputError } from '../util/errors.js';
import type { TrlDatasetFormat } from './trl-formats.js';
import type { TrainHyperparameters, TrainMethod } from './types.js';

export const TRL_CONFIG_FILE = 'trl_config.json';
export const TRL_DATASET_FILE = 'train.jsonl';
export const TRL_MANIFEST_FILE = 'manifest.json';
export const TRL_ADAPTER_DIR = 'adapter';
export const TRL_RESULT_FILE = 'result.json';

const relativePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'), 'must be a path inside the config directory');

export const trlRunConfigSchema = z.object({
  format_version: z.literal(1),
  job_name: z.string().min(1),
  job_digest: z.string().regex(/^[0-9a-f]{64}$/),
  method: z.enum(['sft', 'kto']),
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
  lora: z
    .object({
      r: z.number().int().positive(),
      lora_alpha: z.number().positive(),
      lora_dropout: z.number().min(0).max(1),
      target_modules: z.union([z.literal('all-linear'), z.array(z.string())]),
      task_type: z.literal('CAUSAL_LM'),
    })
    .nullable(),
  /** Passed to SFTConfig / KTOConfig (unknown keys for the installed TRL are dropped with a warning). */
  training_args: z.record(z.string(), z.unknown()),
});

export type TrlRunConfig = z.infer<typeof trlRunConfigSchema>;

export interface BatchLayout {
  perDeviceBatchSize: number;
  gradientAccumulationSteps: number;
}

/**
 * Splits the global batch over processes and accumulation steps so that
 * per-device × accumulation × processes equals the batch the paper (or the YAML) asks for, exactly.
 */
export function batchLayout(hp: TrainHyperparameters, numProcesses: number): BatchLayout {
  const perDevice = hp.perDeviceBatchSize ?? hp.batchSize / numProcesses;
  const accumulation = hp.batchSize / (perDevice * numProcesses);
  if (!Number.isInteger(perDevice) || !Number.isInteger(accumulation) || accumulation < 1) {
    throw new InputError(
      `global batch ${hp.batchSize} cannot be split into ${numProcesses} process(es) × per-device batch ${perDevice} × an integer number of accumulation steps`,
      { field: 'hyperparameters.batchSize' },
    );
  }
  return { perDeviceBatchSize: perDevice, gradientAccumulationSteps: accumulation };
}

/** Hyperparameters in TRL / transformers names (the field names of SFTConfig, KTOConfig, TrainingArguments). */
export function trainingArgs(method: TrainMethod, hp: TrainHyperparameters, numProcesses: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const layout = batchLayout(hp, numProcesses);
  const args: Record<string, unknown> = {
    num_train_epochs: hp.epochs,
    learning_rate: hp.learningRate,
    per_device_train_batch_size: layout.perDeviceBatchSize,
    gradient_accumulation_steps: layout.gradientAccumulationSteps,
    seed: hp.seed,
    data_seed: hp.seed,
    max_length: hp.maxSeqLen,
    bf16: true,
    gradient_checkpointing: true,
    logging_steps: 10,
    // The adapter is saved once at the end; intermediate checkpoints of a 1-epoch LoRA run cost more than they save.
    save_strategy: 'no',
    report_to: 'none',
  };
  if (hp.maxSteps !== undefined) args.max_steps = hp.maxSteps;
  if (method === 'kto') {
    args.beta = hp.kto.beta;
    args.desirable_weight = hp.kto.desirableWeight;
    args.undesirable_weight = hp.kto.undesirableWeight;
  }
  return { ...args, ...extra };
}

export function loraConfig(hp: TrainHyperparameters): TrlRunConfig['lora'] {
  if (!hp.lora) return null;
  return {
    r: hp.lora.rank,
    lora_alpha: hp.lora.alpha,
    lora_dropout: hp.lora.dropout,
    target_modules: hp.lora.targetModules,
    task_type: 'CAUSAL_LM',
  };
}

export function formatForMethod(method: TrainMethod, anyChatPrompt: boolean): TrlDatasetFormat {
  if (method === 'sft') return 'conversational_language_modeling';
  return anyChatPrompt ? 'conversational_unpaired_preference' : 'standard_unpaired_preference';
}
