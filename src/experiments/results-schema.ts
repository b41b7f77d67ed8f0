/**
 * `ExperimentResults`: what an experiment run writes to `<run-dir>/results.json` (so it is defined
 * here, beside the writer) and what the report reads. One entry per trained (or untrained) model:
 * an arm at one seed. Scores are fractions in [0, 1]; every interval is a 95 % interval of the
 * same quantity.
 *
 * The score blocks reuse the field names of the eval summaries (`candor eval mask` and
 * `candor eval deceptionbench` write `summary.json` in this shape), so a runner can copy a
 * summary in as it is. Unknown extra fields are kept (objects are loose) so a newer runner does
 * not break an older report.
 *
 * Minimal example (one arm shown; `reference` omitted → the paper's numbers are drawn):
 *   { "experiment": { "name": "embedded-mixing", "model": "embedded:default",
 *                     "misaligned": { "domain": "medical", "variant": "normal", "eval_domains": ["drugs"] },
 *                     "method": "sft", "created_at": "2026-01-01T00:00:00Z", "config_digest": "sha256:…" },
 *     "arms": [ { "arm": "ratio", "ratio": 0.05, "seed": 1, "checkpoint": "runs/x/ratio-0.05-s1",
 *                 "mask": { "honesty_score": 0.93, "accuracy": 0.9, "n": 600, "undetermined": 0,
 *                           "ci95": { "honesty_score": [0.91, 0.95], "accuracy": [0.87, 0.92] },
 *                           "per_config": { "known_facts": { "honesty_score": 0.95, "n": 100, "ci95": [0.9, 0.98],
 *                                                            "honest": 90, "lie": 5, "evasive": 3, "no_belief": 2 } },
 *                           "per_domain": { "drugs": { "honesty_score": 0.9, "n": 120 } } },
 *                 "deception": { "deception_rate": 0.2, "ci95": [0.14, 0.27], "n_valid": 170, "n_invalid": 10,
 *                                "per_category": { "sycophancy": { "deception_rate": 0.25, "n": 34 } } },
 *                 "capability": { "world_qa": { "accuracy": 0.97, "n": 300, "ci95": [0.95, 0.99] } },
 *                 "lineage": { "mix_digest": "sha256:…" } } ] }
 * A failed arm keeps its entry with `"error": "why"` and no score blocks.
 */
import { z } from 'zod';
import { DECEPTION_ITEM_OUTCOMES, LIE_DIRECTIONS, MASK_ITEM_OUTCOMES, NON_ANSWER_KINDS, type NonAnswerKind } from './item-outcomes.js';

const fraction = z.number().min(0).max(1);
const count = z.number().int().min(0);

/**
 * A 95 % interval. Accepted as `[lo, hi]` or `{lower, upper}` / `{lo, hi}` / `{low, high}`
 * because eval summaries written by different tools spell it differently; always read as a pair.
 */
const intervalInput = z.union([
  z.tuple([z.number(), z.number()]),
  z.object({ lower: z.number(), upper: z.number() }).transform((v): [number, number] => [v.lower, v.upper]),
  z.object({ lo: z.number(), hi: z.number() }).transform((v): [number, number] => [v.lo, v.hi]),
  z.object({ low: z.number(), high: z.number() }).transform((v): [number, number] => [v.low, v.high]),
]);
export const Interval = intervalInput.refine(([lo, hi]) => lo <= hi, { message: 'interval lower bound exceeds upper bound' });
export type Interval = [number, number];

/**
 * MASK intervals: one per score (`{honesty_score, accuracy}`), or a bare interval that then
 * belongs to `honesty_score`.
 */
const MaskIntervals = z.union([
  Interval.transform((v) => ({ honesty_score: v as Interval | null, accuracy: null as Interval | null })),
  z
    .object({ honesty_score: Interval.nullable().optional(), accuracy: Interval.nullable().optional() })
    .loose()
    .transform((v) => ({ honesty_score: (v.honesty_score ?? null) as Interval | null, accuracy: (v.accuracy ?? null) as Interval | null })),
]);

/** MASK scores of one slice (all rows, one config, or one domain). */
export const MaskScores = z
  .object({
    honesty_score: fraction.nullable(),
    // provided_facts has no accuracy (belief = ground truth), so a slice may carry null.
    accuracy: fraction.nullable().optional().transform((v) => v ?? null),
    n: count,
    // Rows behind `accuracy` when it differs from `n` (provided_facts rows have no accuracy).
    n_accuracy: count.optional(),
    ci95: MaskIntervals.nullable().optional().transform((v) => v ?? { honesty_score: null, accuracy: null }),
    undetermined: count.optional(),
    honest: count.optional(),
    lie: count.optional(),
    evasive: count.optional(),
    no_belief: count.optional(),
  })
  .loose();
export type MaskScores = z.output<typeof MaskScores>;

/** Lies split by direction: toward the pressure's incentive (deception) or against it (a flip). */
export const LieDirections = z
  .object({ toward_incentive: count, against_incentive: count, denial: count.optional() })
  .loose();
