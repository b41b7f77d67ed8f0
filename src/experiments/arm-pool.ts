/**
 * Runs arms with at most `parallel` at once, each in its own worker process (or in-process when
 * hooks must be injected). A failed arm does not stop the others: it is reported and its error
 * written to `<arm>/error.json`, and a rerun retries it. Each worker's stderr (its eval progress
 * lines, warnings) goes to `<arm>/worker.log` and its last line feeds the arm's status.
 */
import { fork } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeJsonAtomicSync } from '../util/atomic-write.js';
import { executeArm, type ArmHooks, type ArmResultFile, type ArmTask } from './arm.js';
import type { WorkerMessage } from './arm-worker.js';
import { armPaths } from './layout.js';

export type ArmOutcome = { task: ArmTask; result: ArmResultFile } | { task: ArmTask; error: string };

export interface ArmPoolOptions {
  parallel: number;
  /** 'fork' (default): one worker process per arm; 'inline': in this process (hooks apply). */
  mode?: 'fork' | 'inline';
  hooks?: ArmHooks;
  onStatus?: (armId: string, text: string) => void;
  onStart?: (task: ArmTask) => void;
  onFinish?: (outcome: ArmOutcome) => void | Promise<void>;
  signal?: AbortSignal;
}

// Beside this module: arm-worker.ts when run from the sources, arm-worker.js from the compiled dist/.
const WORKER_PATH = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './arm-worker.ts' : './arm-worker.js', import.meta.url));

export async function runArmPool(tasks: readonly ArmTask[], options: ArmPoolOptions): Promise<ArmOutcome[]> {
  const outcomes: ArmOutcome[] = [];
  let next = 0;
  const lane = async () => {
    while (next < tasks.length && !options.signal?.aborted) {
      const task = tasks[next++];
      if (!task) break;
      options.onStart?.(task);
      const outcome = await runOne(task, options);
      if ('error' in outcome) writeJsonAtomicSync(armPaths(task.runDir, task.arm.id).error, { arm: task.arm.id, error: outcome.error, at: new Date().toISOString() });
      outcomes.push(outcome);
      await options.onFinish?.(outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallel, tasks.length)) }, lane));
  return outcomes;
}

async function runOne(task: ArmTask, options: ArmPoolOptions): Promise<ArmOutcome> {
  const status = (text: string) => options.onStatus?.(task.arm.id, text);
  if (options.mode === 'inline') {
    try {
      return { task, result: await executeArm(task, { ...options.hooks, onStatus: status, signal: options.signal }) };
    } catch (error) {
      return { task, error: error instanceof Error ? error.message : String(error) };
    }
  }
  return runInWorker(task, status, options.signal);
}

function runInWorker(task: ArmTask, status: (text: string) => void, signal?: AbortSignal): Promise<ArmOutcome> {
  const paths = armPaths(task.runDir, task.arm.id);
  mkdirSync(paths.dir, { recursive: true });
  const log = createWriteStream(paths.log, { flags: 'a' });
  return new Promise((resolve) => {
    const child = fork(WORKER_PATH, [], {
      // tsx also for the compiled worker: a run's test hooks are TypeScript modules. The hooks
      // module is preloaded after it, so its hooks are registered before the worker reads its task.
      execArgv: ['--import', 'tsx', ...(task.hooksModule ? ['--import', pathToFileURL(resolvePath(task.hooksModule)).href] : [])],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, CANDOR_ARM: task.arm.id },
    });
    let settled: ArmOutcome | null = null;
    let tail = '';
    const onAbort = () => child.kill('SIGTERM');
    signal?.addEventListener('abort', onAbort, { once: true });
    const onOutput = (chunk: Buffer) => {
      log.write(chunk);
      tail = (tail + chunk.toString('utf8')).slice(-4000);
      const lines = tail.split('\n').filter((l) => l.trim());
      const last = lines.at(-1);
      if (last !== undefined) status(last.trim().slice(0, 120));
    };
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'status') {
        log.write(`[status] ${message.text}\n`);
        status(message.text);
      } else if (message.type === 'done') settled = { task, result: message.result };
      else if (message.type === 'failed') settled = { task, error: message.message };
    });
    child.on('exit', (code, sig) => {
      signal?.removeEventListener('abort', onAbort);
      log.end();
      resolve(settled ?? { task, error: `worker exited ${sig ? `on ${sig}` : `with code ${code}`} before finishing; last output:\n${tail.split('\n').slice(-15).join('\n')}` });
    });
    child.send(task);
  });
}
