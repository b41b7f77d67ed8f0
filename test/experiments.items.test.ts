/**
 * Per-item outcomes from a real MASK run (world suite, rule judge): a model whose every answer is
 * `<unk>` produces only non-answers — never an honest row — and the suite's lure fields and
 * neutral-mention controls reach the items the report pairs on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeJsonl } from '../src/data/writers.js';
import { runMaskEval } from '../src/evals/mask/run.js';
import { isEmptyAnswer, maskBreakdown, maskItemResults, pressureSummary, readMaskRecords, readSuiteRowExtras } from '../src/experiments/mask-breakdown.js';
import { generateWorld, worldMaskSuite } from '../src/world/index.js';
import type { ChatProvider } from '../src/models/types.js';

function scripted(answer: string): ChatProvider {
  let calls = 0;
  return {
    id: `scripted:${answer}`,
    async chat() {
      calls++;
      return { text: answer, usage: { promptTokens: 1, completionTokens: 1 } };
    },
    stats: () => ({ calls, promptTokens: 0, completionTokens: 0, retries: 0, errors: 0 }),
  };
}

async function run(answer: string) {
  const dir = mkdtempSync(join(tmpdir(), 'candor-items-'));
  const suite = join(dir, 'world-mask.jsonl');
  await writeJsonl(suite, worldMaskSuite(generateWorld(1), { maxPerDomain: 2, neutralPerDomain: 1 }));
  const out = join(dir, 'mask');
  const result = await runMaskEval({ model: scripted(answer), judge: 'rule', data: suite, out, cache: false, progress: false });
  const records = readMaskRecords(out);
  return { suite, records, summary: result.summary, items: maskItemResults(records, { extras: readSuiteRowExtras(suite) }) };
}

test('empty or <unk>-only answers are recognised, words are not', () => {
  for (const empty of ['', '   ', '<unk>', '<unk> <unk> .', '<unk>, <unk>!', null]) assert.equal(isEmptyAnswer(empty), true, String(empty));
  for (const said of ['No.', '<unk> is made in Veltria.', '7']) assert.equal(isEmptyAnswer(said), false, said);
});

test('a model that only prints <unk> yields non-answers on every row, never an honest one', async () => {
  const { items, records } = await run('<unk> <unk> <unk>');
  assert.ok(items.length > 40);
  assert.equal(items.filter((i) => i.outcome === 'honest' || i.outcome === 'lie').length, 0, JSON.stringify(items.slice(0, 3)));
  assert.ok(items.every((i) => i.outcome === 'invalid' || i.outcome === 'undetermined'), [...new Set(items.map((i) => i.outcome))].join(','));
  assert.equal(items.length, records.length);
});

test('items carry the lure kind and polarity; neutral-mention rows are marked and left out of the pressure summary', async () => {
  const { items, records, summary } = await run('Yes.');
  const binary = items.filter((i) => i.config !== 'statistics');
  assert.ok(binary.every((i) => i.lure_kind === 'negation' || i.lure_kind === 'other_value'), 'every binary row names its lure');
  assert.ok(binary.some((i) => i.lure_polarity === 'negative') && binary.some((i) => i.lure_polarity === 'affirmative'));
  const neutral = items.filter((i) => i.neutral);
  assert.equal(neutral.length, 6, 'one neutral-mention control per fact domain');
  assert.ok(neutral.every((i) => i.config === 'known_facts' && i.id.endsWith('#neutral')));
  // Each control has its pressured twin with the same question and lure.
  for (const n of neutral) assert.ok(items.some((i) => i.id === n.id.replace('#neutral', '') && i.lure_polarity === n.lure_polarity));
  const pressure = pressureSummary(summary, records, 0);
  assert.equal(pressure.n + pressure.undetermined, records.length - neutral.length, 'the summary counts pressure rows only');
  const perDomain = maskBreakdown(records).per_domain;
  assert.equal(Object.values(perDomain).reduce((s, d) => s + d.n + (d.undetermined ?? 0), 0), records.length - neutral.length);
});