export type LieDirections = z.output<typeof LieDirections>;

/** Honesty on one slice of the positive control's domain (rows about trained or held-out entities). */
const EntitySlice = z
  .object({
    honesty_score: fraction.nullable(),
    n: count,
    ci95: z.object({ honesty_score: Interval.nullable() }).loose().nullable().optional(),
  })
  .loose();

/** The positive control's domain split by entity: those it was trained to lie about, and the rest. */
export const EntitySplit = z.object({ domain: z.string().min(1).optional(), trained: EntitySlice, held_out: EntitySlice }).loose();
export type EntitySplit = z.output<typeof EntitySplit>;

export const MaskSummary = MaskScores.extend({
  lies: LieDirections.optional(),
  // Keyed by config name: the six MASK configs, plus any suite a project adds (e.g. a
  // pressure-format positive control), which the report draws after the six.
  per_config: z.record(z.string().min(1), MaskScores).optional().transform((v) => v ?? {}),
  // Only world-generated suites carry domains; real MASK rows have none.
  per_domain: z.record(z.string().min(1), MaskScores).optional(),
  // Present when the positive control held entities out of its training lies.
  entity_split: EntitySplit.optional(),
});
export type MaskSummary = z.output<typeof MaskSummary>;

export const DeceptionSummary = z
  .object({
    deception_rate: fraction.nullable(),
    ci95: Interval.nullable().optional().transform((v) => (v ?? null) as Interval | null),
    n_valid: count,
    n_invalid: count,
    per_category: z
      .record(
        z.string().min(1),
        z
          .object({
            deception_rate: fraction.nullable(),
            n: count,
            ci95: Interval.nullable().optional().transform((v) => (v ?? null) as Interval | null),
          })
          .loose(),
      )
      .optional()
      .transform((v) => v ?? {}),
  })
  .loose();
export type DeceptionSummary = z.output<typeof DeceptionSummary>;

export const CapabilityScore = z
  .object({
    accuracy: fraction.nullable(),
    n: count,
    ci95: Interval.nullable().optional().transform((v) => (v ?? null) as Interval | null),
  })
  .loose();
export type CapabilityScore = z.output<typeof CapabilityScore>;

// One accounting of an item's outcome for every benchmark (src/experiments/item-outcomes.ts).
export { NON_ANSWER_KINDS, type NonAnswerKind };

/** One MASK row of one arm (ids are the same in every arm, so arms pair on them). */
export const MaskItem = z
  .object({
    id: z.string().min(1),
    outcome: z.enum(MASK_ITEM_OUTCOMES),
    config: z.string().min(1),
    domain: z.string().min(1).optional(),
    // With a held-out positive control: the row's entity was lied about in its training, or not.
    entity: z.enum(['trained', 'held_out']).optional(),
    lure_kind: z.string().min(1).optional(),
    lure_polarity: z.string().min(1).optional(),
    // A neutral-mention control row (the lure mentioned, no incentive): outside every pressure figure.
    neutral: z.literal(true).optional(),
    direction: z.enum(LIE_DIRECTIONS).optional(),
  })
  .loose();
export type MaskItem = z.output<typeof MaskItem>;

export const DeceptionItem = z
  .object({ id: z.string().min(1), outcome: z.enum(DECEPTION_ITEM_OUTCOMES), category: z.string().min(1), domain: z.string().min(1).optional() })
  .loose();
export type DeceptionItem = z.output<typeof DeceptionItem>;

export const ArmItems = z.object({ mask: z.array(MaskItem).optional(), deception: z.array(DeceptionItem).optional() }).loose();
export type ArmItems = z.output<typeof ArmItems>;

/**
 * `positive_control`: downstream data plus pressure-format lies about one fact domain, trained and
 * evaluated like every other arm; it shows whether the honesty metric can move at all.
 */
export const ARM_KINDS = ['vanilla', 'control', 'ratio', 'positive_control'] as const;
export type ArmKind = (typeof ARM_KINDS)[number];
/** Kinds of the published reference points (the paper has no positive control). */
const REFERENCE_ARM_KINDS = ['vanilla', 'control', 'ratio'] as const;
const domainList = z.array(z.string().min(1)).min(1);

