import type { Command } from 'commander';
import { loadInteractionConfig } from '../../interact/config.js';
import { interactionPlan, runInteraction } from '../../interact/loop.js';
import { writeInteractionReport } from '../../interact/report.js';

interface RunFlags {
  out?: string;
  resume?: boolean;
  check?: boolean;
  quiet?: boolean;
}

/** `candor interact run FILE` and `candor interact report RUN_DIR`: the interaction loop and its report. */
export function registerInteractCommands(program: Command): void {
  const interact = program.command('interact').description('Simulated users rate the assistant; self-training on their feedback over rounds; the population monitor that gates it');
  interact
    .command('run')
    .description('Run every arm of an interaction file (biased ratio × seed × SFT/KTO × gated/ungated, K rounds), then write report.md; the report path is the last line on stdout')
    .argument('<file>', 'interaction YAML (see examples/embedded-interaction.yaml)')
    .option('--out <dir>', "run directory (default: the file's out, else runs/<name>)")
    .option('--resume', 'require an existing run of this file in the run directory (rerunning resumes anyway)')
    .option('--check', 'only validate the file and print the plan; writes nothing')
    .option('--quiet', 'no progress on stderr')
    .action(async (file: string, opts: RunFlags) => {
      const config = loadInteractionConfig(file);
      if (opts.check) {
        process.stdout.write(JSON.stringify(interactionPlan(config), null, 2) + '\n');
        return;
      }
      const output = await runInteraction(config, { ...(opts.out ? { out: opts.out } : {}), ...(opts.resume ? { resume: true } : {}), progress: !opts.quiet });
      const report = writeInteractionReport(output.runDir);
      process.stderr.write(`candor interact: ${output.arms} arms, ${output.rounds.length} round records, ${output.totalConversations} conversations (${output.failedConversations} failed); summary ${output.summaryPath}\n`);
      if (output.failedConversations > 0) {
        process.stderr.write('candor interact: some conversations failed; rerun the same command to redo them\n');
        process.exitCode = 1;
      }
      process.stdout.write(`${report.markdownPath}\n`);
    });
  interact
    .command('report')
    .description("Write an interaction run's report (report.md, report.json) from its run directory")
    .argument('<run-dir>', 'the directory `candor interact run` wrote')
    .action((runDir: string) => {
      const report = writeInteractionReport(runDir);
      process.stdout.write(`${report.markdownPath}\n`);
    });
}
