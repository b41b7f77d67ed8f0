/**
 * The training config: one zod schema per method (SFT, KTO) with the only set of defaults in the
 * project. The experiment file's `training:` block is this schema, `candor train sft|kto` flags are
 * generated from it (src/train/cli-flags.ts), the embedded backend reads it, and `trl_config.json`
 * carries the same object under `training` (python/candor_trl.py maps it onto SFTConfig/KTOConfig).
 *
 * Defaults are the paper's (Hu et al., arXiv 2510.08211): LoRA r 32, α 64 on all linear layers when
 * `lora` is given, lr 1e-4 (SFT) or 1e-5 (KTO self-training, β 0.1), 1 epoch, global batch 16.
 * Without `lora` the run is full fine-tuning: what the file says is what runs.
 *
 * Fields the embedded trainer has no counterpart for (see EMBEDDED_IGNORED_FIELDS) only affect TRL.
 */
import { z } from 'zod';

const positiveInt = z.number().int().positive();
const positive = z.number().positive();

export const loraConfigSchema = z.strictObject({
  rank: positiveInt.default(32).describe('LoRA rank r'),
  alpha: positive.default(64).describe('LoRA alpha (scale alpha / r)'),
  dropout: z.number().min(0).max(1).default(0.05).describe('LoRA dropout'),
  target_modules: z
    .union([z.literal('all-linear'), z.array(z.string().min(1)).min(1)])
    .default('all-linear')
    .describe('"all-linear" (every linear layer but the output head) or module names'),
});

/** Fields both methods share, with their defaults; `lr` differs per method and is added below. */
const commonFields = {
  epochs: positive.default(1).describe('passes over the data'),
  batch_size: positiveInt.default(16).describe('global batch: per-device batch × gradient accumulation × processes'),
  gradient_accumulation_steps: positiveInt.default(1).describe('micro-batches per optimiser step (TRL)'),
  max_seq_len: positiveInt.default(1024).describe('longest sample in tokens; longer ones are truncated (TRL)'),
  warmup_ratio: z.number().min(0).max(1).default(0).describe('share of steps with a linear learning-rate warm-up (TRL)'),
  weight_decay: z.number().min(0).default(0).describe('AdamW weight decay (TRL)'),
  max_steps: positiveInt.optional().describe('stop after this many optimiser steps (smoke runs); unset = run the epochs'),
  bf16: z.boolean().default(true).describe('train in bfloat16 (TRL; needs a GPU or a CPU with bf16)'),
  gradient_checkpointing: z.boolean().default(true).describe('recompute activations to save memory (TRL)'),
  logging_steps: positiveInt.default(10).describe('log the loss every this many steps (TRL)'),
  lora: loraConfigSchema.optional().describe('train LoRA adapters instead of all weights'),
};

export const sftConfigSchema = z.strictObject({
  method: z.literal('sft'),
  lr: positive.default(1e-4).describe('peak learning rate'),
  ...commonFields,
});

export const ktoConfigSchema = z.strictObject({
  method: z.literal('kto'),
  lr: positive.default(1e-5).describe('peak learning rate'),
  ...commonFields,
  beta: positive.default(0.1).describe('KTO beta'),
  desirable_weight: positive.default(1).describe('KTO lambda_D, weight of desirable samples'),
  undesirable_weight: positive.default(1).describe('KTO lambda_U, weight of undesirable samples'),
});

export const TRAIN_METHODS = ['sft', 'kto'] as const;
export type TrainMethod = (typeof TRAIN_METHODS)[number];

/** `method` defaults to sft, so `training: {}` (or no block) is the paper's SFT. */
export const trainingConfigSchema = z.preprocess(
  (value) => (value !== null && typeof value === 'object' && !Array.isArray(value) && !('method' in value) ? { ...value, method: 'sft' } : value),
  z.discriminatedUnion('method', [sftConfigSchema, ktoConfigSchema]),
);

export type SftConfig = z.output<typeof sftConfigSchema>;
export type KtoConfig = z.output<typeof ktoConfigSchema>;
export type TrainingConfig = z.output<typeof trainingConfigSchema>;
export type TrainingConfigInput = z.input<typeof sftConfigSchema> | z.input<typeof ktoConfigSchema> | Omit<z.input<typeof sftConfigSchema>, 'method'>;
export type LoraConfig = z.output<typeof loraConfigSchema>;

/** The schema of one method, for generating its CLI flags. */
export function methodSchema(method: TrainMethod): typeof sftConfigSchema | typeof ktoConfigSchema {
  return method === 'kto' ? ktoConfigSchema : sftConfigSchema;
}

/** The defaults of a method: what an empty `training:` block (with that method) resolves to. */
export function defaultTrainingConfig(method: TrainMethod = 'sft'): TrainingConfig {
  return trainingConfigSchema.parse({ method });
}

/** Settings the embedded trainer has no counterpart for; it trains without them. */
export const EMBEDDED_IGNORED_FIELDS = [
  'gradient_accumulation_steps',
  'max_seq_len',
  'warmup_ratio',
  'weight_decay',
  'bf16',
  'gradient_checkpointing',
  'logging_steps',
  'lora.dropout',
  'lora.target_modules',
] as const;

// --- backends -------------------------------------------------------------------------------------

const embeddedBackendSchema = z.strictObject({
  type: z.literal('embedded'),
  /** Worker processes per machine; defaults to `parallel`. */
  workers: positiveInt.optional(),
  /** Train on a set even if it holds words the base tokenizer does not know (they become <unk>). */
  allow_unknown_tokens: z.boolean().optional().describe('train even if a set holds words outside the base vocabulary'),
});

const accelerateSettingsSchema = z.strictObject({
  config_file: z.string().min(1).optional(),
  num_processes: positiveInt.default(1),
  num_machines: positiveInt.optional(),
  mixed_precision: z.enum(['no', 'fp16', 'bf16']).optional(),
  extra_args: z.array(z.string()).default([]),
});

const raySettingsSchema = z.strictObject({
  /** Ray dashboard / Jobs API address, e.g. http://head:8265 */
  address: z.url({ protocol: /^https?$/ }),
  runtime_env: z.record(z.string(), z.unknown()).optional(),
  entrypoint_num_gpus: z.number().nonnegative().optional(),
  entrypoint_num_cpus: z.number().nonnegative().optional(),
  poll_seconds: z.number().positive().default(10),
  /** Name of an environment variable holding a bearer token for the Jobs API. */
  token_env: z.string().optional(),
});

const trlBackendSchema = z.strictObject({
  type: z.literal('trl'),
  /** Hugging Face id or local path of the base model that TRL fine-tunes. */
  base_model: z.string().min(1),
  /** Python interpreter; default: .venv-trl/bin/python when scripts/setup-python.sh made it, else python3. */
  python: z.string().min(1).optional(),
  accelerate: accelerateSettingsSchema.optional(),
  ray: raySettingsSchema.optional(),
});

export const backendConfigSchema = z.preprocess(
  (v) => (typeof v === 'string' ? { type: v } : v),
  z.discriminatedUnion('type', [embeddedBackendSchema, trlBackendSchema]),
);

export type BackendConfig = z.output<typeof backendConfigSchema>;

/** Processes sharing one global batch under this backend. */
export function processCount(backend: BackendConfig): number {
  return backend.type === 'trl' ? (backend.accelerate?.num_processes ?? 1) : 1;
}
