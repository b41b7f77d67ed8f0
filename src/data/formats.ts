/**
 * The record formats users bring, their zod schemas, how each is told apart from its keys, and how
 * each becomes a ChatSample or KtoSample.
 *
 * Normalisation (documented because it decides sample digests):
 * - chat   {messages}                     → the messages (role, content); text-part arrays joined.
 * - alpaca {instruction, input?, output}  → user: instruction, plus "\n\n" + input when input is
 *                                           non-empty; assistant: output.
 * - dolly  {instruction, context?, response, category?} → user: instruction, plus "\n\n" + context
 *                                           when non-empty; assistant: response.
 * - kto    {prompt, completion, label}    → as is; a conversational completion (a list of assistant
 *                                           messages, TRL's conversational form) becomes its text.
 */
import { z } from 'zod';
import type { ChatMessage } from '../formats/chat.js';
import type { DataFormat, Sample } from './types.js';

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const content = z.union([z.string(), z.array(textPart).min(1)]).transform((c) => (typeof c === 'string' ? c : c.map((p) => p.text).join('')));

export const chatMessageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content,
});

export const chatRecordSchema = z.object({ messages: z.array(chatMessageSchema).min(1, 'needs at least one message') });

export const alpacaRecordSchema = z.object({
  instruction: z.string(),
  input: z.string().optional().default(''),
  output: z.string(),
});

export const dollyRecordSchema = z.object({
  instruction: z.string(),
  context: z.string().optional().default(''),
  response: z.string(),
  category: z.string().optional(),
});

export const ktoRecordSchema = z.object({
  prompt: z.union([z.string(), z.array(chatMessageSchema).min(1)]),
  completion: z.union([
    z.string(),
    z
      .array(chatMessageSchema.extend({ role: z.literal('assistant') }))
      .min(1)
      .transform((ms) => ms.map((m) => m.content).join('\n')),
  ]),
  label: z.boolean(),
});

function joinParts(head: string, tail: string): string {
  return tail.trim() ? `${head}\n\n${tail}` : head;
}

export const recordSchemas: Record<DataFormat, z.ZodType<Sample>> = {
  chat: chatRecordSchema.transform((r) => ({ messages: r.messages as ChatMessage[] })),
  alpaca: alpacaRecordSchema.transform((r) => ({
    messages: [
      { role: 'user', content: joinParts(r.instruction, r.input) },
      { role: 'assistant', content: r.output },
    ] as ChatMessage[],
  })),
  dolly: dollyRecordSchema.transform((r) => ({
    messages: [
      { role: 'user', content: joinParts(r.instruction, r.context) },
      { role: 'assistant', content: r.response },
    ] as ChatMessage[],
  })),
  kto: ktoRecordSchema.transform((r) => ({ prompt: r.prompt as string | ChatMessage[], completion: r.completion, label: r.label })),
};

/** Guess the format from one record's keys; undefined when nothing fits. */
export function detectFormat(record: unknown): DataFormat | undefined {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return undefined;
  const has = (k: string) => k in (record as Record<string, unknown>);
  if (has('messages')) return 'chat';
  if (has('prompt') && has('completion') && has('label')) return 'kto';
  if (has('instruction') && has('output')) return 'alpaca';
  if (has('instruction') && has('response')) return 'dolly';
  return undefined;
}
