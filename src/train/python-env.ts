/**
 * Where the TRL backend finds Python: the virtual environment scripts/setup-python.sh creates
 * (`.venv-trl/` in the checkout, or CANDOR_TRL_VENV), unless the experiment names an interpreter
 * (`backend.python`). Without either it falls back to `python3` / `accelerate` on PATH.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `.venv-trl/` at the root of this checkout. */
export const DEFAULT_TRL_VENV = fileURLToPath(new URL('../../.venv-trl/', import.meta.url));

export const SETUP_HINT = 'Create it with scripts/setup-python.sh (installs the pinned stack of python/requirements-trl.txt into .venv-trl/).';

export function trlVenvDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CANDOR_TRL_VENV || DEFAULT_TRL_VENV;
}

/** The venv's executable `name` (python, accelerate) when the venv exists, else `fallback`. */
export function venvExecutable(name: 'python' | 'accelerate', fallback: string, env: NodeJS.ProcessEnv = process.env): string {
  const candidate = join(trlVenvDir(env), 'bin', name);
  return existsSync(candidate) ? candidate : fallback;
}

export function defaultPython(env?: NodeJS.ProcessEnv): string {
  return venvExecutable('python', 'python3', env);
}

export function defaultAccelerate(env?: NodeJS.ProcessEnv): string {
  return venvExecutable('accelerate', 'accelerate', env);
}
