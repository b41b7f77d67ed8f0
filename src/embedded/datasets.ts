/**
 * Reads training sets from JSONL: SFT rows `{"messages": [...]}`, KTO rows
 * `{"prompt": string | messages, "completion": string, "label": boolean}`. Every line is validated;
 * a bad line is an InputError naming the file, line and field.
 */
import { readFileSync, existsSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../util/errors.js';
import type { ChatSampleLike, KtoSample } from './train.js';

const MessageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});

export const SftRowSchema = z.object({
  messages: z
    .array(MessageSchema)
    .min(1)
    .refine((m) => m.some((x) => x.role === 'assistant'), { message: 'needs at least one assistant message to train on' }),
});

export const KtoRowSchema = z.object({
  prompt: z.union([z.string().min(1), z.array(MessageSchema).min(1)]),
  completion: z.string(),
  label: z.boolean(),
});

/** A validated row with its 1-based line in the file. */
export interface NumberedRow<T> {
  row: T;
  line: number;
}

function readJsonl<S extends z.ZodType>(file: string, schema: S, what: string): z.infer<S>[] {
  return readNumberedJsonl(file, schema, what).map((r) => r.row);
}

function readNumberedJsonl<S extends z.ZodType>(file: string, schema: S, what: string): NumberedRow<z.infer<S>>[] {
  if (!existsSync(file)) throw new InputError('file not found', { file });
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  const rows: NumberedRow<z.infer<S>>[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new InputError(`not valid JSON (${(error as Error).message})`, { file, line: i + 1 });
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(issue?.message ?? 'invalid row', { file, line: i + 1, field: issue?.path.join('.') || undefined });
    }
    rows.push({ row: parsed.data, line: i + 1 });
  });
  if (rows.length === 0) throw new InputError(`no ${what} rows (the file is empty)`, { file });
  return rows;
}

export function readSftFile(file: string): ChatSampleLike[] {
  return readJsonl(file, SftRowSchema, 'SFT');
}

export function readKtoFile(file: string): KtoSample[] {
  const rows = readJsonl(file, KtoRowSchema, 'KTO');
  return rows;
}

export function readNumberedSftFile(file: string): NumberedRow<ChatSampleLike>[] {
  return readNumberedJsonl(file, SftRowSchema, 'SFT');
}

export function readNumberedKtoFile(file: string): NumberedRow<KtoSample>[] {
  return readNumberedJsonl(file, KtoRowSchema, 'KTO');
}
