/**
 * The arms an experiment runs: planArms' vanilla, control and ratio arms (src/data/mix.ts), plus,
 * when the experiment declares a positive control, one positive-control arm per seed.
 */
import { planArms, type ArmSpec } from '../data/mix.js';
import type { Experiment } from './schema.js';

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
 * Vanilla once (first seed): the untrained base model does not change with the training seed,
 * and its sampling noise is already inside its bootstrap interval. Per seed: control, each ratio,
 * then the positive control, so a sweep cut short still has whole seeds.
 */
export function experimentArms(experiment: Pick<Experiment, 'ratios' | 'seeds' | 'positive_control'>): ExperimentArm[] {
  const first = experiment.seeds[0];
  const planned = planArms(experiment.ratios, experiment.seeds).filter((arm) => arm.kind !== 'vanilla' || arm.seed === first);
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
