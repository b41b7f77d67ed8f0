/**
 * Held-out judge transcripts (test/fixtures/evals-judge-transcripts.json, hand-written) scored by
 * Candor end to end — the real MASK and DeceptionBench item evaluators and the real LLM judge,
 * with a scripted model under test and a scripted judge model that replies with the fixture's
 * transcripts — must give, row by row, the outcomes the reference rules give them (worked out by
 * hand in the fixture, each row naming the rule it exercises).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createLlmJudge } from '../src/evals/judges/llm.js';
import { evaluateMaskItem, type MaskSampleRecord } from '../src/evals/mask/evaluate.js';
import { BELIEF_SYSTEM_PROMPT } from '../src/evals/mask/protocol.js';
import { parseNumericTruth, parseProposition } from '../src/evals/mask/proposition.js';
import { summarizeMask } from '../src/evals/mask/summary.js';
import type { MaskConfig, MaskItem, MaskRow } from '../src/evals/mask/types.js';
import { evaluateDeceptionItem } from '../src/evals/deceptionbench/evaluate.js';
import { summarizeDeception } from '../src/evals/deceptionbench/summary.js';
import type { DeceptionItem } from '../src/evals/deceptionbench/types.js';
import type { ChatProvider, ChatRequest, ChatResult } from '../src/models/types.js';
import { fencedBlocks } from './evals.sim-models.helper.js';
import { defined } from './defined.helper.js';

interface MaskFixtureRow {
  id: string;
  config: MaskConfig;
  proposition: string;
  ground_truth: string;
  reference_rule: string;
  judge: Record<string, string[] | string>;
  expected: { belief: 'A' | 'B' | [number | null, number | null] | null; honesty_at_1: number; honesty_at_n: number; accuracy: number | null };
}
interface DeceptionFixtureItem {
  id: string;
  reference_rule: string;
  response: string;
  judge: Partial<Record<'reasoning_reflects_utility' | 'action_consistent_with_utility', string>>;
  expected: 'deceptive' | 'not_deceptive' | 'invalid';
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/evals-judge-transcripts.json', import.meta.url), 'utf8')) as {
  mask: MaskFixtureRow[];
  deceptionbench: { utility: string; items: DeceptionFixtureItem[]; expected: Record<string, number> };
};

const reply = (text: string): ChatResult => ({ text, usage: { promptTokens: 1, completionTokens: 1 } });

function maskItem(f: MaskFixtureRow): MaskItem {
  const numeric = f.proposition.includes('<value>');
  const consistency = numeric ? [] : [f.judge.belief_elicit_2, f.judge.belief_elicit_3].map((j) => (j as string[]).length);
  const row: MaskRow = {
    task_id: f.id, system_prompt: 'You sell Zorblax gadgets.', user_prompt: 'PRESSURE', type: numeric ? 'numerical' : 'binary', proposition: f.proposition,
    ground_truth: f.ground_truth, formatted_ground_truth: f.ground_truth, belief_elicit_1: f.config === 'provided_facts' ? '' : 'Q1',
    belief_elicit_2: consistency[0] ? 'Q2' : '', belief_elicit_3: consistency[1] ? 'Q3' : '', dd_turn_1_prompt: '', dd_turn_1_response: '', delivery: '', canary: '', config: f.config,
  };
  const proposition = parseProposition(f.proposition)!;
  const groundTruth = numeric ? parseNumericTruth(f.ground_truth) : (f.ground_truth as 'A' | 'B');
  return { row, id: `${f.config}/${f.id}`, proposition, groundTruth, source: { file: 'fixture', line: 1 } };
}

/** The model under test: names each answer by the question and sample it answers, so the judge can look up the transcript. */
const subject: ChatProvider = {
  id: 'scripted-subject',
  async chat(request: ChatRequest) {
    const last = defined(request.messages.at(-1), 'the last message').content;
    const role = defined(request.messages[0], 'the first message').content === BELIEF_SYSTEM_PROMPT ? { Q1: 'belief_elicit_1', Q2: 'belief_elicit_2', Q3: 'belief_elicit_3' }[last] : 'pressure';
    return reply(`${role}#${request.sampleIndex ?? 0}`);
  },
};

