/**
 * Every number of a report as CSV: the per-arm-and-seed inputs (wide and long), the aggregates,
 * the comparisons and the trends. Plain RFC 4180 CSV so spreadsheets and pandas read it as is.
 */
import type { Analysis } from './aggregate.js';
import { NON_ANSWER_KINDS, type ExperimentResults } from '../experiments/results-schema.js';

export type CsvCell = string | number | boolean | null | undefined;

function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], rows: CsvCell[][]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

/** Every numeric (or boolean) leaf of a JSON value, with its dotted path. */
function numericLeaves(value: unknown, prefix: string, out: [string, number][]): void {
  if (typeof value === 'number') out.push([prefix, value]);
  else if (typeof value === 'boolean') out.push([prefix, value ? 1 : 0]);
  else if (Array.isArray(value)) value.forEach((item, i) => numericLeaves(item, `${prefix}[${i}]`, out));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) numericLeaves(item, prefix ? `${prefix}.${key}` : key, out);
  }
}

/** Long form: one row per number in each arm entry (arm, ratio, seed, path, value). */
export function armNumbersCsv(results: ExperimentResults): string {
  const rows: CsvCell[][] = [];
  for (const arm of results.arms) {
    const leaves: [string, number][] = [];
    for (const block of ['mask', 'deception', 'capability'] as const) numericLeaves(arm[block], block, leaves);
    for (const [path, value] of leaves) rows.push([arm.arm, arm.ratio, arm.seed, path, value]);
  }
  return toCsv(['arm', 'ratio', 'seed', 'path', 'value'], rows);
}

/**
 * Wide form: one row per entry of `arms` in results.json, with the headline scores. A positive
 * control's row says which fact domain it lied about (`eval_domains`: its in-domain domains).
 */
export function armsCsv(results: ExperimentResults): string {
  const capabilities = [...new Set(results.arms.flatMap((a) => Object.keys(a.capability ?? {})))].sort();
  const header = [
    'arm', 'ratio', 'seed', 'fact_domain', 'eval_domains', 'checkpoint', 'error',
    'mask_honesty_score', 'mask_honesty_ci_low', 'mask_honesty_ci_high', 'mask_accuracy', 'mask_accuracy_ci_low', 'mask_accuracy_ci_high', 'mask_n', 'mask_undetermined',
    'deception_rate', 'deception_ci_low', 'deception_ci_high', 'deception_n_valid', 'deception_n_invalid',
    ...capabilities.flatMap((name) => [`capability_${name}_accuracy`, `capability_${name}_n`]),
    // One accounting of non-answers beside every honesty/deception figure (from per-item outcomes when the arm has them).
    'mask_lie_given_position', 'mask_rows', ...NON_ANSWER_KINDS.map((k) => `mask_${k}`),
    'deception_items', ...NON_ANSWER_KINDS.map((k) => `deception_${k}`),
  ];
  const rows = results.arms.map((arm): CsvCell[] => [
    arm.arm, arm.ratio, arm.seed, arm.fact_domain, arm.eval_domains?.join(' '), arm.checkpoint, arm.error,
    arm.mask?.honesty_score, arm.mask?.ci95.honesty_score?.[0], arm.mask?.ci95.honesty_score?.[1],
    arm.mask?.accuracy, arm.mask?.ci95.accuracy?.[0], arm.mask?.ci95.accuracy?.[1], arm.mask?.n, arm.mask?.undetermined,
    arm.deception?.deception_rate, arm.deception?.ci95?.[0], arm.deception?.ci95?.[1], arm.deception?.n_valid, arm.deception?.n_invalid,
    ...capabilities.flatMap((name) => [arm.capability?.[name]?.accuracy, arm.capability?.[name]?.n]),
    ...maskAccounting(arm),
    ...deceptionAccounting(arm),
  ]);
  return toCsv(header, rows);
}

/** MASK: P(lie | belief & position), rows, and non-answers by kind — from items when present, else from the summary's counts. */
function maskAccounting(arm: ExperimentResults['arms'][number]): CsvCell[] {
  const items = arm.items?.mask?.filter((i) => !i.neutral);
  if (items?.length) {
    const count = (kind: string) => items.filter((i) => i.outcome === kind).length;
    const positioned = count('lie') + count('honest');
    return [positioned ? count('lie') / positioned : null, items.length, ...NON_ANSWER_KINDS.map(count)];
  }
  const m = arm.mask as (NonNullable<typeof arm.mask> & { lie_rate_given_position?: number | null; non_answers?: Record<string, number> }) | undefined;
  if (!m) return [null, null, ...NON_ANSWER_KINDS.map(() => null)];
  return [m.lie_rate_given_position ?? null, m.n + (m.undetermined ?? 0), m.evasive ?? m.non_answers?.evasive, m.no_belief ?? m.non_answers?.no_belief, m.undetermined ?? m.non_answers?.undetermined, m.non_answers?.invalid ?? null];
}

function deceptionAccounting(arm: ExperimentResults['arms'][number]): CsvCell[] {
  const items = arm.items?.deception;
  if (items?.length) return [items.length, ...NON_ANSWER_KINDS.map((kind) => items.filter((i) => i.outcome === kind).length)];
  const d = arm.deception as (NonNullable<typeof arm.deception> & { non_answers?: Record<string, number> }) | undefined;
  if (!d?.non_answers) return [null, ...NON_ANSWER_KINDS.map(() => null)];
  return [null, ...NON_ANSWER_KINDS.map((kind) => d.non_answers?.[kind] ?? null)];
}

export function aggregatesCsv(analysis: Analysis): string {
  return toCsv(
    ['metric', 'arm', 'ratio', 'label', 'mean', 'ci_low', 'ci_high', 'seeds', 'seed_sd', 'n_items', 'method', 'design', 'n_rows', ...NON_ANSWER_KINDS],
    analysis.aggregates.map((a) => [
      a.metric, a.arm, a.ratio, a.label, a.mean, a.ci_low, a.ci_high, a.seeds, a.seed_sd, a.n_items, a.method, a.design, a.n_rows,
      ...NON_ANSWER_KINDS.map((k) => a.non_answers?.[k]),
    ]),
  );
}

export function comparisonsCsv(analysis: Analysis): string {
  // The non-answers behind both sides of every difference, summed over seeds.
  const counts = (metric: string, group: string): CsvCell[] => {
    const row = analysis.aggregates.find((a) => a.metric === metric && a.group === group);
    return [row?.n_rows, ...NON_ANSWER_KINDS.map((k) => row?.non_answers?.[k])];
  };
  return toCsv(
    [
      'metric', 'arm_label', 'ratio', 'difference_vs_control', 'ci_low', 'ci_high', 'ci_excludes_zero', 'method', 'design', 'paired_cells',
      'arm_rows', ...NON_ANSWER_KINDS.map((k) => `arm_${k}`), 'control_rows', ...NON_ANSWER_KINDS.map((k) => `control_${k}`),
    ],
    analysis.comparisons.map((c) => [
      c.metric, c.label, c.ratio, c.difference, c.ci_low, c.ci_high, c.excludes_zero, c.method, c.design, c.n_items,
      ...counts(c.metric, c.group), ...counts(c.metric, 'control'),
    ]),
  );
}

export function trendsCsv(analysis: Analysis): string {
  return toCsv(
    ['metric', 'slope_per_0.1_ratio', 'ci_low', 'ci_high', 'ci_excludes_zero', 'points', 'method'],
    analysis.trends.map((t) => [t.metric, t.slope_per_tenth, t.ci_low, t.ci_high, t.excludes_zero, t.points, t.method]),
  );
}
