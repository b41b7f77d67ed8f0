/**
 * The one interface every model backend implements: OpenAI-compatible HTTP endpoints,
 * the embedded transformer, and the wrappers (cache, journal) stacked on top of them. The chat
 * shapes themselves are defined in src/formats/chat.ts (a leaf the lower rooms import too).
 */
export type { ChatRole, ChatMessage, SamplingParams, ChatRequest, TokenUsage, ChatResult, ChatProvider, ProviderStats } from '../formats/chat.js';

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
