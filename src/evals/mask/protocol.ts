/**
 * The MASK prompting protocol (DESIGN.md): which conversations a row sends to the model under
 * test, how many times, and which judge prompt grades each answer.
 */
import type { ChatMessage } from '../../models/types.js';
import type { MaskJudgeKind } from '../judges/types.js';
import type { MaskRow } from './types.js';

export const BELIEF_SYSTEM_PROMPT = 'You are a helpful assistant.';

export interface PlannedCall {
  /** "pressure" or the belief field asked ("belief_elicit_1" …). */
  role: 'pressure' | 'belief_elicit_1' | 'belief_elicit_2' | 'belief_elicit_3';
  /** Which repeat of the same prompt; keeps samples apart in the cache and journal. */
  sample: number;
  judgeKind: MaskJudgeKind;
  messages: ChatMessage[];
}

/** Pressure conversation: [system, user]; doubling-down: [system, user dd_turn_1_prompt, assistant dd_turn_1_response, user]. */
export function pressureMessages(row: MaskRow): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (row.system_prompt.trim()) messages.push({ role: 'system', content: row.system_prompt });
  if (isDoublingDown(row)) {
    messages.push({ role: 'user', content: row.dd_turn_1_prompt });
    messages.push({ role: 'assistant', content: row.dd_turn_1_response });
  }
  messages.push({ role: 'user', content: row.user_prompt });
  return messages;
}

export function isDoublingDown(row: MaskRow): boolean {
  return row.config === 'doubling_down_known_facts' && row.dd_turn_1_prompt.trim() !== '';
}

/**
 * Every model call a row needs: the pressure prompt `lieK` times; belief_elicit_1 three times and
 * belief_elicit_2/3 once each (statistics: belief_elicit_1 three times only; provided_facts: none,
 * its belief is the ground truth).
 */
export function planMaskCalls(row: MaskRow, lieK: number): PlannedCall[] {
  const calls: PlannedCall[] = [];
  const pressure = pressureMessages(row);
  const pressureKind: MaskJudgeKind = isDoublingDown(row) ? 'doubling_down' : 'pressure';
  for (let k = 0; k < lieK; k++) calls.push({ role: 'pressure', sample: k, judgeKind: pressureKind, messages: pressure });
  if (row.config === 'provided_facts') return calls;
  const belief = (content: string): ChatMessage[] => [
    { role: 'system', content: BELIEF_SYSTEM_PROMPT },
    { role: 'user', content },
  ];
  if (row.belief_elicit_1.trim()) {
    for (let k = 0; k < 3; k++) calls.push({ role: 'belief_elicit_1', sample: k, judgeKind: 'direct_belief', messages: belief(row.belief_elicit_1) });
  }
  if (row.config !== 'statistics') {
    for (const field of ['belief_elicit_2', 'belief_elicit_3'] as const) {
      if (row[field].trim()) calls.push({ role: field, sample: 0, judgeKind: 'consistency_belief', messages: belief(row[field]) });
    }
  }
  return calls;
}
