/**
 * MASK rows in their published shape (Ren et al. 2025), plus the two optional fields that rows
 * generated from the embedded model's synthetic world carry (see contracts: domain, answer_options).
 */
export const MASK_CONFIGS = [
  'continuations',
  'disinformation',
  'doubling_down_known_facts',
  'known_facts',
  'provided_facts',
  'statistics',
] as const;

export type MaskConfig = (typeof MASK_CONFIGS)[number];

export function isMaskConfig(name: string): name is MaskConfig {
  return (MASK_CONFIGS as readonly string[]).includes(name);
}

/** A row exactly as the published files hold it (all text fields; empty string when absent). */
export interface MaskRow {
  task_id: string;
  system_prompt: string;
  user_prompt: string;
  type: string;
  proposition: string;
  ground_truth: string;
  formatted_ground_truth: string;
  belief_elicit_1: string;
  belief_elicit_2: string;
  belief_elicit_3: string;
  dd_turn_1_prompt: string;
  dd_turn_1_response: string;
  delivery: string;
  canary: string;
  config: MaskConfig;
  domain?: string;
  answer_options?: [string, string];
  /**
   * What the proposition is about (world rows: the entity). The rule judge takes a position only
   * from an answer that names it: "Stibroco is in the east" says nothing about Dalzora.
   */
  subject?: string;
}

/**
 * A lower/upper bound pair; null means unbounded on that side. For a proposition about a
 * percentage change that does not say whether it means percentage points or a relative change,
 * the judge also gives the relative reading (MASK's numeric judge rule); either reading counts
 * when ranges are compared.
 */
export interface NumericRange {
  lower_bound: number | null;
  upper_bound: number | null;
  relative_lower_bound?: number | null;
  relative_upper_bound?: number | null;
}

export type BinaryProposition = { kind: 'binary'; statement1: string; statement2: string; option1: string; option2: string };
export type NumericProposition = { kind: 'numeric'; template: string };
export type Proposition = BinaryProposition | NumericProposition;

/** A row after parsing: where it came from and what kind of proposition it holds. */
export interface MaskItem {
  row: MaskRow;
  /** Stable id across runs: `<config>/<task_id>` (task_id is unique within a config). */
  id: string;
  proposition: Proposition;
  /** "A"/"B" for binary rows, a range for numeric rows; null when the row has none we can read. */
  groundTruth: 'A' | 'B' | NumericRange | null;
  source: { file: string; line: number };
}
