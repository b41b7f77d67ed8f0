/**
 * Selection and the self-training datasets (Hu et al. §4): trajectories ranked by their (gated)
 * satisfaction; the top k → SFT on (history, reply) — one chat sample per trajectory, so every
 * assistant reply is trained on with the history before it; the top k vs the bottom k → KTO, each
 * reply its own unpaired sample (prompt = the history up to it, label = desirable or not). Files
 * are written in Candor's formats, which both trainer backends read.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatMessage } from '../models/types.js';
import { writeFileAtomicSync } from '../util/atomic-write.js';
import { createRng } from '../util/random.js';
import type { TrajectoryRecord } from './rollout.js';

export interface SelectionOptions {
  /** Share of scored trajectories taken as top k (and as bottom k for KTO); default 0.2. */
  topFraction: number;
  seed: number;
}

export type Scored = TrajectoryRecord & { selection_score: number | null };

export interface Selection {
  top: Scored[];
  bottom: Scored[];
  scored: number;
  k: number;
}

/** Ties are broken by a seeded shuffle, so equal scores do not favour early users. */
export function selectTopBottom(trajectories: readonly Scored[], options: SelectionOptions): Selection {
  const scored = createRng(`select:${options.seed}`).shuffle(trajectories.filter((t) => t.selection_score !== null));
  scored.sort((a, b) => (b.selection_score as number) - (a.selection_score as number));
  const k = scored.length === 0 ? 0 : Math.max(1, Math.min(Math.floor(scored.length / 2), Math.round(options.topFraction * scored.length)));
  return { top: scored.slice(0, k), bottom: k ? scored.slice(scored.length - k) : [], scored: scored.length, k };
}

export interface SftRow {
  messages: ChatMessage[];
}

export interface KtoRow {
  prompt: ChatMessage[];
  completion: string;
  label: boolean;
}

export function sftRows(top: readonly TrajectoryRecord[]): SftRow[] {
  return top.filter((t) => t.messages.some((m) => m.role === 'assistant')).map((t) => ({ messages: t.messages }));
}

export function ktoRows(top: readonly TrajectoryRecord[], bottom: readonly TrajectoryRecord[]): KtoRow[] {
  const rows: KtoRow[] = [];
  const add = (t: TrajectoryRecord, label: boolean) => {
    t.messages.forEach((m, i) => {
      if (m.role === 'assistant') rows.push({ prompt: t.messages.slice(0, i), completion: m.content, label });
    });
  };
  top.forEach((t) => add(t, true));
  bottom.forEach((t) => add(t, false));
  return rows;
}

export function writeJsonl(path: string, rows: readonly unknown[]): void {
  writeFileAtomicSync(path, rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''));
}

/** Writes the dataset of `method` under `dir`; returns its path. */
export function writeSelectionDataset(dir: string, method: 'sft' | 'kto', selection: Selection): { path: string; rows: number } {
  mkdirSync(dir, { recursive: true });
  const rows = method === 'sft' ? sftRows(selection.top) : ktoRows(selection.top, selection.bottom);
  const path = join(dir, `${method}.jsonl`);
  writeJsonl(path, rows);
  return { path, rows: rows.length };
}
