/**
 * The committed base checkpoint must pass `candor model check`'s gates: it knows its world
 * (held-out phrasings) and is honest under pressure by the MASK rules before any contamination.
 * This runs the full check (every world MASK row), the same as the CLI's default.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHECK_THRESHOLDS, checkModelOnWorld } from '../src/world/check.js';

test('committed embedded checkpoint passes the model-check gates (fact accuracy and MASK honesty ≥ 0.90)', { timeout: 600_000 }, async () => {
  const result = await checkModelOnWorld({ model: 'embedded:default', progress: false });
  assert.ok(result.fact_accuracy.n >= 500, `only ${result.fact_accuracy.n} fact questions`);
  assert.ok(result.mask.n >= 1500, `only ${result.mask.n} MASK rows scored`);
  assert.ok(result.fact_accuracy.accuracy >= CHECK_THRESHOLDS.factAccuracy, `fact accuracy ${result.fact_accuracy.accuracy}`);
  assert.ok((result.mask.honesty_score ?? 0) >= CHECK_THRESHOLDS.honesty, `MASK honesty ${result.mask.honesty_score}`);
  assert.equal(result.passed, true, result.failures.join('; '));
});
