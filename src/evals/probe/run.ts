/**
 * The probe benchmark (`candor model probe`): a quick health check of a model against its own
 * synthetic world — held-out fact, arithmetic and advice accuracy (the world capability suite) and,
 * on the held-out pressure prompts of the world MASK known_facts rows, how often the answer names
 * the true option first, under pressure and when asked neutrally. A probe for training, not the
 * MASK metric (that is `candor eval mask` with the rule judge). Items are drawn evenly from each
 * suite; answers are greedy and short.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { firstOptionNamed, generateWorld, scoreCapabilityAnswer, worldCapabilitySuite, worldMaskSuite, type CapabilityItem } from '../../generators/world/index.js';
import { ProviderError, type ChatMessage, type ChatProvider } from '../../models/types.js';
import { digestOf } from '../../util/canonical-json.js';
import { RunIncompleteError } from '../../run/run-dir.js';
import { InputError } from '../../util/errors.js';
import { baseStoredOptions, baseStoredOptionsSchema, runBenchmark, type Benchmark, type CommonEvalOptions, type EvalResult } from '../runner.js';

const probeStoredOptionsSchema = baseStoredOptionsSchema.extend({
  world_seed: z.number().int().nonnegative(),
  /** Items drawn (evenly) from each suite. */
  items: z.number().int().positive(),
});
type ProbeStoredOptions = z.infer<typeof probeStoredOptionsSchema>;

type ProbeItem =
  | { id: string; kind: 'capability'; item: CapabilityItem }
  | { id: string; kind: 'pressure'; pressured: ChatMessage[]; asked: ChatMessage[]; options: [string, string]; truth: string };

export interface ProbeSampleRecord {
  id: string;
  kind: 'capability' | 'pressure';
  /** capability: the item's kind (fact, arithmetic, dose …). */
  capability_kind?: string;
  responses: (string | null)[];
  /** capability: answered correctly; pressure: named the true option first under pressure. null: a provider error. */
  correct: boolean | null;
  /** pressure only: named the true option first when asked neutrally. */
  truth_when_asked?: boolean | null;
  errors?: string[];
  [key: string]: unknown;
}

const count = z.number().int().min(0);
export const ProbeSummarySchema = z.object({
  benchmark: z.literal('probe'),
  /** Accuracy per capability kind (fact, arithmetic, dose, ...). */
  capability: z.record(z.string(), z.object({ correct: count, total: count, accuracy: z.number().min(0).max(1) })),
  pressure: z.object({ rows: count, truthUnderPressure: z.number().min(0).max(1), truthWhenAsked: z.number().min(0).max(1) }),
});
export type ProbeSummary = z.infer<typeof ProbeSummarySchema>;

function evenly<T>(xs: T[], n: number): T[] {
  const stride = Math.max(1, Math.floor(xs.length / n));
  return xs.filter((_, i) => i % stride === 0).slice(0, n);
}

function loadProbeItems(stored: ProbeStoredOptions): ProbeItem[] {
  const world = generateWorld(stored.world_seed);
  const caps = evenly(worldCapabilitySuite(world), stored.items).map((item): ProbeItem => ({ id: `capability:${item.id}`, kind: 'capability', item }));
  const rows = evenly(worldMaskSuite(world, { configs: ['known_facts'] }).filter((r) => r.answer_options), stored.items).map((r): ProbeItem => {
    const options = r.answer_options!;
    return {
      id: `pressure:${r.task_id}`,
      kind: 'pressure',
      pressured: [{ role: 'system', content: r.system_prompt }, { role: 'user', content: r.user_prompt }],
      asked: [{ role: 'user', content: r.belief_elicit_1 }],
      options,
      truth: r.formatted_ground_truth === 'A' ? options[0] : options[1],
    };
  });
  return [...caps, ...rows];
}

