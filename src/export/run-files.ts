/**
 * Reads what an eval run directory holds (run.json, samples.jsonl, summary.json) for the
 * exporters, and finds every eval run under an experiment run directory (arms/<arm>/eval/<name>/).
 * The files are outside data to this module: run.json and each sample line pass through zod, and a
 * malformed line is an InputError naming the file and line.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { InputError } from '../util/errors.js';

export const RUN_FILE = 'run.json';
export const SAMPLES_FILE = 'samples.jsonl';
export const SUMMARY_FILE = 'summary.json';

const manifestSchema = z.object({
  id: z.string(),
  benchmark: z.string(),
  created_at: z.string(),
  status: z.string(),
  finished_at: z.string().optional(),
  options: z.record(z.string(), z.unknown()).default({}),
  usage: z.record(z.string(), z.unknown()).optional(),
  incomplete: z.string().optional(),
});

export type RunManifest = z.infer<typeof manifestSchema>;

/** One sample line: an id and whatever its benchmark recorded. */
const sampleSchema = z.looseObject({ id: z.string() });
export type SampleLine = z.infer<typeof sampleSchema> & Record<string, unknown>;

export interface EvalRunFiles {
  dir: string;
  /** Where it sits under the directory the user named ("" for that directory itself). */
  label: string;
  manifest: RunManifest;
  samples: SampleLine[];
  summary: Record<string, unknown> | null;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InputError(`cannot read: ${(error as Error).message}`, { file: path });
  }
}

export function readEvalRun(dir: string, label = ''): EvalRunFiles {
  const runFile = join(dir, RUN_FILE);
  const parsed = manifestSchema.safeParse(readJson(runFile));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`not a Candor eval run record (${issue?.message ?? 'invalid'})`, { file: runFile, field: issue?.path.join('.') || undefined });
  }
  const samplesFile = join(dir, SAMPLES_FILE);
  const samples: SampleLine[] = [];
  if (existsSync(samplesFile)) {
    const lines = readFileSync(samplesFile, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        // A line cut short by a kill is the last one; anything else is damage worth reporting.
        if (i >= lines.length - 2) return;
        throw new InputError('malformed JSON line', { file: samplesFile, line: i + 1 });
      }
      const sample = sampleSchema.safeParse(value);
      if (!sample.success) throw new InputError('sample line without a string "id"', { file: samplesFile, line: i + 1 });
      samples.push(sample.data as SampleLine);
    });
  }
  const summaryFile = join(dir, SUMMARY_FILE);
  const summary = existsSync(summaryFile) ? (readJson(summaryFile) as Record<string, unknown>) : null;
  return { dir, label, manifest: parsed.data, samples, summary };
}

/** The eval run in `dir`, or every eval run below it (an experiment run), in path order. */
export function findEvalRuns(dir: string): EvalRunFiles[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError('not a directory', { file: dir });
  if (existsSync(join(dir, RUN_FILE))) return [readEvalRun(dir)];
  const found: EvalRunFiles[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isDirectory()) continue;
      const child = join(current, entry.name);
      if (existsSync(join(child, RUN_FILE))) found.push(readEvalRun(child, relative(dir, child)));
      else walk(child);
    }
  };
  walk(dir);
  if (found.length === 0) throw new InputError(`holds no eval run (no ${RUN_FILE} in it or below it)`, { file: dir });
  return found;
}
