/**
 * `candor report <run-dir>`: argument parsing only; the work is done by src/report/.
 */
import type { Command } from 'commander';
import { InputError } from '../../util/errors.js';
import { writeReportForRun } from '../../report/write-report.js';

export function registerReportCommands(program: Command): void {
  program
    .command('report')
    .description("write an experiment run's report: one self-contained HTML file, PNG/SVG charts, CSV/JSON of every number")
    .argument('<run-dir>', 'run directory holding results.json (or the results.json file itself)')
    .option('--out <dir>', 'directory for the report (default: <run-dir>/report)')
    .option('--replicates <n>', 'bootstrap replicates for the across-seed intervals', '4000')
    .option('--json', 'print the written paths as JSON')
    .action(async (runDir: string, opts: { out?: string; replicates: string; json?: boolean }) => {
      const replicates = Number(opts.replicates);
      if (!Number.isInteger(replicates) || replicates < 100) {
        throw new InputError('must be an integer of at least 100', { field: '--replicates' });
      }
      const output = await writeReportForRun(runDir, opts.out, { replicates });
      if (opts.json) {
        process.stdout.write(JSON.stringify(output, null, 2) + '\n');
        return;
      }
      process.stdout.write(`wrote ${output.files.length} files\n`);
      // The report's path is the last line so scripts (and `npm start`) can pick it up.
      process.stdout.write(`${output.htmlPath}\n`);
    });
}
