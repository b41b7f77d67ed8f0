/**
 * A checkpoint is a directory: config.json (architecture + provenance), tokenizer.json and
 * model.safetensors. Every file is written atomically, so a kill mid-save keeps the previous one.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { initBackend } from './backend.js';
import { ModelConfigSchema, LoraConfigSchema, type ModelConfig } from './config.js';
import { TransformerModel, parameterSpecs } from './model.js';
import { readSafetensors, writeSafetensors, type NamedTensor } from './safetensors.js';
import { TokenizerFileSchema, WordTokenizer } from './tokenizer.js';
import { InputError } from '../util/errors.js';

export const CheckpointConfigSchema = z.object({
  format: z.literal('candor-embedded'),
  version: z.literal(1),
  model: ModelConfigSchema,
  /** Free-form provenance: how this checkpoint was made (seed, corpus, base, steps...). */
  provenance: z.record(z.string(), z.unknown()).default({}),
  /** Present when the weights were fine-tuned with LoRA (the adapters are merged into model.safetensors). */
  lora: LoraConfigSchema.optional(),
});
export type CheckpointConfig = z.infer<typeof CheckpointConfigSchema>;

export interface LoadedCheckpoint {
  dir: string;
  config: CheckpointConfig;
  model: TransformerModel;
  tokenizer: WordTokenizer;
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export async function saveCheckpoint(
  dir: string,
  model: TransformerModel,
  tokenizer: WordTokenizer,
  extra: { provenance?: Record<string, unknown>; lora?: CheckpointConfig['lora'] } = {},
): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const tensors = new Map<string, NamedTensor>();
  const merged = model.mergedValues();
  for (const [name, t] of merged) {
    tensors.set(name, { shape: t.shape, data: (await t.data()) as Float32Array });
    if (!model.params.has(name) || t !== model.params.get(name)) t.dispose();
  }
  if (model.lora.size > 0) {
    const adapters = new Map<string, NamedTensor>();
    for (const [name, { a, b }] of model.lora) {
      adapters.set(name + '.lora_a', { shape: a.shape, data: (await a.data()) as Float32Array });
      adapters.set(name + '.lora_b', { shape: b.shape, data: (await b.data()) as Float32Array });
    }
    writeSafetensors(path.join(dir, 'adapter.safetensors'), adapters, { scale: String(model.loraScale) });
  }
  writeSafetensors(path.join(dir, 'model.safetensors'), tensors, { format: 'candor-embedded' });
  writeAtomic(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizer.toJSON()) + '\n');
  const config: CheckpointConfig = {
    format: 'candor-embedded',
    version: 1,
    model: model.config,
    provenance: extra.provenance ?? {},
    ...(extra.lora ? { lora: extra.lora } : {}),
  };
  writeAtomic(path.join(dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
}

function readJson(file: string): unknown {
  if (!existsSync(file)) throw new InputError('checkpoint file is missing', { file });
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(`not valid JSON (${(error as Error).message})`, { file });
  }
}

function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, file: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(issue?.message ?? 'invalid', { file, field: issue?.path.join('.') });
  }
  return parsed.data;
}

export function readCheckpointConfig(dir: string): CheckpointConfig {
  const file = path.join(dir, 'config.json');
  return parseOrThrow(CheckpointConfigSchema, readJson(file), file);
}

export function readTokenizer(dir: string): WordTokenizer {
  const file = path.join(dir, 'tokenizer.json');
  return new WordTokenizer(parseOrThrow(TokenizerFileSchema, readJson(file), file));
}

export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  await initBackend();
  const config = readCheckpointConfig(dir);
  const tokenizer = readTokenizer(dir);
  if (tokenizer.size !== config.model.vocabSize) {
    throw new InputError(`tokenizer has ${tokenizer.size} entries but the model expects ${config.model.vocabSize}`, { file: path.join(dir, 'tokenizer.json') });
  }
  const weightsFile = path.join(dir, 'model.safetensors');
  if (!existsSync(weightsFile)) throw new InputError('checkpoint file is missing', { file: weightsFile });
  const { tensors } = readSafetensors(weightsFile);
  const values = new Map<string, Float32Array>();
  for (const spec of parameterSpecs(config.model)) {
    const t = tensors.get(spec.name);
    if (!t) throw new InputError(`missing tensor ${spec.name}`, { file: weightsFile });
    if (t.shape.join(',') !== spec.shape.join(',')) throw new InputError(`tensor ${spec.name} has shape [${t.shape}] but the config implies [${spec.shape}]`, { file: weightsFile });
    values.set(spec.name, t.data);
  }
  return { dir, config, model: new TransformerModel(config.model as ModelConfig, values), tokenizer };
}
