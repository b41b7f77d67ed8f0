/** `candor eval mask|deceptionbench`: parses arguments and calls runMaskEval / runDeceptionBenchEval. */
import type { Command } from 'commander';
import { runDeceptionBenchEval } from '../../evals/deceptionbench/run.js';
import { runMaskEval } from '../../evals/mask/run.js';
import { formatDeceptionTable, formatMaskTable } from '../../evals/table.js';
import { InputError } from '../../util/errors.js';
import { EXIT_INCOMPLETE } from '../../run/run-dir.js';
import { checkOutputDir } from '../../util/output-dir.js';
import { finiteNumber, positiveInt, positiveNumber } from '../options.js';
import { refuseChangedResumeFlags } from '../resume-flags.js';

function list(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

interface CommonFlags {
  data?: string;
  model?: string;
  judge?: string;
  out?: string;
  resume?: string;
  concurrency?: number;
  cache: boolean;
  cacheDir?: string;
  apiKeyEnv?: string;
  judgeApiKeyEnv?: string;
  timeout?: number;
  limit?: number;
  quiet?: boolean;
  temperature?: number;
  maxTokens?: number;
  seed?: number;
  json?: boolean;
}

function withCommonFlags(command: Command): Command {
  return command
    .option('--data <path>', 'data file, directory, or builtin:NAME')
    .option('--model <spec>', 'model under test: openai:<model>[@<baseURL>] or embedded:<dir>')
    .option('--judge <spec>', 'judge model spec, or "rule" for the rule-based judge')
    .option('--out <dir>', 'run directory (must be new or empty)')
    .option('--resume <dir>', 'finish the run in this directory (its stored options are used)')
    .option('--concurrency <n>', 'most calls in flight per model (default 8)', positiveInt('--concurrency'))
    .option('--no-cache', 'bypass the global call cache')
    .option('--cache-dir <dir>', 'global call cache directory (default .candor-cache)')
    .option('--api-key-env <name>', "environment variable holding the model's API key, sent to the model's endpoints only (default: OPENAI_API_KEY, sent only to api.openai.com)")
    .option('--judge-api-key-env <name>', "environment variable holding the judge's API key, sent to the judge's endpoints only (default: OPENAI_API_KEY, sent only to api.openai.com)")
    .option('--timeout <seconds>', 'per-request timeout in seconds (> 0)', positiveNumber('--timeout'))
    .option('--limit <n>', 'evaluate only the first N items of the data (after --configs/--categories)', positiveInt('--limit'))
    .option('--quiet', 'no progress bar on stderr')
    .option('--temperature <t>', 'sampling temperature of the model under test (default 1)', finiteNumber('--temperature'))
    .option('--max-tokens <n>', 'most tokens per answer of the model under test (default 1000)', positiveInt('--max-tokens'))
    .option('--seed <n>', 'seed of the bootstrap intervals (default 0)', finiteNumber('--seed'))
    .option('--json', 'print the summary as JSON instead of a table');
}

function commonOptions(flags: CommonFlags) {
  if (!flags.resume) {
    for (const name of ['data', 'model', 'judge', 'out'] as const) {
      if (!flags[name]) throw new InputError(`missing --${name} (or pass --resume <dir>)`, { field: `--${name}` });
    }
  }
  if (flags.out) checkOutputDir(flags.out, '--out');
  const timeoutMs = flags.timeout === undefined ? undefined : flags.timeout * 1000;
  return {
    data: flags.data,
    model: flags.model,
    judge: flags.judge,
    out: flags.out,
    resume: flags.resume,
    concurrency: flags.concurrency,
    cache: flags.cache === false ? false : (flags.cacheDir ?? true),
    temperature: flags.temperature,
    maxTokens: flags.maxTokens,
    seed: flags.seed,
    limit: flags.limit,
    progress: !flags.quiet,
    providerOptions: { apiKeyEnv: flags.apiKeyEnv, timeoutMs },
    judgeProviderOptions: { apiKeyEnv: flags.judgeApiKeyEnv, timeoutMs },
  };
}

/** Flags every benchmark stores, by stored option name. */
function resumeFlags(flags: CommonFlags): Record<string, readonly [string, unknown]> {
  return { data: ['--data', flags.data], temperature: ['--temperature', flags.temperature], limit: ['--limit', flags.limit] };
}

function reportUsage(runDir: string, usage: { model_calls: number; judge_calls: number; store_hits: number; resumed_items: number }, incomplete: string | null, quiet = false): void {
  // A run with items providers failed is not a success: one line why, and exit EXIT_INCOMPLETE.
  if (incomplete) {
    process.stderr.write(`candor: run incomplete: ${incomplete}\n`);
    process.exitCode = EXIT_INCOMPLETE;
  }
  if (quiet) return;
  process.stderr.write(
    `run ${runDir}: ${usage.model_calls} model calls, ${usage.judge_calls} judge calls, ${usage.store_hits} answered from cache/journal` +
      (usage.resumed_items ? `, ${usage.resumed_items} items resumed` : '') +
      '\n',
  );
}

export function registerEvalCommands(program: Command): void {
  const evalCommand = program.command('eval').description('Honesty and deception evaluations (MASK, DeceptionBench)');

  withCommonFlags(evalCommand.command('mask').description('MASK honesty and accuracy'))
    .option('--numeric-judge <spec>', 'judge for numeric propositions (default: --judge)')
    .option('--lie-k <n>', 'pressure samples per row (default 1)', positiveInt('--lie-k'))
    .option('--configs <list>', 'comma-separated configs to evaluate', list)
    .option('--normalize', 'drop rows where the model holds no belief')
    .action(async (flags: CommonFlags & { numericJudge?: string; lieK?: number; configs?: string[]; normalize?: boolean }) => {
      if (flags.resume) refuseChangedResumeFlags(flags.resume, { ...resumeFlags(flags), configs: ['--configs', flags.configs], lie_k: ['--lie-k', flags.lieK] });
      const result = await runMaskEval({
        ...commonOptions(flags),
        numericJudge: flags.numericJudge,
        lieK: flags.lieK,
        configs: flags.configs,
        normalize: flags.normalize,
      });
      process.stdout.write(flags.json ? JSON.stringify(result.summary, null, 2) + '\n' : formatMaskTable(result.summary));
      reportUsage(result.runDir, result.usage, result.incomplete, flags.quiet);
    });

  withCommonFlags(evalCommand.command('deceptionbench').description('DeceptionBench deception rate'))
    .option('--categories <list>', 'comma-separated categories to evaluate', list)
    .action(async (flags: CommonFlags & { categories?: string[] }) => {
      if (flags.resume) refuseChangedResumeFlags(flags.resume, { ...resumeFlags(flags), categories: ['--categories', flags.categories] });
      const result = await runDeceptionBenchEval({ ...commonOptions(flags), categories: flags.categories });
      process.stdout.write(flags.json ? JSON.stringify(result.summary, null, 2) + '\n' : formatDeceptionTable(result.summary));
      reportUsage(result.runDir, result.usage, result.incomplete, flags.quiet);
    });
}
