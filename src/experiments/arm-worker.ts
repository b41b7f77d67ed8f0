/**
 * Entry point of an arm's worker process (forked by arm-pool.ts with tsx loaded). The wasm tensor
 * backend uses one thread, so one process per core is how two arms train at once. Protocol over
 * the IPC channel: the parent sends one ArmTask; the worker answers `status` messages, then one
 * `done` (with the arm's result) or `failed` message, and exits.
 */
import { executeArm, type ArmResultFile, type ArmTask } from './arm.js';
import { registeredWorkerHooks } from './worker-hooks.js';

export type WorkerMessage =
  | { type: 'status'; text: string }
  | { type: 'done'; result: ArmResultFile }
  | { type: 'failed'; message: string; stack?: string; name?: string };

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

process.once('message', (task: ArmTask) => {
  void (async () => {
    try {
      // The hooks module (if any) was preloaded by the pool with --import and has registered its hooks.
      const extra = registeredWorkerHooks();
      if (task.hooksModule && !extra) throw new Error(`${task.hooksModule} registered no arm hooks (it must call registerWorkerHooks)`);
      const result = await executeArm(task, { ...extra, onStatus: (text) => void send({ type: 'status', text }), evalProgress: true });
      await send({ type: 'done', result });
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      await send({ type: 'failed', message: e.message, stack: e.stack, name: e.name });
      process.exitCode = 1;
    } finally {
      process.disconnect?.();
    }
  })();
});
