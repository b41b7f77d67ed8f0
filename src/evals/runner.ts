/**
 * What every benchmark run shares: take options (or a run's stored options on --resume), load and
 * check the data, create providers — all before the run directory is touched, so bad input leaves
 * nothing half-written — then evaluate items with a bounded number in flight, stream each finished
 * item to samples.jsonl, and write the summary atomically. Model and judge calls go through the
 * run's journal (and the global cache), so a resumed run repeats no finished call.
 */
import type { ProviderOptions } from '../models/registry.js';
import type { ChatProvider, SamplingParams } from '../models/types.js';
import { forEachPooled } from '../run/pool.js';
import { RunDir, type SampleRecord } from '../run/run-dir.js';
import { InputError } from '../util/errors.js';
import { createProgress } from '../util/progress.js';
import type { Judge } from './judges/types.js';
import { buildJudge, closeStores, fenceSecretFor, judgeId, modelId, openStores, resolveJudge, resolveModel, storedProvider, sumStats, type JudgeInput, type ModelInput } from './setup.js';

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
  /** Options of the model under test's provider (its key goes to its endpoints only). */
  providerOptions?: ProviderOptions;
  /** Options of the judge's provider: its own key, never the model's. */
  judgeProviderOptions?: ProviderOptions;
  /** Show the progress bar on stderr (default true). */
  progress?: boolean;
  signal?: AbortSignal;
}

/** The options a run stores in run.json; a resume runs with exactly these. */
export interface StoredOptions {
  data: string;
  model: string;
  judge: string;
  numeric_judge: string | null;
  temperature: number;
  max_tokens: number;
  seed: number;
  concurrency: number;
}

export interface EvalUsage {
  model_calls: number;
  judge_calls: number;
  store_hits: number;
  prompt_tokens: number;
  completion_tokens: number;
  retries: number;
  errors: number;
  resumed_items: number;
}

export interface RunContext {
  model: ChatProvider;
  judge: Judge;
  params: SamplingParams;
  signal?: AbortSignal;
}

export interface Benchmark<S extends StoredOptions, I extends { id: string }, R extends SampleRecord, Sum> {
  name: 'mask' | 'deceptionbench';
  unit: string;
  load(stored: S): Promise<I[]>;
  digest(items: I[]): string;
  evaluate(item: I, ctx: RunContext, stored: S): Promise<R>;
  /** Records in data order. */
  summarize(records: R[], stored: S): Sum;
}

export interface EvalResult<Sum> {
  runId: string;
  runDir: string;
  summary: Sum & { run_id: string; model: string; judge: string; data: string };
  usage: EvalUsage;
}

export function commonStoredOptions(options: CommonEvalOptions, numericJudge?: JudgeInput): StoredOptions {
  if (!options.data) throw new InputError('missing --data', { field: '--data' });
  if (!options.model) throw new InputError('missing --model', { field: '--model' });
  if (!options.judge) throw new InputError('missing --judge', { field: '--judge' });
  if (!options.out) throw new InputError('missing --out', { field: '--out' });
  // The model under test never grades itself (DESIGN.md, Model specs).
  for (const [flag, judge] of [['--judge', options.judge], ['--numeric-judge', numericJudge]] as const) {
    if (judge !== undefined && judge !== 'rule' && judgeId(judge) === modelId(options.model)) {
      throw new InputError(`the judge must be a separately configured model, not the model under test (${modelId(options.model)})`, { field: flag });
    }
  }
  const concurrency = options.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new InputError(`must be a positive integer, got ${concurrency}`, { field: '--concurrency' });
  return {
    data: options.data,
    model: modelId(options.model),
    judge: judgeId(options.judge),
    numeric_judge: numericJudge === undefined ? null : judgeId(numericJudge),
    temperature: options.temperature ?? 1,
    max_tokens: options.maxTokens ?? 1000,
    seed: options.seed ?? 0,
    concurrency,
  };
}

