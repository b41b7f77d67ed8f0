/**
 * Response bodies in OpenAI's chat-completions shape. The server writes them, and test doubles and
 * benchmarks that stand in for an endpoint build theirs here too, so every fake speaks exactly the
 * wire format the real server does.
 */

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface CompletionBodyFields {
  id: string;
  /** Unix seconds. */
  created: number;
  model: string;
  text: string;
  finishReason?: string;
  usage: TokenUsage;
}

export function usageBody(usage: TokenUsage) {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
}

/** A non-streamed `chat.completion` object. */
export function chatCompletionBody(fields: CompletionBodyFields) {
  return {
    id: fields.id,
    object: 'chat.completion' as const,
    created: fields.created,
    model: fields.model,
    choices: [{ index: 0, message: { role: 'assistant' as const, content: fields.text, refusal: null }, logprobs: null, finish_reason: fields.finishReason ?? 'stop' }],
    usage: usageBody(fields.usage),
  };
}
