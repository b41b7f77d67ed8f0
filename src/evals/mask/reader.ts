/**
 * Reads MASK rows from a file, or a directory of files, in the published shape. A file named after
 * a config (e.g. `known_facts.csv`) holds that config's rows; otherwise each row names its config in
 * a `config` column. Every problem is an InputError naming file, line and field.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../../util/errors.js';
import { describeZodIssue, firstIssue } from '../../util/zod-issue.js';
import { readRecordFile, RECORD_EXTENSIONS, type RecordFile } from '../records.js';
import { parseBinaryTruth, parseNumericTruth, parseProposition } from './proposition.js';
import { isMaskConfig, MASK_CONFIGS, type MaskConfig, type MaskItem, type MaskRow } from './types.js';

/** Text cells: published files hold strings, nulls (absent prompts), and sometimes numbers (task_id). */
const cell = z
  .union([z.string(), z.number(), z.bigint(), z.null()])
  .optional()
  .transform((v) => (v === null || v === undefined ? '' : String(v)));

const answerOptions = z
  .union([
    z.tuple([z.string().min(1), z.string().min(1)]),
    z
      .string()
      .transform((s, ctx) => {
        try {
          return JSON.parse(s) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'not a JSON array' });
          return z.NEVER;
        }
      })
      .pipe(z.tuple([z.string().min(1), z.string().min(1)])),
    z.null(),
  ])
  .optional()
  .transform((v) => (Array.isArray(v) ? (v as [string, string]) : undefined));

const TEXT_FIELDS = [
  'task_id',
  'system_prompt',
  'user_prompt',
  'type',
  'proposition',
  'ground_truth',
  'formatted_ground_truth',
  'belief_elicit_1',
  'belief_elicit_2',
  'belief_elicit_3',
  'dd_turn_1_prompt',
  'dd_turn_1_response',
  'delivery',
  'canary',
] as const;

const rowSchema = z.object({
  ...Object.fromEntries(TEXT_FIELDS.map((f) => [f, cell])),
  config: cell,
  domain: cell,
  answer_options: answerOptions,
  subject: cell,
}) as unknown as z.ZodType<Omit<MaskRow, 'config' | 'domain' | 'answer_options' | 'subject'> & { config: string; domain: string; answer_options?: [string, string]; subject: string }>;

/** Columns a config cannot do without. */
export function requiredColumns(config: MaskConfig): string[] {
  const base = ['task_id', 'system_prompt', 'user_prompt', 'proposition', 'ground_truth'];
  if (config !== 'provided_facts') base.push('belief_elicit_1');
  if (config === 'doubling_down_known_facts') base.push('dd_turn_1_prompt', 'dd_turn_1_response');
  return base;
}

export interface ReadMaskOptions {
  /** Keep only these configs (unknown names are an InputError). */
  configs?: string[];
}

/** Reads a file or a directory of files (every .jsonl/.json/.csv/.parquet inside, sorted by name). */
export async function readMaskData(path: string, options: ReadMaskOptions = {}): Promise<MaskItem[]> {
  const wanted = options.configs?.map((c) => c.trim()).filter(Boolean);
  for (const c of wanted ?? []) {
    if (!isMaskConfig(c)) throw new InputError(`unknown MASK config "${c}" (known: ${MASK_CONFIGS.join(', ')})`, { field: '--configs' });
  }
  let files: string[];
  try {
    files = statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((f) => RECORD_EXTENSIONS.includes(extname(f).toLowerCase()))
          .sort()
          .map((f) => join(path, f))
      : [path];
  } catch (error) {
    throw new InputError(`cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: path });
  }
  if (files.length === 0) throw new InputError('directory holds no .jsonl, .json, .csv or .parquet files', { file: path });
  const items: MaskItem[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const fileItems = parseMaskRecords(await readRecordFile(file));
    for (const item of fileItems) {
      const where = seen.get(item.id);
      if (where) throw new InputError(`duplicate task_id "${item.row.task_id}" in config ${item.row.config} (first at ${where})`, { file: item.source.file, line: item.source.line, field: 'task_id' });
      seen.set(item.id, `${item.source.file}:${item.source.line}`);
      if (!wanted || wanted.includes(item.row.config)) items.push(item);
    }
  }
  return items;
}

export function configFromFileName(file: string): MaskConfig | null {
  const stem = basename(file).replace(/\.[^.]+$/, '');
  // Published file names are the config name, sometimes with a split suffix ("known_facts-test").
  const candidate = stem.replace(/[-.](test|train|validation|dev)$/i, '');
  return isMaskConfig(candidate) ? candidate : null;
}

export function parseMaskRecords(source: RecordFile): MaskItem[] {
  const { file } = source;
  const fileConfig = configFromFileName(file);
  if (source.columns) {
    const configs = fileConfig ? [fileConfig] : [];
    if (!fileConfig && !source.columns.includes('config')) {
      throw new InputError(`file name is not a MASK config (${MASK_CONFIGS.join(', ')}) and there is no "config" column`, { file, line: 1, field: 'config' });
    }
    for (const config of configs) {
      for (const col of requiredColumns(config)) {
        if (!source.columns.includes(col)) throw new InputError('missing column', { file, line: 1, field: col });
      }
    }
  }
  return source.records.map(({ line, value }) => {
    const parsed = rowSchema.safeParse(value);
    if (!parsed.success) {
      const issue = firstIssue(parsed.error);
      throw new InputError(describeZodIssue(issue, value), { file, line, field: issue.path.join('.') || undefined });
    }
    const raw = parsed.data;
    const configName = fileConfig ?? raw.config.trim();
    if (!configName) throw new InputError('row has no config (file name is not a config name and the "config" field is empty)', { file, line, field: 'config' });
    if (!isMaskConfig(configName)) throw new InputError(`unknown config "${configName}" (known: ${MASK_CONFIGS.join(', ')})`, { file, line, field: 'config' });
    for (const col of requiredColumns(configName)) {
      if (!(col in value)) throw new InputError('missing field', { file, line, field: col });
      if (col !== 'system_prompt' && raw[col as keyof typeof raw] === '') throw new InputError('empty value', { file, line, field: col });
    }
    const row: MaskRow = { ...raw, config: configName, domain: raw.domain || undefined, answer_options: raw.answer_options, subject: raw.subject || undefined };
    if (!row.domain) delete row.domain;
    if (!row.answer_options) delete row.answer_options;
    if (!row.subject) delete row.subject;
    const proposition = parseProposition(row.proposition);
    if (!proposition) throw new InputError('proposition holds neither <pivotal>X/Y</pivotal> nor <value>', { file, line, field: 'proposition' });
    const truthText = row.formatted_ground_truth || row.ground_truth;
    const groundTruth =
      proposition.kind === 'binary'
        ? parseBinaryTruth(truthText, proposition.statement1, proposition.statement2) ?? parseBinaryTruth(row.ground_truth, proposition.statement1, proposition.statement2)
        : parseNumericTruth(truthText) ?? parseNumericTruth(row.ground_truth);
    if (groundTruth === null) {
      const expected = proposition.kind === 'binary' ? '"A" or "B" (or one of the two statements)' : 'a range such as [26.0, 29.0] or a number';
      throw new InputError(`ground truth is not ${expected}`, { file, line, field: row.formatted_ground_truth ? 'formatted_ground_truth' : 'ground_truth' });
    }
    return { row, id: `${configName}/${row.task_id}`, proposition, groundTruth, source: { file, line } };
  });
}
