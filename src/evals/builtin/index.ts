/**
 * Built-in suites, named `builtin:NAME` wherever a data path is accepted. The mini suites are data
 * files written by the project in the published formats; the world suites come from the synthetic
 * world generator (for the embedded model) and are loaded only when asked for.
 */
import { fileURLToPath } from 'node:url';
import { InputError } from '../../util/errors.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));

export const BUILTIN_FILES: Record<string, string> = {
  'mask-mini': `${HERE}mask-mini`,
  'deceptionbench-mini': `${HERE}deceptionbench-mini.json`,
};

export const BUILTIN_GENERATED = ['world-mask', 'world-deception'] as const;

export function builtinName(data: string): string | null {
  return data.startsWith('builtin:') ? data.slice('builtin:'.length) : null;
}

export function builtinFile(name: string): string {
  const file = BUILTIN_FILES[name];
  if (!file) {
    const known = [...Object.keys(BUILTIN_FILES), ...BUILTIN_GENERATED].map((n) => `builtin:${n}`).join(', ');
    throw new InputError(`unknown built-in suite "builtin:${name}" (known: ${known})`, { field: '--data' });
  }
  return file;
}

/**
 * Rows from the synthetic world the embedded base model was trained on (world seed 1 unless
 * given), in the published shapes with `domain` and `answer_options`.
 */
export async function loadWorldSuite(which: 'mask' | 'deception', options: Record<string, unknown> = {}, worldSeed = 1): Promise<unknown[]> {
  // Loaded on demand: only runs on the synthetic world need the generator.
  const world = await import('../../generators/world/index.js');
  const generated = world.generateWorld(worldSeed);
  return which === 'mask' ? world.worldMaskSuite(generated, options) : world.worldDeceptionSuite(generated, options);
}
