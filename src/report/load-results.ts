/**
 * Reads and validates `<run-dir>/results.json`. Any problem becomes an InputError naming the
 * file, the line and the field, because this file is written by a runner the user may have
 * edited or that may have been killed half-way.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../util/errors.js';
import { formatFieldPath } from '../util/field-path.js';
import { lineOfPath, parseWithPositions } from '../util/source-lines.js';
import { ExperimentResults } from '../experiments/results-schema.js';
import { firstIssue } from '../util/zod-issue.js';

export const RESULTS_FILE = 'results.json';

/** Accepts a run directory (holding results.json) or the results file itself. */
export async function resolveResultsPath(runDirOrFile: string): Promise<string> {
  let info;
  try {
    info = await stat(runDirOrFile);
  } catch {
    throw new InputError('no such run directory or results file', { file: runDirOrFile });
  }
  return info.isDirectory() ? path.join(runDirOrFile, RESULTS_FILE) : runDirOrFile;
}

export async function loadResults(runDirOrFile: string): Promise<ExperimentResults> {
  const file = await resolveResultsPath(runDirOrFile);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read results: ${(error as Error).message}`, { file });
  }
  return parseResults(text, file);
}

/** Validates a results.json text; `file` names it in errors. */
export function parseResults(text: string, file: string): ExperimentResults {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const at = /position (\d+)/.exec(message);
    const line = at ? text.slice(0, Number(at[1])).split('\n').length : undefined;
    throw new InputError(`not valid JSON (${message})`, { file, line });
  }
  return validateResults(raw, file, text);
}

/**
 * Validates a results object (parsed JSON, or one a runner built in memory); `source` names it in
 * errors, and `text`, when given, lets the error name the line.
 */
export function validateResults(raw: unknown, source: string, text?: string): ExperimentResults {
  const file = source;
  const parsed = ExperimentResults.safeParse(raw);
  if (parsed.success) return parsed.data;

  const issue = firstIssue(parsed.error);
  const issuePath = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  // A key that should not be there (e.g. an unknown MASK config) is reported at its parent;
  // point at the key itself.
  if (issue.code === 'unrecognized_keys') {
    const [firstKey] = issue.keys;
    if (firstKey !== undefined) issuePath.push(firstKey);
  }
  if (issue.code === 'invalid_key') {
    const key = (issue as unknown as { key?: unknown }).key;
    if (typeof key === 'string') issuePath.push(key);
  }
  const line = text === undefined ? undefined : lineOfPath(parseWithPositions(text), issuePath);
  const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problem(s))` : '';
  throw new InputError(`${issue.message}${more}`, { file, line, field: formatFieldPath(issuePath, '(root)') });
}
