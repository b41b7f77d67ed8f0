/**
 * The capability benchmark's summary.json: accuracy per score group, over scored items. An item a
 * provider failed is counted apart (`errors`), never as a wrong answer. This module writes the
 * summary and owns its schema.
 */
import { z } from 'zod';
import { bootstrapMeanCI, mean } from '../stats/bootstrap.js';
import type { CapabilityTask } from './tasks.js';

export const CapabilityScoreSchema = z.object({
  accuracy: z.number().min(0).max(1).nullable(),
  n: z.number().int().min(0),
  ci95: z.tuple([z.number(), z.number()]).nullable(),
  errors: z.number().int().min(0),
  per_domain: z.record(z.string(), z.object({ accuracy: z.number().min(0).max(1).nullable(), n: z.number().int().min(0) })).optional(),
});
export type CapabilityScoreOut = z.infer<typeof CapabilityScoreSchema>;

export const CapabilitySummarySchema = z.object({
  benchmark: z.literal('capability'),
  /** Score group ("world_qa", "arithmetic", a user file's name …) → its accuracy. */
  groups: z.record(z.string(), CapabilityScoreSchema),
});
export type CapabilitySummary = z.infer<typeof CapabilitySummarySchema>;

/** Accuracy per group over scored items, groups in data order; `outcomes` maps task id → correct (null: a provider error). */
export function summarizeCapability(tasks: readonly Pick<CapabilityTask, 'id' | 'group' | 'domain'>[], outcomes: ReadonlyMap<string, boolean | null>, seed: number): Record<string, CapabilityScoreOut> {
  const groups = new Map<string, Pick<CapabilityTask, 'id' | 'group' | 'domain'>[]>();
  for (const t of tasks) groups.set(t.group, [...(groups.get(t.group) ?? []), t]);
  const out: Record<string, CapabilityScoreOut> = {};
  for (const [group, members] of groups) {
    const values: number[] = [];
    let errors = 0;
    const byDomain = new Map<string, number[]>();
    for (const t of members) {
      const o = outcomes.get(t.id);
      if (o === null || o === undefined) {
        errors++;
        continue;
      }
      values.push(o ? 1 : 0);
      if (t.domain) byDomain.set(t.domain, [...(byDomain.get(t.domain) ?? []), o ? 1 : 0]);
    }
    out[group] = {
      accuracy: mean(values),
      n: values.length,
      ci95: bootstrapMeanCI(values, { seed: `${seed}:capability:${group}` }),
      errors,
      ...(byDomain.size > 1 ? { per_domain: Object.fromEntries([...byDomain].map(([d, v]) => [d, { accuracy: mean(v), n: v.length }])) } : {}),
    };
  }
  return out;
}
