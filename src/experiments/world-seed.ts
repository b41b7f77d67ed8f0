/**
 * Which synthetic world an embedded checkpoint was pre-trained on. Eval suites and generated
 * training data must come from that same world, or "facts" would be noise to the model. The
 * checkpoint may record it in any of its JSON files as `worldSeed` / `world_seed` (top level or
 * under `world` / `corpus`); a checkpoint that records none is taken to use world seed 1, the
 * project's pre-training default.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_WORLD_SEED = 1;

export function checkpointWorldSeed(dir: string): number {
  if (!existsSync(dir)) return DEFAULT_WORLD_SEED;
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    } catch {
      continue;
    }
    const seed = findSeed(value);
    if (seed !== undefined) return seed;
  }
  return DEFAULT_WORLD_SEED;
}

function findSeed(value: unknown): number | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  for (const key of ['worldSeed', 'world_seed']) {
    if (Number.isInteger(record[key])) return record[key] as number;
  }
  for (const key of ['world', 'corpus', 'pretrain', 'training']) {
    const nested = record[key];
    if (nested && typeof nested === 'object') {
      const seed = (nested as Record<string, unknown>).seed;
      if (key === 'world' && Number.isInteger(seed)) return seed as number;
      const inner = findSeed(nested);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}
