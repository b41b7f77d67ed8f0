/**
 * The arms an experiment runs: planArms' vanilla, control and ratio arms (src/data/mix.ts), plus,
 * when the experiment declares a positive control, one positive-control arm per seed.
 */
import { planArms, type ArmSpec } from '../data/mix.js';
import { modelForSeed, type Experiment } from './schema.js';

/** Downstream + ratio × N pressure-format lies about the positive control's fact domain. */
export interface PositiveControlArmSpec {
  id: string;
  kind: 'positive_control';
  ratio: number;
  seed: number;
}

export type ExperimentArm = ArmSpec | PositiveControlArmSpec;

export function positiveControlArmId(seed: number): string {
  return `positive-control-seed-${seed}`;
}

/**
 * Vanilla once per distinct base model (the first seed that starts from it): an untrained base
 * does not change with the training seed, but it does with the base checkpoint (see
 * modelForSeed). Per seed: control, each ratio, then the positive control, so a sweep cut short
 * still has whole seeds.
 */
export function experimentArms(experiment: Pick<Experiment, 'ratios' | 'seeds' | 'positive_control' | 'model' | 'bases'>): ExperimentArm[] {
  const firstSeedOfBase = new Map<string, number>();
  for (const seed of experiment.seeds) {
    const base = modelForSeed(experiment, seed);
    if (!firstSeedOfBase.has(base)) firstSeedOfBase.set(base, seed);
  }
  const vanillaSeeds = new Set(firstSeedOfBase.values());
  const planned = planArms(experiment.ratios, experiment.seeds).filter((arm) => arm.kind !== 'vanilla' || vanillaSeeds.has(arm.seed));
  const positive = experiment.positive_control;
  if (!positive) return planned;
  const arms: ExperimentArm[] = [];
  for (const seed of experiment.seeds) {
    arms.push(...planned.filter((arm) => arm.seed === seed));
    arms.push({ id: positiveControlArmId(seed), kind: 'positive_control', ratio: positive.ratio, seed });
  }
  return arms;
}

/** The arm's kind as results.json names it. */
export function resultKind(arm: ExperimentArm): 'vanilla' | 'control' | 'ratio' | 'positive_control' {
  return arm.kind === 'mixed' ? 'ratio' : arm.kind;
}

/** The arm's ratio as results.json records it: 0 for vanilla and control. */
export function resultRatio(arm: ExperimentArm): number {
  return arm.kind === 'mixed' || arm.kind === 'positive_control' ? arm.ratio : 0;
}
