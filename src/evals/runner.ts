/**
 * What every benchmark run shares: take options (or a run's stored options on --resume, parsed
 * back with the benchmark's own schema), load and check the data, create providers — all before
 * the run directory is touched, so bad input leaves nothing half-written — then evaluate items with
 * a bounded number in flight, stream each finished item to samples.jsonl, and write the summary
 * atomically. Model and judge calls go through the run's journal (and the global cache), so a
 * resumed run repeats no finished call.
 *
 * A run never reports a failure as success: an item a provider failed for good is marked with its
 * `provider_errors`, the run ends `incomplete` (the caller exits non-zero), and --resume redoes
 * exactly those items. When the first calls of a run all fail the same way (a bad key, an unknown
 * model, nothing listening) the run stops at once with the provider's message.
 */
import { setMaxListeners } from 'node:events';
import { z } from 'zod';
import { secondProviderOptions, type ProviderOptions } from '../models/registry.js';
import type { ChatProvider, SamplingParams } from '../models/types.js';
import { forEachPooled } from '../run/pool.js';
import { RunDir, RunIncompleteError, type SampleRecord } from '../run/run-dir.js';
import { InputError } from '../util/errors.js';
import { createProgress } from '../util/progress.js';
import type { Judge } from './judges/types.js';
import { CallWatch, withCallWatch } from './call-watch.js';
import { buildJudge, closeStores, fenceSecretFor, judgeId, modelId, openStores, resolveJudge, resolveModel, storedProvider, sumStats, type BuiltJudge, type JudgeInput, type ModelInput, type ResolvedJudge } from './setup.js';

/** Options every benchmark run accepts. */
export interface CommonEvalOptions {
  /** File or builtin:NAME. Ignored on resume (the run's own data is reloaded). */
  data?: string;
  model?: ModelInput;
  /** "rule", a model spec, a provider, or a ready Judge. */
  judge?: JudgeInput;
  /** Most calls in flight per provider (default 8). */
  concurrency?: number;
  /** false disables the global cache; a string is the cache directory. */
  cache?: boolean | string;
  /** The run directory of a new run. */
  out?: string;
  /** Finish the run in this directory; its stored options win over those passed. */
  resume?: string;
  temperature?: number;
  maxTokens?: number;
  /** Seed of the bootstrap intervals (default 0). */
  seed?: number;
  /** Evaluate only the first N items of the data (after any config/category filter); stored, so a resume keeps it. */
  limit?: number;
  /** Options of the model under test's provider (its key goes to its endpoints only). */
  providerOptions?: ProviderOptions;
  /** Options of the judge's provider: its own key, never the model's; timeout and retries it leaves unset come from providerOptions. */
  judgeProviderOptions?: ProviderOptions;
  /** Show the progress bar on stderr (default true). */
  progress?: boolean;
  signal?: AbortSignal;
}

/** The options every run stores in run.json; a resume runs with exactly these. */
export const baseStoredOptionsSchema = z.object({
  data: z.string(),
  model: z.string(),
  temperature: z.number(),
  max_tokens: z.number().int().positive(),
  seed: z.number(),
  concurrency: z.number().int().positive(),
  /** First N items only; null: all. Runs stored before it existed read as null. */
  limit: z.number().int().positive().nullable().default(null),
});
export type BaseStoredOptions = z.infer<typeof baseStoredOptionsSchema>;

/** Stored options of a benchmark graded by a judge. */
export const storedOptionsSchema = baseStoredOptionsSchema.extend({
  judge: z.string(),
  numeric_judge: z.string().nullable(),
});
export type StoredOptions = z.infer<typeof storedOptionsSchema>;

export interface EvalUsage {
  model_calls: number;
  judge_calls: number;
  store_hits: number;
  prompt_tokens: number;
  completion_tokens: number;
  retries: number;
  errors: number;
  resumed_items: number;
  /** Items whose earlier record a provider failed, done again by this run. */
  retried_items: number;
}

export interface RunContext {
  model: ChatProvider;
  /** null for a benchmark without a judge (its stored options name none). */
  judge: Judge | null;
  params: SamplingParams;
  signal?: AbortSignal;
}

/**
 * A benchmark: options it stores, items it reads, how one item is run and scored, and what its
 * summary holds. Every benchmark runs through runBenchmark, so each writes samples.jsonl through
 * its run directory, resumes, caches, and fails the same way. Register it in ./registry.ts.
 */
export interface Benchmark<S extends BaseStoredOptions, I extends { id: string }, R extends SampleRecord, Sum> {
  /** The registry key; also `benchmark` in run.json. */
  name: string;
  /** What an item is called on the progress bar ("rows", "items"). */
  unit: string;
  /** The options run.json stores; a resume parses them back with it. */
  options: z.ZodType<S>;
  /** What summary.json holds, less the run's identity (run_id, model, judge, data) the runner adds. */
  summary: z.ZodType<Sum>;
  /** The item source. */
  load(stored: S): Promise<I[]>;
  /** A fingerprint of the items: a resume on changed data is refused. */
  digest(items: I[]): string;
  /** Runs one item: its calls, verdicts and score, as the samples.jsonl record. */
  evaluate(item: I, ctx: RunContext, stored: S): Promise<R>;
  /** Scores the run: records in data order. */
  summarize(records: R[], stored: S): Sum;
}

