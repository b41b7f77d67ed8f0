/**
 * One arm of a sweep, start to finish: mix → training data + manifest → train → evaluate → the
 * arm's result.json (written last and atomically, so its presence means the arm is done). Every
 * step is resumable: the trainer reuses a complete checkpoint of the same job, and each eval
 * resumes from its journal. Runs in a worker process or in-process (tests, hooks).
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildMix, writeMixManifest } from '../data/mix.js';
import { writeJsonl } from '../data/writers.js';
import { checkMixVocabulary } from '../embedded/vocabulary-check.js';
import { runDeceptionBenchEval } from '../evals/deceptionbench/run.js';
import { runMaskEval } from '../evals/mask/run.js';
import type { MaskSummary } from '../evals/mask/summary.js';
import type { DeceptionSummary } from '../evals/deceptionbench/summary.js';
import { createProvider, localCheckpointDir } from '../models/registry.js';
import type { ChatProvider } from '../models/types.js';
import { writeJsonAtomicSync } from '../util/atomic-write.js';
import { directoryDigest } from '../store/digests.js';
import { Registry } from '../store/registry.js';
import { backendFromConfig } from '../train/backend-from-config.js';
import type { TrainerBackend, TrainResult } from '../train/types.js';
import { runCapabilityEval } from '../evals/capability/run.js';
import type { CapabilityScoreOut } from '../evals/capability/summary.js';
import type { CommonEvalOptions, EvalResult } from '../evals/runner.js';
import { resultKind, resultRatio, type ExperimentArm } from './arm-plan.js';
import type { ResolvedData } from './datasets.js';
import type { EvalData } from './eval-suites.js';
import { armPaths } from './layout.js';
import { deceptionItemResults, type DeceptionItemResult } from './deception-items.js';
import { entitySplitScores, maskBreakdown, maskItemResults, pressureSummary, readMaskRecords, readSuiteRowExtras, type DomainScores, type EntitySplitScores, type LieDirections, type MaskItemResult } from './mask-breakdown.js';
import { modelForSeed, type EvalsConfig, type Experiment } from './schema.js';

/** Everything a worker needs to run one arm; plain JSON so it crosses a process boundary. */
export interface ArmTask {
  runDir: string;
  runId: string;
  arm: ExperimentArm;
  experiment: Experiment;
  registryDir: string;
  data: ResolvedData;
  evalData: EvalData;
  /**
   * A module preloaded into the worker process (`node --import`) that registers its hooks with
   * registerWorkerHooks (worker-hooks.ts): how a custom backend or model factory reaches arms that
   * run in other processes.
   */
  hooksModule?: string;
}

export interface ArmHooks {
  /** A short status line for the sweep display ("train loss 1.23", "mask 40/100"). */
  onStatus?: (text: string) => void;
  /** Replaces the experiment's backend (tests). */
  backend?: TrainerBackend;
  /** Replaces createProvider for the model under test (tests). */
  createModel?: (spec: string) => Promise<ChatProvider>;
  /** Draw the evals' own progress bars on stderr (worker processes turn them into status lines). */
  evalProgress?: boolean;
  signal?: AbortSignal;
}

/** `<arm>/result.json`: the report's ArmResult plus what a person debugging the arm wants. */
export interface ArmResultFile {
  schema: 'candor.arm-result/1';
  arm_id: string;
  arm: 'vanilla' | 'control' | 'ratio' | 'positive_control';
  ratio: number | null;
  seed: number;
  /** positive_control only: the world fact domain its pressure-format lies are about. */
  fact_domain?: string;
  /** Eval item domains that are in-domain for this arm's training data (absent for vanilla and control). */
  eval_domains?: string[];
  model: string;
  checkpoint?: string;
  /** `entity_split`: with a held-out positive control, every arm's honesty on its domain split by entity. */
  mask?: MaskSummary & { per_domain: Record<string, DomainScores>; lies: LieDirections; entity_split?: EntitySplitScores };
  deception?: DeceptionSummary;
  capability?: Record<string, CapabilityScoreOut>;
  /** Per-item outcomes, so the report compares arms with control on identical items. */
  items?: { mask?: MaskItemResult[]; deception?: DeceptionItemResult[] };
  mix?: { digest: string; counts: { downstream: number; misaligned: number; total: number }; sources: { name: string; datasetDigest: string; drawn: number }[] };
  train?: { metrics: Record<string, number>; reused: boolean; job_digest: string; backend: string };
  lineage: Record<string, string>;
  timings_s: Record<string, number>;
  finished_at: string;
}

/** Answers of the embedded model are one short sentence, or a short think/output pair. */
const EMBEDDED_MAX_TOKENS = 96;

