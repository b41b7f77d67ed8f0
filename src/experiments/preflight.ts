/**
 * The experiment pre-flight: before any arm trains (and before anything is written under the run
 * directory), resolve every base model, data source and eval file, and the rounded sample count of
 * every ratio. What it finds wrong is an InputError naming the file and field; what it finds right
 * is the plan `candor run FILE --check` prints. It reads files and, only when the experiment names
 * a registered dataset, the registry; it writes nothing.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { misalignedCount } from '../data/mix.js';
import { readSamples } from '../data/readers.js';
import type { DataFormat } from '../data/types.js';
import { loadDeceptionItems } from '../evals/deceptionbench/load.js';
import { loadMaskItems } from '../evals/mask/load.js';
import { localCheckpointDir } from '../models/registry.js';
import { DEFAULT_REGISTRY_DIR, Registry } from '../store/registry.js';
import { InputError } from '../util/errors.js';
import { checkOutputDir } from '../util/output-dir.js';
import { experimentArms } from './arm-plan.js';
import { DEFAULT_DOWNSTREAM_COUNT } from './datasets.js';
import { WORLD_DATA } from './eval-suites.js';
import { modelForSeed, type Experiment } from './schema.js';
// Registers builtin:world-mask / builtin:world-deception, which a YAML may name as its data.
import '../world/suites.js';

export interface PlannedArm {
  id: string;
  kind: string;
  seed: number;
  base_model: string;
  /** 0 for vanilla (no training) and control. */
  ratio: number;
  downstream_samples: number;
  /** Misaligned (or, for the positive control, pressure-lying) samples mixed in. */
  added_samples: number;
}

export interface PlannedEval {
  benchmark: 'mask' | 'deceptionbench' | 'capability';
  /** "embedded" (the world suite of the base model) or the resolved path of a user file. */
  data: string;
  /** Items in a user file; null for world suites, which are written when the run starts. */
  items: number | null;
  judge?: string;
  limit?: number;
}

export interface ExperimentPlan {
  file: string;
  name: string | undefined;
  downstream: { source: string; samples: number };
  misaligned: { source: string; samples_needed: number };
  arms: PlannedArm[];
  evals: PlannedEval[];
}

export interface PreflightOptions {
  /** Registry directory for `dataset:` sources (default: the experiment's, else .candor). */
  registry?: string;
  /** The run directory to be: it must not be (or lie under) a regular file. */
  out?: string | undefined;
}

/** Checks an experiment end to end without training or writing anything; returns its plan. */
export async function preflightExperiment(experiment: Experiment, options: PreflightOptions = {}): Promise<ExperimentPlan> {
  const file = experiment.file;
  let registry: Registry | undefined;
  const openRegistry = () => (registry ??= Registry.open(options.registry ?? experiment.registry ?? DEFAULT_REGISTRY_DIR));
  try {
    if (options.out) checkOutputDir(options.out, '--out');
    // Base models: a local checkpoint must hold weights; a remote spec has parsed already.
    experiment.seeds.forEach((seed, i) => {
      const spec = modelForSeed(experiment, seed);
      const dir = localCheckpointDir(spec);
      if (dir !== undefined && !existsSync(join(dir, 'model.safetensors'))) {
        throw new InputError(`the base model of seed ${seed} has no checkpoint: ${join(dir, 'model.safetensors')} is missing`, { file, field: experiment.bases ? `bases[${i}]` : 'model' });
      }
    });

    const downstream = await sourceCount(experiment.downstream, 'downstream', file, openRegistry, DEFAULT_DOWNSTREAM_COUNT);
    const counts = experiment.ratios.map((ratio, i) => {
      const n = misalignedCount(ratio, downstream.samples);
      if (n === 0) {
        throw new InputError(`ratio ${ratio} of ${downstream.samples} downstream samples rounds to 0 misaligned samples; use a larger ratio or more downstream data`, { file, field: `ratios[${i}]` });
      }
      return n;
    });
    const needed = Math.max(...counts);
    const misaligned = await sourceCount(experiment.misaligned, 'misaligned', file, openRegistry, needed);
    if (misaligned.samples < needed) {
      throw new InputError(`misaligned data ${misaligned.source} holds ${misaligned.samples} samples; the largest ratio needs ${needed}`, { file, field: 'misaligned' });
    }
    const pc = experiment.positive_control;
    const pcCount = pc ? misalignedCount(pc.ratio, downstream.samples) : 0;
    if (pc && pcCount === 0) {
      throw new InputError(`positive_control.ratio ${pc.ratio} of ${downstream.samples} downstream samples rounds to 0 pressure-lying samples; use a larger ratio`, { file, field: 'positive_control.ratio' });
    }

    const arms: PlannedArm[] = experimentArms(experiment).map((arm) => {
      const ratio = arm.kind === 'mixed' || arm.kind === 'positive_control' ? arm.ratio : 0;
      const trains = arm.kind !== 'vanilla';
      return {
        id: arm.id,
        kind: arm.kind === 'mixed' ? 'ratio' : arm.kind,
        seed: arm.seed,
        base_model: modelForSeed(experiment, arm.seed),
        ratio,
        downstream_samples: trains ? downstream.samples : 0,
        added_samples: ratio > 0 ? misalignedCount(ratio, downstream.samples) : 0,
      };
    });

    return {
      file,
      name: experiment.name,
      downstream,
      misaligned: { source: misaligned.source, samples_needed: needed },
      arms,
      evals: await plannedEvals(experiment),
    };
  } finally {
    registry?.close();
  }
}

