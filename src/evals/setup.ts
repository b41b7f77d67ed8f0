/**
 * Turns model and judge specs into ready providers for a run: each provider goes through the
 * global cache (unless disabled) and the run's journal, so a resumed run repeats no finished call.
 */
import { createProvider, type ProviderOptions } from '../models/registry.js';
import type { ChatProvider, ChatRequest, ChatResult, ProviderStats } from '../models/types.js';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CallStore, DEFAULT_CACHE_DIR, cachePath, canonicalCallKey, withCallStore } from '../store/call-store.js';
import { createLlmJudge } from './judges/llm.js';
import { createRuleJudge } from './judges/rule.js';
import type { Judge } from './judges/types.js';

/** A model: a spec string ("openai:…", "embedded:…") or a ready provider (in-process callers, tests). */
export type ModelInput = string | ChatProvider;

export interface CallStores {
  /** The global cache; null with --no-cache. */
  cache: CallStore | null;
  journal: CallStore;
}

export interface StoreOptions {
  /** false disables the global cache; a string is the cache directory (default .candor-cache). */
  cache?: boolean | string;
}

export function openStores(journalPath: string, options: StoreOptions): CallStores {
  const cache = options.cache === false ? null : new CallStore(cachePath(typeof options.cache === 'string' ? options.cache : undefined));
  return { cache, journal: new CallStore(journalPath) };
}

/**
 * The key of the judge's fence nonces. With the cache on, it lives beside the cache (never shown to
 * any model), so a repeated evaluation rebuilds identical judge prompts and the cache answers them;
 * without the cache each run draws its own.
 */
export function fenceSecretFor(options: StoreOptions): string {
  if (options.cache === false) return randomBytes(16).toString('hex');
  const dir = typeof options.cache === 'string' ? options.cache : DEFAULT_CACHE_DIR;
  const file = join(dir, 'fence-secret');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(file, randomBytes(16).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another run created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return readFileSync(file, 'utf8').trim();
}

export function closeStores(stores: CallStores): void {
  stores.cache?.close();
  stores.journal.close();
}

/**
 * Journal over cache over the provider (a journal hit needs no cache; a cache hit is journaled
 * too), with identical calls in flight at once shared: three identical belief answers make one
 * judge call, and every call that reaches the model is one new journal entry.
 */
export function storedProvider(provider: ChatProvider, stores: CallStores): ChatProvider {
  const cached = stores.cache ? withCallStore(provider, stores.cache) : provider;
  return singleFlight(withCallStore(cached, stores.journal));
}

export function singleFlight(provider: ChatProvider): ChatProvider {
  const inFlight = new Map<string, Promise<ChatResult>>();
  return {
    id: provider.id,
    chat(request: ChatRequest, signal?: AbortSignal): Promise<ChatResult> {
      const key = canonicalCallKey(provider.id, request);
      const pending = inFlight.get(key);
      if (pending) return pending;
      const call = provider.chat(request, signal).finally(() => inFlight.delete(key));
      inFlight.set(key, call);
      return call;
    },
    stats: provider.stats ? () => provider.stats!() : undefined,
    close: provider.close ? () => provider.close!() : undefined,
  };
}

export async function resolveModel(model: ModelInput, options: ProviderOptions): Promise<ChatProvider> {
  return typeof model === 'string' ? createProvider(model, options) : model;
}

export function modelId(model: ModelInput): string {
  return typeof model === 'string' ? model : model.id;
}

/** A judge spec is "rule" (the rule-based judge) or a model spec for the LLM judge. */
export type JudgeInput = string | ChatProvider | Judge;

function isJudge(value: JudgeInput): value is Judge {
  return typeof value === 'object' && 'judgeMaskBinary' in value;
}

export function judgeId(judge: JudgeInput): string {
  if (typeof judge === 'string') return judge;
  return judge.id;
}

export interface BuiltJudge {
  judge: Judge;
  /** The judge's providers as wrapped by the stores (for usage counts). */
  providers: ChatProvider[];
}

/** A judge whose providers exist but are not yet wired to a run's stores. */
export interface ResolvedJudge {
  ready: Judge | null;
  provider: ChatProvider | null;
  numericProvider: ChatProvider | null;
  /** Providers created here from specs, which the run must close. */
  owned: ChatProvider[];
  /** Grades numeric propositions instead of the main judge. */
  combineNumeric?: Judge;
}

/** Creates the judge's providers; done before a run directory exists, so a bad spec leaves nothing behind. */
export async function resolveJudge(judge: JudgeInput, numericJudge: JudgeInput | undefined, providerOptions: ProviderOptions): Promise<ResolvedJudge> {
  // A rule or ready-made numeric judge alongside another main judge: resolve both and combine them.
  if (numericJudge !== undefined && (numericJudge === 'rule' || isJudge(numericJudge)) && judge !== numericJudge) {
    const numeric = numericJudge === 'rule' ? createRuleJudge() : numericJudge;
    const main = await resolveJudge(judge, undefined, providerOptions);
    return { ...main, combineNumeric: numeric };
  }
  if (isJudge(judge)) return { ready: judge, provider: null, numericProvider: null, owned: [] };
  if (judge === 'rule') return { ready: createRuleJudge(), provider: null, numericProvider: null, owned: [] };
  const owned: ChatProvider[] = [];
  const resolve = async (input: string | ChatProvider) => {
    const provider = await resolveModel(input, providerOptions);
    if (typeof input === 'string') owned.push(provider);
    return provider;
  };
  const provider = await resolve(judge);
  const numericProvider = numericJudge !== undefined && !isJudge(numericJudge) && numericJudge !== 'rule' ? await resolve(numericJudge) : null;
  return { ready: null, provider, numericProvider, owned };
}

/** `wrap` goes around each judge provider outside its stores (the run's call watch). */
export function buildJudge(resolved: ResolvedJudge, stores: CallStores, fenceSecret: string, wrap: (p: ChatProvider) => ChatProvider = (p) => p): BuiltJudge {
  let built: BuiltJudge;
  if (resolved.ready) built = { judge: resolved.ready, providers: [] };
  else {
    const provider = wrap(storedProvider(resolved.provider!, stores));
    const numericProvider = resolved.numericProvider ? wrap(storedProvider(resolved.numericProvider, stores)) : undefined;
    built = { judge: createLlmJudge({ provider, numericProvider, fenceSecret }), providers: numericProvider ? [provider, numericProvider] : [provider] };
  }
  if (!resolved.combineNumeric) return built;
  const main = built.judge;
  const numeric = resolved.combineNumeric;
  return {
    providers: built.providers,
    judge: {
      id: `${main.id};numeric:${numeric.id}`,
      judgeMaskBinary: (input, signal) => main.judgeMaskBinary(input, signal),
      judgeMaskNumeric: (input, signal) => numeric.judgeMaskNumeric(input, signal),
      judgeMaskNumericBelief: (input, signal) => numeric.judgeMaskNumericBelief(input, signal),
      judgeDeception: (input, signal) => main.judgeDeception(input, signal),
    },
  };
}

export function sumStats(providers: ChatProvider[]): ProviderStats & { storeHits: number } {
  const total = { calls: 0, promptTokens: 0, completionTokens: 0, retries: 0, errors: 0, storeHits: 0 };
  for (const p of providers) {
    const s = p.stats?.() as (ProviderStats & { storeHits?: number }) | undefined;
    if (!s) continue;
    total.calls += s.calls;
    total.promptTokens += s.promptTokens;
    total.completionTokens += s.completionTokens;
    total.retries += s.retries;
    total.errors += s.errors;
    total.storeHits += s.storeHits ?? 0;
  }
  return total;
}
