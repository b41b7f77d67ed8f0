/**
 * The run directory's identity: `experiment.json` records the config digest the first time a run
 * starts there. Running again with the same config resumes (finished arms are skipped); a
 * different config in the same directory is refused, so results from two experiments never mix.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { writeJsonAtomicSync } from '../util/atomic-write.js';
import { formatFieldPath } from '../util/field-path.js';
import { InputError } from '../util/errors.js';
import { experimentConfigDigest } from './config-digest.js';
import { EXPERIMENT_FILE } from './layout.js';
import type { Experiment } from './schema.js';
import { firstIssue } from '../util/zod-issue.js';

const runStateSchema = z.object({
  schema: z.literal('candor.experiment-run/1'),
  run_id: z.string().min(1),
  name: z.string(),
  config_digest: z.string().min(1),
  experiment_file: z.string(),
  created_at: z.string(),
  config: z.record(z.string(), z.unknown()),
});
export type RunState = z.infer<typeof runStateSchema>;

export interface OpenedRun {
  runDir: string;
  state: RunState;
  /** True when the directory already held this experiment's run. */
  resumed: boolean;
}

/**
 * Opens `runDir` for `experiment`: creates it (and experiment.json) when new, resumes when it holds
 * the same config, refuses a different config or a non-empty directory that is not a run.
 */
export function openExperimentRun(runDir: string, experiment: Experiment, options: { requireExisting?: boolean } = {}): OpenedRun {
  const dir = resolve(runDir);
  const file = join(dir, EXPERIMENT_FILE);
  const digest = experimentConfigDigest(experiment);
  if (existsSync(file)) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new InputError(`cannot read the run's experiment record: ${(error as Error).message}`, { file });
    }
    const parsed = runStateSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = firstIssue(parsed.error);
      throw new InputError(`malformed experiment record (${issue.message})`, { file, field: formatFieldPath(issue.path) });
    }
    if (parsed.data.config_digest !== digest) {
      throw new InputError(
        `this run directory holds a different experiment (config digest ${parsed.data.config_digest.slice(0, 12)}…, yours ${digest.slice(0, 12)}…, declared by ${parsed.data.experiment_file}); ` +
          'choose another --out, or rerun the original config to resume it',
        { file, field: 'config_digest' },
      );
    }
    return { runDir: dir, state: parsed.data, resumed: true };
  }
  if (options.requireExisting) throw new InputError('--resume: no experiment run in this directory', { file: dir, field: '--resume' });
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new InputError('the output directory is not empty and holds no experiment run; choose another --out', { file: dir, field: '--out' });
  }
  mkdirSync(dir, { recursive: true });
  const state: RunState = {
    schema: 'candor.experiment-run/1',
    run_id: `${experiment.name}-${digest.slice(0, 12)}`,
    name: experiment.name,
    config_digest: digest,
    experiment_file: experiment.file,
    created_at: new Date().toISOString(),
    config: JSON.parse(JSON.stringify(experiment)) as Record<string, unknown>,
  };
  writeJsonAtomicSync(file, state);
  return { runDir: dir, state, resumed: false };
}