export async function runBenchmark<S extends StoredOptions, I extends { id: string }, R extends SampleRecord, Sum>(
  bench: Benchmark<S, I, R, Sum>,
  options: CommonEvalOptions & { numericJudge?: JudgeInput },
  fresh: () => S,
): Promise<EvalResult<Sum>> {
  let run: RunDir | null = null;
  let stored: S;
  if (options.resume) {
    run = RunDir.open(options.resume, bench.name);
    stored = run.manifest.options as unknown as S;
    for (const [name, given] of [['model', options.model], ['judge', options.judge]] as const) {
      const was = (stored as unknown as Record<string, string>)[name];
      if (given !== undefined && modelOrJudgeId(given) !== was) throw new InputError(`the resumed run used ${name} "${was}", not "${modelOrJudgeId(given)}"`, { field: `--${name}` });
    }
  } else {
    stored = fresh();
  }
  const items = await bench.load(stored);
  const digest = bench.digest(items);
  if (run && run.manifest.data_digest !== digest) {
    throw new InputError('the data changed since this run started; start a new run instead of resuming', { file: stored.data, field: '--resume' });
  }
  const providerOptions: ProviderOptions = { ...options.providerOptions, concurrency: stored.concurrency };
  const modelInput = options.model ?? stored.model;
  const rawModel = await resolveModel(modelInput, providerOptions);
  const owned: ChatProvider[] = typeof modelInput === 'string' ? [rawModel] : [];
  let resolvedJudge;
  try {
    const judgeProviderOptions: ProviderOptions = { ...options.judgeProviderOptions, concurrency: stored.concurrency };
    resolvedJudge = await resolveJudge(options.judge ?? stored.judge, options.numericJudge ?? stored.numeric_judge ?? undefined, judgeProviderOptions);
    owned.push(...resolvedJudge.owned);
    run ??= RunDir.create(options.out!, { benchmark: bench.name, dataDigest: digest, options: stored as unknown as Record<string, unknown>, fenceSecret: fenceSecretFor({ cache: options.cache }) });
  } catch (error) {
    await closeProviders(owned);
    throw error;
  }

  const stores = openStores(run.journalPath, { cache: options.cache });
  const progress = createProgress({ label: bench.name, total: items.length, unit: bench.unit, silent: options.progress === false });
  try {
    const model = storedProvider(rawModel, stores);
    const built = buildJudge(resolvedJudge, stores, run.manifest.fence_secret);
    const done = new Map<string, R>();
    for (const record of run.readSamples() as R[]) done.set(record.id, record);
    const resumed = done.size;
    progress.tick(resumed);
    const ctx: RunContext = { model, judge: built.judge, params: { temperature: stored.temperature, maxTokens: stored.max_tokens }, signal: options.signal };
    // Items each make several calls at once; a few more items than provider slots keeps every slot busy.
    await forEachPooled(
      items.filter((item) => !done.has(item.id)),
      Math.max(2, stored.concurrency * 2),
      (item) => bench.evaluate(item, ctx, stored),
      (record) => {
        run!.appendSample(record);
        done.set(record.id, record);
        progress.tick(1);
      },
    );
    // Data order, not finishing order, so a resumed run and an uninterrupted one agree exactly.
    const records = items.map((item) => done.get(item.id)!);
    const summary = { ...bench.summarize(records, stored), run_id: run.id, model: stored.model, judge: stored.judge, data: stored.data };
    run.writeSummary(summary);
    const m = sumStats([model]);
    const j = sumStats(built.providers);
    const usage: EvalUsage = {
      model_calls: m.calls,
      judge_calls: j.calls,
      store_hits: m.storeHits + j.storeHits,
      prompt_tokens: m.promptTokens + j.promptTokens,
      completion_tokens: m.completionTokens + j.completionTokens,
      retries: m.retries + j.retries,
      errors: m.errors + j.errors,
      resumed_items: resumed,
    };
    run.finish(usage as unknown as Record<string, unknown>);
    return { runId: run.id, runDir: run.dir, summary, usage };
  } finally {
    progress.stop();
    run.close();
    await closeProviders(owned);
    closeStores(stores);
  }
}

function modelOrJudgeId(value: JudgeInput): string {
  return typeof value === 'string' ? value : value.id;
}

async function closeProviders(providers: ChatProvider[]): Promise<void> {
  for (const p of providers) await p.close?.();
}
