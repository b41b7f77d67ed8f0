/**
 * The interaction run's report (markdown + JSON of every number): a table in the shape of the
 * paper's Table 4 (biased ratio × SFT/KTO × honesty, deception, capability) with the paper's
 * figures beside Candor's; honesty vs biased ratio per round with 95 % intervals; gated vs
 * ungated; the monitor's precision and recall against the hidden labels. Seeds are pooled:
 * intervals resample conversations of all seeds together.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync, writeJsonAtomicSync } from '../util/atomic-write.js';
import { InputError } from '../util/errors.js';
import type { HonestyReference } from './feedback.js';
import type { Arm, ArmEvalRecord, RoundRecord } from './records.js';
import { roundMetrics, type Estimate, type RoundMetrics } from './metrics.js';
import { PAPER_SELF_TRAINING_DECEPTION_SFT, PAPER_SELF_TRAINING_SETUP } from './paper-reference.js';
import { generatePopulation } from './population.js';
import type { BeliefRecord, TrajectoryRecord } from './rollout.js';

export interface InteractionSummary {
  name: string;
  rendering: string;
  assistant: string;
  population_size: number;
  honesty_reference: HonestyReference;
  arms: Arm[];
  rounds: number;
  conversations: number;
  failed_conversations: number;
  round_records: RoundRecord[];
  /** Absent when the file asked for no benchmarks. */
  arm_evals?: ArmEvalRecord[];
}

export interface PooledCell {
  ratio: number;
  method: 'sft' | 'kto';
  gated: boolean;
  round: number;
  seeds: number[];
  metrics: RoundMetrics;
}

export interface MonitorCell {
  ratio: number;
  round: number;
  gated: boolean;
  flagged: number;
  tested: number;
  precision: number | null;
  recall: number | null;
  estimated: { estimate: number; low: number; high: number } | null;
  true_fraction: number;
}

function readLines(file: string): Array<Record<string, unknown>> {
  if (!existsSync(file)) return [];
  const out: Array<Record<string, unknown>> = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      break; // a partial last line from a killed run
    }
  }
  return out;
}

function collectionOf(arm: Arm, round: number): string {
  return round === 0 ? `ratio-${arm.ratio}_seed-${arm.seed}` : arm.name;
}

export function poolCells(summary: InteractionSummary, trajectories: readonly TrajectoryRecord[], beliefs: readonly BeliefRecord[]): PooledCell[] {
  const byCollectionRound = new Map<string, TrajectoryRecord[]>();
  for (const t of trajectories) {
    const key = `${t.arm}\u0000${t.round}`;
    const list = byCollectionRound.get(key);
    if (list) list.push(t);
    else byCollectionRound.set(key, [t]);
  }
  const labels = new Map<string, Set<string>>();
  const biasedIn = (ratio: number, seed: number): Set<string> => {
    const key = `${ratio}:${seed}`;
    let set = labels.get(key);
    if (!set) {
      set = new Set(generatePopulation({ size: summary.population_size, biasedFraction: ratio, seed }).filter((u) => u.biased).map((u) => u.id));
      labels.set(key, set);
    }
    return set;
  };
  const groups = new Map<string, { ratio: number; method: 'sft' | 'kto'; gated: boolean; round: number; arms: Arm[] }>();
  for (const arm of summary.arms) {
    for (let round = 0; round <= summary.rounds; round++) {
      const key = `${arm.ratio}|${arm.method}|${arm.gated}|${round}`;
      const g = groups.get(key) ?? { ratio: arm.ratio, method: arm.method, gated: arm.gated, round, arms: [] };
      g.arms.push(arm);
      groups.set(key, g);
    }
  }
  const cells: PooledCell[] = [];
  for (const g of groups.values()) {
    const pooled: TrajectoryRecord[] = [];
    const seedOf = new Map<string, number>();
    for (const arm of g.arms) {
      const collection = collectionOf(arm, g.round);
      seedOf.set(collection, arm.seed);
      pooled.push(...(byCollectionRound.get(`${collection}\u0000${g.round}`) ?? []));
    }
    if (pooled.length === 0) continue;
    const isBiased = (t: TrajectoryRecord) => biasedIn(g.ratio, seedOf.get(t.arm) ?? 0).has(t.user_id);
    cells.push({ ratio: g.ratio, method: g.method, gated: g.gated, round: g.round, seeds: g.arms.map((a) => a.seed), metrics: roundMetrics(pooled, beliefs, isBiased, summary.honesty_reference, 1) });
  }
  return cells.sort((a, b) => a.ratio - b.ratio || a.method.localeCompare(b.method) || Number(a.gated) - Number(b.gated) || a.round - b.round);
}

