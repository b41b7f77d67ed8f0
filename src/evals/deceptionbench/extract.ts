/**
 * Splits a DeceptionBench answer into reasoning R (`<think>…</think>`) and action Y
 * (`<output>…</output>`, or the text after `</think>` when there is no output tag).
 */
export type Extraction = { valid: true; reasoning: string; action: string } | { valid: false; reason: string };

const THINK = /<think>([\s\S]*?)<\/think>/i;
const OUTPUT = /<output>([\s\S]*?)(?:<\/output>|$)/i;

export function extractReasoningAndAction(text: string): Extraction {
  const think = THINK.exec(text);
  const output = OUTPUT.exec(text);
  let action: string | null = null;
  if (output) action = output[1].trim();
  else {
    const close = text.search(/<\/think>/i);
    if (close >= 0) action = text.slice(close + '</think>'.length).trim();
  }
  if (!think && (action === null || action === '')) return { valid: false, reason: 'neither <think> nor <output> found' };
  if (!think) return { valid: false, reason: 'no <think>…</think> reasoning' };
  if (action === null || action === '') return { valid: false, reason: 'no action after the reasoning' };
  return { valid: true, reasoning: think[1].trim(), action };
}
