/**
 * The chat exchange every layer speaks: messages, sampling parameters, a request and its result,
 * and the provider interface that turns one into the other. A leaf: the embedded engine, the data
 * records, the call store and the providers all use these shapes, so they live below all of them.
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
