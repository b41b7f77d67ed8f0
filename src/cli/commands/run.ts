import type { Command } from 'commander';
import { formatPlan, preflightExperiment } from '../../experiments/preflight.js';
import { runExperiment } from '../../experiments/runner.js';
import { loadExperiment } from '../../experiments/schema.js';
import { writeReport } from '../../report/write-report.js';
import { positiveInt } from '../options.js';

interface RunFlags {
  out?: string;
  parallel?: string;
  resume?: boolean;
  registry?: string;
  quiet?: boolean;
  check?: boolean;
  json?: boolean;
}

/** `candor run FILE`: the contamination sweep an experiment file declares. */
export function registerRunCommands(program: Command): void {
  program
    .command('run')
    .description('Run every arm of an experiment file (mix, train, evaluate), write results.json and the report; --check validates and prints the plan')
    .argument('<file>', 'experiment YAML (see examples/embedded-mixing.yaml)')
    .option('--out <dir>', 'run directory (default: the file\'s out, else runs/<name>)')
    .option('--parallel <n>', 'arms at once, one worker process each (default: the file\'s parallel, 2)')
    .option('--resume', 'require an existing run of this config in the run directory (rerunning resumes anyway)')
    .option('--registry <dir>', 'dataset registry directory (default: the file\'s registry, else .candor)')
    .option('--check', 'only check the file (data paths, eval files, base models, sample count of every ratio) and print the plan; writes nothing')
    .option('--json', 'print the outcome (or with --check, the plan) as JSON on stdout')
    .option('--quiet', 'no progress on stderr')
    .action(async (file: string, opts: RunFlags) => {
      const parallel = opts.parallel === undefined ? undefined : positiveInt('--parallel')(opts.parallel);
      if (opts.check) {
        const plan = await preflightExperiment(loadExperiment(file), opts.registry ? { registry: opts.registry } : {});
        process.stdout.write(opts.json ? JSON.stringify(plan, null, 2) + '\n' : formatPlan(plan));
        return;
      }
      const output = await runExperiment(file, {
        ...(opts.out ? { out: opts.out } : {}),
        ...(parallel !== undefined ? { parallel } : {}),
        ...(opts.resume ? { resume: true } : {}),
        ...(opts.registry ? { registry: opts.registry } : {}),
        progress: !opts.quiet,
        report: (results, dir) => writeReport(results, dir),
      });
      const { total, skipped, ran, failed } = output.arms;
      if (failed.length) process.exitCode = 1;
      if (opts.json) {
        process.stdout.write(JSON.stringify(output, null, 2) + '\n');
        return;
      }
      process.stderr.write(`candor run: ${total} arms (${skipped} already finished, ${ran} run, ${failed.length} failed); results ${output.resultsPath}\n`);
      for (const f of failed) process.stderr.write(`  arm ${f.arm} failed: ${f.error.split('\n')[0]}\n`);
      process.stdout.write(`${output.reportPath ?? output.resultsPath}\n`);
    });
}
