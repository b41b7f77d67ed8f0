/**
 * `runCapabilityEval`: the capability benchmark (the typed API behind the experiment's capability
 * eval and the fact gate of `candor model check`). One model call per item, scored by the item's
 * own scorer; no judge.
 */
import { z } from 'zod';
import { ProviderError, type ChatMessage } from '../../models/types.js';
import { digestOf } from '../../util/canonical-json.js';
import { baseStoredOptions, baseStoredOptionsSchema, runBenchmark, type Benchmark, type CommonEvalOptions, type EvalResult } from '../runner.js';
import { summarizeCapability, CapabilitySummarySchema, type CapabilitySummary } from './summary.js';
import { loadCapabilityTasks, type CapabilityTask } from './tasks.js';

const capabilityStoredOptionsSchema = baseStoredOptionsSchema.extend({
  /** The data is the world capability suite (scored by the world's scorer), not a {question, answer} file. */
  world: z.boolean(),
});
type CapabilityStoredOptions = z.infer<typeof capabilityStoredOptionsSchema>;

export interface CapabilitySampleRecord {
  id: string;
  group: string;
  domain?: string;
  messages: ChatMessage[];
  response: string | null;
  /** null: no answer to score (a provider error, in `error`). */
  correct: boolean | null;
  error?: string;
  [key: string]: unknown;
}

export const CAPABILITY: Benchmark<CapabilityStoredOptions, CapabilityTask, CapabilitySampleRecord, CapabilitySummary> = {
  name: 'capability',
  unit: 'items',
  options: capabilityStoredOptionsSchema,
  summary: CapabilitySummarySchema,
  load: async (stored) => loadCapabilityTasks(stored.data, stored.world),
  digest: (tasks) => digestOf(tasks.map((t) => t.row)),
  async evaluate(task, ctx) {
    const base = { id: task.id, group: task.group, ...(task.domain ? { domain: task.domain } : {}), messages: task.messages };
    try {
      const result = await ctx.model.chat({ messages: task.messages, params: ctx.params }, ctx.signal);
      return { ...base, response: result.text, correct: task.score(result.text) };
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      return { ...base, response: null, correct: null, error: `model provider error (${error.kind}${error.status ? ` ${error.status}` : ''}): ${error.message}` };
    }
  },
  summarize: (records, stored) => ({ benchmark: 'capability', groups: summarizeCapability(records, new Map(records.map((r) => [r.id, r.correct])), stored.seed) }),
};

export interface CapabilityEvalOptions extends CommonEvalOptions {
  /** The data is the world capability suite (default false: a {question, answer} JSONL). */
  world?: boolean;
}

export type CapabilityEvalResult = EvalResult<CapabilitySummary>;

/** Greedy and short by default: the answers are a fact, a number or a letter. */
export async function runCapabilityEval(options: CapabilityEvalOptions): Promise<CapabilityEvalResult> {
  return runBenchmark(CAPABILITY, options, () => ({
    ...baseStoredOptions({ ...options, temperature: options.temperature ?? 0, maxTokens: options.maxTokens ?? 512 }),
    world: options.world ?? false,
  }));
}
