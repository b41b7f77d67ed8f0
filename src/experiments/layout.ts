/**
 * Where everything of one experiment run lives, so the runner, the arm workers and the results
 * assembly agree on one layout:
 *   <run>/experiment.json            the validated config and its digest (resume guard)
 *   <run>/eval-data/*.jsonl          eval suites written once and shared by every arm
 *   <run>/arms/<arm>/mix/            train.jsonl + manifest.json (exact sample origins)
 *   <run>/arms/<arm>/train/          the backend's output (checkpoint, logs)
 *   <run>/arms/<arm>/eval/<bench>/   eval run directories (journals make them resumable)
 *   <run>/arms/<arm>/result.json     written last and atomically: its presence = arm finished
 *   <run>/results.json, <run>/report/
 */
import { join, resolve } from 'node:path';

export const EXPERIMENT_FILE = 'experiment.json';
export const RESULTS_FILE = 'results.json';
export const ARM_RESULT_FILE = 'result.json';
export const ARM_ERROR_FILE = 'error.json';

export interface ArmPaths {
  dir: string;
  mixDir: string;
  trainFile: string;
  mixManifest: string;
  trainDir: string;
  evalDir: string;
  result: string;
  error: string;
  log: string;
}

export function armPaths(runDir: string, armId: string): ArmPaths {
  const dir = join(resolve(runDir), 'arms', armId);
  return {
    dir,
    mixDir: join(dir, 'mix'),
    trainFile: join(dir, 'mix', 'train.jsonl'),
    mixManifest: join(dir, 'mix', 'manifest.json'),
    trainDir: join(dir, 'train'),
    evalDir: join(dir, 'eval'),
    result: join(dir, ARM_RESULT_FILE),
    error: join(dir, ARM_ERROR_FILE),
    log: join(dir, 'worker.log'),
  };
}

export function evalDataDir(runDir: string): string {
  return join(resolve(runDir), 'eval-data');
}

export function reportDir(runDir: string): string {
  return join(resolve(runDir), 'report');
}
