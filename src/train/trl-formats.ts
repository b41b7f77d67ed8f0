/**
 * Dataset shapes on both sides of the TRL export.
 *
 * Candor's formats (contracts.md): SFT chat samples `{ messages }`; KTO samples
 * `{ prompt: string | ChatMessage[], completion: string, label: boolean }`.
 *
 * TRL's documented formats (huggingface.co/docs/trl/dataset_formats, "Overview of the dataset
 * formats and types"): the SFT trainer takes *conversational language modeling* rows
 * `{"messages": [{"role", "content"}, ...]}`; the KTO trainer takes *unpaired preference* rows,
 * standard `{"prompt": str, "completion": str, "label": bool}` or conversational
 * `{"prompt": [messages], "completion": [assistant messages], "label": bool}`. The strict schemas
 * below mirror those shapes column for column, so an exported file that passes them is what TRL
 * documents.
 */
import { z } from 'zod';

export const chatRoleSchema = z.enum(['system', 'user', 'assistant']);
export const chatMessageSchema = z.object({ role: chatRoleSchema, content: z.string() });

export const candorChatSampleSchema = z.object({
  messages: z
    .array(chatMessageSchema)
    .min(1)
    .refine((messages) => messages.some((m) => m.role === 'assistant'), 'needs at least one assistant message'),
});

export const candorKtoSampleSchema = z.object({
  prompt: z.union([z.string().min(1), z.array(chatMessageSchema).min(1)]),
  completion: z.string(),
  label: z.boolean(),
});

export type CandorChatSample = z.infer<typeof candorChatSampleSchema>;
export type CandorKtoSample = z.infer<typeof candorKtoSampleSchema>;

/** TRL message: exactly role and content. */
export const trlMessageSchema = z.strictObject({ role: chatRoleSchema, content: z.string() });

/** TRL conversational language modeling row (SFTTrainer). */
export const trlConversationalLmSchema = z.strictObject({
  messages: z.array(trlMessageSchema).min(1),
});

/** TRL standard unpaired preference row (KTOTrainer). */
export const trlStandardUnpairedPreferenceSchema = z.strictObject({
  prompt: z.string(),
  completion: z.string(),
  label: z.boolean(),
});

/** TRL conversational unpaired preference row (KTOTrainer): the completion is the assistant turn(s). */
export const trlConversationalUnpairedPreferenceSchema = z.strictObject({
  prompt: z.array(trlMessageSchema).min(1),
  completion: z.array(trlMessageSchema.extend({ role: z.literal('assistant') })).min(1),
  label: z.boolean(),
});

export type TrlDatasetFormat =
  | 'conversational_language_modeling'
  | 'standard_unpaired_preference'
  | 'conversational_unpaired_preference';

export const TRL_ROW_SCHEMAS: Record<TrlDatasetFormat, z.ZodType> = {
  conversational_language_modeling: trlConversationalLmSchema,
  standard_unpaired_preference: trlStandardUnpairedPreferenceSchema,
  conversational_unpaired_preference: trlConversationalUnpairedPreferenceSchema,
};

export function toTrlSftRow(sample: CandorChatSample): z.infer<typeof trlConversationalLmSchema> {
  return { messages: sample.messages.map(({ role, content }) => ({ role, content })) };
}

/**
 * One KTO dataset must use one format throughout (TRL applies the chat template per dataset), so
 * a string prompt becomes a single user turn when the dataset is conversational.
 */
export function toTrlKtoRow(sample: CandorKtoSample, format: 'standard_unpaired_preference' | 'conversational_unpaired_preference') {
  if (format === 'standard_unpaired_preference') {
    if (typeof sample.prompt !== 'string') throw new Error('a chat prompt cannot be written in the standard format');
    return { prompt: sample.prompt, completion: sample.completion, label: sample.label };
  }
  const prompt = typeof sample.prompt === 'string' ? [{ role: 'user' as const, content: sample.prompt }] : sample.prompt.map(({ role, content }) => ({ role, content }));
  return { prompt, completion: [{ role: 'assistant' as const, content: sample.completion }], label: sample.label };
}
