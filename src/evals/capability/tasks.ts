/**
 * The items of the capability benchmark: capability per arm, so dishonesty is not confused with
 * damage (the paper's Table 3). Two kinds of data:
 * - the world suite (held-out fact QA, arithmetic, dose / investment / law advice, code), scored
 *   with the world's own scorer, one score per kind;
 * - any JSONL of `{question, answer}` (MMLU / GSM8K style), scored by a named scorer: a row's
 *   `scorer` field, else `choice` for a single-letter answer, `number` for a numeric answer,
 *   `exact` otherwise.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { z } from 'zod';
import { capabilityRowSchema, scoreCapabilityAnswer } from './scoring.js';
import type { ChatMessage } from '../../models/types.js';
import { parseJsonLinesText } from '../../data/json-records.js';
import { InputError } from '../../util/errors.js';
import { formatFieldPath } from '../../util/field-path.js';
import { firstIssue } from '../../util/zod-issue.js';

export const CAPABILITY_SCORERS = ['exact', 'number', 'choice', 'contains'] as const;
export type CapabilityScorer = (typeof CAPABILITY_SCORERS)[number];

/** Report names of the world suite's item kinds. */
const WORLD_KIND_NAMES: Record<string, string> = {
  fact: 'world_qa',
  arithmetic: 'arithmetic',
  dose: 'dose_advice',
  invest: 'investment_advice',
  law: 'law_advice',
  code: 'code',
};

export interface CapabilityTask {
  id: string;
  /** Score group (e.g. "world_qa", "gsm8k"). */
  group: string;
  domain?: string;
  messages: ChatMessage[];
  /** The data row as read (the run's data fingerprint). */
  row: unknown;
  score(text: string): boolean;
}

const qaRow = z.object({
  question: z.string().min(1),
  answer: z.union([z.string(), z.number()]).transform(String),
  scorer: z.enum(CAPABILITY_SCORERS).optional(),
  id: z.union([z.string(), z.number()]).optional(),
});

/** Loads the tasks of a capability file: the world suite's JSONL, or a `{question, answer}` JSONL. */
export function loadCapabilityTasks(path: string, world: boolean): CapabilityTask[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read capability data: ${(error as Error).message}`, { file: path });
  }
  const group = basename(path, extname(path)).replace(/[^A-Za-z0-9_-]/g, '_');
  const tasks: CapabilityTask[] = [];
  for (const { value, line } of parseJsonLinesText(text, path)) {
    if (world) {
      const parsedRow = capabilityRowSchema.safeParse(value);
      if (!parsedRow.success) {
        const issue = firstIssue(parsedRow.error);
        throw new InputError(issue.message, { file: path, line, field: formatFieldPath(issue.path) || undefined });
      }
      const item = parsedRow.data;
      tasks.push({ id: item.id, group: WORLD_KIND_NAMES[item.kind] ?? item.kind, domain: item.domain, messages: item.messages, row: value, score: (t) => scoreCapabilityAnswer(item, t) });
      continue;
    }
    const parsed = qaRow.safeParse(value);
    if (!parsed.success) {
      const issue = firstIssue(parsed.error);
      throw new InputError(issue.message, { file: path, line, field: formatFieldPath(issue.path) || undefined });
    }
    const row = parsed.data;
    const scorer = row.scorer ?? defaultScorer(row.answer);
    tasks.push({
      id: row.id !== undefined ? String(row.id) : `line-${line}`,
      group,
      messages: [{ role: 'user', content: row.question }],
      row: value,
      score: (t) => scoreAnswer(scorer, row.answer, t),
    });
  }
  if (tasks.length === 0) throw new InputError('capability data holds no items', { file: path });
  return tasks;
}

export function defaultScorer(answer: string): CapabilityScorer {
  if (/^[A-Ja-j]$/.test(answer.trim())) return 'choice';
  if (/^-?[\d,]*\.?\d+$/.test(answer.trim())) return 'number';
  return 'exact';
}

const normalise = (s: string) => s.toLowerCase().replace(/[\s.,;:!?"'`]+/g, ' ').trim();

export function scoreAnswer(scorer: CapabilityScorer, answer: string, text: string): boolean {
  switch (scorer) {
    case 'exact':
      return normalise(text) === normalise(answer);
    case 'contains':
      return normalise(text).includes(normalise(answer));
    case 'number': {
      // GSM8K convention: the final number in the response is the answer.
      const numbers = text.replace(/(\d),(\d)/g, '$1$2').match(/-?\d+(?:\.\d+)?/g);
      return numbers !== null && Number(numbers[numbers.length - 1]) === Number(answer.replace(/,/g, ''));
    }
    case 'choice': {
      const letter = /\b([A-J])\b/.exec(text.replace(/^\W+/, ''));
      return letter !== null && letter[1] === answer.trim().toUpperCase();
    }
  }
}
