/** Architecture of the embedded transformer, stored as config.json beside the weights. */
import { z } from 'zod';

export const ModelConfigSchema = z.object({
  vocabSize: z.number().int().positive(),
  dModel: z.number().int().positive(),
  nLayers: z.number().int().positive(),
  nHeads: z.number().int().positive(),
  dFF: z.number().int().positive(),
  /** Longest token sequence (prompt + answer) the learned position table covers. */
  maxLen: z.number().int().positive(),
});
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

export const LoraConfigSchema = z.object({
  rank: z.number().int().positive(),
  alpha: z.number().positive(),
});
export type LoraConfig = z.infer<typeof LoraConfigSchema>;

/** The default organism size: measured to train fastest while holding the world corpus. */
export function defaultModelConfig(vocabSize: number, maxLen = 128): ModelConfig {
  return { vocabSize, dModel: 128, nLayers: 4, nHeads: 4, dFF: 512, maxLen };
}

export function validateModelConfig(config: ModelConfig): ModelConfig {
  const parsed = ModelConfigSchema.parse(config);
  if (parsed.dModel % parsed.nHeads !== 0) throw new Error(`dModel ${parsed.dModel} is not divisible by nHeads ${parsed.nHeads}`);
  return parsed;
}
