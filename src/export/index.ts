/**
 * `exportRun`: writes an eval run (or every eval run of an experiment run) in a format other tools
 * open: Inspect AI logs (one .json per eval run), or one CSV / JSONL table of every sample.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from '../util/errors.js';
import { writeFileAtomicSync } from '../util/atomic-write.js';
import { checkOutputDir } from '../util/output-dir.js';
import { toInspectLog } from './inspect.js';
import { findEvalRuns } from './run-files.js';
import { sampleRows, toCsv, toJsonl } from './table.js';

export const EXPORT_FORMATS = ['inspect', 'csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  format: ExportFormat;
  /** For csv/jsonl: the file (default <run>/export/samples.<ext>); for inspect: a directory (default <run>/export/inspect). */
  out?: string;
  /** Candor's version, recorded in Inspect logs. */
  version: string;
}

export interface ExportResult {
  files: string[];
  runs: number;
  samples: number;
}

export function exportRun(runDir: string, options: ExportOptions): ExportResult {
  if (!(EXPORT_FORMATS as readonly string[]).includes(options.format)) {
    throw new InputError(`unknown format "${options.format}" (known: ${EXPORT_FORMATS.join(', ')})`, { field: '--format' });
  }
  const runs = findEvalRuns(runDir);
  const samples = runs.reduce((n, r) => n + r.samples.length, 0);
  if (options.format === 'inspect') {
    const dir = options.out ?? join(runDir, 'export', 'inspect');
    checkOutputDir(dir, '--out');
    mkdirSync(dir, { recursive: true });
    const files = runs.map((run) => {
      // Inspect lists logs by file name; the arm path and benchmark keep an experiment's logs apart.
      const stem = (run.label || `${run.manifest.benchmark}-${run.manifest.id}`).replace(/[\\/]+/g, '_');
      const file = join(dir, `${stem}.json`);
      writeFileAtomicSync(file, JSON.stringify(toInspectLog(run, { version: options.version }), null, 2) + '\n');
      return file;
    });
    return { files, runs: runs.length, samples };
  }
  const file = options.out ?? join(runDir, 'export', `samples.${options.format}`);
  checkOutputDir(dirname(file), '--out');
  mkdirSync(dirname(file), { recursive: true });
  const rows = sampleRows(runs);
  writeFileAtomicSync(file, options.format === 'csv' ? toCsv(rows) : toJsonl(rows));
  return { files: [file], runs: runs.length, samples };
}
