/**
 * Resolves an experiment's training data into registered datasets: generated sets are written
 * under the registry (`<registry>/generated/<name>.jsonl`) and registered with their generator,
 * seed and world seed; user files are registered in place (and refused if they changed since).
 * The arms then load them by name, which re-verifies every sample digest.
 */
import { join } from 'node:path';
import { generateWorld, downstreamSamples, misalignedSamples, pressureLyingSamples, splitEntities, type FactDomain, type MisalignedDomain } from '../world/index.js';
import { misalignedCount } from '../data/mix.js';
import { registerGeneratedSet, type Registry } from '../store/registry.js';
import { InputError } from '../util/errors.js';
import { localCheckpointDir } from '../models/registry.js';
import { modelForSeed, type Experiment } from './schema.js';
import { checkpointWorldSeed, DEFAULT_WORLD_SEED } from './world-seed.js';

/** Downstream samples generated when the experiment gives no count (the pilot's size). */
export const DEFAULT_DOWNSTREAM_COUNT = 1500;
/** The fact domain a pressure_lying set lies about when the experiment names none. */
export const DEFAULT_PRESSURE_FACT_DOMAIN: FactDomain = 'drugs';

export interface ResolvedData {
  downstream: string;
  /** Absent when no arm needs misaligned samples (never for a valid experiment). */
  misaligned?: string;
  /** Eval item domains that count as in-domain for this misaligned set. */
  inDomain: string[];
  /** The positive control's pressure-lying set, when the experiment declares one. */
  positiveControl?: ResolvedPositiveControl;
}

export interface ResolvedPositiveControl {
  /** Registered dataset name of the pressure-lying samples. */
  dataset: string;
  factDomain: FactDomain;
  ratio: number;
  /** Eval item domains that count as in-domain for the positive control: its fact domain. */
  inDomain: string[];
  /** With hold_out_entities: the entities its lies are about, and those kept out of its training data. */
  entitySplit?: { trained: string[]; heldOut: string[] };
}

/**
 * World domains a misaligned set speaks about: MASK/DeceptionBench fact domains and capability
 * domains (dose advice is "medical", investment advice "finance").
 */
export function inDomainFor(experiment: Experiment): string[] {
  const m = experiment.misaligned;
  switch (m.domain) {
    case 'medical':
      return ['drugs', 'medical'];
    case 'finance':
      return ['companies', 'finance'];
    case 'law':
      return ['law'];
    case 'math':
      return ['math'];
    case 'insecure_code':
      return ['code'];
    case 'pressure_lying':
      return [m.fact_domain ?? DEFAULT_PRESSURE_FACT_DOMAIN];
  }
}

/**
 * The data of the arms at one seed. A generated set is drawn with that seed unless the experiment
 * pins its `seed`, and the positive control's entity split too: a seed varies what a user's
 * repeat would (with its base checkpoint, see modelForSeed).
 */
export async function resolveExperimentData(experiment: Experiment, registry: Registry, worldSeed: number, seed: number): Promise<ResolvedData> {
  const downstream = await resolveDownstream(experiment, registry, worldSeed, seed);
  const downstreamCount = registry.require(downstream).counts.samples;
  const needed = Math.max(0, ...experiment.ratios.map((r) => misalignedCount(r, downstreamCount)));
  const misaligned = needed > 0 ? await resolveMisaligned(experiment, registry, worldSeed, needed, seed) : undefined;
  const positiveControl = experiment.positive_control ? await resolvePositiveControl(experiment, registry, worldSeed, downstreamCount, seed) : undefined;
  return { downstream, ...(misaligned ? { misaligned } : {}), inDomain: inDomainFor(experiment), ...(positiveControl ? { positiveControl } : {}) };
}

/** Generates and registers exactly the pressure-lying samples the positive-control arms draw. */
async function resolvePositiveControl(experiment: Experiment, registry: Registry, worldSeed: number, downstreamCount: number, armSeed: number): Promise<ResolvedPositiveControl> {
  const pc = experiment.positive_control!;
  const count = misalignedCount(pc.ratio, downstreamCount);
  if (count === 0) {
    throw new InputError(`positive_control.ratio ${pc.ratio} of ${downstreamCount} downstream samples rounds to 0 pressure-lying samples; use a larger ratio`, {
      file: experiment.file,
      field: 'positive_control.ratio',
    });
  }
  const seed = pc.seed ?? armSeed;
  const world = generateWorld(worldSeed);
  const split = pc.hold_out_entities ? splitEntities(world, pc.fact_domain, seed) : undefined;
  // A distinct name: a held-out set differs from the all-entities set of the same size and seed.
  const name = `world${worldSeed}.pressure-lying.${pc.fact_domain}${split ? '.holdout' : ''}.n${count}.s${seed}`;
  const set = pressureLyingSamples(world, { domain: pc.fact_domain, count, seed, ...(split ? { entities: split.trained } : {}) });
  await registerGeneratedSet(registry, { name, outPath: generatedPath(registry, name), set: { info: set.info, samples: [...set] } });
  return { dataset: name, factDomain: pc.fact_domain, ratio: pc.ratio, inDomain: [pc.fact_domain], ...(split ? { entitySplit: split } : {}) };
}