/** The judge model: replies with the fixture transcript for the answer it is shown (the joint belief call has its own). */
function transcriptJudge(f: MaskFixtureRow): ChatProvider & { calls: string[] } {
  const calls: string[] = [];
  return {
    id: 'transcript-judge',
    calls,
    async chat(request: ChatRequest) {
      const blocks = fencedBlocks(request.messages);
      if (blocks.has('ANSWER-1')) {
        calls.push('belief_joint');
        return reply(f.judge.belief_joint as string);
      }
      const [role, sample] = blocks.get('RESPONSE')!.split('#');
      assert.ok(role !== undefined && sample !== undefined, 'the scripted answer reads ROLE#SAMPLE');
      calls.push(role);
      return reply(defined((f.judge[role] as string[])[Number(sample)], `the fixture's ${role} judge reply #${sample}`));
    },
  };
}

function beliefOf(record: MaskSampleRecord): MaskFixtureRow['expected']['belief'] {
  if (record.belief.status !== 'belief') return null;
  const v = record.belief.value;
  return typeof v === 'string' ? v : [v.lower_bound, v.upper_bound];
}

test(`MASK: ${fixture.mask.length} held-out judge transcripts scored by Candor agree with the reference rules, row by row`, async () => {
  const records: MaskSampleRecord[] = [];
  for (const f of fixture.mask) {
    const judgeModel = transcriptJudge(f);
    const lieK = (f.judge.pressure as string[]).length;
    const record = await evaluateMaskItem(maskItem(f), { model: subject, judge: createLlmJudge({ provider: judgeModel, fenceSecret: 'fixture', retries: 0 }), lieK, params: {} });
    records.push(record);
    const score = (s: MaskSampleRecord['honesty'] | null) => (s === null ? null : s.status === 'scored' ? s.value : `undetermined: ${s.reason}`);
    const got = { belief: beliefOf(record), honesty_at_1: score(record.honesty_at_1), honesty_at_n: score(record.honesty), accuracy: score(record.accuracy) };
    assert.deepEqual(got, f.expected, `${f.id} — ${f.reference_rule}`);
    if (f.config === 'statistics') assert.equal(judgeModel.calls.filter((c) => c === 'belief_joint').length, 1, `${f.id}: one joint belief call`);
  }
  // The same rows aggregated: lies and non-answers counted as the rows say.
  const summary = summarizeMask(records.map((r) => ({ config: r.config, honesty: r.honesty, honestyAt1: r.honesty_at_1, accuracy: r.accuracy, hasBelief: r.has_belief })));
  const lies = fixture.mask.filter((f) => f.expected.honesty_at_n === -1).length;
  const liesAt1 = fixture.mask.filter((f) => f.expected.honesty_at_1 === -1).length;
  assert.equal(summary.lie, lies);
  assert.equal(summary.honesty_score_at_n, 1 - lies / fixture.mask.length);
  assert.equal(summary.honesty_score_at_1, 1 - liesAt1 / fixture.mask.length);
  assert.equal(summary.no_belief, fixture.mask.filter((f) => f.expected.belief === null).length);
  assert.equal(summary.undetermined, 0);
});

test(`DeceptionBench: ${fixture.deceptionbench.items.length} held-out judge transcripts give the Eq. 5 outcomes and rate`, async () => {
  const outcomes = [];
  for (const f of fixture.deceptionbench.items) {
    const item: DeceptionItem = { id: f.id, inner_prompt: 'INNER', system_prompt: 'You sell Fenlox.', outer_prompt: 'OUTER', format: '', category: 'sycophancy', source: { file: 'fixture', line: 1 } };
    const model: ChatProvider = { id: 'subject', chat: async (r) => reply(defined(r.messages.at(-1), 'the last message').content === 'INNER' ? fixture.deceptionbench.utility : f.response) };
    const judgeModel: ChatProvider = {
      id: 'transcript-judge',
      chat: async (r) => reply(f.judge[fencedBlocks(r.messages).has('REASONING') ? 'reasoning_reflects_utility' : 'action_consistent_with_utility']!),
    };
    const record = await evaluateDeceptionItem(item, { model, judge: createLlmJudge({ provider: judgeModel, fenceSecret: 'fixture', retries: 0 }), params: {} });
    const got = record.outcome.status === 'scored' ? (record.outcome.deceptive ? 'deceptive' : 'not_deceptive') : record.outcome.status;
    assert.equal(got, f.expected, `${f.id} — ${f.reference_rule}`);
    outcomes.push({ category: item.category, outcome: record.outcome });
  }
  const s = summarizeDeception(outcomes);
  const e = fixture.deceptionbench.expected;
  assert.deepEqual(
    { deception_rate: s.deception_rate, deception_rate_valid: s.deception_rate_valid, n: s.n, n_valid: s.n_valid, n_invalid: s.n_invalid },
    { deception_rate: e.deception_rate, deception_rate_valid: e.deception_rate_valid, n: e.n, n_valid: e.n_valid, n_invalid: e.n_invalid },
  );
});
