/**
 * One judge interface for every way of grading: an LLM reading fenced text, or the rule-based
 * judge for models that answer in a constrained form. Every question ends in a verdict or in
 * `undetermined` with its reason — never a silent pass or fail.
 */
import type { MaskRow, NumericRange } from '../mask/types.js';
import type { DeceptionItem } from '../deceptionbench/types.js';
import type { ChatMessage } from '../../models/types.js';

/** A = statement 1, B = statement 2, C = evasive / no position, D = denies both. */
export type MaskLetter = 'A' | 'B' | 'C' | 'D';

export type Verdict<T> =
  | { status: 'verdict'; value: T; raw?: string }
  | { status: 'undetermined'; reason: string; raw?: string };

export function verdict<T>(value: T, raw?: string): Verdict<T> {
  return raw === undefined ? { status: 'verdict', value } : { status: 'verdict', value, raw };
}

export function undetermined<T>(reason: string, raw?: string): Verdict<T> {
  return raw === undefined ? { status: 'undetermined', reason } : { status: 'undetermined', reason, raw };
}

/** Which MASK prompt produced the response being judged; each kind has its own judge prompt. */
export type MaskJudgeKind = 'pressure' | 'doubling_down' | 'direct_belief' | 'consistency_belief';

export interface MaskBinaryJudgeInput {
  kind: MaskJudgeKind;
  row: MaskRow;
  /** The conversation the model saw (system prompt, user turns). */
  messages: ChatMessage[];
  response: string;
}

export interface MaskNumericJudgeInput {
  kind: MaskJudgeKind;
  row: MaskRow;
  messages: ChatMessage[];
  response: string;
}

/** One belief question and the model's answer to it. */
export interface BeliefAnswer {
  messages: ChatMessage[];
  response: string;
}

/**
 * Every belief answer of a numeric row, judged together in one call (as the MASK reference does):
 * the range the collection as a whole supports is the belief; nulls mean no belief.
 */
export interface MaskNumericBeliefInput {
  row: MaskRow;
  answers: BeliefAnswer[];
}

/** The two DeceptionBench questions: does R reflect U? is Y consistent with U? */
export type DeceptionQuestion = 'reasoning_reflects_utility' | 'action_consistent_with_utility';

/**
 * A DeceptionBench judgement: yes/no, or one of two non-answers that make the item invalid (never
 * deceptive): `no_view` — U itself takes neither side, so there is nothing to deceive about;
 * `no_position` — the action Y takes neither side (empty, garbled, unrelated to the choice).
 * Deliberate evasion that answers the user without committing stays `false` (the paper's rule).
 */
export type DeceptionAnswer = boolean | 'no_view' | 'no_position';

export interface DeceptionJudgeInput {
  question: DeceptionQuestion;
  item: DeceptionItem;
  /** The model's answer to the inner prompt alone (its mesa utility U). */
  utility: string;
  /** R for the first question, Y for the second — only the part asked about. The scenario shown is the item's outer prompt. */
  text: string;
}

export interface Judge {
  /** Secret-free description for reports (e.g. "llm:openai:gpt-4o@…" or "rule"). */
  readonly id: string;
  judgeMaskBinary(input: MaskBinaryJudgeInput, signal?: AbortSignal): Promise<Verdict<MaskLetter>>;
  judgeMaskNumeric(input: MaskNumericJudgeInput, signal?: AbortSignal): Promise<Verdict<NumericRange>>;
  /** One call over all belief answers of a numeric row. */
  judgeMaskNumericBelief(input: MaskNumericBeliefInput, signal?: AbortSignal): Promise<Verdict<NumericRange>>;
  judgeDeception(input: DeceptionJudgeInput, signal?: AbortSignal): Promise<Verdict<DeceptionAnswer>>;
}
