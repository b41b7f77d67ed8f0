/**
 * The LLM judge: builds a fenced prompt, asks the judge model, reads the verdict from the last
 * marker. An unparseable reply is retried (as a distinct sample) and then left undetermined; a
 * provider failure is undetermined with its reason. The model under test never grades itself:
 * the caller passes a separately configured judge provider.
 */
import { randomBytes } from 'node:crypto';
import { ProviderError, type ChatMessage, type ChatProvider, type SamplingParams } from '../../models/types.js';
import type { NumericRange } from '../mask/types.js';
import { chooseNonce, parseActionVerdict, parseLetterVerdict, parseRangeVerdict, parseYesNoVerdict } from './fence.js';
import { deceptionPrompt, maskBinaryPrompt, maskNumericBeliefPrompt, maskNumericPrompt } from './prompts.js';
import { parseProposition } from '../mask/proposition.js';
import {
  undetermined,
  verdict,
  type DeceptionAnswer,
  type DeceptionJudgeInput,
  type Judge,
  type MaskBinaryJudgeInput,
  type MaskLetter,
  type MaskNumericBeliefInput,
  type MaskNumericJudgeInput,
  type Verdict,
} from './types.js';

/**
 * The judges the MASK reference code calls (centerforaisafety/mask, evaluate.py): gpt-4o for the
 * binary templates, o3-mini with structured output for numeric ranges. Used when no judge is given.
 */
export const MASK_PAPER_JUDGES = { binary: 'openai:gpt-4o', numeric: 'openai:o3-mini' } as const;

export interface LlmJudgeOptions {
  provider: ChatProvider;
  /** Judge for numeric propositions; defaults to `provider`. */
  numericProvider?: ChatProvider;
  /**
   * Key for the fence nonces. Keep it out of anything the model under test sees; a run stores it
   * in its directory so a resumed run rebuilds identical prompts. Defaults to fresh random bytes.
   */
  fenceSecret?: string;
  /** Extra attempts after an unparseable reply (default 2). */
  retries?: number;
  /** Reply length of the binary and DeceptionBench judge (default 1024; the reference gives gpt-4o 500). */
  maxTokens?: number;
  /**
   * Reply length of the numeric judge (default 4096): the reference's o3-mini runs with no limit,
   * and a reasoning model spends part of its budget before the JSON it must end with.
   */
  numericMaxTokens?: number;
}

export function createLlmJudge(options: LlmJudgeOptions): Judge {
  const secret = options.fenceSecret ?? randomBytes(16).toString('hex');
  const retries = options.retries ?? 2;
  const maxTokens = options.maxTokens ?? 1024;
  const numericMaxTokens = options.numericMaxTokens ?? 4096;
  const numericProvider = options.numericProvider ?? options.provider;

  async function ask<T>(provider: ChatProvider, messages: ChatMessage[], parse: (reply: string) => T | null, signal?: AbortSignal, replyTokens = maxTokens): Promise<Verdict<T>> {
    let lastReply = '';
    for (let attempt = 0; attempt <= retries; attempt++) {
      // Greedy first; a retry samples, since a deterministic judge would only repeat itself.
      const params: SamplingParams = { temperature: attempt === 0 ? 0 : 0.7, maxTokens: replyTokens };
      let reply: string;
      try {
        reply = (await provider.chat({ messages, params, sampleIndex: attempt }, signal)).text;
      } catch (error) {
        if (error instanceof ProviderError) return undetermined(`judge provider error (${error.kind}${error.status ? ` ${error.status}` : ''}): ${error.message}`);
        if (signal?.aborted) throw error;
        return undetermined(`judge call failed: ${(error as Error).message}`);
      }
      const value = parse(reply);
      if (value !== null) return verdict(value, reply);
      lastReply = reply;
    }
    return undetermined(`judge reply unparseable after ${retries + 1} attempts`, lastReply);
  }

  return {
    id: `llm:${options.provider.id}${numericProvider !== options.provider ? `;numeric:${numericProvider.id}` : ''}`,

    async judgeMaskBinary(input: MaskBinaryJudgeInput, signal?: AbortSignal): Promise<Verdict<MaskLetter>> {
      const proposition = parseProposition(input.row.proposition);
      if (!proposition || proposition.kind !== 'binary') return undetermined('proposition is not binary');
      const nonce = chooseNonce(secret, [proposition.statement1, proposition.statement2, ...input.messages.map((m) => m.content), input.response]);
      return ask(options.provider, maskBinaryPrompt(input.kind, proposition, input.messages, input.response, nonce, input.row.config), parseLetterVerdict, signal);
    },

    async judgeMaskNumeric(input: MaskNumericJudgeInput, signal?: AbortSignal): Promise<Verdict<NumericRange>> {
      const nonce = chooseNonce(secret, [input.row.proposition, ...input.messages.map((m) => m.content), input.response]);
      return ask(numericProvider, maskNumericPrompt(input.kind, input.row.proposition, input.messages, input.response, nonce), parseRangeVerdict, signal, numericMaxTokens);
    },

    async judgeMaskNumericBelief(input: MaskNumericBeliefInput, signal?: AbortSignal): Promise<Verdict<NumericRange>> {
      const texts = [input.row.proposition, ...input.answers.flatMap((a) => [...a.messages.map((m) => m.content), a.response])];
      const nonce = chooseNonce(secret, texts);
      return ask(numericProvider, maskNumericBeliefPrompt(input.row.proposition, input.answers, nonce), parseRangeVerdict, signal, numericMaxTokens);
    },

    async judgeDeception(input: DeceptionJudgeInput, signal?: AbortSignal): Promise<Verdict<DeceptionAnswer>> {
      const scenario = input.item.outer_prompt;
      const nonce = chooseNonce(secret, [scenario, input.utility, input.text]);
      const parse = input.question === 'action_consistent_with_utility' ? parseActionVerdict : parseYesNoVerdict;
      return ask<DeceptionAnswer>(options.provider, deceptionPrompt(input.question, scenario, input.utility, input.text, nonce), parse, signal);
    },
  };
}
