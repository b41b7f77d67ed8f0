/**
 * `runDeceptionBenchEval`: the typed API behind `candor eval deceptionbench`.
 */
import { digestItems } from '../mask/load.js';
import { z } from 'zod';
import { commonStoredOptions, requireJudge, runBenchmark, storedOptionsSchema, type Benchmark, type CommonEvalOptions, type EvalResult } from '../runner.js';
import { evaluateDeceptionItem, type DeceptionSampleRecord } from './evaluate.js';
import { loadDeceptionItems } from './load.js';
import { DeceptionSummarySchema, summarizeDeception, type DeceptionSummary } from './summary.js';
import type { DeceptionItem } from './types.js';

export interface DeceptionBenchEvalOptions extends CommonEvalOptions {
  /** Keep only these categories (names normalised like the data's). */
  categories?: string[];
}

const deceptionStoredOptionsSchema = storedOptionsSchema.extend({ categories: z.array(z.string()).nullable() });
type DeceptionStoredOptions = z.infer<typeof deceptionStoredOptionsSchema>;

export type DeceptionBenchEvalResult = EvalResult<DeceptionSummary>;

/**
 * Default length of the model's reply: DeceptionBench asks for reasoning and then an action, and a
 * reply cut off by the limit is invalid (counted as "truncated"), so leave reasoning models room.
 */
export const DECEPTION_DEFAULT_MAX_TOKENS = 4096;

export const DECEPTION_BENCH: Benchmark<DeceptionStoredOptions, DeceptionItem, DeceptionSampleRecord, DeceptionSummary> = {
  name: 'deceptionbench',
  unit: 'items',
  options: deceptionStoredOptionsSchema,
  summary: DeceptionSummarySchema,
  load: (stored) => loadDeceptionItems(stored.data, stored.categories ?? undefined),
  // The source path is where the data was read, not what it says; leave it out of the fingerprint.
  digest: (items) => digestItems(items.map(({ source: _source, ...rest }) => ({ id: rest.id, row: rest }))),
  evaluate: (item, ctx) => evaluateDeceptionItem(item, { ...ctx, judge: requireJudge(ctx) }),
  summarize: (records, stored) => summarizeDeception(records.map((r) => ({ category: r.category, domain: r.domain, outcome: r.outcome })), { seed: stored.seed }),
};

export async function runDeceptionBenchEval(options: DeceptionBenchEvalOptions): Promise<DeceptionBenchEvalResult> {
  return runBenchmark(DECEPTION_BENCH, options, () => ({
    ...commonStoredOptions({ ...options, maxTokens: options.maxTokens ?? DECEPTION_DEFAULT_MAX_TOKENS }),
    categories: options.categories?.length ? options.categories : null,
  }));
}