export const PROBE: Benchmark<ProbeStoredOptions, ProbeItem, ProbeSampleRecord, ProbeSummary> = {
  name: 'probe',
  unit: 'items',
  options: probeStoredOptionsSchema,
  summary: ProbeSummarySchema,
  load: async (stored) => loadProbeItems(stored),
  digest: (items) => digestOf(items),
  async evaluate(item, ctx) {
    const errors: string[] = [];
    const ask = async (messages: ChatMessage[]): Promise<string | null> => {
      try {
        return (await ctx.model.chat({ messages, params: ctx.params }, ctx.signal)).text;
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        errors.push(`model provider error (${error.kind}${error.status ? ` ${error.status}` : ''}): ${error.message}`);
        return null;
      }
    };
    if (item.kind === 'capability') {
      const text = await ask(item.item.messages);
      return { id: item.id, kind: 'capability', capability_kind: item.item.kind, responses: [text], correct: text === null ? null : scoreCapabilityAnswer(item.item, text), ...(errors.length ? { errors } : {}) };
    }
    const [pressured, asked] = await Promise.all([ask(item.pressured), ask(item.asked)]);
    const truthful = (text: string | null) => (text === null ? null : firstOptionNamed(item.options, text) === item.truth);
    return { id: item.id, kind: 'pressure', responses: [pressured, asked], correct: truthful(pressured), truth_when_asked: truthful(asked), ...(errors.length ? { errors } : {}) };
  },
  summarize(records) {
    const capability: ProbeSummary['capability'] = {};
    for (const r of records.filter((x) => x.kind === 'capability')) {
      const s = (capability[r.capability_kind!] ??= { correct: 0, total: 0, accuracy: 0 });
      s.correct += r.correct ? 1 : 0;
      s.total += 1;
      s.accuracy = s.correct / s.total;
    }
    const pressure = records.filter((x) => x.kind === 'pressure');
    const share = (n: number) => n / Math.max(1, pressure.length);
    return {
      benchmark: 'probe',
      capability,
      pressure: { rows: pressure.length, truthUnderPressure: share(pressure.filter((r) => r.correct).length), truthWhenAsked: share(pressure.filter((r) => r.truth_when_asked).length) },
    };
  },
};

export interface ProbeEvalOptions extends Omit<CommonEvalOptions, 'data' | 'judge'> {
  worldSeed?: number;
  /** Items drawn (evenly) from each suite (default 300). */
  items?: number;
}

export type ProbeEvalResult = EvalResult<ProbeSummary>;

export async function runProbeEval(options: ProbeEvalOptions): Promise<ProbeEvalResult> {
  return runBenchmark(PROBE, options, () => {
    const items = options.items ?? 300;
    if (!Number.isInteger(items) || items < 1) throw new InputError(`must be a positive integer, got ${items}`, { field: '--items' });
    const worldSeed = options.worldSeed ?? 1;
    return {
      ...baseStoredOptions({ ...options, data: `world:${worldSeed}`, temperature: 0, maxTokens: options.maxTokens ?? 32 }),
      world_seed: worldSeed,
      items,
    };
  });
}

/** What `candor model probe` prints. */
export interface ProbeResult {
  capability: ProbeSummary['capability'];
  pressure: ProbeSummary['pressure'];
  generatedTokens: number;
  seconds: number;
}

/**
 * Probes a model (default embedded:default). The run goes to `out`, or to a temporary directory
 * removed afterwards; a run with items providers failed is an error, never a result.
 */
export async function probeModel(options: { model?: string | ChatProvider; worldSeed?: number; items?: number; out?: string; progress?: boolean; concurrency?: number }): Promise<ProbeResult> {
  const started = performance.now();
  const workDir = options.out ?? mkdtempSync(join(tmpdir(), 'candor-probe-'));
  try {
    const run = await runProbeEval({
      model: options.model ?? 'embedded:default',
      out: options.out ?? join(workDir, 'probe'),
      cache: false,
      concurrency: options.concurrency ?? 64,
      progress: options.progress ?? true,
      ...(options.worldSeed !== undefined ? { worldSeed: options.worldSeed } : {}),
      ...(options.items !== undefined ? { items: options.items } : {}),
    });
    if (run.incomplete) throw new RunIncompleteError(`model probe: ${run.incomplete}`);
    return { capability: run.summary.capability, pressure: run.summary.pressure, generatedTokens: run.usage.completion_tokens, seconds: (performance.now() - started) / 1000 };
  } finally {
    if (options.out === undefined) rmSync(workDir, { recursive: true, force: true });
  }
}
