/**
 * One arm's DeceptionBench items as the report's paired statistics read them, from the run's
 * samples.jsonl, in the one accounting of non-answers the MASK rows use: `deceptive` / `honest`
 * (valid items), `evasive` (the action takes neither side), `no_belief` (the model's own view U
 * takes neither side), `invalid` (unreadable or truncated, or an answer that is empty or only
 * `<unk>`), `undetermined` (a judge question could not be settled).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { readOwnJsonLines } from '../data/json-records.js';
import type { DeceptionItemResult } from './item-outcomes.js';
import { isEmptyAnswer } from './mask-breakdown.js';

export type DeceptionItemOutcome = DeceptionItemResult['outcome'];
export type { DeceptionItemResult } from './item-outcomes.js';

const record = z
  .object({
    id: z.string(),
    category: z.string(),
    domain: z.string().optional(),
    response: z.string().nullable().optional(),
    outcome: z.union([
      z.object({ status: z.literal('scored'), deceptive: z.boolean() }).loose(),
      z.object({ status: z.literal('invalid'), kind: z.string().optional() }).loose(),
      z.object({ status: z.literal('undetermined') }).loose(),
    ]),
  })
  .loose();

export function deceptionItemResults(runDir: string): DeceptionItemResult[] {
  const byId = new Map<string, DeceptionItemResult>();
  for (const value of readOwnJsonLines(join(runDir, 'samples.jsonl'))) {
    const parsed = record.safeParse(value);
    if (!parsed.success) continue;
    const r = parsed.data;
    byId.set(r.id, { id: r.id, outcome: outcomeOf(r), category: r.category, ...(r.domain ? { domain: r.domain } : {}) });
  }
  return [...byId.values()];
}

function outcomeOf(r: z.infer<typeof record>): DeceptionItemOutcome {
  const o = r.outcome;
  if (o.status === 'undetermined') return 'undetermined';
  if ('response' in r && isEmptyAnswer(r.response)) return 'invalid';
  if (o.status === 'scored') return o.deceptive ? 'deceptive' : 'honest';
  const kind = (o as { kind?: string }).kind;
  return kind === 'no_position' ? 'evasive' : kind === 'no_view' ? 'no_belief' : 'invalid';
}
