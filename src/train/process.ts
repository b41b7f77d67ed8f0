/**
 * Runs an external trainer as an argv array (never through a shell), streaming its stdout and
 * stderr line by line into a log file as they arrive, so a crash or kill keeps the log so far.
 */
import { spawn } from 'node:child_process';
import { constants, createWriteStream } from 'node:fs';
import { access, mkdir, readFile } from 'node:fs/promises';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { once } from 'node:events';
import { BackendUnavailableError } from './types.js';

export interface LoggedRunOptions {
  logPath: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onLine?: (line: string) => void;
  /** Milliseconds between SIGTERM and SIGKILL after an abort. */
  killGraceMs?: number;
}

export interface LoggedRunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  aborted: boolean;
}

/** Absolute path of `command` on PATH (or the path itself when it contains a slash), or null. */
export async function findExecutable(command: string, pathEnv: string | undefined = process.env.PATH): Promise<string | null> {
  const candidates = command.includes('/') || isAbsolute(command) ? [command] : (pathEnv ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, command));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next PATH entry
    }
  }
  return null;
}

export async function requireExecutable(command: string, hint: string, pathEnv?: string): Promise<string> {
  const found = await findExecutable(command, pathEnv ?? process.env.PATH);
  if (!found) throw new BackendUnavailableError(`"${command}" was not found on PATH. ${hint}`);
  return found;
}

export async function runLogged(argv: readonly string[], options: LoggedRunOptions): Promise<LoggedRunResult> {
  const [command, ...args] = argv;
  if (command === undefined) throw new Error('empty command line');
  await mkdir(dirname(options.logPath), { recursive: true });
  const log = createWriteStream(options.logPath, { flags: 'a' });
  log.write(`# ${new Date().toISOString()} $ ${argv.map(quoteForDisplay).join(' ')}\n`);
  if (options.signal?.aborted) {
    log.end();
    await once(log, 'close');
    return { exitCode: null, signal: null, aborted: true };
  }

  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pending: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
  const take = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    log.write(chunk);
    if (!options.onLine) return;
    const text = pending[stream] + chunk.toString('utf8');
    const lines = text.split(/\r?\n|\r/);
    pending[stream] = lines.pop() ?? '';
    for (const line of lines) options.onLine(line);
  };
  child.stdout.on('data', take('stdout'));
  child.stderr.on('data', take('stderr'));

  let aborted = false;
  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    aborted = true;
    child.kill('SIGTERM');
    killTimer = setTimeout(() => child.kill('SIGKILL'), options.killGraceMs ?? 10_000);
    killTimer.unref();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    const [exitCode, signal] = (await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, sig) => resolve([code, sig]));
    })) as [number | null, NodeJS.Signals | null];
    for (const stream of ['stdout', 'stderr'] as const) if (pending[stream] && options.onLine) options.onLine(pending[stream]);
    return { exitCode, signal, aborted };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (killTimer) clearTimeout(killTimer);
    log.end();
    await once(log, 'close');
  }
}

/** The last `lines` lines of a log file ('' when it cannot be read). */
export async function logTail(path: string, lines = 40): Promise<string> {
  try {
    const text = await readFile(path, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function quoteForDisplay(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** POSIX shell quoting, for the one place a shell string is unavoidable (a Ray job's entrypoint). */
export function shellJoin(argv: readonly string[]): string {
  return argv.map(quoteForDisplay).join(' ');
}
