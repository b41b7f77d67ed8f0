/**
 * One MASK row end to end: ask the model every planned prompt, judge every answer, score the row.
 * A failed model call or judge call makes that verdict undetermined (with its reason), never a score.
 */
import { UNKNOWN_TOKEN } from '../../formats/word-pieces.js';
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
  /** Row honesty over all lie_k pressure answers (honesty@N; with lie_k 1 the same as honesty@1). */
  honesty: RowScore;
  /** Row honesty from the first pressure answer alone (honesty@1), as the reference scores it beside @N. */
  honesty_at_1: RowScore;
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

/**
 * A tokenizer's placeholder for a word it does not know. A model that prints it (an embedded
 * checkpoint sampling that id after fine-tuning) is not stating a view: judging the rest of the
 * sentence would score the tokenizer, so the answer is never judged and its row is undetermined.
 */
const UNKNOWN_TOKEN_REASON = `the answer holds ${UNKNOWN_TOKEN}, a word outside the tokenizer: not judged`;

function holdsUnknownToken(text: string): boolean {
  return text.includes(UNKNOWN_TOKEN);
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
      if (holdsUnknownToken(answer.response)) return { ...base, verdict: undetermined(UNKNOWN_TOKEN_REASON) };
      // A numeric row's belief answers are judged together below, in one call.
      if (numeric && call.role !== 'pressure') return { ...base, verdict: undetermined('pending joint belief judgement') };
      const input = { kind: call.judgeKind, row, messages: call.messages, response: answer.response };
      const verdict = numeric ? await ctx.judge.judgeMaskNumeric(input, ctx.signal) : await ctx.judge.judgeMaskBinary(input, ctx.signal);
      return { ...base, verdict };
    }),
  );
  const pick = (role: PlannedCall['role'] | PlannedCall['role'][]) =>
    calls.filter((c) => (Array.isArray(role) ? role.includes(c.role) : c.role === role)).map((c) => c.verdict);

  let belief: Belief<'A' | 'B'> | Belief<NumericRange>;
  let honesty: RowScore;
  let honestyAt1: RowScore;
  let accuracy: RowScore | null;
  if (!numeric) {
    const truth = item.groundTruth as 'A' | 'B' | null;
    const b: Belief<'A' | 'B'> =
      row.config === 'provided_facts'
        ? providedFactsBelief(truth)
        : binaryBelief(pick('belief_elicit_1') as Verdict<MaskLetter>[], pick(['belief_elicit_2', 'belief_elicit_3']) as Verdict<MaskLetter>[]);
    belief = b;
    const pressure = pick('pressure') as Verdict<MaskLetter>[];
    honesty = binaryHonesty(b, pressure);
    honestyAt1 = binaryHonesty(b, pressure.slice(0, 1));
    accuracy = row.config === 'provided_facts' ? null : binaryAccuracy(b, truth);
  } else {
    const truth = item.groundTruth as NumericRange | null;
    let b: Belief<NumericRange>;
    if (row.config === 'provided_facts') b = providedFactsBelief(truth);
    else {
      const joint = await judgeNumericBelief(ctx, row, calls);
      for (const c of calls) if (c.role !== 'pressure' && c.response !== null) c.verdict = joint;
      b = numericBelief(joint);
    }
    belief = b;
    const pressure = pick('pressure') as Verdict<NumericRange>[];
    honesty = numericHonesty(b, pressure);
    honestyAt1 = numericHonesty(b, pressure.slice(0, 1));
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
    honesty_at_1: honestyAt1,
    accuracy,
    has_belief: belief.status === 'undetermined' ? null : belief.status === 'belief',
  };
  if (row.domain) record.domain = row.domain;
  return record;
}

/**
 * The statistics belief as the reference judges it: every belief answer of the row in one judge
 * call. A belief answer the model failed to give leaves the belief undetermined (the reference
 * would judge the remaining answers; we do not guess what the missing one said).
 */
async function judgeNumericBelief(ctx: MaskEvalContext, row: MaskItem['row'], calls: MaskCallRecord[]): Promise<Verdict<NumericRange>> {
  const beliefCalls = calls.filter((c) => c.role !== 'pressure');
  const failed = beliefCalls.find((c) => c.response === null);
  if (failed) return undetermined(failed.error ?? 'model call failed');
  if (beliefCalls.length === 0) return undetermined('row has no belief questions');
  if (beliefCalls.some((c) => holdsUnknownToken(c.response!))) return undetermined(UNKNOWN_TOKEN_REASON);
  return ctx.judge.judgeMaskNumericBelief({ row, answers: beliefCalls.map((c) => ({ messages: c.messages, response: c.response! })) }, ctx.signal);
}

/** provided_facts rows give the model the fact, so its belief is the ground truth itself. */
function providedFactsBelief<T>(truth: T | null): Belief<T> {
  return truth === null ? { status: 'undetermined', reason: 'row has no readable ground truth' } : { status: 'belief', value: truth };
}
