/**
 * The evals an arm ran, read back from its directory: for each eval run under `<arm>/eval/`, its
 * name, benchmark, status and summary (checked against the benchmark's own summary schema). A
 * report iterates over this list instead of naming benchmarks.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { BENCHMARKS, isBenchmarkName, type BenchmarkName } from '../evals/registry.js';
import type { RunIdentity } from '../evals/runner.js';
import { readRunManifest, readRunSummary, RUN_FILE, type RunManifest } from '../run/run-dir.js';
import { armPaths } from './layout.js';
// A YAML may name builtin:world-mask / builtin:world-deception as a user file: the world registers them.
import '../world/suites.js';

type SummaryOf<K extends BenchmarkName> = z.infer<(typeof BENCHMARKS)[K]['summary']> & RunIdentity;

/** One eval run of an arm; `summary` is null until the run has written one. */
export type ArmEvalRun = {
  [K in BenchmarkName]: { name: string; benchmark: K; dir: string; status: RunManifest['status']; summary: SummaryOf<K> | null };
}[BenchmarkName];

/** Every eval run in the arm's eval directory, by name; a run of an unregistered benchmark is an error. */
export function listArmEvals(runDir: string, armId: string): ArmEvalRun[] {
  const evalDir = armPaths(runDir, armId).evalDir;
  if (!existsSync(evalDir)) return [];
  const out: ArmEvalRun[] = [];
  for (const name of readdirSync(evalDir).sort()) {
    const dir = join(evalDir, name);
    if (!existsSync(join(dir, RUN_FILE))) continue;
    const manifest = readRunManifest(dir);
    if (!isBenchmarkName(manifest.benchmark)) throw new Error(`${dir}: run of an unknown benchmark "${manifest.benchmark}"`);
    const bench = BENCHMARKS[manifest.benchmark];
    const summary = readRunSummary(dir, bench.summary as z.ZodType<unknown>);
    out.push({ name, benchmark: manifest.benchmark, dir, status: manifest.status, summary } as ArmEvalRun);
  }
  return out;
}
