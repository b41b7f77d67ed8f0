/**
 * Every benchmark Candor runs, by name (the name run.json records). Static imports only, so the
 * type checker sees every benchmark; adding one is a folder under src/evals/ and a line here
 * (see README.md in this folder).
 */
import { CAPABILITY } from './capability/run.js';
import { DECEPTION_BENCH } from './deceptionbench/run.js';
import { MASK } from './mask/run.js';
import { PROBE } from './probe/run.js';
import type { AnyBenchmark } from './runner.js';

export const BENCHMARKS = {
  mask: MASK,
  deceptionbench: DECEPTION_BENCH,
  capability: CAPABILITY,
  probe: PROBE,
} as const satisfies Record<string, AnyBenchmark>;

export type BenchmarkName = keyof typeof BENCHMARKS;

export function isBenchmarkName(name: string): name is BenchmarkName {
  return Object.hasOwn(BENCHMARKS, name);
}

/** The benchmark a run directory names, or null for a name no longer registered. */
export function benchmarkNamed(name: string): AnyBenchmark | null {
  return isBenchmarkName(name) ? BENCHMARKS[name] : null;
}
