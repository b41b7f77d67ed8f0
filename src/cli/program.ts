/**
 * The `candor` program. Each sub-command lives in its own module under ./commands and only parses
 * arguments and calls the library; every behaviour is reachable as a typed API too. Only the
 * module of the command being run is loaded, so `candor --help` and `--version` start fast.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { printable } from '../util/printable.js';
import { COMMANDS, commandEntry } from './command-table.js';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}

/** The command the arguments name: the first non-option word, or the word after `help`. */
function targetCommand(argv: readonly string[]): string | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/**
 * The program for these arguments: the named command fully registered, or (for top-level help,
 * --version and unknown commands) every command as a summary line.
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command();
  program
    .name('candor')
    .description('Measure and defend against emergent dishonesty in LLMs (MASK, DeceptionBench, contamination sweeps).')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError()
    .exitOverride();
  const target = targetCommand(argv);
  const entry = target === undefined ? undefined : commandEntry(target);
  if (entry) {
    (await entry.load())(program);
    return program;
  }
  for (const e of COMMANDS) {
    for (const name of e.names) {
      const usage = e.usage[name] ?? name;
      program.command(usage.replace(/ \[options\]/, '')).description(e.summary[name] ?? '');
    }
  }
  return program;
}

/** An error that carries its own exit code (InputError: 2, an incomplete run, a busy run directory …). */
function exitCodeOf(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { exitCode?: unknown }).exitCode;
  return typeof code === 'number' && Number.isInteger(code) && code > 0 ? code : undefined;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(argv);
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version exit with code 0; usage errors are bad input.
      return error.exitCode === 0 ? 0 : 2;
    }
    // Bad input (2), a run that stopped with work undone, a run directory in use: one line, its own code.
    const code = exitCodeOf(error);
    if (code !== undefined) {
      process.stderr.write(`candor: ${printable((error as Error).message)}\n`);
      return code;
    }
    process.stderr.write(`candor: ${printable(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
    return 1;
  }
}