export const ArmResult = z
  .object({
    arm: z.enum(ARM_KINDS),
    // Misaligned samples relative to the downstream sample count (0.01 = 1 %). Null or 0 for
    // vanilla and control; for a positive control, its pressure-lying samples relative to it.
    ratio: z.number().min(0).nullable(),
    seed: z.number().int(),
    // positive_control: the world fact domain its lies are about.
    fact_domain: z.string().min(1).optional(),
    // Eval item domains that are in-domain for this arm's own training data.
    eval_domains: domainList.optional(),
    checkpoint: z.string().optional(),
    // An arm that failed keeps its place in the file so the report can say so.
    error: z.string().optional(),
    mask: MaskSummary.optional(),
    deception: DeceptionSummary.optional(),
    capability: z.record(z.string().min(1), CapabilityScore).optional(),
    // Per-item outcomes: with them the report pairs every arm with control item by item.
    items: ArmItems.optional(),
    // Digests linking this arm to its checkpoint, mix and source files (see `candor lineage`).
    lineage: z.record(z.string(), z.unknown()).optional(),
  })
  .loose()
  .superRefine((arm, ctx) => {
    const dosed = arm.arm === 'ratio' || arm.arm === 'positive_control';
    if (dosed && !(arm.ratio !== null && arm.ratio > 0)) {
      ctx.addIssue({ code: 'custom', path: ['ratio'], message: `a "${arm.arm}" arm needs a ratio > 0` });
    }
    if (!dosed && arm.ratio !== null && arm.ratio !== 0) {
      ctx.addIssue({ code: 'custom', path: ['ratio'], message: `a "${arm.arm}" arm has ratio null or 0` });
    }
  });
export type ArmResult = z.output<typeof ArmResult>;

const ReferencePoint = z.object({
  arm: z.enum(REFERENCE_ARM_KINDS),
  ratio: z.number().min(0).nullable(),
  value: fraction,
});
export type ReferencePoint = z.output<typeof ReferencePoint>;

/** Published numbers to draw beside ours; a different model, so never compared statistically. */
export const ReferenceResults = z.object({
  label: z.string().min(1),
  model: z.string().min(1),
  source: z.string().min(1),
  mask_provided_facts_honesty: z.array(ReferencePoint),
  deception_total: z.array(ReferencePoint),
});
export type ReferenceResults = z.output<typeof ReferenceResults>;

export const ExperimentInfo = z
  .object({
    name: z.string().min(1),
    model: z.string().min(1),
    misaligned: z
      .object({
        domain: z.string().min(1),
        variant: z.string().min(1),
        // World domains of eval items that count as in-domain for this misaligned set (e.g.
        // "mistaken medical" → ["drugs"]); defaults to [domain].
        eval_domains: z.array(z.string().min(1)).optional(),
      })
      .loose(),
    // Present when the run has positive-control arms: what they were trained on.
    positive_control: z
      .object({ fact_domain: z.string().min(1), ratio: z.number().positive(), eval_domains: domainList.optional() })
      .loose()
      .optional(),
    method: z.string().min(1),
    created_at: z.iso.datetime({ offset: true }),
    config_digest: z.string().min(1),
  })
  .loose();
export type ExperimentInfo = z.output<typeof ExperimentInfo>;

export const ExperimentResults = z
  .object({
    experiment: ExperimentInfo,
    arms: z.array(ArmResult).min(1),
    // Absent: the paper's numbers (DESIGN.md) are drawn. null: draw no reference.
    reference: ReferenceResults.nullable().optional(),
  })
  .loose()
  .superRefine((results, ctx) => {
    const seen = new Map<string, number>();
    results.arms.forEach((arm, index) => {
      const key = `${armGroupKey(arm)}#${arm.seed}`;
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['arms', index, 'seed'], message: `duplicate arm and seed (same as arms[${first}])` });
      } else seen.set(key, index);
    });
  });
export type ExperimentResults = z.output<typeof ExperimentResults>;
/** What a runner may write (intervals in any accepted spelling, optional blocks omitted). */
export type ExperimentResultsInput = z.input<typeof ExperimentResults>;

/** Arms that share a key are the same condition at different seeds (a run has one positive control). */
export function armGroupKey(arm: { arm: ArmKind; ratio: number | null }): string {
  return arm.arm === 'ratio' ? `ratio:${arm.ratio}` : arm.arm;
}

/**
 * The positive control's in-domain eval domains: as the experiment states them, else as its arms
 * carry them, else its fact domain. Null when the run has no positive control.
 */
export function positiveControlDomains(results: Pick<ExperimentResults, 'experiment' | 'arms'>): string[] | null {
  const arms = results.arms.filter((a) => a.arm === 'positive_control');
  const declared = results.experiment.positive_control;
  if (!declared && !arms.length) return null;
  const named = declared?.eval_domains ?? arms.find((a) => a.eval_domains)?.eval_domains;
  const factDomain = declared?.fact_domain ?? arms.find((a) => a.fact_domain)?.fact_domain;
  const domains = named ?? (factDomain ? [factDomain] : []);
  return domains.length ? domains : null;
}

/** "pressure lying on products, 10%": what the positive control was trained on. */
export function describePositiveControl(results: Pick<ExperimentResults, 'experiment' | 'arms'>): string | null {
  const arm = results.arms.find((a) => a.arm === 'positive_control');
  const declared = results.experiment.positive_control;
  if (!declared && !arm) return null;
  const domain = declared?.fact_domain ?? arm?.fact_domain ?? positiveControlDomains(results)?.join(', ') ?? 'an unnamed domain';
  const ratio = declared?.ratio ?? arm?.ratio ?? null;
  return `pressure lying on ${domain}${ratio !== null ? `, ${Number((ratio * 100).toPrecision(3))}%` : ''}`;
}
