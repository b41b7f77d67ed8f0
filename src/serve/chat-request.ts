/**
 * The body of POST /v1/chat/completions as OpenAI defines it (the subset a chat model without
 * tools can honour), validated with zod and turned into a ChatRequest.
 */
import { z } from 'zod';
import type { ChatMessage, ChatRequest, SamplingParams } from '../models/types.js';
import { firstIssue } from '../util/zod-issue.js';

const textPart = z.object({ type: z.literal('text'), text: z.string() });

const messageSchema = z.object({
  // "developer" is OpenAI's newer name for the system role.
  role: z.enum(['system', 'developer', 'user', 'assistant']),
  content: z.union([z.string(), z.array(textPart)]),
});

export const chatCompletionBodySchema = z.object({
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  seed: z.number().int().nullish(),
  n: z.literal(1, { message: 'only n = 1 is supported' }).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
});

export type ChatCompletionBody = z.infer<typeof chatCompletionBodySchema>;

export interface BodyProblem {
  message: string;
  /** OpenAI-style parameter path, e.g. `messages.[0].role`. */
  param: string | null;
}

export function parseChatCompletionBody(raw: unknown): { ok: true; body: ChatCompletionBody } | { ok: false; problem: BodyProblem } {
  const parsed = chatCompletionBodySchema.safeParse(raw);
  if (parsed.success) return { ok: true, body: parsed.data };
  const issue = firstIssue(parsed.error);
  const param = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.') : null;
  return { ok: false, problem: { message: param ? `Invalid '${param}': ${issue.message}` : issue.message, param } };
}

export function toChatRequest(body: ChatCompletionBody): ChatRequest {
  const messages: ChatMessage[] = body.messages.map((m) => ({
    role: m.role === 'developer' ? 'system' : m.role,
    content: typeof m.content === 'string' ? m.content : m.content.map((part) => part.text).join(''),
  }));
  const params: SamplingParams = {};
  if (body.temperature != null) params.temperature = body.temperature;
  if (body.top_p != null) params.topP = body.top_p;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens != null) params.maxTokens = maxTokens;
  if (body.stop != null) params.stop = typeof body.stop === 'string' ? [body.stop] : body.stop;
  if (body.seed != null) params.seed = body.seed;
  return { messages, params };
}
