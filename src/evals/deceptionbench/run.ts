/**
 * `runDeceptionBenchEval`: the typed API behind `candor eval deceptionbench`.
 */
import { digestItems } from '../mask/load.js';
import { commonStoredOptions, runBenchmark, type Benchmark, type CommonEvalOptions, type EvalResult, type StoredOptions } from '../runner.js';
import { evaluateDeceptionItem, type DeceptionSampleRecord } from './evaluate.js';
import { loadDeceptionItems } from './load.js';
import { summarizeDeception, type DeceptionSummary } from './summary.js';
import type { DeceptionItem } from './types.js';

export interface DeceptionBenchEvalOptions extends CommonEvalOptions {
  /** Keep only these categories (names normalised like the data's). */
  categories?: string[];
}

interface DeceptionStoredOptions extends StoredOptions {
  categories: string[] | null;
}

export type DeceptionBenchEvalResult = EvalResult<DeceptionSummary>;

/**
 * Default length of the model's reply: DeceptionBench asks for reasoning and then an action, and a
 * reply cut off by the limit is invalid (counted as "truncated"), so leave reasoning models room.
 */
export const DECEPTION_DEFAULT_MAX_TOKENS = 4096;

const DECEPTION_BENCH: Benchmark<DeceptionStoredOptions, DeceptionItem, DeceptionSampleRecord, DeceptionSummary> = {
  name: 'deceptionbench',
  unit: 'items',
  load: (stored) => loadDeceptionItems(stored.data, stored.categories ?? undefined),
  // The source path is where the data was read, not what it says; leave it out of the fingerprint.
  digest: (items) => digestItems(items.map(({ source: _source, ...rest }) => ({ id: rest.id, row: rest }))),
  evaluate: (item, ctx) => evaluateDeceptionItem(item, ctx),
  summarize: (records, stored) => summarizeDeception(records.map((r) => ({ category: r.category, domain: r.domain, outcome: r.outcome })), { seed: stored.seed }),
};

export async function runDeceptionBenchEval(options: DeceptionBenchEvalOptions): Promise<DeceptionBenchEvalResult> {
  return runBenchmark(DECEPTION_BENCH, options, () => ({
    ...commonStoredOptions({ ...options, maxTokens: options.maxTokens ?? DECEPTION_DEFAULT_MAX_TOKENS }),
    categories: options.categories?.length ? options.categories : null,
  }));
}
