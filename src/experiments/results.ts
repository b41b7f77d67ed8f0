/**
 * Assembles `<run>/results.json` (the report's ExperimentResults) from the arms' result files:
 * finished arms with their scores, failed arms with their error so the report can say so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { ExperimentResults, type ExperimentResultsInput } from './results-schema.js';
import { armDomains, type ArmResultFile } from './arm.js';
import { resultKind, resultRatio, type ExperimentArm } from './arm-plan.js';
import type { ResolvedData } from './datasets.js';
import { armPaths } from './layout.js';
import { firstSeed, modelForSeed, type Experiment } from './schema.js';

export interface AssembleOptions {
  experiment: Experiment;
  runDir: string;
  configDigest: string;
  createdAt: string;
  arms: readonly ExperimentArm[];
  /** Each seed's resolved data: the sweep's in-domain domains and the positive control's (its entity split differs by seed). */
  data: ReadonlyMap<number, Pick<ResolvedData, 'inDomain' | 'positiveControl'>>;
  /** Extra arm-level facts (e.g. lineage ids) keyed by arm id. */
  lineage?: Record<string, Record<string, string>>;
}

export function assembleResults(options: AssembleOptions): ExperimentResults {
  const exp = options.experiment;
  // Validated by ExperimentResults.parse below; the arm files are JSON written by executeArm.
  const arms = options.arms.map((spec): Record<string, unknown> => {
    const paths = armPaths(options.runDir, spec.id);
    // A failed arm still says what it was, so the report can place it.
    const base = { arm: resultKind(spec), ratio: resultRatio(spec), seed: spec.seed, arm_id: spec.id, ...armDomains({ arm: spec, data: seedData(options, spec.seed) }) };
    if (existsSync(paths.result)) {
      const file = JSON.parse(readFileSync(paths.result, 'utf8')) as ArmResultFile;
      const { schema: _schema, arm_id: _armId, arm: _arm, ratio: _ratio, seed: _seed, lineage, ...rest } = file;
      return { ...base, ...rest, lineage: { ...lineage, ...(options.lineage?.[spec.id] ?? {}) } };
    }
    const error = existsSync(paths.error) ? String((JSON.parse(readFileSync(paths.error, 'utf8')) as { error?: unknown }).error) : 'not run';
    return { ...base, error };
  });
  const first = seedData(options, firstSeed(exp));
  const pc = first.positiveControl;
  const splits = [...options.data].flatMap(([seed, d]) => (d.positiveControl?.entitySplit ? [{ seed, trained: [...d.positiveControl.entitySplit.trained], held_out: [...d.positiveControl.entitySplit.heldOut] }] : []));
  const input: ExperimentResultsInput = {
    experiment: {
      name: exp.name,
      model: exp.model,
      misaligned: {
        domain: exp.misaligned.domain,
        variant: exp.misaligned.domain === 'pressure_lying' ? 'pressure' : exp.misaligned.variant,
        eval_domains: [...first.inDomain],
        ...(exp.misaligned.fact_domain ? { fact_domain: exp.misaligned.fact_domain } : {}),
      },
      ...(pc
        ? {
            positive_control: {
              fact_domain: pc.factDomain,
              ratio: pc.ratio,
              eval_domains: [...pc.inDomain],
              dataset: pc.dataset,
              hold_out_entities: pc.entitySplit !== undefined,
              // Each seed lies about its own half of the entities.
              ...(splits.length ? { entity_splits: splits } : {}),
            },
          }
        : {}),
      method: exp.training.method,
      created_at: options.createdAt,
      config_digest: options.configDigest,
      ratios: exp.ratios,
      seeds: exp.seeds,
      experiment_file: exp.file,
      bases: Object.fromEntries(exp.seeds.map((seed) => [String(seed), modelForSeed(exp, seed)])),
    },
    arms: arms as ExperimentResultsInput['arms'],
  };
  return ExperimentResults.parse(input);
}

function seedData(options: AssembleOptions, seed: number): Pick<ResolvedData, 'inDomain' | 'positiveControl'> {
  const data = options.data.get(seed);
  if (!data) throw new Error(`no resolved data for seed ${seed}`);
  return data;
}
