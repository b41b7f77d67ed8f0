/**
 * `runExperiment`: the contamination sweep end to end. Resolve and register the data, write the
 * shared eval suites, plan the arms (vanilla, control, one per ratio × seed, and a positive control
 * per seed when declared), run the arms two at
 * a time in worker processes, record lineage, then write `<run>/results.json` and, through the
 * caller's `report` (the CLI passes src/report's writeReport), the report.
 *
 * Resumable: rerunning the same config in the same directory skips arms whose result.json exists
 * and restarts the others from what they left (complete training checkpoints, eval journals).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomicSync } from '../util/atomic-write.js';
import { DEFAULT_REGISTRY_DIR, Registry } from '../store/registry.js';
import { InputError } from '../util/errors.js';
import { baseModelDir, type ArmHooks, type ArmResultFile, type ArmTask } from './arm.js';
import { runArmPool } from './arm-pool.js';
import { experimentArms } from './arm-plan.js';
import { experimentConfigDigest } from './config-digest.js';
import { dataForSeed, resolveSeedData } from './datasets.js';
import { prepareEvalData } from './eval-suites.js';
import { armPaths, reportDir, RESULTS_FILE } from './layout.js';
import { recordArmLineage } from './lineage.js';
import { assembleResults } from './results.js';
import type { ExperimentResults } from './results-schema.js';
import { openExperimentRun } from './run-state.js';
import { preflightExperiment } from './preflight.js';
import { RunDirLock } from '../run/lock.js';
import { firstSeed, loadExperiment, modelForSeed, type Experiment } from './schema.js';
import { createSweepProgress } from './sweep-progress.js';

export interface RunExperimentOptions {
  /** Run directory (default: the experiment's `out`, i.e. runs/<name>). */
  out?: string;
  /** Arms at once (default: the experiment's `parallel`, 2). */
  parallel?: number;
  /** Require an existing run of this config in the directory (a fresh run resumes anyway when one is there). */
  resume?: boolean;
  /** Registry directory (default: the experiment's `registry`, else .candor). */
  registry?: string;
  /** 'fork' (default): each arm in a worker process; 'inline': in this process, with `hooks`. */
  mode?: 'fork' | 'inline';
  hooks?: ArmHooks;
  /** A module exporting `armHooks` that worker processes load (see ArmTask.hooksModule). */
  hooksModule?: string;
  /** Progress on stderr (default true). */
  progress?: boolean;
  signal?: AbortSignal;
  /**
   * Writes the report of the assembled results into `dir`, before the run is recorded as finished.
   * The report room sits above experiments, so the caller passes it (`candor run`: writeReport).
   */
  report?: (results: ExperimentResults, dir: string) => Promise<{ htmlPath: string }>;
}

export interface RunExperimentOutput {
  runDir: string;
  resultsPath: string;
  /** The HTML report, when `report` was given. */
  reportPath?: string;
  runId: string;
  arms: { total: number; skipped: number; ran: number; failed: { arm: string; error: string }[] };
}

export { experimentArms, type ExperimentArm } from './arm-plan.js';

export async function runExperiment(fileOrConfig: string | Experiment, options: RunExperimentOptions = {}): Promise<RunExperimentOutput> {
  const experiment = typeof fileOrConfig === 'string' ? loadExperiment(fileOrConfig) : fileOrConfig;
  const parallel = options.parallel ?? experiment.parallel;
  if (!Number.isInteger(parallel) || parallel < 1) throw new InputError(`must be a positive integer, got ${parallel}`, { field: '--parallel' });
  // Pre-flight: every path, base model and ratio is checked before the run directory is touched.
  await preflightExperiment(experiment, { out: options.out ?? experiment.out, ...(options.registry ? { registry: options.registry } : {}) });
  const opened = openExperimentRun(options.out ?? experiment.out, experiment, { requireExisting: options.resume });
  const { runDir, state } = opened;
  const configDigest = experimentConfigDigest(experiment);

  const registry = Registry.open(options.registry ?? experiment.registry ?? DEFAULT_REGISTRY_DIR);
  // One writer per run directory: a second `candor run` on it is refused, naming the holder's pid.
  let lock: RunDirLock | undefined;
  try {
    lock = RunDirLock.acquire(runDir);
    const baseDir = baseModelDir(modelForSeed(experiment, firstSeed(experiment)));
    const data = await resolveSeedData(experiment, registry);
    const worldSeed = data.worldSeed;
    const evalData = await prepareEvalData(experiment, runDir, worldSeed);
    const arms = experimentArms(experiment);

    const runArtifactId = registry.lineage.recordRun({
      id: state.run_id,
      name: experiment.name,
      experimentPath: experiment.file,
      experimentDigest: experiment.digest,
      outDir: runDir,
      status: 'running',
    });
    const lineageRun = { runId: state.run_id, runArtifactId, runDir, baseModel: experiment.model, ...(baseDir ? { baseModelDir: baseDir } : {}) };
    const lineageIds: Record<string, Record<string, string>> = {};
    const record = async (result: ArmResultFile) => {
      const ids = await recordArmLineage(registry.lineage, lineageRun, result);
      lineageIds[result.arm_id] = Object.fromEntries(Object.entries({ result_id: ids.resultId, checkpoint_id: ids.checkpointId, mix_id: ids.mixId, model_id: ids.modelId }).filter(([, v]) => v)) as Record<string, string>;
    };

    const finished = arms.filter((arm) => existsSync(armPaths(runDir, arm.id).result));
    // Arms finished by an earlier (perhaps killed) invocation: their lineage may not be recorded yet.
    for (const arm of finished) await record(readArmResult(runDir, arm.id));
    const pending = arms.filter((arm) => !finished.includes(arm));
    const tasks: ArmTask[] = pending.map((arm) => ({ runDir, runId: state.run_id, arm, experiment, registryDir: registry.dir, data: dataForSeed(data, arm.seed), evalData, ...(options.hooksModule ? { hooksModule: options.hooksModule } : {}) }));

    const progress = createSweepProgress({ total: arms.length, done: finished.length, silent: options.progress === false });
    let outcomes;
    try {
      outcomes = await runArmPool(tasks, {
        parallel,
        mode: options.mode ?? 'fork',
        hooks: options.hooks,
        signal: options.signal,
        onStatus: (arm, text) => progress.status(arm, text),
        onFinish: async (outcome) => {
          if ('result' in outcome) await record(outcome.result);
          progress.finished(outcome.task.arm.id, 'error' in outcome);
        },
      });
    } finally {
      progress.stop();
    }
    const failed = outcomes.flatMap((o) => ('error' in o ? [{ arm: o.task.arm.id, error: o.error }] : []));

    const results = assembleResults({ experiment, runDir, configDigest, createdAt: state.created_at, arms, data: data.bySeed, lineage: lineageIds });
    const resultsPath = join(runDir, RESULTS_FILE);
    writeJsonAtomicSync(resultsPath, results);
    const report = options.report ? await options.report(results, reportDir(runDir)) : undefined;
    registry.lineage.recordRun({ id: state.run_id, status: failed.length ? `finished with ${failed.length} failed arm(s)` : 'finished' });
    return {
      runDir,
      resultsPath,
      ...(report ? { reportPath: report.htmlPath } : {}),
      runId: state.run_id,
      arms: { total: arms.length, skipped: finished.length, ran: tasks.length, failed },
    };
  } finally {
    registry.close();
    lock?.release();
  }
}

function readArmResult(runDir: string, armId: string): ArmResultFile {
  return JSON.parse(readFileSync(armPaths(runDir, armId).result, 'utf8')) as ArmResultFile;
}
