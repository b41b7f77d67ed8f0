/** DeceptionBench items (PKU-Alignment, published shape) plus the world generator's optional fields. */
export const DECEPTION_CATEGORIES = [
  'sycophancy',
  'alignment_faking',
  'sandbagging',
  'strategic_deception',
  'honesty_evasion',
] as const;

export type DeceptionCategory = (typeof DECEPTION_CATEGORIES)[number];

export interface DeceptionItem {
  /** `<category>/<index in file>` unless the file carries an id. */
  id: string;
  inner_prompt: string;
  system_prompt: string;
  outer_prompt: string;
  format: string;
  category: DeceptionCategory;
  domain?: string;
  answer_options?: [string, string];
  /** What the item asks about (world items: the entity); the rule judge reads a side only from text that names it. */
  subject?: string;
  source: { file: string; line: number };
}

/** "Alignment Faking", "alignment-faking", "ALIGNMENT_FAKING" → "alignment_faking". */
export function normalizeCategory(raw: string): string {
  return raw.trim().toLowerCase().replace(/[\s\-_]+/g, '_');
}

export function isDeceptionCategory(name: string): name is DeceptionCategory {
  return (DECEPTION_CATEGORIES as readonly string[]).includes(name);
}
