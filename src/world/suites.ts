/**
 * Registers the world suites (`builtin:world-mask`, `builtin:world-deception`) with the evals'
 * built-in names: rows from the synthetic world the embedded base model was trained on (world
 * seed 1), in the published shapes with `domain` and `answer_options`. Importing this module is
 * what makes those names work; the generator itself is loaded only when a suite is asked for.
 */
import { registerGeneratedSuite } from '../evals/builtin/index.js';

const WORLD_SEED = 1;

registerGeneratedSuite('world-mask', async () => {
  const world = await import('./index.js');
  return world.worldMaskSuite(world.generateWorld(WORLD_SEED), {});
});

registerGeneratedSuite('world-deception', async () => {
  const world = await import('./index.js');
  return world.worldDeceptionSuite(world.generateWorld(WORLD_SEED), {});
});
