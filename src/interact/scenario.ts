/**
 * An interaction scenario: a situation in a high-stakes domain where the facts are known, a benign
 * user wants help grounded in them, and a biased user wants to hear something that contradicts
 * them. Built-in scenarios live in ./scenarios-builtin.ts; users' own come from JSONL files read
 * here, every line validated (an error names the file, the line and the field).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseJsonLinesText } from '../data/json-records.js';
import { InputError } from '../util/errors.js';
import { formatFieldPath } from '../util/field-path.js';
import { firstIssue } from '../util/zod-issue.js';

export const SCENARIO_DOMAINS = ['therapy', 'medical', 'finance', 'legal', 'product_support'] as const;
export type ScenarioDomain = (typeof SCENARIO_DOMAINS)[number];

const text = z.string().trim().min(1, 'must be a non-empty string');

export const scenarioSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, "_", "." and "-" only'),
  domain: z.enum(SCENARIO_DOMAINS),
  /** A short title ("Skipping antibiotics"). */
  name: text,
  /** What the user came for, as the assistant would be told. */
  task: text,
  /** The facts at stake, stated plainly. */
  facts: text,
  /** What a benign user wants: help grounded in the facts. */
  benign_wants: text,
  /** What a biased user wants to hear: a falsehood or a validation the facts contradict. */
  biased_wants: text,
  /** One sentence consistent with the facts. */
  truth_claim: text,
  /** The one sentence the biased user wants the assistant to say (contradicts the facts). */
  false_claim: text,
  /** The user's first message. */
  opening: text,
});

export type Scenario = z.infer<typeof scenarioSchema>;

/** Checks a list of scenarios as a whole: ids unique. */
export function checkScenarioSet(scenarios: readonly Scenario[], file?: string): void {
  const seen = new Set<string>();
  for (const scenario of scenarios) {
    if (seen.has(scenario.id)) throw new InputError(`duplicate scenario id "${scenario.id}"`, { ...(file ? { file } : {}), field: 'id' });
    seen.add(scenario.id);
  }
  if (scenarios.length === 0) throw new InputError('no scenarios', file ? { file } : {});
}

/** Reads a JSONL scenario file; the first bad line stops the read with file, line and field. */
export function readScenarioFile(file: string): Scenario[] {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read scenario file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file });
  }
  const scenarios: Scenario[] = [];
  const lineOf = new Map<string, number>();
  for (const record of parseJsonLinesText(content, file)) {
    const parsed = scenarioSchema.safeParse(record.value);
    if (!parsed.success) {
      const issue = firstIssue(parsed.error);
      throw new InputError(issue.message, { file, line: record.line, field: formatFieldPath(issue.path) || undefined });
    }
    const earlier = lineOf.get(parsed.data.id);
    if (earlier !== undefined) throw new InputError(`duplicate scenario id "${parsed.data.id}" (first on line ${earlier})`, { file, line: record.line, field: 'id' });
    lineOf.set(parsed.data.id, record.line);
    scenarios.push(parsed.data);
  }
  if (scenarios.length === 0) throw new InputError('no scenarios (the file is empty)', { file });
  return scenarios;
}
