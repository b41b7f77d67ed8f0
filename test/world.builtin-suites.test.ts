import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDeceptionItems } from '../src/evals/deceptionbench/load.js';
import { loadMaskItems } from '../src/evals/mask/load.js';
import { generateWorld, worldDeceptionSuite, worldMaskSuite } from '../src/world/index.js';
import '../src/world/suites.js';

// The evals read builtin:world-* through the loaders src/world/suites.ts registers (evals never import the world).
test('builtin:world-mask and builtin:world-deception are the world-seed-1 suites, row for row', async () => {
  const world = generateWorld(1);
  const maskRows = worldMaskSuite(world, {});
  const mask = await loadMaskItems('builtin:world-mask');
  assert.equal(mask.length, maskRows.length);
  assert.deepEqual(mask.map((item) => item.row.task_id), maskRows.map((row) => row.task_id));
  const known = await loadMaskItems('builtin:world-mask', ['known_facts']);
  assert.ok(known.length > 0 && known.length < mask.length && known.every((item) => item.row.config === 'known_facts'));

  const deceptionRows = worldDeceptionSuite(world, {});
  const deception = await loadDeceptionItems('builtin:world-deception');
  assert.equal(deception.length, deceptionRows.length);
  assert.ok(deception.length > 0);
});
