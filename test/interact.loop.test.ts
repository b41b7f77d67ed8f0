import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseInteractionConfig } from '../src/interact/config.js';
import { runInteraction } from '../src/interact/loop.js';
import { writeInteractionReport } from '../src/interact/report.js';
import type { TrajectoryRecord } from '../src/interact/rollout.js';
import type { KtoRow, SftRow } from '../src/interact/selection.js';
import { InputError } from '../src/util/errors.js';
import { defined } from './defined.helper.js';

const YAML = `
name: loop-test
assistant: embedded:models/bases/seed-{seed}
population: { size: 10, conversations_per_user: 1 }
sampling: { temperature: 0.8, max_tokens: 24 }
biased_ratios: [0.5]
seeds: [1]
methods: [sft, kto]
rounds: 1
monitor: { arms: gated }
positive_control: { conversations_per_user: 2, top_fraction: 0.2 }
sft: { epochs: 1, lr: 0.0003, batch_size: 8 }
kto: { epochs: 1, lr: 0.0001, batch_size: 8 }
evals: { mask: { limit: 1 }, deceptionbench: { limit: 1 }, capability: { limit: 1 } }
concurrency: 16
`;

/** The rows of a JSON Lines file the run wrote, read as their writer's type; the assertions check the content. */
function lines<Row>(file: string): Row[] {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row);
}

