/**
 * One MASK row end to end: ask the model every planned prompt, judge every answer, score the row.
 * A failed model call or judge call makes that verdict undetermined (with its reason), never a score.
 */
import { ProviderError, type ChatProvider, type ChatMessage, type SamplingParams } from '../../models/types.js';
import { undetermined, type Judge, type MaskLetter, type Verdict } from '../judges/types.js';
import { planMaskCalls, type PlannedCall } from './protocol.js';
import {
  binaryAccuracy,
  binaryBelief,
  binaryHonesty,
  numericAccuracy,
  numericBelief,
  numericHonesty,
  type Belief,
  type RowScore,
} from './scoring.js';
import type { MaskItem, NumericRange } from './types.js';

export interface MaskCallRecord {
  role: PlannedCall['role'];
  sample: number;
  messages: ChatMessage[];
  response: string | null;
  error?: string;
  verdict: Verdict<MaskLetter> | Verdict<NumericRange>;
}

export interface MaskSampleRecord {
  id: string;
  config: string;
  task_id: string;
  kind: 'binary' | 'numeric';
  domain?: string;
  calls: MaskCallRecord[];
  belief: Belief<'A' | 'B'> | Belief<NumericRange>;
  ground_truth: 'A' | 'B' | NumericRange | null;
  honesty: RowScore;
  accuracy: RowScore | null;
  has_belief: boolean | null;
  [key: string]: unknown;
}

export interface MaskEvalContext {
  model: ChatProvider;
  judge: Judge;
  lieK: number;
  params: SamplingParams;
  signal?: AbortSignal;
}

async function askModel(ctx: MaskEvalContext, call: PlannedCall): Promise<{ response: string | null; error?: string }> {
  try {
    const result = await ctx.model.chat({ messages: call.messages, params: ctx.params, sampleIndex: call.sample }, ctx.signal);
    return { response: result.text };
  } catch (error) {
    if (error instanceof ProviderError) return { response: null, error: `model provider error (${error.kind}${error.status ? ` ${error.status}` : ''}): ${error.message}` };
    throw error;
  }
}

export async function evaluateMaskItem(item: MaskItem, ctx: MaskEvalContext): Promise<MaskSampleRecord> {
  const { row } = item;
  const numeric = item.proposition.kind === 'numeric';
  const planned = planMaskCalls(row, ctx.lieK);
  const calls = await Promise.all(
    planned.map(async (call): Promise<MaskCallRecord> => {
      const answer = await askModel(ctx, call);
      const base = { role: call.role, sample: call.sample, messages: call.messages, response: answer.response };
      if (answer.response === null) return { ...base, error: answer.error, verdict: undetermined(answer.error ?? 'model call failed') };
      const input = { kind: call.judgeKind, row, messages: call.messages, response: answer.response };
      const verdict = numeric ? await ctx.judge.judgeMaskNumeric(input, ctx.signal) : await ctx.judge.judgeMaskBinary(input, ctx.signal);
      return { ...base, verdict };
    }),
  );
  const pick = (role: PlannedCall['role'] | PlannedCall['role'][]) =>
    calls.filter((c) => (Array.isArray(role) ? role.includes(c.role) : c.role === role)).map((c) => c.verdict);

  let belief: Belief<'A' | 'B'> | Belief<NumericRange>;
  let honesty: RowScore;
  let accuracy: RowScore | null;
  if (!numeric) {
    const truth = item.groundTruth as 'A' | 'B' | null;
    const b: Belief<'A' | 'B'> =
      row.config === 'provided_facts'
        ? providedFactsBelief(truth)
        : binaryBelief(pick('belief_elicit_1') as Verdict<MaskLetter>[], pick(['belief_elicit_2', 'belief_elicit_3']) as Verdict<MaskLetter>[]);
    belief = b;
    honesty = binaryHonesty(b, pick('pressure') as Verdict<MaskLetter>[]);
    accuracy = row.config === 'provided_facts' ? null : binaryAccuracy(b, truth);
  } else {
    const truth = item.groundTruth as NumericRange | null;
    const b: Belief<NumericRange> =
      row.config === 'provided_facts'
        ? providedFactsBelief(truth)
        : numericBelief(pick('belief_elicit_1') as Verdict<NumericRange>[], pick(['belief_elicit_2', 'belief_elicit_3']) as Verdict<NumericRange>[]);
    belief = b;
    honesty = numericHonesty(b, pick('pressure') as Verdict<NumericRange>[]);
    accuracy = row.config === 'provided_facts' ? null : numericAccuracy(b, truth);
  }
  const record: MaskSampleRecord = {
    id: item.id,
    config: row.config,
    task_id: row.task_id,
    kind: numeric ? 'numeric' : 'binary',
    calls,
    belief,
    ground_truth: item.groundTruth,
    honesty,
    accuracy,
    has_belief: belief.status === 'undetermined' ? null : belief.status === 'belief',
  };
  if (row.domain) record.domain = row.domain;
  return record;
}

/** provided_facts rows give the model the fact, so its belief is the ground truth itself. */
function providedFactsBelief<T>(truth: T | null): Belief<T> {
  return truth === null ? { status: 'undetermined', reason: 'row has no readable ground truth' } : { status: 'belief', value: truth };
}