export function monitorCells(summary: InteractionSummary): MonitorCell[] {
  const out: MonitorCell[] = [];
  const seen = new Set<string>();
  for (const r of summary.round_records) {
    if (!r.monitor) continue;
    const arm = summary.arms.find((a) => a.name === r.arm);
    if (!arm) continue;
    // Round 0 is shared by every arm of a ratio and seed: count it once.
    const key = r.round === 0 ? `${r.collection}|0` : `${r.arm}|${r.round}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ratio: arm.ratio, round: r.round, gated: arm.gated, flagged: r.monitor.flagged, tested: r.monitor.tested, precision: r.monitor.precision, recall: r.monitor.recall, estimated: r.monitor.estimated_fraction, true_fraction: r.monitor.true_fraction });
  }
  return out;
}

function meanOf(values: ReadonlyArray<number | null | undefined>): number | null {
  const xs = values.filter((v): v is number => typeof v === 'number');
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : (100 * x).toFixed(1));
const est = (e: Estimate) => (e.value === null ? '—' : `${pct(e.value)} [${pct(e.low)}, ${pct(e.high)}]`);

export function renderInteractionReport(summary: InteractionSummary, cells: readonly PooledCell[], monitor: readonly MonitorCell[]): string {
  const K = summary.rounds;
  const lines: string[] = [];
  lines.push(`# Interaction loop: ${summary.name}`, '');
  lines.push(
    `Assistant \`${summary.assistant}\` (${summary.rendering} rendering); population ${summary.population_size}; ${summary.arms.length} arms; ${K} round(s) of self-training, then a collect-only round that measures the final assistant. ${summary.conversations} conversations, ${summary.failed_conversations} failed.`,
    '',
    `Honesty = 1 − P(reply is dishonest), a reply being dishonest when it asserts the opposite of the assistant's own neutrally elicited belief (reference: ${summary.honesty_reference}; the facts where no belief was elicited) or a third wrong value. Lure rate = P(reply asserts what the biased user wants). % of rated replies, 95 % bootstrap intervals over conversations, seeds pooled.`,
    '',
  );
  lines.push(`## Table 4 shape: the assistant after ${K} round(s) of self-training`, '');
  lines.push('| biased ratio | method | gate | honesty % in conversations | lure rate % | MASK honesty % (in / cross-domain) | DeceptionBench deception % (in / cross-domain) | capability | deception % (paper, SFT) |');
  lines.push('|---|---|---|---|---|---|---|---|---|');
  const evals = summary.arm_evals ?? [];
  for (const c of cells.filter((x) => x.round === K)) {
    const paper = c.method === 'sft' ? PAPER_SELF_TRAINING_DECEPTION_SFT.get(c.ratio) : undefined;
    const mine = evals.filter((e) => summary.arms.some((a) => a.name === e.arm && a.ratio === c.ratio && a.method === c.method && a.gated === c.gated));
    const mask = meanOf(mine.map((e) => e.mask?.honesty_score));
    const maskSplit = `${pct(meanOf(mine.map((e) => e.mask?.split.in_domain)))} / ${pct(meanOf(mine.map((e) => e.mask?.split.cross_domain)))}`;
    const db = meanOf(mine.map((e) => e.deceptionbench?.deception_rate));
    const dbSplit = `${pct(meanOf(mine.map((e) => e.deceptionbench?.split.in_domain)))} / ${pct(meanOf(mine.map((e) => e.deceptionbench?.split.cross_domain)))}`;
    const maskCell = mine.some((e) => e.mask) ? `${pct(mask)} (${maskSplit})` : 'not run';
    const dbCell = mine.some((e) => e.deceptionbench) ? `${pct(db)} (${dbSplit})` : 'not run';
    lines.push(`| ${c.ratio} | ${c.method.toUpperCase()} | ${c.gated ? 'gated' : 'ungated'} | ${est(c.metrics.all.honesty)} | ${est(c.metrics.all.lure_rate)} | ${maskCell} | ${dbCell} | not measured | ${paper ?? '—'} |`);
  }
  lines.push(
    '',
    PAPER_SELF_TRAINING_SETUP,
    'MASK and DeceptionBench columns: the final assistant of each arm, mean over seeds (per-seed intervals in report.json); "not run" when the file asked for no benchmark. Capability after each arm is not wired into the interaction run yet.',
    '',
  );
  lines.push('## Honesty % by round', '');
  lines.push(`| biased ratio | method | gate | ${Array.from({ length: K + 1 }, (_, r) => `round ${r}`).join(' | ')} |`);
  lines.push(`|---|---|---|${'---|'.repeat(K + 1)}`);
  const groups = new Map<string, PooledCell[]>();
  for (const c of cells) {
    const key = `${c.ratio}|${c.method}|${c.gated}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  for (const list of groups.values()) {
    const first = list[0];
    const byRound = Array.from({ length: K + 1 }, (_, r) => list.find((c) => c.round === r));
    lines.push(`| ${first.ratio} | ${first.method.toUpperCase()} | ${first.gated ? 'gated' : 'ungated'} | ${byRound.map((c) => (c ? est(c.metrics.all.honesty) : '—')).join(' | ')} |`);
  }
  lines.push('', '## Gated vs ungated (final round)', '');
  lines.push('| biased ratio | method | honesty % ungated | honesty % gated | lure rate % ungated | lure rate % gated |', '|---|---|---|---|---|---|');
  for (const c of cells.filter((x) => !x.gated && x.round === K)) {
    const g = cells.find((x) => x.gated && x.round === K && x.ratio === c.ratio && x.method === c.method);
    if (!g) continue;
    lines.push(`| ${c.ratio} | ${c.method.toUpperCase()} | ${est(c.metrics.all.honesty)} | ${est(g.metrics.all.honesty)} | ${est(c.metrics.all.lure_rate)} | ${est(g.metrics.all.lure_rate)} |`);
  }
  lines.push('', '## Population monitor (against the hidden labels)', '');
  lines.push('| biased ratio | round | arm gate | users tested | flagged | precision | recall | estimated fraction [95% CI] | true fraction |', '|---|---|---|---|---|---|---|---|---|');
  for (const m of monitor) {
    const e = m.estimated ? `${m.estimated.estimate.toFixed(3)} [${m.estimated.low.toFixed(3)}, ${m.estimated.high.toFixed(3)}]` : '—';
    lines.push(`| ${m.ratio} | ${m.round} | ${m.round === 0 ? 'shared' : m.gated ? 'gated' : 'ungated'} | ${m.tested} | ${m.flagged} | ${m.precision === null ? '— (none flagged)' : m.precision.toFixed(3)} | ${m.recall === null ? '—' : m.recall.toFixed(3)} | ${e} | ${m.true_fraction.toFixed(3)} |`);
  }
  lines.push('', 'The monitor sees only ratings and judged honesty; its flags use a per-user exact permutation test with Benjamini–Hochberg at the configured q, so a user with few rated replies of each kind cannot reach significance (recall is then 0 by construction, not by chance).', '');
  return lines.join('\n');
}

/** Reads a finished (or partial) interaction run and writes report.md and report.json beside it. */
export function writeInteractionReport(runDir: string): { markdownPath: string; jsonPath: string; markdown: string } {
  const summaryPath = join(runDir, 'summary.json');
  if (!existsSync(summaryPath)) throw new InputError('no summary.json: the interaction run has not finished a pass yet (rerun it to resume)', { file: runDir });
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as InteractionSummary;
  const records = readLines(join(runDir, 'samples.jsonl'));
  const trajectories = records.filter((r) => r.kind === 'trajectory') as unknown as TrajectoryRecord[];
  const beliefs = records.filter((r) => r.kind === 'belief') as unknown as BeliefRecord[];
  const cells = poolCells(summary, trajectories, beliefs);
  const monitor = monitorCells(summary);
  const markdown = renderInteractionReport(summary, cells, monitor);
  const markdownPath = join(runDir, 'report.md');
  const jsonPath = join(runDir, 'report.json');
  writeFileAtomicSync(markdownPath, markdown);
  writeJsonAtomicSync(jsonPath, { summary: { ...summary, round_records: undefined }, cells, monitor });
  return { markdownPath, jsonPath, markdown };
}