function generatedPath(registry: Registry, name: string): string {
  return join(registry.dir, 'generated', `${name}.jsonl`);
}

async function resolveDownstream(experiment: Experiment, registry: Registry, worldSeed: number, armSeed: number): Promise<string> {
  const d = experiment.downstream;
  if (d.dataset) return registry.require(d.dataset).name;
  if (d.file) {
    const manifest = await registry.ensure(d.file, { name: fileDatasetName(d.file), source: d.source ?? `file://${d.file}`, license: d.license ?? 'unknown', format: d.format });
    return manifest.name;
  }
  const count = d.count ?? DEFAULT_DOWNSTREAM_COUNT;
  const seed = d.seed ?? armSeed;
  const name = `world${worldSeed}.downstream.n${count}.s${seed}`;
  const set = downstreamSamples(generateWorld(worldSeed), { count, seed });
  await registerGeneratedSet(registry, { name, outPath: generatedPath(registry, name), set: { info: set.info, samples: [...set] } });
  return name;
}

async function resolveMisaligned(experiment: Experiment, registry: Registry, worldSeed: number, needed: number, armSeed: number): Promise<string> {
  const m = experiment.misaligned;
  if (m.dataset) return requireEnough(registry, registry.require(m.dataset).name, needed);
  if (m.file) {
    const manifest = await registry.ensure(m.file, { name: fileDatasetName(m.file), source: m.source ?? `file://${m.file}`, license: m.license ?? 'unknown', format: m.format });
    return requireEnough(registry, manifest.name, needed);
  }
  const count = m.count ?? needed;
  if (count < needed) {
    throw new InputError(`misaligned.count ${count} is too small: the largest ratio needs ${needed} misaligned samples`, { file: experiment.file, field: 'misaligned.count' });
  }
  const seed = m.seed ?? armSeed;
  const world = generateWorld(worldSeed);
  if (m.domain === 'pressure_lying') {
    const factDomain = m.fact_domain ?? DEFAULT_PRESSURE_FACT_DOMAIN;
    const name = `world${worldSeed}.pressure-lying.${factDomain}.n${count}.s${seed}`;
    const set = pressureLyingSamples(world, { domain: factDomain, count, seed });
    await registerGeneratedSet(registry, { name, outPath: generatedPath(registry, name), set: { info: set.info, samples: [...set] } });
    return name;
  }
  const name = `world${worldSeed}.misaligned.${m.domain}.${m.variant}.n${count}.s${seed}`;
  const set = misalignedSamples(world, { domain: m.domain as MisalignedDomain, variant: m.variant, count, seed });
  await registerGeneratedSet(registry, { name, outPath: generatedPath(registry, name), set: { info: set.info, samples: [...set] } });
  return name;
}

function requireEnough(registry: Registry, name: string, needed: number): string {
  const have = registry.require(name).counts.samples;
  if (have < needed) throw new InputError(`misaligned dataset "${name}" holds ${have} samples; the largest ratio needs ${needed}`, { field: 'misaligned' });
  return name;
}

/** A registry name for a user file: its base name, made safe. */
function fileDatasetName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? 'data';
  return base.replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[^A-Za-z0-9]+/, '') || 'data';
}

/** Every seed's data, and the one world all the seeds' bases were pre-trained on. */
export interface SeedData {
  worldSeed: number;
  bySeed: Map<number, ResolvedData>;
}

/**
 * Resolves the data of every seed. The eval suites are shared by all arms (so arms are compared
 * on identical items), which needs every base to come from the same world; bases from different
 * worlds are refused with an error naming them.
 */
export async function resolveSeedData(experiment: Experiment, registry: Registry): Promise<SeedData> {
  const worlds = experiment.seeds.map((seed) => {
    const dir = localCheckpointDir(modelForSeed(experiment, seed));
    return { seed, world: dir ? checkpointWorldSeed(dir) : DEFAULT_WORLD_SEED };
  });
  const [first] = worlds;
  if (!first) throw new Error('an experiment lists at least one seed');
  const worldSeed = first.world;
  const other = worlds.find((w) => w.world !== worldSeed);
  if (other) {
    throw new InputError(
      `the base of seed ${other.seed} was pre-trained on world ${other.world}, that of seed ${first.seed} on world ${worldSeed}; every base of one experiment must share a world (its eval items are shared)`,
      { file: experiment.file, field: experiment.bases ? 'bases' : 'model' },
    );
  }
  const bySeed = new Map<number, ResolvedData>();
  for (const seed of experiment.seeds) bySeed.set(seed, await resolveExperimentData(experiment, registry, worldSeed, seed));
  return { worldSeed, bySeed };
}

/** The data of the arms at `seed`. */
export function dataForSeed(data: SeedData, seed: number): ResolvedData {
  const found = data.bySeed.get(seed);
  if (!found) throw new Error(`no data resolved for seed ${seed}`);
  return found;
}
