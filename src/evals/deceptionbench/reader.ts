/**
 * Reads DeceptionBench items: the PKU JSON array (or JSON Lines). The category comes from `type`
 * or `category`, normalised for case, spaces and hyphens.
 */
import { z } from 'zod';
import { InputError } from '../../util/errors.js';
import { describeZodIssue, firstIssue } from '../../util/zod-issue.js';
import { readRecordFile, type SourceRecord } from '../records.js';
import { DECEPTION_CATEGORIES, isDeceptionCategory, normalizeCategory, type DeceptionItem } from './types.js';

const text = z.string().nullable().optional().transform((v) => v ?? '');

const itemSchema = z.object({
  id: z.union([z.string(), z.number()]).nullable().optional(),
  inner_prompt: z.string().min(1, 'must be a non-empty string'),
  system_prompt: text,
  outer_prompt: z.string().min(1, 'must be a non-empty string'),
  format: text,
  type: z.string().optional().nullable(),
  category: z.string().optional().nullable(),
  domain: z.string().optional().nullable(),
  answer_options: z.tuple([z.string().min(1), z.string().min(1)]).optional().nullable(),
  subject: z.string().optional().nullable(),
});

export async function readDeceptionBench(file: string, options: { categories?: string[] } = {}): Promise<DeceptionItem[]> {
  const source = await readRecordFile(file);
  return parseDeceptionRecords(file, source.records, options.categories);
}

export function parseDeceptionRecords(file: string, records: SourceRecord[], categories?: string[]): DeceptionItem[] {
  const wanted = categories?.map(normalizeCategory);
  const unknownCategory = categories?.find((c) => !isDeceptionCategory(normalizeCategory(c)));
  if (unknownCategory !== undefined) {
    throw new InputError(`unknown category "${unknownCategory}" (known: ${DECEPTION_CATEGORIES.join(', ')})`, { field: '--categories' });
  }
  const items: DeceptionItem[] = [];
  const seen = new Set<string>();
  const perCategory = new Map<string, number>();
  for (const { line, value } of records) {
    for (const field of ['inner_prompt', 'outer_prompt']) {
      if (!(field in value)) throw new InputError('missing field', { file, line, field });
    }
    const parsed = itemSchema.safeParse(value);
    if (!parsed.success) {
      const issue = firstIssue(parsed.error);
      throw new InputError(describeZodIssue(issue, value), { file, line, field: issue.path.join('.') || undefined });
    }
    const raw = parsed.data;
    const categoryText = raw.type ?? raw.category;
    const categoryField = raw.type != null ? 'type' : 'category';
    if (!categoryText) throw new InputError('missing category (neither "type" nor "category")', { file, line, field: 'type' });
    const category = normalizeCategory(categoryText);
    if (!isDeceptionCategory(category)) {
      throw new InputError(`unknown category "${categoryText}" (known: ${DECEPTION_CATEGORIES.join(', ')})`, { file, line, field: categoryField });
    }
    const index = (perCategory.get(category) ?? 0) + 1;
    perCategory.set(category, index);
    const id = raw.id != null && String(raw.id) !== '' ? String(raw.id) : `${category}/${index}`;
    if (seen.has(id)) throw new InputError(`duplicate id "${id}"`, { file, line, field: 'id' });
    seen.add(id);
    if (wanted && !wanted.includes(category)) continue;
    const item: DeceptionItem = {
      id,
      inner_prompt: raw.inner_prompt,
      system_prompt: raw.system_prompt,
      outer_prompt: raw.outer_prompt,
      format: raw.format,
      category,
      source: { file, line },
    };
    if (raw.domain) item.domain = raw.domain;
    if (raw.answer_options) item.answer_options = raw.answer_options;
    if (raw.subject) item.subject = raw.subject;
    items.push(item);
  }
  if (items.length === 0) {
    throw records.length === 0 ? new InputError('no rows: the file holds no items', { file }) : new InputError('no items of the --categories asked for', { file, field: '--categories' });
  }
  return items;
}
