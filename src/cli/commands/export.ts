/** `candor export RUN --format inspect|csv|jsonl`: argument parsing only; src/export/ does the work. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { EXPORT_FORMATS, exportRun, type ExportFormat } from '../../export/index.js';
import { InputError } from '../../util/errors.js';

const NOT_MAPPED = `
Inspect logs: what does not map
  - MASK keeps several conversations per row (lie_k pressure answers, belief elicitations) and
    DeceptionBench two (utility elicitation, scenario); an Inspect sample holds one. The scored
    conversation is the sample's messages; the others are in sample.metadata.other_calls.
  - Judge calls are not Inspect events (events is empty); verdicts are folded into sample scores.
  - Token usage is per run, not per sample (eval.stats.model_usage).
  - A score Candor could not determine has no value in Inspect: it is left out of sample.scores,
    its reason in sample.metadata.undetermined (CSV/JSONL: undetermined_<score> column).
  - DeceptionBench invalid items score deceptive = 0 (as Eq. 5 counts them), the reason in the
    score's explanation and the "invalid" field.
  - Model specs (openai:<model>@<url>, embedded:<dir>) stay as written; no Inspect provider names.
`;

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description("write an eval run's samples as an Inspect AI log, CSV or JSONL")
    .argument('<run-dir>', 'an eval run directory (candor eval --out) or an experiment run directory (every eval run below it)')
    .requiredOption('--format <format>', `one of ${EXPORT_FORMATS.join(', ')}`)
    .option('--out <path>', 'inspect: a directory of .json logs (default <run>/export/inspect); csv/jsonl: the file (default <run>/export/samples.<format>)')
    .option('--json', 'print the written files as JSON')
    .addHelpText('after', NOT_MAPPED)
    .action((runDir: string, opts: { format: string; out?: string; json?: boolean }) => {
      if (!(EXPORT_FORMATS as readonly string[]).includes(opts.format)) {
        throw new InputError(`must be one of ${EXPORT_FORMATS.join(', ')}, got "${opts.format}"`, { field: '--format' });
      }
      const result = exportRun(runDir, { format: opts.format as ExportFormat, ...(opts.out ? { out: opts.out } : {}), version: packageVersion() });
      if (opts.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      else {
        process.stderr.write(`candor export: ${result.samples} samples from ${result.runs} eval run(s)\n`);
        for (const file of result.files) process.stdout.write(`${file}\n`);
      }
    });
}
