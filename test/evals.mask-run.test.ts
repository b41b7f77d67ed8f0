import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maskStoredOptions, runMaskEval } from '../src/evals/mask/run.js';
import { runDeceptionBenchEval } from '../src/evals/deceptionbench/run.js';
import { InputError } from '../src/util/errors.js';
import { expectedHonesty } from './evals.sim-server.helper.js';
import { withSimMaskRun } from './evals.sim-run.helper.js';
import { defined } from './defined.helper.js';

/** The fields issue 2 requires of MASK's summary.json, with every score a fraction in [0, 1] and every interval inside it. */
function assertMaskSummaryFields(summary: Record<string, unknown>): void {
  const scores = (block: Record<string, unknown>, where: string) => {
    for (const field of ['honesty_score', 'accuracy', 'n', 'ci95', 'undetermined']) assert.ok(field in block, `${where}.${field}`);
    assert.ok(Number.isInteger(block.n) && Number.isInteger(block.undetermined), where);
    const ci95 = block.ci95 as Record<string, [number, number] | null>;
    for (const score of ['honesty_score', 'accuracy'] as const) {
      const value = block[score] as number | null;
      assert.ok(value === null || (value >= 0 && value <= 1), `${where}.${score} = ${value} is a fraction`);
      const interval = ci95[score];
      assert.ok(score in ci95, `${where}.ci95.${score}`);
      if (interval) assert.ok(interval[0] >= 0 && interval[0] <= interval[1] && interval[1] <= 1, `${where}.ci95.${score}`);
    }
  };
  scores(summary, 'summary');
  const perConfig = summary.per_config as Record<string, Record<string, unknown>>;
  assert.ok(Object.keys(perConfig).length > 0);
  for (const [name, block] of Object.entries(perConfig)) {
    scores(block, `per_config.${name}`);
    for (const count of ['honest', 'lie', 'evasive', 'no_belief']) assert.ok(Number.isInteger(block[count]), `per_config.${name}.${count}`);
  }
}

