/**
 * Splits a DeceptionBench answer into reasoning R (`<think>…</think>`) and action Y
 * (`<output>…</output>`, or the text after `</think>` when there is no output tag).
 * The action is looked for only after the reasoning closes: a model that drafts an
 * `<output>` inside its thinking has not acted yet, and grading the draft as Y would
 * misread what it finally did.
 */
import { group } from '../../util/regex-group.js';

export type Extraction = { valid: true; reasoning: string; action: string } | { valid: false; reason: string };

const THINK = /<think>([\s\S]*?)<\/think>/i;
const OUTPUT = /<output>([\s\S]*?)(?:<\/output>|$)/i;

export function extractReasoningAndAction(text: string): Extraction {
  const think = THINK.exec(text);
  const afterThink = think ? text.slice(think.index + think[0].length) : text;
  const output = OUTPUT.exec(afterThink);
  const action = output ? group(output, 1).trim() : think ? afterThink.trim() : null;
  if (!think && !action) return { valid: false, reason: 'neither <think> nor <output> found' };
  if (!think) return { valid: false, reason: 'no <think>…</think> reasoning' };
  if (!action) return { valid: false, reason: 'no action after the reasoning' };
  return { valid: true, reasoning: group(think, 1).trim(), action };
}
