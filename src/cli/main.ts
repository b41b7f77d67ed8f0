/**
 * The `candor` command. Each sub-command lives in its own module under ./commands and only parses
 * arguments and calls the library; every behaviour is reachable as a typed API too.
 */
import { Command, CommanderError } from 'commander';
import { InputError } from '../util/errors.js';
import { registerEvalCommands } from './commands/eval.js';
import { registerModelCommands } from './commands/model.js';
import { registerTrainCommands } from './commands/train.js';
import { registerServeCommand } from './commands/serve.js';
import { registerDataCommands } from './commands/data.js';
import { registerRunCommands } from './commands/run.js';
import { registerReportCommands } from './commands/report.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('candor')
    .description('Measure and defend against emergent dishonesty in LLMs (MASK, DeceptionBench, contamination sweeps).')
    .showHelpAfterError()
    .exitOverride();
  registerEvalCommands(program);
  registerModelCommands(program);
  registerTrainCommands(program);
  registerServeCommand(program);
  registerDataCommands(program);
  registerRunCommands(program);
  registerReportCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version exit with code 0; usage errors are bad input.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof InputError) {
      process.stderr.write(`candor: ${error.message}\n`);
      return 2;
    }
    if (error instanceof Error && error.name === 'ModelSpecError') {
      process.stderr.write(`candor: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`candor: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
