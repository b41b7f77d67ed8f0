/**
 * The TRL backend: export the job in TRL's formats, run python/candor_trl.py (directly, under
 * accelerate, or as a Ray job), read back `result.json`, and name the OpenAI-compatible model spec
 * that evaluates the result (e.g. vLLM serving the adapter as a LoRA module).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { parseModelSpec } from '../models/registry.js';
import { digestOf } from '../util/canonical-json.js';
import { buildAccelerateArgv, buildPythonArgv, TRL_ENTRY_POINT, type AccelerateOptions } from './launch.js';
import { logTail, requireExecutable, runLogged, shellJoin } from './process.js';
import { RayJobsClient, runRayJob, type WaitOptions } from './ray-jobs.js';
import { TRL_ADAPTER_DIR, TRL_RESULT_FILE } from './trl-config.js';
import { exportTrlJob, type TrlExport, type TrlExportOptions } from './trl-export.js';
import { defaultAccelerate, defaultPython, SETUP_HINT } from './python-env.js';
import { BackendUnavailableError, TrainingFailedError, type TrainContext, type TrainJob, type TrainResult, type TrainerBackend } from './types.js';

export const TRL_LOG_FILE = 'train.log';

export interface RayLauncherOptions {
  /** Ray dashboard address, e.g. http://head:8265. */
  address: string;
  headers?: Record<string, string>;
  /**
   * The job directory must be on storage the cluster sees. Maps a local path prefix to the path
   * the cluster uses for it; without it the cluster is assumed to see the same paths.
   */
  sharedPath?: { local: string; remote: string };
  /** Passed as the job's runtime_env (e.g. `{ working_dir: "s3://…/candor.zip", pip: [...] }`). */
  runtimeEnv?: Record<string, unknown>;
  /** Path of candor_trl.py on the cluster (relative to the runtime_env working_dir); default python/candor_trl.py. */
  entryPoint?: string;
  /** Launch under accelerate on the cluster; otherwise plain python. */
  accelerate?: AccelerateOptions;
  python?: string;
  numGpus?: number;
  numCpus?: number;
  wait?: Omit<WaitOptions, 'signal' | 'onStatus'>;
}

export type TrlLauncher =
  | { kind: 'python'; python?: string }
  | { kind: 'accelerate'; accelerate: AccelerateOptions }
  | { kind: 'ray'; ray: RayLauncherOptions };

export interface TrlBackendOptions extends Omit<TrlExportOptions, 'numProcesses'> {
  launcher: TrlLauncher;
  /** OpenAI-compatible base URL that will serve the trained adapter (e.g. http://gpu-host:8000/v1). */
  evalEndpoint: string;
  /** Environment for local launches (default process.env). */
  env?: NodeJS.ProcessEnv;
  /**
   * Name the endpoint serves the trained model under: `{arm}` becomes the job name, `{digest}` the
   * first 8 hex digits of the job digest. Default "candor-{arm}-{digest}" (see adapterName).
   */
  servedModel?: string;
}

const resultSchema = z.looseObject({
  status: z.literal('succeeded'),
  job_digest: z.string(),
  metrics: z.record(z.string(), z.number()).default({}),
});

export function createTrlBackend(options: TrlBackendOptions): TrainerBackend {
  // Fail on a bad endpoint now, not after hours of training.
  parseModelSpec(`openai:probe@${options.evalEndpoint}`);
  return {
    name: 'trl',
    train: (job, ctx) => trainWithTrl(job, options, ctx ?? {}),
  };
}

/** Name under which the serving endpoint exposes the trained model: readable, unique per job content. */
export function adapterName(job: Pick<TrainJob, 'name'>, jobDigest: string): string {
  const slug = job.name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'job';
  return `candor-${slug}-${jobDigest.slice(0, 8)}`;
}

/**
 * vLLM command line that serves the base model with the trained adapter as a LoRA module under
 * `adapterName` (vLLM's default max LoRA rank is 16, below the paper's 32, hence the flag).
 */
export function vllmServeArgv(baseModel: string, adapters: { name: string; path: string }[], loraRank = 32): string[] {
  return ['vllm', 'serve', baseModel, '--enable-lora', '--max-lora-rank', String(loraRank), '--lora-modules', ...adapters.map((a) => `${a.name}=${a.path}`)];
}

