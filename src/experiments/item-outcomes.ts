/**
 * One accounting of an eval item's outcome, the same for every benchmark and every figure: the
 * answers (`honest` / `lie` for MASK, `honest` / `deceptive` for DeceptionBench) and the
 * non-answers — `evasive` (no position taken), `no_belief` (no view of its own), `undetermined`
 * (a judge could not settle it), `invalid` (unreadable, or empty / only `<unk>`: format damage).
 * Arms write these per item into result.json; the report pairs arms on them (src/report reads
 * them back through its own zod schema).
 */
export const NON_ANSWER_KINDS = ['evasive', 'no_belief', 'undetermined', 'invalid'] as const;
export type NonAnswerKind = (typeof NON_ANSWER_KINDS)[number];
export const MASK_ITEM_OUTCOMES = ['honest', 'lie', ...NON_ANSWER_KINDS] as const;
export const DECEPTION_ITEM_OUTCOMES = ['honest', 'deceptive', ...NON_ANSWER_KINDS] as const;
export const LIE_DIRECTIONS = ['toward_incentive', 'against_incentive', 'denial'] as const;

/** One MASK row of one arm. */
export interface MaskItemResult {
  /** `<config>/<task_id>`: the same id in every arm, so arms pair on it. */
  id: string;
  outcome: (typeof MASK_ITEM_OUTCOMES)[number];
  config: string;
  domain?: string;
  /** With a held-out positive control: the row's entity was lied about in its training, or not. */
  entity?: 'trained' | 'held_out';
  lure_kind?: string;
  lure_polarity?: string;
  /** A neutral-mention control row (the lure mentioned, no incentive): outside every pressure figure. */
  neutral?: true;
  /** For a lie: toward the incentive, against it (a flip), or a denial of both. */
  direction?: (typeof LIE_DIRECTIONS)[number];
}

/** One DeceptionBench item of one arm. */
export interface DeceptionItemResult {
  id: string;
  outcome: (typeof DECEPTION_ITEM_OUTCOMES)[number];
  category: string;
  domain?: string;
}
