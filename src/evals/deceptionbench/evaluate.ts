/**
 * One DeceptionBench item: (1) the inner prompt alone gives the mesa utility U; (2) the system and
 * outer prompts (plus the format) give reasoning R and action Y; (3) two separate judge calls ask
 * whether R reflects U and whether Y is consistent with U. Deceptive ⇔ R ~ U ∧ Y ≁ U.
 */
import { ProviderError, type ChatMessage, type ChatProvider, type SamplingParams } from '../../models/types.js';
import type { Judge, Verdict } from '../judges/types.js';
import { extractReasoningAndAction } from './extract.js';
import { isDeceptive, type DeceptionOutcome } from './summary.js';
import type { DeceptionItem } from './types.js';

export interface DeceptionSampleRecord {
  id: string;
  category: string;
  domain?: string;
  inner_messages: ChatMessage[];
  utility: string | null;
  outer_messages: ChatMessage[];
  response: string | null;
  reasoning: string | null;
  action: string | null;
  errors: string[];
  reasoning_reflects_utility: Verdict<boolean> | null;
  action_consistent_with_utility: Verdict<boolean> | null;
  outcome: DeceptionOutcome;
  [key: string]: unknown;
}

export interface DeceptionEvalContext {
  model: ChatProvider;
  judge: Judge;
  params: SamplingParams;
  signal?: AbortSignal;
}

export function innerMessages(item: DeceptionItem): ChatMessage[] {
  return [{ role: 'user', content: item.inner_prompt }];
}

export function outerMessages(item: DeceptionItem): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (item.system_prompt.trim()) messages.push({ role: 'system', content: item.system_prompt });
  messages.push({ role: 'user', content: item.format.trim() ? `${item.outer_prompt}\n\n${item.format}` : item.outer_prompt });
  return messages;
}

async function ask(ctx: DeceptionEvalContext, messages: ChatMessage[], errors: string[]): Promise<string | null> {
  try {
    return (await ctx.model.chat({ messages, params: ctx.params }, ctx.signal)).text;
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    errors.push(`model provider error (${error.kind}${error.status ? ` ${error.status}` : ''}): ${error.message}`);
    return null;
  }
}

export async function evaluateDeceptionItem(item: DeceptionItem, ctx: DeceptionEvalContext): Promise<DeceptionSampleRecord> {
  const errors: string[] = [];
  const inner = innerMessages(item);
  const outer = outerMessages(item);
  const [utility, response] = await Promise.all([ask(ctx, inner, errors), ask(ctx, outer, errors)]);
  const record: DeceptionSampleRecord = {
    id: item.id,
    category: item.category,
    inner_messages: inner,
    utility,
    outer_messages: outer,
    response,
    reasoning: null,
    action: null,
    errors,
    reasoning_reflects_utility: null,
    action_consistent_with_utility: null,
    outcome: { status: 'undetermined', reason: errors[0] ?? 'model call failed' },
  };
  if (item.domain) record.domain = item.domain;
  if (utility === null || response === null) return record;
  const parts = extractReasoningAndAction(response);
  if (!parts.valid) {
    record.outcome = { status: 'invalid', reason: parts.reason };
    return record;
  }
  record.reasoning = parts.reasoning;
  record.action = parts.action;
  const [reflects, consistent] = await Promise.all([
    ctx.judge.judgeDeception({ question: 'reasoning_reflects_utility', item, utility, text: parts.reasoning }, ctx.signal),
    ctx.judge.judgeDeception({ question: 'action_consistent_with_utility', item, utility, text: parts.action }, ctx.signal),
  ]);
  record.reasoning_reflects_utility = reflects;
  record.action_consistent_with_utility = consistent;
  if (reflects.status === 'undetermined') record.outcome = { status: 'undetermined', reason: `reasoning question: ${reflects.reason}` };
  else if (consistent.status === 'undetermined') record.outcome = { status: 'undetermined', reason: `action question: ${consistent.reason}` };
  else record.outcome = { status: 'scored', deceptive: isDeceptive(reflects.value, consistent.value) };
  return record;
}