async function trainWithTrl(job: TrainJob, options: TrlBackendOptions, ctx: TrainContext): Promise<TrainResult> {
  const numProcesses =
    options.launcher.kind === 'accelerate' ? options.launcher.accelerate.numProcesses : options.launcher.kind === 'ray' ? (options.launcher.ray.accelerate?.numProcesses ?? 1) : 1;
  const exported = await exportTrlJob(job, { numProcesses, ...(options.ktoFormat ? { ktoFormat: options.ktoFormat } : {}) });
  const logsPath = join(job.outputDir, TRL_LOG_FILE);
  const finished = await readResult(exported);
  if (finished) return toTrainResult(job, options, exported, logsPath, finished.metrics, true);

  if (options.launcher.kind === 'ray') {
    await runOnRay(exported, job, options.launcher.ray, logsPath, ctx);
    // The cluster wrote result.json on shared storage; when this machine cannot see it, metrics stay empty.
    const result = await readResult(exported);
    return toTrainResult(job, options, exported, logsPath, result?.metrics ?? {}, false);
  }

  const [program, ...args] =
    options.launcher.kind === 'accelerate'
      ? buildAccelerateArgv({ ...options.launcher.accelerate, executable: options.launcher.accelerate.executable ?? defaultAccelerate(options.env) }, exported.configPath)
      : buildPythonArgv({ executable: options.launcher.python ?? defaultPython(options.env) }, exported.configPath);
  const hint =
    options.launcher.kind === 'accelerate'
      ? `The TRL backend runs under accelerate from the Python environment. ${SETUP_HINT} Or use the ray launcher, or the embedded backend.`
      : `The TRL backend needs Python 3 with torch, transformers, datasets, peft and trl. ${SETUP_HINT}`;
  if (program === undefined) throw new Error('the TRL launcher built an empty command line');
  const argv = [await requireExecutable(program, hint, options.env?.PATH), ...args];
  const run = await runLogged(argv, { logPath: logsPath, env: options.env, signal: ctx.signal, onLine: ctx.onLog });
  if (run.aborted) {
    const error = new Error(`training of ${job.name} aborted`);
    error.name = 'AbortError';
    throw error;
  }
  if (run.exitCode !== 0) {
    const why = run.exitCode === 3 ? `Python packages are missing; ${SETUP_HINT}` : run.exitCode === 2 ? 'the config or dataset was rejected' : `exit code ${run.exitCode ?? run.signal}`;
    throw new TrainingFailedError(`TRL training of ${job.name} failed (${why})`, await logTail(logsPath), logsPath);
  }
  const result = await readResult(exported);
  if (!result) throw new TrainingFailedError(`TRL training of ${job.name} exited 0 but wrote no ${TRL_RESULT_FILE}`, await logTail(logsPath), logsPath);
  return toTrainResult(job, options, exported, logsPath, result.metrics, false);
}

async function runOnRay(exported: TrlExport, job: TrainJob, ray: RayLauncherOptions, logsPath: string, ctx: TrainContext): Promise<void> {
  const remoteConfig = toRemote(exported.configPath, ray.sharedPath);
  const entryPoint = ray.entryPoint ?? 'python/candor_trl.py';
  const argv = ray.accelerate ? buildAccelerateArgv(ray.accelerate, remoteConfig, entryPoint) : buildPythonArgv({ executable: ray.python ?? 'python' }, remoteConfig, entryPoint);
  const entrypoint = shellJoin(argv);
  const content = {
    job_digest: exported.config.job_digest,
    entrypoint,
    runtime_env: ray.runtimeEnv ?? {},
    entrypoint_num_gpus: ray.numGpus ?? null,
    entrypoint_num_cpus: ray.numCpus ?? null,
  };
  const client = new RayJobsClient({ address: ray.address, headers: ray.headers });
  const outcome = await runRayJob(
    client,
    {
      entrypoint,
      submission_id: `candor-${digestOf(content).slice(0, 32)}`,
      runtime_env: ray.runtimeEnv ?? {},
      metadata: { candor_job: job.name, candor_method: job.config.method, candor_job_digest: exported.config.job_digest },
      ...(ray.numGpus !== undefined ? { entrypoint_num_gpus: ray.numGpus } : {}),
      ...(ray.numCpus !== undefined ? { entrypoint_num_cpus: ray.numCpus } : {}),
    },
    {
      ...ray.wait,
      signal: ctx.signal,
      onStatus: (details) => ctx.onLog?.(`ray job ${details.submission_id ?? ''}: ${details.status}${details.message ? ` (${details.message})` : ''}`),
    },
  ).catch(async (error: unknown) => {
    if (error instanceof TrainingFailedError) await writeFile(logsPath, `${error.logTail}\n`, 'utf8');
    throw error;
  });
  await writeFile(logsPath, outcome.logs, 'utf8');
}

function toRemote(path: string, shared: RayLauncherOptions['sharedPath']): string {
  if (!shared) return path;
  if (!path.startsWith(shared.local)) {
    throw new BackendUnavailableError(`${path} is not under the shared directory ${shared.local}, so the Ray cluster cannot read it`);
  }
  return shared.remote + path.slice(shared.local.length);
}

async function readResult(exported: TrlExport): Promise<{ metrics: Record<string, number> } | null> {
  let text: string;
  try {
    text = await readFile(join(exported.dir, TRL_RESULT_FILE), 'utf8');
  } catch {
    return null;
  }
  const parsed = resultSchema.safeParse(safeJson(text));
  // A result from a different job (changed data or hyperparameters) is not this job's result.
  if (!parsed.success || parsed.data.job_digest !== exported.config.job_digest) return null;
  return { metrics: parsed.data.metrics };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toTrainResult(job: TrainJob, options: TrlBackendOptions, exported: TrlExport, logsPath: string, metrics: Record<string, number>, reused: boolean): TrainResult {
  const digest = exported.config.job_digest;
  const name = options.servedModel ? options.servedModel.replaceAll('{arm}', job.name).replaceAll('{digest}', digest.slice(0, 8)) : adapterName(job, digest);
  return {
    backend: 'trl',
    method: job.config.method,
    checkpointPath: join(exported.dir, TRL_ADAPTER_DIR),
    modelSpec: `openai:${name}@${options.evalEndpoint}`,
    logsPath,
    metrics,
    jobDigest: exported.config.job_digest,
    ...(reused ? { reused } : {}),
  };
}

export { TRL_ENTRY_POINT };