/** Any registered benchmark (the registry's element type). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyBenchmark = Benchmark<any, any, any, any>;

/** The judge of a judged benchmark (its stored options name one, so the runner built it). */
export function requireJudge(ctx: RunContext): Judge {
  if (!ctx.judge) throw new Error('this benchmark needs a judge, and its stored options name none');
  return ctx.judge;
}

export interface RunIdentity {
  run_id: string;
  model: string;
  judge: string | null;
  data: string;
}

export interface EvalResult<Sum> {
  runId: string;
  runDir: string;
  summary: Sum & RunIdentity;
  usage: EvalUsage;
  /** One line saying how many items providers failed and why; null when the run finished. */
  incomplete: string | null;
}

export function baseStoredOptions(options: CommonEvalOptions): BaseStoredOptions {
  if (!options.data) throw new InputError('missing --data', { field: '--data' });
  if (!options.model) throw new InputError('missing --model', { field: '--model' });
  if (!options.out) throw new InputError('missing --out', { field: '--out' });
  const concurrency = options.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new InputError(`must be a positive integer, got ${concurrency}`, { field: '--concurrency' });
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 1)) throw new InputError(`must be a positive integer, got ${options.limit}`, { field: '--limit' });
  return {
    data: options.data,
    model: modelId(options.model),
    temperature: options.temperature ?? 1,
    max_tokens: options.maxTokens ?? 1000,
    seed: options.seed ?? 0,
    concurrency,
    limit: options.limit ?? null,
  };
}

export function commonStoredOptions(options: CommonEvalOptions, numericJudge?: JudgeInput): StoredOptions {
  if (!options.judge) throw new InputError('missing --judge', { field: '--judge' });
  const base = baseStoredOptions(options);
  // The model under test never grades itself (DESIGN.md, Model specs).
  for (const [flag, judge] of [['--judge', options.judge], ['--numeric-judge', numericJudge]] as const) {
    if (judge !== undefined && judge !== 'rule' && judgeId(judge) === base.model) {
      throw new InputError(`the judge must be a separately configured model, not the model under test (${base.model})`, { field: flag });
    }
  }
  return { ...base, judge: judgeId(options.judge), numeric_judge: numericJudge === undefined ? null : judgeId(numericJudge) };
}

function storedJudge(stored: BaseStoredOptions): { judge: string | null; numericJudge: string | null } {
  const s = stored as Partial<StoredOptions>;
  return { judge: s.judge ?? null, numericJudge: s.numeric_judge ?? null };
}

export async function runBenchmark<S extends BaseStoredOptions, I extends { id: string }, R extends SampleRecord, Sum>(
  bench: Benchmark<S, I, R, Sum>,
  options: CommonEvalOptions & { numericJudge?: JudgeInput },
  fresh: () => S,
): Promise<EvalResult<Sum>> {
  let run: RunDir | null = null;
  const owned: ChatProvider[] = [];
  try {
    let stored: S;
    if (options.resume) {
      run = RunDir.open(options.resume, bench.name);
      stored = parseStoredOptions(bench, run);
      const was = { model: stored.model, judge: storedJudge(stored).judge };
      for (const [name, given] of [['model', options.model], ['judge', options.judge]] as const) {
        if (given !== undefined && modelOrJudgeId(given) !== was[name]) throw new InputError(`the resumed run used ${name} "${was[name]}", not "${modelOrJudgeId(given)}"`, { field: `--${name}` });
      }
    } else {
      stored = fresh();
    }
    const loaded = await bench.load(stored);
    const items = stored.limit === null ? loaded : loaded.slice(0, stored.limit);
    const digest = bench.digest(items);
    if (run && run.manifest.data_digest !== digest) {
      throw new InputError('the data changed since this run started; start a new run instead of resuming', { file: stored.data, field: '--resume' });
    }
    const providerOptions: ProviderOptions = { ...options.providerOptions, concurrency: stored.concurrency };
    const modelInput = options.model ?? stored.model;
    const rawModel = await resolveModel(modelInput, providerOptions);
    if (typeof modelInput === 'string') owned.push(rawModel);
    const judgeSpec = storedJudge(stored);
    let resolvedJudge: ResolvedJudge | null = null;
    if (judgeSpec.judge !== null) {
      const judgeProviderOptions: ProviderOptions = { ...secondProviderOptions(providerOptions, options.judgeProviderOptions), concurrency: stored.concurrency };
      resolvedJudge = await resolveJudge(options.judge ?? judgeSpec.judge, options.numericJudge ?? judgeSpec.numericJudge ?? undefined, judgeProviderOptions);
      owned.push(...resolvedJudge.owned);
    }
    run ??= RunDir.create(options.out!, { benchmark: bench.name, dataDigest: digest, options: stored, fenceSecret: fenceSecretFor({ cache: options.cache }) });
    return await evaluateRun(bench, run, stored, items, rawModel, resolvedJudge, options);
  } finally {
    run?.release();
    for (const p of owned) await p.close?.();
  }
}

