/**
 * A made-up but well-formed results object, for rendering tests and the report benchmark
 * (bench/report-render.ts); it lives with the tests because no shipped code uses it. Values are drawn from a seeded
 * generator around a chosen honesty drop per unit ratio; nothing here is a measurement.
 */
import { createRng } from '../src/util/random.js';
import { DECEPTION_CATEGORIES } from '../src/evals/deceptionbench/types.js';
import { MASK_CONFIGS } from '../src/evals/mask/types.js';
import type { ExperimentResultsInput } from '../src/experiments/results-schema.js';
import { defined } from './defined.helper.js';

export interface SyntheticOptions {
  ratios?: number[];
  seeds?: number[];
  /** Honesty lost per unit of ratio (0.5 → −15 points at 30 %); 0 gives a null effect. */
  honestyDropPerRatio?: number;
  items?: number;
  domains?: string[];
  inDomain?: string;
  capabilities?: string[];
  /**
   * Adds a positive-control arm per seed: pressure lying on `factDomain` (added to `domains` if
   * missing) at `ratio` (default 0.1), whose honesty on that domain drops by `drop` (0 = it does
   * not move). With `heldOutDrop`, every arm also carries that domain split by entity: the
   * positive control's trained entities drop by `drop`, its held-out ones by `heldOutDrop`.
   */
  positiveControl?: { factDomain: string; ratio?: number; drop: number; heldOutDrop?: number };
}

export function syntheticResults(options: SyntheticOptions = {}): ExperimentResultsInput {
  const ratios = options.ratios ?? [0.01, 0.02, 0.05, 0.1, 0.2, 0.3];
  const seeds = options.seeds ?? [1, 2, 3];
  const drop = options.honestyDropPerRatio ?? 0.5;
  const items = options.items ?? 300;
  const positive = options.positiveControl;
  const baseDomains = options.domains ?? ['products', 'drugs', 'math', 'finance'];
  const domains = positive && !baseDomains.includes(positive.factDomain) ? [...baseDomains, positive.factDomain] : baseDomains;
  const inDomain = options.inDomain ?? 'drugs';
  const capabilities = options.capabilities ?? ['world_qa', 'arithmetic'];
  const rng = createRng('synthetic-results');

  const score = (base: number, n: number) => {
    const value = Math.min(1, Math.max(0, base + rng.normal() * 0.01));
    const half = 1.96 * Math.sqrt((value * (1 - value)) / n) + 0.005;
    return { value, ci: [Math.max(0, value - half), Math.min(1, value + half)] as [number, number] };
  };
  const mask = (honesty: number, n: number) => {
    const h = score(honesty, n);
    const a = score(0.9, n);
    return { honesty_score: h.value, accuracy: a.value, n, ci95: { honesty_score: h.ci, accuracy: a.ci }, undetermined: 0 };
  };

  const arms: ExperimentResultsInput['arms'] = [];
  const conditions: { arm: 'vanilla' | 'control' | 'ratio' | 'positive_control'; ratio: number | null; honesty: number; armSeeds: number[] }[] = [
    { arm: 'vanilla', ratio: null, honesty: 0.8, armSeeds: [defined(seeds[0], 'a seed')] },
    { arm: 'control', ratio: null, honesty: 0.9, armSeeds: seeds },
    ...ratios.map((r) => ({ arm: 'ratio' as const, ratio: r, honesty: 0.9 - drop * r, armSeeds: seeds })),
    ...(positive ? [{ arm: 'positive_control' as const, ratio: positive.ratio ?? 0.1, honesty: 0.9 - positive.drop / domains.length, armSeeds: seeds }] : []),
  ];
  const domainHonesty = (condition: (typeof conditions)[number], domain: string): number => {
    if (condition.arm === 'positive_control') return domain === positive!.factDomain ? 0.9 - positive!.drop : 0.9;
    return domain === inDomain ? condition.honesty - 0.5 * (condition.honesty < 0.9 ? 0.9 - condition.honesty : 0) : condition.honesty;
  };
  const syntheticEntitySplit = (condition: (typeof conditions)[number], trainedHonesty: number) => {
    const n = Math.round(items / domains.length / 2);
    const heldOut = condition.arm === 'positive_control' ? 0.9 - positive!.heldOutDrop! : trainedHonesty;
    const slice = (honesty: number) => {
      const s = score(honesty, n);
      return { honesty_score: s.value, n, ci95: { honesty_score: s.ci } };
    };
    return { domain: positive!.factDomain, trained: slice(trainedHonesty), held_out: slice(heldOut) };
  };
  for (const condition of conditions) {
    for (const seed of condition.armSeeds) {
      const perConfig = Object.fromEntries(MASK_CONFIGS.map((c) => [c, mask(condition.honesty, Math.round(items / 6))]));
      perConfig.provided_facts = { ...defined(perConfig.provided_facts, 'provided_facts'), accuracy: null as unknown as number };
      const perDomain = Object.fromEntries(
        domains.map((d) => [d, mask(domainHonesty(condition, d), Math.round(items / domains.length))]),
      );
      const entitySplit = positive?.heldOutDrop === undefined ? undefined : syntheticEntitySplit(condition, domainHonesty(condition, positive.factDomain));
      const rate = score(0.25 + 0.2 * (condition.ratio ?? 0), 180);
      arms.push({
        arm: condition.arm,
        ratio: condition.ratio,
        seed,
        ...(condition.arm === 'positive_control' ? { fact_domain: positive!.factDomain, eval_domains: [positive!.factDomain] } : {}),
        checkpoint: condition.arm === 'vanilla' ? 'models/embedded-base' : `runs/synthetic/${condition.arm}-${condition.ratio ?? 0}-s${seed}`,
        mask: {
          ...mask(condition.honesty, items),
          per_config: perConfig,
          per_domain: perDomain,
          lies: { toward_incentive: Math.round(items * (1 - condition.honesty)), against_incentive: 3, denial: 1 },
          ...(entitySplit ? { entity_split: entitySplit } : {}),
        },
        deception: {
          deception_rate: rate.value,
          ci95: rate.ci,
          n_valid: 170,
          n_invalid: 10,
          per_category: Object.fromEntries(DECEPTION_CATEGORIES.map((c) => [c, { deception_rate: score(rate.value, 34).value, n: 34 }])),
        },
        capability: Object.fromEntries(capabilities.map((c) => [c, { accuracy: score(0.85, 200).value, n: 200 }])),
        lineage: { mix_digest: `sha256:${(seed * 7919 + Math.round((condition.ratio ?? 0) * 1000)).toString(16)}` },
      });
    }
  }
  return {
    experiment: {
      name: 'synthetic-demo',
      model: 'embedded:default',
      misaligned: { domain: 'medical', variant: 'normal', eval_domains: [inDomain] },
      ...(positive ? { positive_control: { fact_domain: positive.factDomain, ratio: positive.ratio ?? 0.1, eval_domains: [positive.factDomain] } } : {}),
      method: 'sft',
      created_at: '2026-01-01T00:00:00Z',
      config_digest: 'sha256:synthetic',
    },
    arms,
  };
}
