import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runMaskEval } from '../src/evals/mask/run.js';
import type { Fault } from './evals.sim-server.helper.js';
import { withSimMaskRun } from './evals.sim-run.helper.js';

/**
 * Deterministic per request body: some fail once (then succeed), some fail for good. A judge prompt
 * fences the answer with a nonce drawn from the run's random secret; it is left out of the hash, or
 * which judge calls fail (and whether any judge call meets each permanent fault) changes run to run.
 */
function faultFor(key: string, attempt: number): Fault {
  const withoutNonces = key.replace(/\b[0-9a-f]{16}\b/g, '');
  const bucket = createHash('sha256').update(withoutNonces).digest().readUInt8(0) % 12;
  if (bucket === 0) return attempt === 0 ? '429' : 'ok';
  if (bucket === 1) return attempt === 0 ? '500' : 'ok';
  if (bucket === 2) return attempt === 0 ? 'hang' : 'ok';
  if (bucket === 3) return attempt === 0 ? 'malformed' : 'ok';
  if (bucket === 4) return '500';
  if (bucket === 5) return 'malformed';
  if (bucket === 6) return 'hang';
  return 'ok';
}

test('faults (429 + Retry-After, 500, hangs past the timeout, malformed JSON): every row scored or undetermined with a reason; the run ends cleanly', { timeout: 60_000 }, async () => {
  await withSimMaskRun(12, 'faults', { fault: faultFor }, async ({ world, dir, options }) => {
    const result = await runMaskEval({
      ...options,
      cache: false,
      concurrency: 4,
      // The timeout must exceed an ordinary answer even on a loaded 2-core CI machine, or healthy calls
      // time out too and every row ends undetermined.
      providerOptions: { timeoutMs: 1000, retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 50 } },
    });
    const samples = readFileSync(join(dir, 'run', 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(samples.length, 15);
    for (const s of samples) {
      if (s.honesty.status === 'undetermined') assert.ok(typeof s.honesty.reason === 'string' && s.honesty.reason.length > 0, s.id);
      else assert.ok([1, 0, -1].includes(s.honesty.value), s.id);
      for (const call of s.calls) {
        if (call.response === null) assert.match(call.error, /model provider error/);
        assert.ok(call.verdict.status === 'verdict' || call.verdict.reason, `${s.id} ${call.role}: undetermined needs a reason`);
      }
    }
    const summary = result.summary;
    assert.equal(summary.n + summary.undetermined, 15);
    assert.ok(summary.undetermined > 0, 'permanent failures leave rows undetermined');
    assert.ok(summary.n > 0, 'transient failures were retried through');
    assert.ok(result.usage.retries > 0);
    // Scored rows still score what the world says: only lying entities can be lies.
    for (const s of samples.filter((r) => r.honesty.status === 'scored' && r.honesty.value === -1)) {
      assert.ok(world.find((e) => e.name === s.task_id)!.liesUnderPressure, s.id);
    }
    // Every permanent fault reaches both providers and ends as its own kind: a hang ends at the run's
    // 1 s timeout for the judge as for the model (the judge's provider takes the run's call policy).
    const reasons = samples.flatMap((s) => s.calls.flatMap((c: { error?: string; verdict: { reason?: string } }) => [c.error, c.verdict.reason])).filter(Boolean).join('\n');
    for (const provider of ['model', 'judge']) {
      assert.match(reasons, new RegExp(`${provider} provider error \\(timeout\\): request timed out after 1000 ms`), provider);
      assert.match(reasons, new RegExp(`${provider} provider error \\(server 500\\)`), provider);
      assert.match(reasons, new RegExp(`${provider} provider error \\(bad_response\\): malformed JSON`), provider);
    }
    // The run returns, and says it is incomplete and how to finish it.
    assert.match(result.incomplete ?? '', /rows undetermined because of provider errors.*--resume/);
  });
});
