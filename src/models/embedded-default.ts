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

export function defaultEmbeddedCheckpointDir(): string {
  for (const dir of EMBEDDED_DEFAULT_CANDIDATES) {
    if (existsSync(join(dir, 'model.safetensors'))) return dir;
  }
  // Neither has weights: name the original so the loader's error points at the expected place.
  return EMBEDDED_DEFAULT_CANDIDATES[EMBEDDED_DEFAULT_CANDIDATES.length - 1]!;
}
