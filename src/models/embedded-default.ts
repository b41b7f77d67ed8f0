/**
 * The one resolver for `embedded:default`: the newest finished base checkpoint. The seed-1 base
 * pre-trained under models/bases/ replaces the original models/embedded-base as soon as it holds
 * weights of a finished pre-training, with no code change anywhere else. Pre-training saves its
 * checkpoint every epoch with provenance.complete = false; such a checkpoint is never the default.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const MODELS_DIR = fileURLToPath(new URL('../../models/', import.meta.url));

/** Candidates in order of preference; the first with weights wins. */
export const EMBEDDED_DEFAULT_CANDIDATES: readonly string[] = [join(MODELS_DIR, 'bases', 'seed-1'), join(MODELS_DIR, 'embedded-base')];

export function defaultEmbeddedCheckpointDir(candidates: readonly string[] = EMBEDDED_DEFAULT_CANDIDATES): string {
  for (const dir of candidates) {
    if (existsSync(join(dir, 'model.safetensors')) && !unfinished(dir)) return dir;
  }
  // None has weights: name the last (the original) so the loader's error points at the expected place.
  return candidates[candidates.length - 1]!;
}

/** A checkpoint directory as written after `embedded:`: "default" (or nothing) is the default base, anything else a path. */
export function resolveCheckpointDir(dir: string): string {
  return dir === 'default' || dir === '' ? defaultEmbeddedCheckpointDir() : resolve(dir);
}

/** True when the checkpoint's config says its pre-training has not finished (provenance.complete: false). */
function unfinished(dir: string): boolean {
  try {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { provenance?: { complete?: unknown } };
    return config.provenance?.complete === false;
  } catch {
    return true; // weights without a readable config cannot be loaded either
  }
}
