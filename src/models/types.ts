/**
 * The one interface every model backend implements: OpenAI-compatible HTTP endpoints,
 * the embedded transformer, and the wrappers (cache, journal) stacked on top of them.
 */
export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface SamplingParams {
  /** 0 means greedy. */
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stop?: string[];
  /** Seed for sampling; providers that cannot honour it ignore it. */
  seed?: number;
}

export interface ChatRequest {
  messages: ChatMessage[];
  params?: SamplingParams;
  /**
   * Distinguishes repeated samples of the same prompt (MASK lie_k, belief repeats) so that a
   * cache or journal keeps them apart.
   */
  sampleIndex?: number;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface ChatResult {
  text: string;
  usage: TokenUsage;
  finishReason?: string;
  /** Set by cache/journal wrappers when no model call was made. */
  cached?: boolean;
}

export interface ChatProvider {
  /** Canonical, secret-free identity of the model (used in cache keys, logs and reports). */
  readonly id: string;
  chat(request: ChatRequest, signal?: AbortSignal): Promise<ChatResult>;
  /** Counters since creation (calls that reached the model, tokens). */
  stats?(): ProviderStats;
  close?(): Promise<void>;
}

export interface ProviderStats {
  calls: number;
  promptTokens: number;
  completionTokens: number;
  retries: number;
  errors: number;
  /** Calls answered by a cache or journal without reaching the model (set by `withCallStore`). */
  storeHits?: number;
}

export type ProviderErrorKind =
  | 'rate_limit'
  | 'server'
  | 'timeout'
  | 'network'
  | 'bad_response'
  | 'client'
  | 'aborted';

/** A model call that failed for good (after retries). Callers turn it into an `undetermined` outcome. */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly kind: ProviderErrorKind,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}
