/**
 * The embedded model's chat template: each message is `<|role|> content <|end|>`; a generation
 * prompt ends with `<|assistant|>` and the model ends its answer with `<|end|>`.
 */
import type { ChatMessage } from '../formats/chat.js';
import { SPECIAL_TOKENS, type WordTokenizer } from './tokenizer.js';

const ROLE_TOKEN = { system: SPECIAL_TOKENS.system, user: SPECIAL_TOKENS.user, assistant: SPECIAL_TOKENS.assistant } as const;

/** The template as text (for display and logs). */
export function formatChat(messages: ChatMessage[], addGenerationPrompt = false): string {
  const body = messages.map((m) => `${ROLE_TOKEN[m.role]}${m.content}${SPECIAL_TOKENS.end}`).join('');
  return addGenerationPrompt ? body + SPECIAL_TOKENS.assistant : body;
}

export interface EncodedChat {
  ids: number[];
  /** 1 where the token is part of an assistant answer (content and its closing <|end|>). */
  assistantMask: number[];
}

/**
 * `contextTurns`: indices of assistant messages that are context only (mask 0), e.g. the earlier
 * lie of a doubling-down sample.
 */
export function encodeChat(tokenizer: WordTokenizer, messages: ChatMessage[], addGenerationPrompt = false, contextTurns: readonly number[] = []): EncodedChat {
  const ids: number[] = [];
  const assistantMask: number[] = [];
  for (const [index, m] of messages.entries()) {
    ids.push(tokenizer.id(ROLE_TOKEN[m.role]));
    assistantMask.push(0);
    const flag = m.role === 'assistant' && !contextTurns.includes(index) ? 1 : 0;
    for (const id of tokenizer.encode(m.content)) {
      ids.push(id);
      assistantMask.push(flag);
    }
    ids.push(tokenizer.endId);
    assistantMask.push(flag);
  }
  if (addGenerationPrompt) {
    ids.push(tokenizer.id(SPECIAL_TOKENS.assistant));
    assistantMask.push(0);
  }
  return { ids, assistantMask };
}