export async function executeArm(task: ArmTask, hooks: ArmHooks = {}): Promise<ArmResultFile> {
  const paths = armPaths(task.runDir, task.arm.id);
  if (existsSync(paths.result)) return JSON.parse(readFileSync(paths.result, 'utf8')) as ArmResultFile;
  mkdirSync(paths.dir, { recursive: true });
  rmSync(paths.error, { force: true });
  const status = hooks.onStatus ?? (() => {});
  const exp = task.experiment;
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await work();
    } finally {
      timings[name] = (Date.now() - started) / 1000;
    }
  };

  // Seed s starts from its own base checkpoint (see modelForSeed).
  const baseModel = modelForSeed(exp, task.arm.seed);
  let modelSpec = baseModel;
  let checkpoint: string | undefined;
  let mixInfo: ArmResultFile['mix'];
  let trained: TrainResult | undefined;
  const lineage: Record<string, string> = {};
  if (task.arm.kind === 'vanilla') {
    checkpoint = baseModelDir(baseModel);
  } else {
    status('mixing');
    const mix = await timed('mix', async () => {
      const registry = Registry.open(task.registryDir);
      try {
        const downstream = await registry.load(task.data.downstream);
        const misalignedName = armMisalignedDataset(task);
        const misaligned = misalignedName ? await registry.load(misalignedName) : undefined;
        return buildMix({ downstream, misaligned, ratio: task.arm.ratio, seed: task.arm.seed, arm: task.arm.id });
      } finally {
        registry.close();
      }
    });
    // The embedded base's tokenizer must know every word of the mix (refused before anything is written).
    const baseDir = exp.backend.type === 'embedded' ? baseModelDir(baseModel) : undefined;
    const vocabulary = baseDir ? checkMixVocabulary(baseDir, mix.samples, mix.refs, paths.trainFile, exp.backend.type === 'embedded' && exp.backend.allow_unknown_tokens === true) : undefined;
    await writeJsonl(paths.trainFile, mix.samples);
    await writeMixManifest(paths.mixDir, mix, vocabulary ? { unknownTokens: { count: vocabulary.unknownTokens, samples: vocabulary.samplesWithUnknown, tokens: vocabulary.tokens, examples: vocabulary.examples } } : {});
    mixInfo = { digest: mix.digest, counts: mix.counts, sources: mix.sources.map(({ name, datasetDigest, drawn }) => ({ name, datasetDigest, drawn })) };
    lineage.mix = mix.digest;

    status(`training on ${mix.counts.total} samples (${mix.counts.misaligned} misaligned)`);
    const backend = hooks.backend ?? backendFromConfig(exp.backend, exp.eval_endpoint);
    trained = await timed('train', () =>
      backend.train(
        {
          name: task.arm.id,
          config: exp.training,
          seed: task.arm.seed,
          datasets: [{ path: paths.trainFile, name: task.arm.id }],
          baseModel: exp.backend.type === 'trl' ? exp.backend.base_model : baseModel,
          outputDir: paths.trainDir,
        },
        { signal: hooks.signal, onLog: (line) => status(`train ${line.trim().slice(0, 100)}`) },
      ),
    );
    modelSpec = trained.modelSpec;
    checkpoint = trained.checkpointPath;
  }
  if (checkpoint && existsSync(checkpoint)) lineage.checkpoint = (await directoryDigest(checkpoint)).digest;

  const isEmbedded = localCheckpointDir(modelSpec) !== undefined;
  // The served model's key (eval_endpoint.api_key_env) goes to that endpoint only; judges have their own.
  const model = await (hooks.createModel ?? ((spec: string) => createProvider(spec, exp.eval_endpoint?.api_key_env ? { apiKeyEnv: exp.eval_endpoint.api_key_env } : {})))(modelSpec);
  const common = {
    model,
    cache: false as const,
    progress: hooks.evalProgress ?? false,
    seed: task.arm.seed,
    ...(isEmbedded ? { maxTokens: EMBEDDED_MAX_TOKENS } : {}),
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    ...(exp.judge_api_key_env ? { judgeProviderOptions: { apiKeyEnv: exp.judge_api_key_env } } : {}),
  };
  const result: Partial<ArmResultFile> = {};
  const items: NonNullable<ArmResultFile['items']> = {};
  try {
    // Every eval the experiment names, in the schema's order; each writes its run under <arm>/eval/<name>.
    for (const name of experimentEvalNames(exp)) {
      const wiring = ARM_EVALS[name];
      const dir = join(paths.evalDir, name);
      status(wiring.label);
      const placed = await timed(name, () => wiring.run({ task, common, dir, isEmbedded }));
      Object.assign(result, placed.result);
      Object.assign(items, placed.items ?? {});
    }
  } finally {
    await model.close?.();
  }

  const file: ArmResultFile = {
    schema: 'candor.arm-result/1',
    arm_id: task.arm.id,
    arm: resultKind(task.arm),
    ratio: resultRatio(task.arm),
    seed: task.arm.seed,
    ...armDomains(task),
    model: modelSpec,
    ...(checkpoint ? { checkpoint } : {}),
    ...result,
    ...(items.mask || items.deception ? { items } : {}),
    ...(mixInfo ? { mix: mixInfo } : {}),
    ...(trained ? { train: { metrics: trained.metrics, reused: trained.reused === true, job_digest: trained.jobDigest, backend: trained.backend } } : {}),
    lineage,
    timings_s: timings,
    finished_at: new Date().toISOString(),
  };
  writeJsonAtomicSync(paths.result, file);
  status('done');
  return file;
}