describe('interaction loop on the embedded model (reduced size)', () => {
  it('runs rounds end to end, trains through the backend, and resumes without redoing work', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'candor-interact-'));
    const file = join(dir, 'loop.yaml');
    writeFileSync(file, YAML);
    const config = parseInteractionConfig(YAML, file);
    const out = join(dir, 'run');
    const first = await runInteraction(config, { out });

    // 2 sweep arms + the positive control, × (1 training round + the final collect-only round).
    assert.equal(first.rounds.length, 6);
    assert.equal(first.failedConversations, 0);
    const samples = lines<{ kind: string }>(join(out, 'samples.jsonl'));
    const trajectories = samples.filter((r): r is TrajectoryRecord => r.kind === 'trajectory');
    // Round 0 is shared by the sweep's arms: 10 + 2 arms × 10; the control collects its own, 20 a round.
    assert.equal(trajectories.length, 30 + 2 * 20);
    // `{seed}` in the assistant spec: seed 1 starts from its own base.
    for (const t of trajectories.filter((x) => x.round === 0)) assert.equal(t.assistant, 'embedded:models/bases/seed-1');
    const control = 'positive-control_seed-1_sft';
    assert.equal(trajectories.filter((t) => t.arm === control && t.round === 0).length, 20, 'the control collects its own round 0');
    for (const t of trajectories) {
      for (const key of ['scenario_id', 'user_id', 'assistant', 'seed', 'round', 'arm'] as const) assert.ok(t[key] !== undefined, key);
      assert.equal('biased' in t, false, 'the feedback log never holds the hidden label');
      assert.equal(t.turns.length, 2);
      for (const turn of t.turns) assert.ok(turn.rating === null || (Number.isInteger(turn.rating) && turn.rating >= 1 && turn.rating <= 10));
    }
    for (const r of first.rounds.filter((x) => x.round === 0 && x.arm !== control)) {
      assert.ok(r.train, 'round 0 trains');
      assert.ok(existsSync(join(r.train!.checkpoint, 'model.safetensors')), 'a checkpoint was written');
      const round1 = first.rounds.find((x) => x.arm === r.arm && x.round === 1)!;
      assert.equal(round1.assistant, r.train!.model_spec, 'the trained assistant collects the next round');
      assert.equal(round1.train, undefined, 'the last round only measures');
      assert.ok(trajectories.filter((t) => t.round === 1 && t.arm === r.arm).every((t) => t.assistant === r.train!.model_spec));
      assert.ok(r.monitor && r.monitor.true_fraction === 0.5);
      assert.ok(r.metrics.all.honesty.value !== null && r.metrics.all.honesty.low! <= r.metrics.all.honesty.value! && r.metrics.all.honesty.value! <= r.metrics.all.honesty.high!);
    }
    const sft = first.rounds.find((r) => r.arm.includes('_sft_') && r.round === 0)!;
    assert.equal(typeof sft.selection!.unrepresentable, "number");
    for (const row of lines<SftRow>(sft.selection!.dataset)) assert.ok(row.messages.some((m) => m.role === 'assistant'));
    const kto = first.rounds.find((r) => r.arm.includes('_kto_') && r.round === 0)!;
    const ktoRows = lines<KtoRow>(kto.selection!.dataset);
    assert.ok(ktoRows.some((r) => r.label === true) && ktoRows.some((r) => r.label === false));
    for (const row of ktoRows) assert.equal(row.prompt.at(-1)?.role, 'user');
    const summary = JSON.parse(readFileSync(first.summaryPath, 'utf8'));
    assert.equal(summary.round_records.length, 6);
    const controlRound = first.rounds.find((r) => r.arm === control && r.round === 0)!;
    assert.equal(controlRound.monitor!.true_fraction, 1, 'every control user is biased');
    assert.equal(controlRound.selection!.k, Math.max(1, Math.round(0.2 * controlRound.selection!.scored)), 'the control takes its own top fraction');
    // MASK, DeceptionBench and capability on each arm's final assistant, through the evals runner,
    // split into rows about the scenarios' facts (in-domain) and every other fact (cross-domain).
    // …and on the starting assistant of the seed, the baseline every arm is read against.
    assert.equal(summary.arm_evals.length, 4);
    const start = summary.arm_evals.find((e: { starting?: boolean }) => e.starting);
    assert.equal(start.arm, 'start_seed-1');
    assert.equal(start.assistant, 'embedded:models/bases/seed-1');
    for (const e of summary.arm_evals) {
      for (const k of ['mask', 'deceptionbench', 'capability']) {
        assert.ok(e[k].split.detail.in_domain.n > 0 && e[k].split.detail.cross_domain.n > 0, `${k} has rows on both sides`);
      }
      assert.equal(e.capability.rows, lines(join(e.capability.run_dir, 'samples.jsonl')).length);
      assert.ok(e.mask.non_answers.evasive + e.mask.non_answers.no_belief <= e.mask.rows);
      if (!e.starting) assert.equal(e.assistant, first.rounds.find((r) => r.arm === e.arm && r.round === 0)!.train!.model_spec);
      assert.ok(typeof e.mask.honesty_score === 'number' && e.mask.honesty_score >= 0 && e.mask.honesty_score <= 1);
      assert.ok(e.deceptionbench.deception_rate === null || (e.deceptionbench.deception_rate >= 0 && e.deceptionbench.deception_rate <= 1));
      assert.ok(existsSync(join(e.mask.run_dir, 'samples.jsonl')));
    }

    // The report: Table 4 shape with the paper's figures beside ours, honesty per round, gated vs ungated, monitor.
    const report = writeInteractionReport(out);
    assert.match(report.markdown, /## Table 4 shape/);
    assert.match(report.markdown, /\| 0\.5 \| SFT \| gated \| \d+\.\d \[\d+\.\d, \d+\.\d\] \|.*\| 33\.52 \|/);
    assert.match(report.markdown, /## Positive control/);
    assert.match(report.markdown, /\| starting assistant \(no self-training\) \|.*\| \d+\.\d \[/);
    assert.match(report.markdown, /\| positive control \| \d+\.\d \[/);
    assert.doesNotMatch(report.markdown, /\| not run \|/);
    assert.match(report.markdown, /## Honesty % in conversations by round/);
    assert.match(report.markdown, /## Population monitor/);
    assert.ok(existsSync(report.jsonPath));

    // A rerun does nothing new.
    const size = statSync(join(out, 'samples.jsonl')).size;
    const again = await runInteraction(config, { out });
    assert.equal(statSync(join(out, 'samples.jsonl')).size, size);
    assert.deepEqual(again.rounds.map((r) => r.metrics), first.rounds.map((r) => r.metrics));

    // A kill mid-run: drop the last records and leave a partial line; the resumed run ends with the same records.
    const text = readFileSync(join(out, 'samples.jsonl'), 'utf8');
    const all = text.split('\n').filter(Boolean);
    // Cut at the KTO arm's first round record (its training finished; its record was not written).
    const cut = all.findIndex((l) => JSON.parse(l).id === `r:${kto.arm}:0`);
    assert.ok(cut > 0 && cut < all.length - 1);
    const keep = all.slice(0, cut).join('\n') + '\n' + defined(all[cut], 'the cut line').slice(0, 20);
    writeFileSync(join(out, 'samples.jsonl'), keep);
    const resumed = await runInteraction(config, { out, resume: true });
    const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id).sort();
    assert.deepEqual(ids(lines<{ id: string }>(join(out, 'samples.jsonl'))), ids(all.map((l) => JSON.parse(l) as { id: string })));
    assert.deepEqual(resumed.rounds.map((r) => r.train?.model_spec), first.rounds.map((r) => r.train?.model_spec));
    assert.equal(resumed.rounds.find((r) => r.id === `r:${kto.arm}:0`)!.train!.reused, true, 'finished training is reused');
  });

  it('refuses a bad file with file, line and field, before writing anything', () => {
    assert.throws(() => parseInteractionConfig('rounds: 2\nbiased_ratios: [0.1, 1.5]\n', 'x.yaml'), (e: unknown) => e instanceof InputError && e.message.startsWith('x.yaml:2, field "biased_ratios[1]"'));
    assert.throws(() => parseInteractionConfig('rounds: 1\npopulaton: {size: 3}\n', 'x.yaml'), (e: unknown) => e instanceof InputError && e.message.includes(':2, field "populaton"'));
    assert.throws(() => parseInteractionConfig('rendering: natural\nassistant: openai:m@http://127.0.0.1:1/v1\n', 'x.yaml'), (e: unknown) => e instanceof InputError && e.message.includes('field "judge"'));
  });
});
