/**
 * Completed model calls in SQLite, keyed by a canonical hash of (provider id, messages, sampling
 * params, sample index). The same class is the global cache (`.candor-cache/cache.sqlite`) and a
 * run's resume journal (`<runDir>/journal.sqlite`). Only successes are written, each in its own
 * WAL commit, so a killed process loses no finished call and never replays a failure.
 */
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { ChatProvider, ChatRequest, ChatResult, ProviderStats } from '../formats/chat.js';
import { exactCanonicalJson, sha256Hex } from '../util/canonical-json.js';
import { openSqlite, type SqliteDatabase } from './sqlite.js';

export const DEFAULT_CACHE_DIR = '.candor-cache';
const KEY_VERSION = 1;
/** Layout of the calls table, kept in SQLite's user_version for future migrations. */
const SCHEMA_VERSION = 1;

/** The global cache file inside a cache directory (`--cache-dir`). */
export function cachePath(cacheDir: string = DEFAULT_CACHE_DIR): string {
  return join(cacheDir, 'cache.sqlite');
}

/** A run's resume journal inside its run directory. */
export function journalPath(runDir: string): string {
  return join(runDir, 'journal.sqlite');
}

/**
 * The canonical request document that a call key hashes. Strings stay exactly as sent (no NFC or
 * line-ending normalisation, unlike data digests): the model sees every byte, so the key must too.
 */
function canonicalCallDocument(providerId: string, request: ChatRequest): string {
  return exactCanonicalJson({
    v: KEY_VERSION,
    provider: providerId,
    // Only role and content matter to the model; stray fields must not split the cache.
    messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
    params: request.params ?? {},
    sampleIndex: request.sampleIndex ?? 0,
  });
}

/**
 * sha256 over the canonical call document. `providerId` must be a secret-free identity
 * (ChatProvider.id is); API keys are never part of a request, so none can reach the key.
 */
export function canonicalCallKey(providerId: string, request: ChatRequest): string {
  return sha256Hex(canonicalCallDocument(providerId, request));
}

/** A call's key and canonical document, computed once per call. */
export interface PreparedCall {
  readonly key: string;
  readonly providerId: string;
  readonly document: string;
}

export function prepareCall(providerId: string, request: ChatRequest): PreparedCall {
  const document = canonicalCallDocument(providerId, request);
  return { key: sha256Hex(document), providerId, document };
}

interface PendingRecord {
  call: PreparedCall;
  result: ChatResult;
  resolve(): void;
  reject(error: unknown): void;
}

interface CallRow {
  text: string;
  prompt_tokens: number;
  completion_tokens: number;
  finish_reason: string | null;
}

export class CallStore {
  private readonly db: SqliteDatabase;
  private readonly selectStmt: Database.Statement<[string], CallRow>;
  private readonly insertStmt: Database.Statement<[string, string, string, number, number, string | null, number]>;
  private readonly insertMany: (rows: PendingRecord[]) => void;
  private pending: PendingRecord[] = [];
  private flushScheduled = false;
  private readonly countStmt: Database.Statement<[], { n: number }>;

  constructor(readonly path: string) {
    this.db = openSqlite(path);
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    this.db.exec(`CREATE TABLE IF NOT EXISTS calls (
      key TEXT PRIMARY KEY,
      provider TEXT NOT NULL,
      text TEXT NOT NULL,
      prompt_tokens INTEGER NOT NULL,
      completion_tokens INTEGER NOT NULL,
      finish_reason TEXT,
      created_at INTEGER NOT NULL
    ) WITHOUT ROWID`);
    this.selectStmt = this.db.prepare('SELECT text, prompt_tokens, completion_tokens, finish_reason FROM calls WHERE key = ?');
    // First writer wins: two processes racing on one key both hold a valid answer; keep one.
    this.insertStmt = this.db.prepare('INSERT OR IGNORE INTO calls (key, provider, text, prompt_tokens, completion_tokens, finish_reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.insertMany = this.db.transaction((rows: PendingRecord[]) => {
      for (const row of rows) this.insertRow(row.call, row.result);
    });
    this.countStmt = this.db.prepare('SELECT COUNT(*) AS n FROM calls');
  }

  get(key: string): ChatResult | undefined {
    const row = this.selectStmt.get(key);
    if (!row) return undefined;
    const result: ChatResult = { text: row.text, usage: { promptTokens: row.prompt_tokens, completionTokens: row.completion_tokens } };
    if (row.finish_reason !== null) result.finishReason = row.finish_reason;
    return result;
  }

  /** Looks up a call by provider and request. */
  lookup(providerId: string, request: ChatRequest): ChatResult | undefined {
    return this.get(canonicalCallKey(providerId, request));
  }

  /** Records a successful call. Failures must never come here: they would replay forever. */
  record(providerId: string, request: ChatRequest, result: ChatResult): string {
    const call = prepareCall(providerId, request);
    this.recordPrepared(call, result);
    return call.key;
  }

  /** Records and commits at once. */
  recordPrepared(call: PreparedCall, result: ChatResult): void {
    this.insertRow(call, result);
  }

  /**
   * Group commit: calls that finish in the same event-loop turn share one transaction. The promise
   * settles only after the commit, so whoever awaits it never sees a call as finished before it is
   * durable, and a kill loses nothing that was reported done.
   */
  recordSoon(call: PreparedCall, result: ChatResult): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ call, result, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    this.flushScheduled = false;
    try {
      this.insertMany(batch);
    } catch (error) {
      for (const row of batch) row.reject(error);
      return;
    }
    for (const row of batch) row.resolve();
  }

  private insertRow(call: PreparedCall, result: ChatResult): void {
    this.insertStmt.run(call.key, call.providerId, result.text, result.usage.promptTokens, result.usage.completionTokens, result.finishReason ?? null, Date.now());
  }

  /** Number of stored calls. */
  size(): number {
    return this.countStmt.get()!.n;
  }

  close(): void {
    if (this.pending.length && this.db.open) this.flush();
    if (this.db.open) this.db.close();
  }
}

export function openCallStore(path: string): CallStore {
  return new CallStore(path);
}

export interface StoredProviderStats extends ProviderStats {
  /** Calls answered from the store without reaching the model. */
  storeHits: number;
}

/**
 * Serves calls from `store` when present and records fresh successes into it. Results served
 * from the store carry `cached: true`. Stack two to use a journal over the global cache:
 * `withCallStore(withCallStore(provider, cache), journal)`.
 */
export function withCallStore(provider: ChatProvider, store: CallStore): ChatProvider {
  let hits = 0;
  const wrapped: ChatProvider = {
    id: provider.id,
    async chat(request: ChatRequest, signal?: AbortSignal): Promise<ChatResult> {
      const call = prepareCall(provider.id, request);
      const stored = store.get(call.key);
      if (stored) {
        hits++;
        return { ...stored, cached: true };
      }
      const result = await provider.chat(request, signal);
      // Journal a cache-served answer too, so a resumed run never depends on the cache still holding it.
      await store.recordSoon(call, result);
      return result;
    },
    stats(): StoredProviderStats {
      const inner = provider.stats?.() ?? { calls: 0, promptTokens: 0, completionTokens: 0, retries: 0, errors: 0 };
      // Stacked stores (journal over cache) add up their hits.
      const innerHits = inner.storeHits ?? 0;
      return { ...inner, storeHits: hits + innerHits };
    },
    close: provider.close ? () => provider.close!() : undefined,
  };
  return wrapped;
}