function parseStoredOptions<S extends BaseStoredOptions>(bench: Benchmark<S, { id: string }, SampleRecord, unknown>, run: RunDir): S {
  const parsed = bench.options.safeParse(run.manifest.options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`malformed stored options (${issue.message})`, { file: `${run.dir}/run.json`, field: ['options', ...issue.path].join('.') });
  }
  return parsed.data;
}

async function evaluateRun<S extends BaseStoredOptions, I extends { id: string }, R extends SampleRecord, Sum>(
  bench: Benchmark<S, I, R, Sum>,
  run: RunDir,
  stored: S,
  items: I[],
  rawModel: ChatProvider,
  resolvedJudge: ResolvedJudge | null,
  options: CommonEvalOptions,
): Promise<EvalResult<Sum>> {
  const stores = openStores(run.journalPath, { cache: options.cache });
  const progress = createProgress({ label: bench.name, total: items.length, unit: bench.unit, silent: options.progress === false });
  const watch = new CallWatch();
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  // Every call in flight listens on it; there are legitimately more than Node's default of 10.
  setMaxListeners(0, signal);
  watch.onStop = () => stop.abort();
  try {
    const model = withCallWatch(storedProvider(rawModel, stores), watch);
    const built: BuiltJudge | null = resolvedJudge ? buildJudge(resolvedJudge, stores, run.manifest.fence_secret, (p) => withCallWatch(p, watch)) : null;
    const done = new Map<string, R>();
    for (const record of run.readSamples() as R[]) done.set(record.id, record);
    // Items a provider failed last time are done again; their old lines move to attempts.jsonl.
    const retry = new Set([...done.values()].filter((r) => r.provider_errors?.length).map((r) => r.id));
    run.retireSamples(retry);
    for (const id of retry) done.delete(id);
    const resumed = done.size;
    progress.tick(resumed);
    const ctx: RunContext = { model, judge: built?.judge ?? null, params: { temperature: stored.temperature, maxTokens: stored.max_tokens }, signal };
    // Items each make several calls at once; a few more items than provider slots keeps every slot busy.
    await forEachPooled(
      items.filter((item) => !done.has(item.id)),
      Math.max(2, stored.concurrency * 2),
      async (item) => {
        if (watch.stopped) return null;
        const { value, errors } = await watch.attribute(() => bench.evaluate(item, ctx, stored));
        return errors.length ? { ...value, provider_errors: errors } : value;
      },
      (record) => {
        if (record === null) return;
        run.appendSample(record);
        done.set(record.id, record);
        progress.tick(1);
      },
    );
    const m = sumStats([model]);
    const j = sumStats(built?.providers ?? []);
    const usage: EvalUsage = {
      model_calls: m.calls,
      judge_calls: j.calls,
      store_hits: m.storeHits + j.storeHits,
      prompt_tokens: m.promptTokens + j.promptTokens,
      completion_tokens: m.completionTokens + j.completionTokens,
      retries: m.retries + j.retries,
      errors: m.errors + j.errors,
      resumed_items: resumed,
      retried_items: retry.size,
    };
    if (watch.stopped) {
      const reason = `stopped early: the first ${watch.failedCalls} calls all failed the same way: ${watch.stopReason}; fix it, then --resume ${run.dir}`;
      run.finish({ ...usage }, reason);
      throw new RunIncompleteError(reason);
    }
    // Data order, not finishing order, so a resumed run and an uninterrupted one agree exactly.
    const records = items.map((item) => done.get(item.id)!);
    const judge = storedJudge(stored).judge;
    const summary = { ...bench.summarize(records, stored), run_id: run.id, model: stored.model, judge, data: stored.data };
    run.writeSummary(summary);
    const failed = records.filter((r) => r.provider_errors?.length);
    const incomplete = failed.length ? `${failed.length} of ${records.length} ${bench.unit} undetermined because of provider errors (${mostCommon(failed.flatMap((r) => r.provider_errors!))}); --resume ${run.dir} retries them` : null;
    run.finish({ ...usage }, incomplete ?? undefined);
    return { runId: run.id, runDir: run.dir, summary, usage, incomplete };
  } finally {
    progress.stop();
    closeStores(stores);
  }
}

function mostCommon(reasons: string[]): string {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const [top, n] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
  return counts.size > 1 ? `${n}× ${top}; ${counts.size - 1} other reason(s)` : top;
}

function modelOrJudgeId(value: JudgeInput): string {
  return typeof value === 'string' ? value : value.id;
}