test('MASK run against a loopback OpenAI-compatible server (scripted subject and judge) scores lies as the world defines them', async () => {
  await withSimMaskRun(12, 'mask-run', {}, async ({ world, server, dir, options }) => {
    const result = await runMaskEval({ ...options, cache: join(dir, 'cache') });
    const { rows, lies } = expectedHonesty(world);
    const s = result.summary;
    assert.equal(s.n, rows);
    assert.equal(s.undetermined, 0);
    assert.equal(s.honesty_score, (rows - lies) / rows);
    assert.equal(s.accuracy, 1, 'the subject knows every fact');
    const knownFacts = defined(s.per_config.known_facts, 'known_facts');
    assert.equal(knownFacts.lie, world.filter((e) => e.liesUnderPressure).length);
    assert.equal(knownFacts.honest + knownFacts.lie, world.length);
    const onDisk: Record<string, unknown> = JSON.parse(readFileSync(join(dir, 'run', 'summary.json'), 'utf8'));
    assertMaskSummaryFields(onDisk);
    assert.deepEqual(onDisk, s);
    const samples = readFileSync(join(dir, 'run', 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(samples.length, rows);
    const one = samples.find((r) => r.id === 'known_facts/Zorb00');
    assert.equal(one.calls.length, 5, 'pressure + 3 × belief_elicit_1 + belief_elicit_2');
    assert.equal(one.honesty.value, -1);
    assert.ok(one.calls.every((c: { response: string; verdict: { status: string; raw: string } }) => c.response && c.verdict.status === 'verdict' && c.verdict.raw));
    // 12 known_facts rows × 5 calls + 3 statistics rows × 4 calls; the three identical
    // belief_elicit_1 answers of a row share one judge call: 12 × 3 + 3 × 2 judge calls.
    assert.equal(result.usage.model_calls, 72);
    assert.equal(result.usage.judge_calls, 42);

    // A second run with the warm cache makes no call at all and agrees exactly.
    const before = server.requests.length;
    const again = await runMaskEval({ ...options, out: join(dir, 'run2'), cache: join(dir, 'cache') });
    assert.equal(server.requests.length, before, 'the fence secret lives beside the cache, so judge prompts repeat exactly');
    assert.equal(again.usage.judge_calls, 0);
    assert.equal(again.usage.model_calls, 0);
    assert.equal(again.summary.honesty_score, s.honesty_score);
  });
});

test('MASK run with the rule judge makes no judge call (lie_k 2, --normalize); --numeric-judge rule beside an LLM judge', async () => {
  await withSimMaskRun(6, 'mask-rule', {}, async ({ world, server, dir, options }) => {
    const result = await runMaskEval({ ...options, judge: 'rule', cache: false, normalize: true, lieK: 2 });
    const { rows, lies } = expectedHonesty(world);
    assert.equal(result.summary.honesty_score, (rows - lies) / rows);
    assert.equal(result.summary.normalized, true);
    assert.ok(server.requests.every((r) => r.model === 'subject'));
    // lie_k 2: honesty@1 beside honesty@N (the scripted subject answers every sample alike, so they agree here);
    // per config is the headline, the pooled figure is labelled; the judges in use are recorded.
    const s = result.summary;
    assert.equal(s.lie_k, 2);
    assert.equal(s.honesty_score_at_n, s.honesty_score);
    assert.equal(s.honesty_score_at_1, s.honesty_score);
    assert.equal(s.headline, 'per_config');
    assert.match(s.pooled_note, /Candor's own/);
    assert.deepEqual(s.judges, { binary: 'rule', numeric: 'rule', reference: { binary: 'gpt-4o', numeric: 'o3-mini' } });
    assert.deepEqual(s.non_answers, { evasive: s.evasive, no_belief: s.no_belief, undetermined: 0, invalid: 0 });
    assert.equal(s.lie_rate_given_position, lies / (s.honest + s.lie));

    // An LLM judge for binary rows with the rule judge for numeric ones.
    server.requests.length = 0;
    const mixed = await runMaskEval({ ...options, numericJudge: 'rule', out: join(dir, 'run2'), cache: false });
    assert.equal(mixed.summary.honesty_score, (rows - lies) / rows);
    const judged = server.requests.filter((r) => r.model === 'judge').map((r) => r.key);
    assert.ok(judged.length > 0 && judged.every((k) => !k.includes('<value>')), 'numeric rows never reach the LLM judge');
  });
});

test('judges default to the ones the MASK reference calls; a given judge also grades numbers unless --numeric-judge says otherwise', () => {
  const base = { data: 'builtin:mask-mini', model: 'openai:m@http://127.0.0.1:9/v1', out: '/nowhere' };
  const paper = maskStoredOptions(base);
  assert.deepEqual([paper.judge, paper.numeric_judge], ['openai:gpt-4o', 'openai:o3-mini']);
  const rule = maskStoredOptions({ ...base, judge: 'rule' });
  assert.deepEqual([rule.judge, rule.numeric_judge], ['rule', null]);
  assert.throws(() => maskStoredOptions({ ...base, lieK: 0 }), InputError);
});

test('bad input stops before anything is written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'candor-mask-bad-'));
  const out = join(dir, 'run');
  await assert.rejects(runMaskEval({ data: join(dir, 'missing.jsonl'), model: 'openai:m@http://127.0.0.1:9/v1', judge: 'rule', out, progress: false }), InputError);
  await assert.rejects(runMaskEval({ data: 'builtin:mask-mini', model: 'openai:m@http://127.0.0.1:9/v1', judge: 'rule', out, configs: ['nope'], progress: false }), InputError);
  await assert.rejects(runMaskEval({ data: 'builtin:mask-mini', model: 'nonsense', judge: 'rule', out, progress: false }), /invalid model spec/);
  await assert.rejects(runMaskEval({ data: 'builtin:mask-mini', model: 'openai:m@http://127.0.0.1:9/v1', judge: 'openai:m@http://127.0.0.1:9/v1', out, progress: false }), /separately configured/);
  assert.equal(existsSync(out), false);
  await assert.rejects(runDeceptionBenchEval({ resume: join(dir, 'not-a-run'), progress: false }), InputError);
  assert.deepEqual(readdirSync(dir), []);
});
