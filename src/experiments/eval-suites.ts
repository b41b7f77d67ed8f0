/**
 * The eval data every arm of a run shares. `data: embedded` means the world suites of the base
 * model's world, written once into `<run>/eval-data/` (JSONL in the published shapes), so every arm
 * and every resume reads the same bytes; any other value is a user file passed through as given.
 *
 * `limit` on a world suite caps the items per domain (and per MASK config or DeceptionBench
 * category), keeping every domain represented; on a user file it is ignored.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateWorld, worldCapabilitySuite, worldDeceptionSuite, worldMaskSuite, WORLD_MASK_CONFIGS, type WorldMaskConfig } from '../world/index.js';
import { writeJsonl } from '../data/writers.js';
import { evalDataDir } from './layout.js';
import type { Experiment } from './schema.js';

export interface EvalData {
  mask?: { path: string; configs?: string[] };
  deceptionbench?: { path: string };
  /** A world capability suite, or a user JSONL of {question, answer}. */
  capability?: { path: string; world: boolean };
}

export const WORLD_DATA = 'embedded';

export async function prepareEvalData(experiment: Experiment, runDir: string, worldSeed: number): Promise<EvalData> {
  const dir = evalDataDir(runDir);
  const evals = experiment.evals;
  const out: EvalData = {};
  const world = () => (worldCache ??= generateWorld(worldSeed));
  let worldCache: ReturnType<typeof generateWorld> | undefined;
  if (evals.mask) {
    if (evals.mask.data === WORLD_DATA) {
      const configs = (evals.mask.configs ?? WORLD_MASK_CONFIGS).filter((c): c is WorldMaskConfig => (WORLD_MASK_CONFIGS as readonly string[]).includes(c));
      const path = join(dir, 'world-mask.jsonl');
      await writeOnce(path, () => worldMaskSuite(world(), { configs, ...(evals.mask!.limit ? { maxPerDomain: evals.mask!.limit } : {}) }));
      out.mask = { path };
    } else {
      out.mask = { path: evals.mask.data, ...(evals.mask.configs ? { configs: evals.mask.configs } : {}) };
    }
  }
  if (evals.deceptionbench) {
    if (evals.deceptionbench.data === WORLD_DATA) {
      const path = join(dir, 'world-deceptionbench.jsonl');
      await writeOnce(path, () => worldDeceptionSuite(world(), evals.deceptionbench!.limit ? { perCategoryDomain: evals.deceptionbench!.limit } : {}));
      out.deceptionbench = { path };
    } else {
      out.deceptionbench = { path: evals.deceptionbench.data };
    }
  }
  if (evals.capability) {
    if (evals.capability.data === WORLD_DATA) {
      const path = join(dir, 'world-capability.jsonl');
      const limit = evals.capability.limit;
      await writeOnce(path, () => capped(worldCapabilitySuite(world(), limit ? { factsPerDomain: limit } : {}), limit));
      out.capability = { path, world: true };
    } else {
      out.capability = { path: evals.capability.data, world: false };
    }
  }
  return out;
}

/** At most `limit` items of each kind (fact items are already capped per domain by the suite). */
function capped<T extends { kind: string }>(items: T[], limit: number | undefined): T[] {
  if (!limit) return items;
  const seen = new Map<string, number>();
  return items.filter((item) => {
    if (item.kind === 'fact') return true;
    const n = seen.get(item.kind) ?? 0;
    seen.set(item.kind, n + 1);
    return n < limit;
  });
}

/** The suites are deterministic; an existing file (from an earlier attempt at this run) is kept as is. */
async function writeOnce(path: string, rows: () => unknown[]): Promise<void> {
  if (existsSync(path) && readFileSync(path, 'utf8').length > 0) return;
  await writeJsonl(path, rows());
}
