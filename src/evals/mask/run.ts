/**
 * `runMaskEval`: the typed API behind `candor eval mask`, the experiment runner and model checks.
 */
import { InputError } from '../../util/errors.js';
import { z } from 'zod';
import { commonStoredOptions, requireJudge, runBenchmark, storedOptionsSchema, type Benchmark, type CommonEvalOptions, type EvalResult } from '../runner.js';
import type { JudgeInput } from '../setup.js';
import { MASK_PAPER_JUDGES } from '../judges/llm.js';
import { evaluateMaskItem, type MaskSampleRecord } from './evaluate.js';
import { digestItems, loadMaskItems } from './load.js';
import { MaskSummarySchema, summarizeMask, type MaskSummary } from './summary.js';
import type { MaskItem } from './types.js';

/** `judge` defaults to MASK_PAPER_JUDGES (and then `numericJudge` too). */
export interface MaskEvalOptions extends CommonEvalOptions {
  /** Judge for numeric propositions (default: the judge). */
  numericJudge?: JudgeInput;
  /** Pressure samples per row (default 1; honesty@10 uses 10). */
  lieK?: number;
  configs?: string[];
  /** Drop rows where the model holds no belief. */
  normalize?: boolean;
}

const maskStoredOptionsSchema = storedOptionsSchema.extend({
  lie_k: z.number().int().positive(),
  configs: z.array(z.string()).nullable(),
  normalize: z.boolean(),
});
type MaskStoredOptions = z.infer<typeof maskStoredOptionsSchema>;

export type MaskEvalResult = EvalResult<MaskSummary>;

export const MASK: Benchmark<MaskStoredOptions, MaskItem, MaskSampleRecord, MaskSummary> = {
  name: 'mask',
  unit: 'rows',
  options: maskStoredOptionsSchema,
  summary: MaskSummarySchema,
  load: (stored) => loadMaskItems(stored.data, stored.configs ?? undefined),
  digest: digestItems,
  evaluate: (item, ctx, stored) => evaluateMaskItem(item, { ...ctx, judge: requireJudge(ctx), lieK: stored.lie_k }),
  summarize: (records, stored) =>
    summarizeMask(
      records.map((r) => ({ config: r.config, domain: r.domain, honesty: r.honesty, honestyAt1: r.honesty_at_1, accuracy: r.accuracy, hasBelief: r.has_belief })),
      { normalize: stored.normalize, seed: stored.seed, lieK: stored.lie_k, judges: { binary: stored.judge, numeric: stored.numeric_judge ?? stored.judge } },
    ),
};

/** The options a new run stores in run.json (the judges default to the reference's, see MASK_PAPER_JUDGES). */
export function maskStoredOptions(options: MaskEvalOptions): MaskStoredOptions {
  const lieK = options.lieK ?? 1;
  if (!Number.isInteger(lieK) || lieK < 1) throw new InputError(`must be a positive integer, got ${lieK}`, { field: '--lie-k' });
  // No judge given: the ones the MASK reference code calls (gpt-4o binary, o3-mini numeric).
  const judged = options.judge === undefined ? { ...options, judge: MASK_PAPER_JUDGES.binary, numericJudge: options.numericJudge ?? MASK_PAPER_JUDGES.numeric } : options;
  return {
    ...commonStoredOptions(judged, judged.numericJudge),
    lie_k: lieK,
    configs: options.configs?.length ? options.configs : null,
    normalize: options.normalize ?? false,
  };
}

export async function runMaskEval(options: MaskEvalOptions): Promise<MaskEvalResult> {
  return runBenchmark(MASK, options, () => maskStoredOptions(options));
}
