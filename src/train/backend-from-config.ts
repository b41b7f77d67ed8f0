/**
 * Turns the `training`, `backend` and `eval_endpoint` sections of an experiment file
 * (src/experiments/schema.ts) into a TrainerBackend and per-arm hyperparameters, so the runner
 * needs no knowledge of either backend.
 */
import type { BackendConfig, EvalEndpointConfig, TrainingConfig } from '../experiments/schema.js';
import { createEmbeddedBackend } from './embedded.js';
import { createTrlBackend, type TrlLauncher } from './trl-backend.js';
import { InputError } from '../util/errors.js';
import type { TrainerBackend, TrainHyperparametersInput } from './types.js';

export interface BackendFromExperimentOptions {
  env?: NodeJS.ProcessEnv;
  /** For Ray: where the run directory is visible on the cluster (local prefix → cluster prefix). */
  sharedPath?: { local: string; remote: string };
}

/** Processes sharing one global batch under this backend. */
export function processCount(backend: BackendConfig): number {
  return backend.type === 'trl' ? (backend.accelerate?.num_processes ?? 1) : 1;
}

/**
 * The experiment's `batch_size` is the global batch (the paper's 16); `gradient_accumulation_steps`
 * splits it further, so the per-device batch is batch / (accumulation × processes).
 */
export function hyperparametersFromTraining(training: TrainingConfig, seed: number, numProcesses = 1): TrainHyperparametersInput {
  const perDevice = training.batch_size / (training.gradient_accumulation_steps * numProcesses);
  if (!Number.isInteger(perDevice) || perDevice < 1) {
    throw new InputError(
      `batch_size ${training.batch_size} is not divisible by gradient_accumulation_steps ${training.gradient_accumulation_steps} × ${numProcesses} process(es)`,
      { field: 'training.batch_size' },
    );
  }
  return {
    epochs: training.epochs,
    learningRate: training.lr,
    batchSize: training.batch_size,
    perDeviceBatchSize: perDevice,
    maxSeqLen: training.max_seq_len,
    seed,
    ...(training.lora
      ? { lora: { rank: training.lora.rank, alpha: training.lora.alpha, dropout: training.lora.dropout, targetModules: training.lora.target_modules } }
      : // An experiment file without `lora` asks for full fine-tuning: what the file says is what runs.
        { lora: null }),
    kto: { beta: training.beta, desirableWeight: training.desirable_weight, undesirableWeight: training.undesirable_weight },
  };
}

/** TRL fields the experiment file sets that TrainHyperparameters does not model. */
export function extraTrlArgs(training: TrainingConfig): Record<string, unknown> {
  return { warmup_ratio: training.warmup_ratio, weight_decay: training.weight_decay };
}

export function backendFromExperiment(
  backend: BackendConfig,
  training: TrainingConfig,
  evalEndpoint: EvalEndpointConfig | undefined,
  options: BackendFromExperimentOptions = {},
): TrainerBackend {
  if (backend.type === 'embedded') return createEmbeddedBackend();
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
        ...(accelerate ? { accelerate } : { python: backend.python }),
        ...(options.sharedPath ? { sharedPath: options.sharedPath } : {}),
        wait: { pollIntervalMs: backend.ray.poll_seconds * 1000, maxPollIntervalMs: Math.max(backend.ray.poll_seconds, 60) * 1000 },
      },
    };
  } else if (accelerate) {
    launcher = { kind: 'accelerate', accelerate };
  } else {
    launcher = { kind: 'python', python: backend.python };
  }
  return createTrlBackend({
    launcher,
    evalEndpoint: evalEndpoint.base_url,
    servedModel: evalEndpoint.model,
    extraTrainingArgs: extraTrlArgs(training),
    env,
  });
}
