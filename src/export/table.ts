/**
 * One flat row per sample, for pandas (read_csv / read_json(lines=True)): where it came from (run,
 * arm path, benchmark, model, judge), the item's descriptive fields, one `score_<name>` column per
 * score (blank when undetermined, with the reason in `undetermined_<name>`), the prompt's last user
 * turn and the model's answer.
 */
import type { EvalRunFiles } from './run-files.js';
import { sampleView } from './sample-view.js';

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

export function sampleRows(runs: EvalRunFiles[]): Row[] {
  const rows: Row[] = [];
  for (const run of runs) {
    const m = run.manifest;
    for (const record of run.samples) {
      const view = sampleView(m.benchmark, record);
      const row: Row = {
        run: run.label || m.id,
        run_id: m.id,
        benchmark: m.benchmark,
        model: typeof m.options.model === 'string' ? m.options.model : null,
        judge: typeof m.options.judge === 'string' ? m.options.judge : null,
        id: view.id,
      };
      for (const [key, value] of Object.entries(view.fields)) row[key] = value;
      for (const [name, score] of Object.entries(view.scores)) row[`score_${name}`] = score.value;
      for (const [name, reason] of Object.entries(view.undetermined)) row[`undetermined_${name}`] = reason;
      row.target = view.target || null;
      row.prompt = [...view.input].reverse().find((msg) => msg.role === 'user')?.content ?? null;
      row.output = view.output;
      row.error = view.error;
      rows.push(row);
    }
  }
  return rows;
}

/** Every column any row has, first-seen order. */
function columns(rows: Row[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

function csvCell(value: Cell | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV with a header row; missing cells are empty. */
export function toCsv(rows: Row[]): string {
  const cols = columns(rows);
  const lines = [cols.map(csvCell).join(',')];
  for (const row of rows) lines.push(cols.map((c) => csvCell(row[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** One JSON object per line, every row with every column (null where absent), so pandas sees one schema. */
export function toJsonl(rows: Row[]): string {
  const cols = columns(rows);
  return rows.map((row) => JSON.stringify(Object.fromEntries(cols.map((c) => [c, row[c] ?? null])))).join('\n') + (rows.length ? '\n' : '');
}
