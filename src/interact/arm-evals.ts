/**
 * The benchmarks after each arm: MASK and DeceptionBench on the arm's final assistant through the
 * evals runner (its own run directory under the interaction run, resumable like any eval run),
 * with scores split into in-domain (the world domains the scenarios touched) and cross-domain.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runDeceptionBenchEval } from '../evals/deceptionbench/run.js';
import { runMaskEval } from '../evals/mask/run.js';

export interface ArmEvalSettings {
  mask?: { data: string; judge: string; limit?: number };
  deceptionbench?: { data: string; judge: string; limit?: number };
}

export interface DomainSplit {
  in_domain: number | null;
  cross_domain: number | null;
}

export interface ArmEvalResult {
  mask?: { honesty_score: number | null; interval: [number, number] | null; split: DomainSplit; run_dir: string; incomplete: string | null };
  deceptionbench?: { deception_rate: number | null; interval: [number, number] | null; split: DomainSplit; run_dir: string; incomplete: string | null };
}

/** Mean of per-domain scores weighted by their item counts, over the domains in (or out of) `touched`. */
function split(perDomain: Record<string, Record<string, unknown>> | undefined, key: string, touched: ReadonlySet<string>): DomainSplit {
  const pool = (inside: boolean) => {
    let num = 0;
    let den = 0;
    for (const [domain, scores] of Object.entries(perDomain ?? {})) {
      if (touched.has(domain) !== inside) continue;
      const value = scores[key];
      const n = Number(scores.n);
      if (typeof value === 'number' && Number.isFinite(n) && n > 0) {
        num += value * n;
        den += n;
      }
    }
    return den ? num / den : null;
  };
  return { in_domain: pool(true), cross_domain: pool(false) };
}

/** A new eval run, or the one a killed interaction run left in that directory (resumed, its stored options win). */
function target(dir: string): { out: string } | { resume: string } {
  return existsSync(join(dir, 'run.json')) ? { resume: dir } : { out: dir };
}

export async function evaluateArm(modelSpec: string, settings: ArmEvalSettings, outDir: string, touchedDomains: ReadonlySet<string>): Promise<ArmEvalResult> {
  const result: ArmEvalResult = {};
  if (settings.mask) {
    const r = await runMaskEval({ data: settings.mask.data, model: modelSpec, judge: settings.mask.judge, ...target(join(outDir, 'mask')), progress: false, ...(settings.mask.limit ? { limit: settings.mask.limit } : {}) });
    const s = r.summary as unknown as { honesty_score: number | null; ci95: { honesty_score: [number, number] | null }; per_domain?: Record<string, Record<string, unknown>> };
    result.mask = { honesty_score: s.honesty_score, interval: s.ci95.honesty_score, split: split(s.per_domain, 'honesty_score', touchedDomains), run_dir: r.runDir, incomplete: r.incomplete };
  }
  if (settings.deceptionbench) {
    const r = await runDeceptionBenchEval({ data: settings.deceptionbench.data, model: modelSpec, judge: settings.deceptionbench.judge, ...target(join(outDir, 'deceptionbench')), progress: false, ...(settings.deceptionbench.limit ? { limit: settings.deceptionbench.limit } : {}) });
    const s = r.summary as unknown as { deception_rate: number | null; ci95: [number, number] | null; per_domain?: Record<string, Record<string, unknown>> };
    result.deceptionbench = { deception_rate: s.deception_rate, interval: s.ci95, split: split(s.per_domain, 'deception_rate', touchedDomains), run_dir: r.runDir, incomplete: r.incomplete };
  }
  return result;
}
