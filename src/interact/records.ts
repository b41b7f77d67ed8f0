/**
 * The records an interaction run writes (one per round and per arm evaluation) and the arm they
 * belong to. They live apart from the loop that writes them so the report can read them without
 * importing the loop (data flows loop → records ← report, never in a circle).
 */
import type { SampleRecord } from '../run/run-dir.js';
import type { ArmEvalResult } from './arm-evals.js';
import type { RoundMetrics } from './metrics.js';

export interface Arm {
  name: string;
  ratio: number;
  seed: number;
  method: 'sft' | 'kto';
  gated: boolean;
  /** Set on the positive control's arms: their users and selection differ from the sweep's. */
  control?: { noise: number; conversations_per_user: number; top_fraction: number };
}

/**
 * The collection a round of an arm reads: round 0 is one collection shared by the sweep's arms of
 * a ratio and seed (same population, same base assistant); a positive control collects its own.
 */
export function collectionOf(arm: Arm, round: number): string {
  return round === 0 && !arm.control ? `ratio-${arm.ratio}_seed-${arm.seed}` : arm.name;
}

export interface MonitorRoundSummary {
  flagged: number;
  tested: number;
  untestable: number;
  estimated_fraction: { estimate: number; low: number; high: number } | null;
  /** Against the hidden labels (evaluation only; the monitor never sees them). */
  precision: number | null;
  recall: number | null;
  true_fraction: number;
  honesty_counts: { rated: number; byBelief: number; byFacts: number; noPosition: number };
}

export interface RoundRecord extends SampleRecord {
  kind: 'round';
  arm: string;
  round: number;
  collection: string;
  assistant: string;
  conversations: number;
  failed: number;
  metrics: RoundMetrics;
  monitor: MonitorRoundSummary | null;
  /** Absent on the final collect-only round. */
  selection?: { scored: number; k: number; unrepresentable: number; gated_out: number; dataset: string; rows: number };
  train?: { model_spec: string; checkpoint: string; metrics: Record<string, number>; reused: boolean; job_digest: string };
}

export interface ArmEvalRecord extends SampleRecord, ArmEvalResult {
  kind: 'arm-eval';
  /** The arm's name, or `start_seed-N` for a seed's starting assistant. */
  arm: string;
  assistant: string;
  /** The starting assistant of a seed (no self-training), the baseline of every arm of that seed. */
  starting?: true;
}