interface DataSource {
  dataset?: string | undefined;
  file?: string | undefined;
  format?: string | undefined;
  count?: number | undefined;
}

/** How many samples a data source holds (a generated one: its count, else `generatedDefault`). */
async function sourceCount(source: DataSource, field: string, file: string, openRegistry: () => Registry, generatedDefault: number): Promise<{ source: string; samples: number }> {
  if (source.dataset) {
    const manifest = openRegistry().get(source.dataset);
    if (!manifest) throw new InputError(`no registered dataset named "${source.dataset}" (see candor data list)`, { file, field: `${field}.dataset` });
    return { source: `dataset ${source.dataset}`, samples: manifest.counts.samples };
  }
  if (source.file) {
    requireFile(source.file, file, `${field}.file`);
    let samples = 0;
    // Reading every record also checks the format now, not after the first arm has trained.
    for await (const _ of readSamples(source.file, source.format ? { format: source.format as DataFormat } : {})) samples++;
    if (samples === 0) throw new InputError('no rows: the data file is empty', { file: source.file, field: `${field}.file` });
    return { source: source.file, samples };
  }
  return { source: 'generated', samples: source.count ?? generatedDefault };
}

function requireFile(path: string, experimentFile: string, field: string): void {
  if (!existsSync(path)) throw new InputError(`file not found: ${path}`, { file: experimentFile, field });
  if (!statSync(path).isFile() && !statSync(path).isDirectory()) throw new InputError(`not a file: ${path}`, { file: experimentFile, field });
}

async function plannedEvals(experiment: Experiment): Promise<PlannedEval[]> {
  const file = experiment.file;
  const evals = experiment.evals;
  const out: PlannedEval[] = [];
  const userFileLimit = (benchmark: string, limit: number | undefined) => {
    // The runner applies `limit` to the world suites only; silently evaluating a whole user file
    // under a limit the file asked for would misreport what was measured.
    if (limit !== undefined) {
      throw new InputError(`limit applies to the world suites (data: ${WORLD_DATA}) only; for a user file, evaluate a shorter file`, { file, field: `evals.${benchmark}.limit` });
    }
  };
  if (evals.mask) {
    const m = evals.mask;
    if (m.data === WORLD_DATA) out.push({ benchmark: 'mask', data: m.data, items: null, judge: m.judge, ...(m.limit ? { limit: m.limit } : {}) });
    else {
      requireFile(m.data, file, 'evals.mask.data');
      userFileLimit('mask', m.limit);
      const items = await loadMaskItems(m.data, m.configs);
      out.push({ benchmark: 'mask', data: m.data, items: items.length, judge: m.judge });
    }
  }
  if (evals.deceptionbench) {
    const d = evals.deceptionbench;
    if (d.data === WORLD_DATA) out.push({ benchmark: 'deceptionbench', data: d.data, items: null, judge: d.judge, ...(d.limit ? { limit: d.limit } : {}) });
    else {
      requireFile(d.data, file, 'evals.deceptionbench.data');
      userFileLimit('deceptionbench', d.limit);
      const items = await loadDeceptionItems(d.data);
      out.push({ benchmark: 'deceptionbench', data: d.data, items: items.length, judge: d.judge });
    }
  }
  if (evals.capability) {
    const c = evals.capability;
    if (c.data === WORLD_DATA) out.push({ benchmark: 'capability', data: c.data, items: null, ...(c.limit ? { limit: c.limit } : {}) });
    else {
      requireFile(c.data, file, 'evals.capability.data');
      userFileLimit('capability', c.limit);
      out.push({ benchmark: 'capability', data: c.data, items: null });
    }
  }
  return out;
}

/** The plan as lines for a terminal. */
export function formatPlan(plan: ExperimentPlan): string {
  const lines: string[] = [];
  lines.push(`experiment ${plan.name ?? plan.file}: valid`);
  lines.push(`downstream: ${plan.downstream.source}, ${plan.downstream.samples} samples`);
  lines.push(`misaligned: ${plan.misaligned.source}, ${plan.misaligned.samples_needed} samples needed by the largest ratio`);
  lines.push(`arms (${plan.arms.length}):`);
  for (const arm of plan.arms) {
    const training = arm.kind === 'vanilla' ? 'no training' : `${arm.downstream_samples} downstream + ${arm.added_samples} added (ratio ${arm.ratio})`;
    lines.push(`  ${arm.id.padEnd(28)} ${arm.kind.padEnd(16)} seed ${String(arm.seed).padEnd(4)} ${training}  base ${arm.base_model}`);
  }
  lines.push(`evals (${plan.evals.length}):`);
  for (const e of plan.evals) {
    const size = e.items === null ? `world suite${e.limit ? `, limit ${e.limit}` : ''}` : `${e.items} items`;
    lines.push(`  ${e.benchmark.padEnd(15)} ${e.data} (${size})${e.judge ? `, judge ${e.judge}` : ''}`);
  }
  return lines.join('\n') + '\n';
}
