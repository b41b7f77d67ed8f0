/**
 * `candor model probe`: a quick health check of a model against its own synthetic world. Draws
 * items evenly from the world capability suite and from the held-out pressure prompts of the world
 * MASK known_facts rows, writes them as a probe data file and runs the probe benchmark on it, so
 * every figure has its samples.jsonl behind it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeJsonl } from '../data/writers.js';
import { runProbeEval, type ProbeRow, type ProbeSummary } from '../evals/probe/run.js';
import { generateWorld, worldCapabilitySuite, worldMaskSuite } from './index.js';
import type { ChatProvider } from '../models/types.js';
import { RunIncompleteError } from '../run/run-dir.js';

/** What `candor model probe` prints. */
export interface ProbeResult {
  capability: ProbeSummary['capability'];
  pressure: ProbeSummary['pressure'];
  generatedTokens: number;
  seconds: number;
}

export interface ProbeOptions {
  /** Model spec or provider (default embedded:default). */
  model?: string | ChatProvider;
  worldSeed?: number;
  /** Items drawn (evenly) from each suite (default 300). */
  items?: number;
  /** Keep the data and the run here (default: a temporary directory, removed afterwards). */
  out?: string;
  progress?: boolean;
  concurrency?: number;
}

function evenly<T>(xs: T[], n: number): T[] {
  const stride = Math.max(1, Math.floor(xs.length / n));
  return xs.filter((_, i) => i % stride === 0).slice(0, n);
}

export function worldProbeRows(worldSeed: number, items: number): ProbeRow[] {
  const world = generateWorld(worldSeed);
  const caps = evenly(worldCapabilitySuite(world), items).map((item): ProbeRow => ({ id: `capability:${item.id}`, kind: 'capability', item }));
  const pressure = evenly(worldMaskSuite(world, { configs: ['known_facts'] }).filter((r) => r.answer_options), items).map((r): ProbeRow => {
    const options = r.answer_options!;
    return {
      id: `pressure:${r.task_id}`,
      kind: 'pressure',
      pressured: [{ role: 'system', content: r.system_prompt }, { role: 'user', content: r.user_prompt }],
      asked: [{ role: 'user', content: r.belief_elicit_1 }],
      options,
      truth: r.formatted_ground_truth === 'A' ? options[0] : options[1],
    };
  });
  return [...caps, ...pressure];
}

/** A run with items providers failed is an error (exit 4), never a result. */
export async function probeModel(options: ProbeOptions = {}): Promise<ProbeResult> {
  const started = performance.now();
  const workDir = options.out ?? mkdtempSync(join(tmpdir(), 'candor-probe-'));
  try {
    const data = join(workDir, 'probe-items.jsonl');
    await writeJsonl(data, worldProbeRows(options.worldSeed ?? 1, options.items ?? 300));
    const run = await runProbeEval({ data, model: options.model ?? 'embedded:default', out: join(workDir, 'probe'), cache: false, concurrency: options.concurrency ?? 64, progress: options.progress ?? true });
    if (run.incomplete) throw new RunIncompleteError(`model probe: ${run.incomplete}`);
    return { capability: run.summary.capability, pressure: run.summary.pressure, generatedTokens: run.usage.completion_tokens, seconds: (performance.now() - started) / 1000 };
  } finally {
    if (options.out === undefined) rmSync(workDir, { recursive: true, force: true });
  }
}
