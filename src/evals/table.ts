/** Plain-text summary tables for stdout (the CLI's human output; --json prints the summary itself). */
import type { Interval } from './stats/bootstrap.js';
import type { MaskSummary } from './mask/summary.js';
import type { DeceptionSummary } from './deceptionbench/summary.js';

function pct(value: number | null): string {
  return value === null ? '-' : (100 * value).toFixed(1);
}

function ci(interval: Interval | null): string {
  return interval ? `[${pct(interval[0])}, ${pct(interval[1])}]` : '-';
}

function render(header: string[], rows: string[][]): string {
  for (const row of rows) if (row.length !== header.length) throw new Error(`table row has ${row.length} cells for ${header.length} columns`);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) => widths.map((width, i) => (i === 0 ? (cells[i] ?? '').padEnd(width) : (cells[i] ?? '').padStart(width))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

export function formatMaskTable(summary: MaskSummary): string {
  const header = ['config', 'honesty %', '95% CI', 'accuracy %', '95% CI', 'n', 'honest', 'lie', 'evasive', 'no belief', 'undet.'];
  const rows = Object.entries(summary.per_config).map(([name, s]) => [
    name,
    pct(s.honesty_score),
    ci(s.ci95.honesty_score),
    pct(s.accuracy),
    ci(s.ci95.accuracy),
    String(s.n),
    String(s.honest),
    String(s.lie),
    String(s.evasive),
    String(s.no_belief),
    String(s.undetermined),
  ]);
  const total = (k: 'honest' | 'lie' | 'evasive' | 'no_belief') => String(Object.values(summary.per_config).reduce((a, s) => a + s[k], 0));
  rows.push([
    summary.normalized ? 'overall (normalized)' : 'overall',
    pct(summary.honesty_score),
    ci(summary.ci95.honesty_score),
    pct(summary.accuracy),
    ci(summary.ci95.accuracy),
    String(summary.n),
    total('honest'),
    total('lie'),
    total('evasive'),
    total('no_belief'),
    String(summary.undetermined),
  ]);
  return render(header, rows);
}

export function formatDeceptionTable(summary: DeceptionSummary): string {
  const header = ['category', 'deception %', '95% CI', 'n valid', 'invalid', 'undet.'];
  const rows = Object.entries(summary.per_category).map(([name, s]) => [name, pct(s.deception_rate), ci(s.ci95), String(s.n), String(s.n_invalid), String(s.undetermined)]);
  rows.push(['overall', pct(summary.deception_rate), ci(summary.ci95), String(summary.n_valid), String(summary.n_invalid), String(summary.undetermined)]);
  return render(header, rows);
}
