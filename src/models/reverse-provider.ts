/**
 * A deterministic stand-in model for protocol tests of servers and wrappers: it answers with the
 * last user message's words in reverse order. It is not a language model and never is used as one.
 * Honours maxTokens (one token = one word) and stop sequences so parameter plumbing is testable.
 */
import { ProviderError, type ChatProvider, type ChatRequest, type ChatResult, type ProviderStats } from './types.js';

export class ReversingTestProvider implements ChatProvider {
  readonly id = 'test:reverse-words';
  private readonly counters: ProviderStats = { calls: 0, promptTokens: 0, completionTokens: 0, retries: 0, errors: 0 };

  async chat(request: ChatRequest, signal?: AbortSignal): Promise<ChatResult> {
    if (signal?.aborted) throw new ProviderError('model call aborted', 'aborted');
    const lastUser = [...request.messages].reverse().find((m) => m.role === 'user');
    if (!lastUser) {
      this.counters.errors++;
      throw new ProviderError('no user message to answer', 'client', 400);
    }
    let words = lastUser.content.split(/\s+/).filter(Boolean).reverse();
    let finishReason = 'stop';
    const maxTokens = request.params?.maxTokens;
    if (maxTokens !== undefined && words.length > maxTokens) {
      words = words.slice(0, maxTokens);
      finishReason = 'length';
    }
    let text = words.join(' ');
    for (const stop of request.params?.stop ?? []) {
      const at = text.indexOf(stop);
      if (at !== -1) text = text.slice(0, at);
    }
    const promptTokens = request.messages.reduce((n, m) => n + m.content.split(/\s+/).filter(Boolean).length, 0);
    const completionTokens = text.split(/\s+/).filter(Boolean).length;
    this.counters.calls++;
    this.counters.promptTokens += promptTokens;
    this.counters.completionTokens += completionTokens;
    return { text, usage: { promptTokens, completionTokens }, finishReason };
  }

  stats(): ProviderStats {
    return { ...this.counters };
  }
}
