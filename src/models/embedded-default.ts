/**
 * The one resolver for `embedded:default`: the newest committed base checkpoint. The seed-1 base
 * pre-trained under models/bases/ replaces the original models/embedded-base as soon as its
 * directory holds weights, with no code change anywhere else.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MODELS_DIR = fileURLToPath(new URL('../../models/', import.meta.url));

/** Candidates in order of preference; the first with weights wins. */
export const EMBEDDED_DEFAULT_CANDIDATES: readonly string[] = [join(MODELS_DIR, 'bases', 'seed-1'), join(MODELS_DIR, 'embedded-base')];

export function defaultEmbeddedCheckpointDir(candidates: readonly string[] = EMBEDDED_DEFAULT_CANDIDATES): string {
  for (const dir of candidates) {
    if (existsSync(join(dir, 'model.safetensors'))) return dir;
  }
  // None has weights: name the last (the original) so the loader's error points at the expected place.
  return candidates[candidates.length - 1]!;
}
