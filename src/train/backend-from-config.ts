/**
 * Turns the `backend` and `eval_endpoint` settings of an experiment (or of `candor train`) into a
 * TrainerBackend, so callers need no knowledge of either backend. The settings' schema lives in
 * src/train/config.ts; this module knows nothing about experiments.
 */
import { createEmbeddedBackend } from './embedded.js';
import type { BackendConfig } from './config.js';
import { createTrlBackend, type TrlLauncher } from './trl-backend.js';
import { InputError } from '../util/errors.js';
import type { TrainerBackend } from './types.js';

/** Where trained models are served for evaluation (an experiment's `eval_endpoint`). */
export interface ServingEndpoint {
  base_url: string;
  /** Served model name; `{arm}` becomes the job name, `{digest}` the job digest's first 8 hex digits. */
  model?: string;
}

export interface BackendFromConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** For Ray: where the run directory is visible on the cluster (local prefix → cluster prefix). */
  sharedPath?: { local: string; remote: string };
}

export function backendFromConfig(backend: BackendConfig, evalEndpoint: ServingEndpoint | undefined, options: BackendFromConfigOptions = {}): TrainerBackend {
  if (backend.type === 'embedded') return createEmbeddedBackend(backend.allow_unknown_tokens ? { allowUnknownTokens: true } : {});
  if (!evalEndpoint) throw new InputError('the trl backend needs eval_endpoint', { field: 'eval_endpoint' });
  const env = options.env ?? process.env;
  const accelerate = backend.accelerate
    ? {
        numProcesses: backend.accelerate.num_processes,
        ...(backend.accelerate.config_file ? { configFile: backend.accelerate.config_file } : {}),
        ...(backend.accelerate.num_machines ? { numMachines: backend.accelerate.num_machines } : {}),
        ...(backend.accelerate.mixed_precision ? { mixedPrecision: backend.accelerate.mixed_precision } : {}),
        extraArgs: backend.accelerate.extra_args,
      }
    : undefined;
  let launcher: TrlLauncher;
  if (backend.ray) {
    const token = backend.ray.token_env ? env[backend.ray.token_env] : undefined;
    if (backend.ray.token_env && !token) {
      throw new InputError(`environment variable ${backend.ray.token_env} is not set`, { field: 'backend.ray.token_env' });
    }
    launcher = {
      kind: 'ray',
      ray: {
        address: backend.ray.address,
        ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
        ...(backend.ray.runtime_env ? { runtimeEnv: backend.ray.runtime_env } : {}),
        ...(backend.ray.entrypoint_num_gpus !== undefined ? { numGpus: backend.ray.entrypoint_num_gpus } : {}),
        ...(backend.ray.entrypoint_num_cpus !== undefined ? { numCpus: backend.ray.entrypoint_num_cpus } : {}),
        ...(accelerate ? { accelerate } : { python: backend.python ?? 'python' }),
        ...(options.sharedPath ? { sharedPath: options.sharedPath } : {}),
        wait: { pollIntervalMs: backend.ray.poll_seconds * 1000, maxPollIntervalMs: Math.max(backend.ray.poll_seconds, 60) * 1000 },
      },
    };
  } else if (accelerate) {
    launcher = { kind: 'accelerate', accelerate };
  } else {
    launcher = { kind: 'python', ...(backend.python ? { python: backend.python } : {}) };
  }
  return createTrlBackend({
    launcher,
    evalEndpoint: evalEndpoint.base_url,
    ...(evalEndpoint.model ? { servedModel: evalEndpoint.model } : {}),
    env,
  });
}
