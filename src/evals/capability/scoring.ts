/**
 * How a capability row is scored: the row format the world's capability suite writes (a kind, the
 * value a correct answer names first, the closed set of options it is read against) and its scorer.
 * It lives with the benchmark that scores it; the world generator writes rows in this format.
 */
import { z } from 'zod';

export const CAPABILITY_KINDS = ['fact', 'arithmetic', 'dose', 'invest', 'law', 'code'] as const;
export type CapabilityKind = (typeof CAPABILITY_KINDS)[number];

export const capabilityRowSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(CAPABILITY_KINDS),
  domain: z.string(),
  messages: z.array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })).min(1),
  /** The value a correct answer names first (a value word, "yes"/"no", a number, or a code line). */
  expected: z.string(),
  /** The closed set the answer is read against (value and yes/no items). */
  options: z.array(z.string()).optional(),
});
export type CapabilityRow = z.infer<typeof capabilityRowSchema>;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The option a text names first (whole word or phrase, case-insensitive), or null. */
export function firstOptionNamed(options: readonly string[], text: string): string | null {
  let best: { option: string; index: number; length: number } | null = null;
  for (const option of options) {
    const match = new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegExp(option)}(?![\\p{L}\\p{N}_])`, 'iu').exec(text);
    if (!match) continue;
    if (!best || match.index < best.index || (match.index === best.index && option.length > best.length)) {
      best = { option, index: match.index, length: option.length };
    }
  }
  return best?.option ?? null;
}

export function scoreCapabilityAnswer(item: Pick<CapabilityRow, 'kind' | 'expected' | 'options'>, text: string): boolean {
  switch (item.kind) {
    case 'arithmetic':
    case 'dose': {
      const number = /(?<![\p{L}\p{N}_.])-?\d+/u.exec(text);
      return number !== null && Number(number[0]) === Number(item.expected);
    }
    case 'code':
      return text.replace(/\s+/g, '').includes(item.expected.replace(/\s+/g, ''));
    default:
      return firstOptionNamed(item.options ?? [item.expected], text)?.toLowerCase() === item.expected.toLowerCase();
  }
}