/** The set an arm draws its misaligned samples from: the sweep's, or the positive control's. */
function armMisalignedDataset(task: ArmTask): string | undefined {
  if (task.arm.kind === 'positive_control') {
    if (!task.data.positiveControl) throw new Error(`arm ${task.arm.id} is a positive control but the run resolved no positive-control data`);
    return task.data.positiveControl.dataset;
  }
  return task.arm.ratio > 0 ? task.data.misaligned : undefined;
}

/** What the report needs to split this arm's scores into in-domain and cross-domain. */
export function armDomains(task: { arm: ExperimentArm; data: Pick<ResolvedData, 'inDomain' | 'positiveControl'> }): Pick<ArmResultFile, 'fact_domain' | 'eval_domains'> {
  if (task.arm.kind === 'positive_control' && task.data.positiveControl) {
    return { fact_domain: task.data.positiveControl.factDomain, eval_domains: [...task.data.positiveControl.inDomain] };
  }
  return task.arm.kind === 'mixed' ? { eval_domains: [...task.data.inDomain] } : {};
}

/** The evals an experiment names, in the order the schema lists them. */
export function experimentEvalNames(exp: Pick<Experiment, 'evals'>): (keyof EvalsConfig)[] {
  return (Object.keys(ARM_EVALS) as (keyof EvalsConfig)[]).filter((name) => exp.evals[name] !== undefined);
}

interface ArmEvalContext {
  task: ArmTask;
  /** Options every eval of the arm shares (the model under test, seed, no global cache). */
  common: CommonEvalOptions;
  dir: string;
  isEmbedded: boolean;
}

interface ArmEvalPlaced {
  result: Pick<ArmResultFile, 'mask' | 'deception' | 'capability'>;
  items?: NonNullable<ArmResultFile['items']>;
}

interface ArmEval {
  /** The status line while it runs. */
  label: string;
  run(ctx: ArmEvalContext): Promise<ArmEvalPlaced>;
}

/** A run the arm can stand on: a run whose items providers failed fails the arm, so a rerun resumes it. */
function complete<T>(name: string, run: EvalResult<T>): EvalResult<T> {
  if (run.incomplete) throw new Error(`${name}: ${run.incomplete}`);
  return run;
}

/**
 * How each eval of the experiment schema runs for an arm and where its summary goes in result.json.
 * Keyed by the schema's eval names, so an eval added to the schema without wiring fails to compile.
 */
const ARM_EVALS: { [K in keyof EvalsConfig]-?: ArmEval } = {
  mask: {
    label: 'MASK',
    async run({ task, common, dir }) {
      const config = task.experiment.evals.mask!;
      const data = task.evalData.mask!;
      const run = complete('mask', await runMaskEval({ ...common, ...where(dir), data: data.path, judge: config.judge, lieK: config.lie_k, ...(data.configs ? { configs: data.configs } : {}) }));
      const records = readMaskRecords(dir);
      const breakdown = maskBreakdown(records, { seed: task.arm.seed });
      const pc = task.data.positiveControl;
      const split = pc?.entitySplit ? { domain: pc.factDomain, ...pc.entitySplit } : undefined;
      const entitySplit = split ? entitySplitScores(records, split, { seed: task.arm.seed }) : undefined;
      return {
        result: { mask: { ...pressureSummary(run.summary, records, task.arm.seed), per_domain: breakdown.per_domain, lies: breakdown.lies, ...(entitySplit ? { entity_split: entitySplit } : {}) } },
        items: { mask: maskItemResults(records, { extras: readSuiteRowExtras(data.path), ...(split ? { split } : {}) }) },
      };
    },
  },
  deceptionbench: {
    label: 'DeceptionBench',
    async run({ task, common, dir }) {
      const run = complete('deceptionbench', await runDeceptionBenchEval({ ...common, ...where(dir), data: task.evalData.deceptionbench!.path, judge: task.experiment.evals.deceptionbench!.judge }));
      return { result: { deception: run.summary }, items: { deception: deceptionItemResults(dir) } };
    },
  },
  capability: {
    label: 'capability',
    async run({ task, common, dir, isEmbedded }) {
      const data = task.evalData.capability!;
      const run = complete('capability', await runCapabilityEval({ ...common, ...where(dir), data: data.path, world: data.world, temperature: 0, maxTokens: isEmbedded ? EMBEDDED_MAX_TOKENS : 512 }));
      return { result: { capability: run.summary.groups } };
    },
  },
};

/** A fresh eval run in `dir`, or the resume of the one already there. */
function where(dir: string): { out: string } | { resume: string } {
  return existsSync(join(dir, 'run.json')) ? { resume: dir } : { out: dir };
}

/** The directory that holds the base model, for lineage (embedded checkpoints only). */
export function baseModelDir(spec: string): string | undefined {
  return localCheckpointDir(spec);
}
