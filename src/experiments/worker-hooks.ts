/**
 * Hooks for arms that run in worker processes. Functions cannot cross the IPC channel, so a module
 * preloaded into each worker (`node --import`, named by ArmTask.hooksModule) registers them here:
 * how a custom backend or model factory (a test's stand-in trainer and model) reaches those arms.
 * The slot is process-wide (a registered symbol on globalThis), not module state, because the
 * preloaded module may import these sources while the worker itself runs from the compiled dist/.
 */
import type { ArmHooks } from './arm.js';

const SLOT = Symbol.for('candor.arm-worker-hooks');
type HookSlot = { [SLOT]?: ArmHooks };

/** Called at the top level of a hooks module. */
export function registerWorkerHooks(hooks: ArmHooks): void {
  (globalThis as HookSlot)[SLOT] = hooks;
}

/** The hooks registered in this process, if any. */
export function registeredWorkerHooks(): ArmHooks | undefined {
  return (globalThis as HookSlot)[SLOT];
}
