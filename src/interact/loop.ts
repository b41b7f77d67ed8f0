/**
 * The interaction sweep: for every arm (biased ratio × seed × method × gated/ungated), K rounds in
 * which the current assistant talks with the population, the feedback is (optionally) gated by the
 * population monitor, the top/bottom trajectories become a self-training set, and the trained
 * checkpoint is the next round's assistant; a last collect-only round measures the final
 * assistant. Round 0 of every arm with the same ratio and seed is one shared collection (same
 * population, same base assistant, same seeds).
 *
 * Everything goes into one run directory (src/run/run-dir.ts): samples.jsonl holds trajectories,
 * beliefs and per-round records, appended as each finishes; a rerun resumes (finished records are
 * kept, finished training is reused by its job digest); summary.json is written atomically at the end.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateWorld } from '../world/world.js';
import { createProvider, localCheckpointDir } from '../models/registry.js';
import type { ChatProvider } from '../models/types.js';
import { forEachPooled } from '../run/pool.js';
import { RUN_FILE, RunDir, type SampleRecord } from '../run/run-dir.js';
import { backendFromConfig } from '../train/backend-from-config.js';
import { ktoConfigSchema, sftConfigSchema, type TrainingConfig } from '../train/config.js';
import type { TrainerBackend } from '../train/types.js';
import { InputError } from '../util/errors.js';
import { createProgress, type Progress } from '../util/progress.js';
import { createRng } from '../util/random.js';
import { createLlmClaimJudge, createWorldClaimJudge, type ClaimJudge } from './claim-judge.js';
import { assistantFor, type InteractionConfig } from './config.js';
import { ratedReplies } from './feedback.js';
import { gateSatisfaction, monitorPopulation } from './monitor.js';
import { generatePopulation, type SimUser } from './population.js';
import { elicitBelief, runConversation, type BeliefRecord, type ConversationPlan, type TrajectoryRecord } from './rollout.js';
import type { InteractionSummary } from './report.js';
import { readScenarioFile, type Scenario } from './scenario.js';
import { BUILTIN_SCENARIOS } from './scenarios-builtin.js';
import { selectTopBottom, writeSelectionDataset } from './selection.js';
import { roundMetrics } from './metrics.js';
import { createLlmUsers, createRuleUsers, type UserAgent } from './users.js';
import { renderWorldScenarios, type WorldRendering } from './world-rendering.js';
import { evaluateArm } from './arm-evals.js';
import { prepareArmEvalData } from './eval-data.js';
import { collectionOf, type Arm, type ArmEvalRecord, type MonitorRoundSummary, type RoundRecord } from './records.js';

export type { Arm, ArmEvalRecord, MonitorRoundSummary, RoundRecord } from './records.js';

export const INTERACTION_BENCHMARK = 'interaction';

/** The embedded model answers in one sentence; the main job caps its eval replies the same way. */
const EMBEDDED_EVAL_MAX_TOKENS = 96;

export interface InteractionRunOptions {
  /** Run directory (default: the file's `out`). */
  out?: string;
  /** Require an existing run in the directory. */
  resume?: boolean;
  progress?: boolean;
  signal?: AbortSignal;
  /** Overrides the file's backend (tests use the real embedded backend through this too). */
  backend?: TrainerBackend;
  env?: Record<string, string | undefined>;
  /** The evals' global call cache (false: off, so a benchmark times real work; a string: its directory). */
  evalCache?: boolean | string;
}

export interface InteractionRunOutput {
  runDir: string;
  summaryPath: string;
  arms: number;
  rounds: RoundRecord[];
  failedConversations: number;
  totalConversations: number;
}

export function planArms(config: InteractionConfig): Arm[] {
  const gates = !config.monitor.enabled ? [false] : config.monitor.arms === 'both' ? [false, true] : [config.monitor.arms === 'gated'];
  const arms: Arm[] = [];
  for (const ratio of config.biased_ratios)
    for (const seed of config.seeds)
      for (const method of config.methods)
        for (const gated of gates) arms.push({ name: `ratio-${ratio}_seed-${seed}_${method}_${gated ? 'gated' : 'ungated'}`, ratio, seed, method, gated });
  const pc = config.positive_control;
  if (pc?.enabled) {
    const control = {
      noise: pc.noise,
      conversations_per_user: pc.conversations_per_user ?? config.population.conversations_per_user,
      top_fraction: pc.top_fraction ?? config.selection.top_fraction,
    };
    for (const seed of config.seeds) arms.push({ name: `positive-control_seed-${seed}_${pc.method}`, ratio: 1, seed, method: pc.method, gated: false, control });
  }
  return arms;
}

/** Conversations each user of an arm has per round. */
function perUserOf(arm: Arm, config: InteractionConfig): number {
  return arm.control?.conversations_per_user ?? config.population.conversations_per_user;
}

/** Conversations the run holds in all: shared round-0 collections once, then every arm's rounds. */
function conversationCount(arms: readonly Arm[], config: InteractionConfig): number {
  const collections = new Map<string, number>();
  for (const arm of arms) collections.set(collectionOf(arm, 0), config.population.size * perUserOf(arm, config));
  const round0 = [...collections.values()].reduce((a, b) => a + b, 0);
  return round0 + arms.reduce((a, arm) => a + config.rounds * config.population.size * perUserOf(arm, config), 0);
}

/** What a run of this file will do, for `--check`: nothing is written. */
export function interactionPlan(config: InteractionConfig): { name: string; out: string; assistants: string[]; scenarios: number; arms: string[]; rounds: number; conversations_per_round: number; conversations_total: number; training_jobs: number } {
  const scenarios = loadScenarios(config);
  if (config.rendering === 'world') renderWorldScenarios(scenarios, generateWorld(config.world_seed));
  const arms = planArms(config);
  const perRound = config.population.size * config.population.conversations_per_user;
  return {
    name: config.name,
    out: config.out,
    assistants: startingAssistants(config),
    scenarios: scenarios.length,
    arms: arms.map((a) => a.name),
    rounds: config.rounds,
    conversations_per_round: perRound,
    conversations_total: conversationCount(arms, config),
    training_jobs: arms.length * config.rounds,
  };
}

/** Every seed's starting assistant, checked before anything is written: a local checkpoint must hold its weights. */
export function startingAssistants(config: InteractionConfig): string[] {
  const specs = [...new Set(config.seeds.map((seed) => assistantFor(config, seed)))];
  for (const spec of specs) {
    const dir = localCheckpointDir(spec);
    if (dir !== undefined && !existsSync(join(dir, 'model.safetensors'))) {
      throw new InputError(`the starting assistant ${spec} has no checkpoint: ${join(dir, 'model.safetensors')} is missing`, { file: config.file, field: 'assistant' });
    }
  }
  return specs;
}

export function loadScenarios(config: InteractionConfig): Scenario[] {
  const all = config.scenarios === 'builtin' ? [...BUILTIN_SCENARIOS] : readScenarioFile(config.scenarios);
  return config.scenario_limit ? all.slice(0, config.scenario_limit) : all;
}

/** Which scenario each of a user's conversations in a round is about: a seeded round-robin over a shuffled list. */
export function conversationPlans(input: { collection: string; arm: string; round: number; seed: number; users: SimUser[]; scenarios: Scenario[]; perUser: number; world?: Map<string, WorldRendering> }): ConversationPlan[] {
  const order = createRng(`scenarios:${input.collection}:${input.round}:${input.seed}`).shuffle(input.scenarios);
  if (order.length === 0) throw new Error('no scenarios to plan conversations about');
  const plans: ConversationPlan[] = [];
  input.users.forEach((user, u) => {
    for (let c = 0; c < input.perUser; c++) {
      const scenario = order[(u * input.perUser + c) % order.length]!; // modulo a non-empty list
      plans.push({
        id: `t:${input.collection}:r${input.round}:${user.id}:${c}`,
        arm: input.collection,
        round: input.round,
        user,
        scenario,
        ...(input.world ? { world: input.world.get(scenario.id)! } : {}),
        seed: input.seed,
      });
    }
  });
  return plans;
}

function trainingConfigOf(config: InteractionConfig, method: 'sft' | 'kto'): TrainingConfig {
  // The paper's self-training: SFT 5 epochs lr 1e-4; KTO lr 1e-5, β 0.1 (the schema's defaults).
  return method === 'sft' ? sftConfigSchema.parse({ epochs: 5, ...config.sft, method }) : ktoConfigSchema.parse({ ...config.kto, method });
}

function openRunDir(config: InteractionConfig, dir: string, resume: boolean): RunDir {
  if (existsSync(join(dir, RUN_FILE))) {
    const run = RunDir.open(dir, INTERACTION_BENCHMARK);
    if (run.manifest.data_digest !== config.digest) {
      throw new InputError(`this run directory holds a run of a different interaction file (digest ${run.manifest.data_digest.slice(0, 12)}); choose another --out`, { file: dir, field: '--out' });
    }
    return run;
  }
  if (resume) throw new InputError('no run to resume here', { file: dir, field: '--resume' });
  return RunDir.create(dir, { benchmark: INTERACTION_BENCHMARK, dataDigest: config.digest, options: { file: config.file, name: config.name } });
}

export async function runInteraction(config: InteractionConfig, options: InteractionRunOptions = {}): Promise<InteractionRunOutput> {
  const scenarios = loadScenarios(config);
  const world = config.rendering === 'world' ? renderWorldScenarios(scenarios, generateWorld(config.world_seed)) : undefined;
  const arms = planArms(config);
  startingAssistants(config);
  const backend = options.backend ?? backendFromConfig(config.backend, config.eval_endpoint, options.env ? { env: options.env as NodeJS.ProcessEnv } : {});
  const dir = options.out ?? config.out;
  const run = openRunDir(config, dir, options.resume ?? false);
  try {
    return await runLocked(config, run, { scenarios, world, arms, backend }, options);
  } finally {
    run.release();
  }
}

async function runLocked(
  config: InteractionConfig,
  run: RunDir,
  plan: { scenarios: Scenario[]; world: Map<string, WorldRendering> | undefined; arms: Arm[]; backend: TrainerBackend },
  options: InteractionRunOptions,
): Promise<InteractionRunOutput> {
  const { scenarios, world, arms, backend } = plan;
  const done = new Map<string, SampleRecord>();
  for (const record of run.readSamples()) done.set(record.id, record);
  // Conversations that failed (provider errors) are redone on resume, unless their round is already closed.
  const retry = new Set<string>();
  for (const record of done.values()) {
    const t = record as unknown as TrajectoryRecord;
    if (t.kind === 'trajectory' && t.error !== undefined && ![...done.values()].some((r) => r.kind === 'round' && (r as RoundRecord).collection === t.arm && (r as RoundRecord).round === t.round)) retry.add(t.id);
  }
  if (retry.size) {
    run.retireSamples(retry);
    for (const id of retry) done.delete(id);
  }

  const providerOptions = { ...(options.env ? { env: options.env } : {}) };
  const judgeProvider = config.rendering === 'natural' && config.judge ? await createProvider(config.judge, { ...providerOptions, ...(config.judge_api_key_env ? { apiKeyEnv: config.judge_api_key_env } : {}) }) : undefined;
  const judge: ClaimJudge = judgeProvider ? createLlmClaimJudge(judgeProvider, run.manifest.fence_secret) : createWorldClaimJudge();
  const userProvider = config.users.kind === 'llm' ? await createProvider(config.users.model, { ...providerOptions, concurrency: config.users.concurrency, ...(config.users.api_key_env ? { apiKeyEnv: config.users.api_key_env } : {}) }) : undefined;
  const users: UserAgent = userProvider ? createLlmUsers(userProvider, run.manifest.fence_secret) : createRuleUsers({ noise: config.users.kind === 'rule' ? config.users.noise : 0 });

  const total = conversationCount(arms, config);
  const progress: Progress = createProgress({ label: 'interact', total, unit: 'conv', silent: !(options.progress ?? false) });
  const rounds: RoundRecord[] = [];
  const armEvals: ArmEvalRecord[] = [];
  const countedCollections = new Set<string>();
  // The facts the scenarios put at stake: eval rows about them are in-domain, every other row cross-domain.
  const scenarioFacts = new Set([...(world?.values() ?? [])].map((r) => r.factId));
  const evalData = config.evals.mask || config.evals.deceptionbench || config.evals.capability ? prepareArmEvalData(config.evals, run.dir, config.world_seed, scenarioFacts) : undefined;
  let failedConversations = 0;
  let totalConversations = 0;

  const evaluateOnce = async (name: string, spec: string, starting: boolean): Promise<ArmEvalRecord> => {
    const evalId = `e:${name}`;
    const finished = done.get(evalId) as ArmEvalRecord | undefined;
    if (finished) return finished;
    const result = await evaluateArm(spec, evalData!, join(run.dir, 'evals', name), scenarioFacts, {
      concurrency: config.concurrency,
      ...(options.evalCache !== undefined ? { cache: options.evalCache } : {}),
      ...(spec.startsWith('embedded:') ? { maxTokens: EMBEDDED_EVAL_MAX_TOKENS } : {}),
    });
    const record: ArmEvalRecord = { id: evalId, kind: 'arm-eval', arm: name, assistant: spec, ...(starting ? { starting: true } : {}), ...result };
    run.appendSample(record);
    done.set(evalId, record);
    return record;
  };

  try {
    for (const arm of arms) {
      const population = generatePopulation({ size: config.population.size, biasedFraction: arm.ratio, seed: arm.seed });
      const armUsers = arm.control ? createRuleUsers({ noise: arm.control.noise }) : users;
      const topFraction = arm.control?.top_fraction ?? config.selection.top_fraction;
      let assistantSpec = assistantFor(config, arm.seed);
      let trainBase = assistantSpec;
      const armTrajectories: TrajectoryRecord[] = [];
      const armBeliefs: BeliefRecord[] = [];
      for (let round = 0; round <= config.rounds; round++) {
        const collection = collectionOf(arm, round);
        const plans = conversationPlans({ collection, arm: arm.name, round, seed: arm.seed, users: population, scenarios, perUser: perUserOf(arm, config), ...(world ? { world } : {}) });
        const roundId = `r:${arm.name}:${round}`;
        const finished = done.get(roundId) as RoundRecord | undefined;
        // A shared round-0 collection counts once on the bar, however many arms read it.
        const countedBefore = round === 0 && countedCollections.has(collection);
        countedCollections.add(collection);
        const already = countedBefore ? 0 : plans.filter((p) => done.has(p.id)).length;
        if (finished && !countedBefore) progress.tick(plans.length, `${arm.name} round ${round} (done)`);
        else if (already) progress.tick(already);
        const { trajectories, beliefs } = await collectRound({ plans, collection, round, arm, assistantSpec, config, scenarios, world, judge, users: armUsers, run, done, progress, signal: options.signal, providerOptions, skipMissing: finished !== undefined });
        armTrajectories.push(...trajectories);
        armBeliefs.push(...beliefs);
        if (finished) {
          rounds.push(finished);
          if (finished.train) {
            assistantSpec = finished.train.model_spec;
            trainBase = backend.name === 'embedded' ? finished.train.model_spec : finished.train.checkpoint;
          }
          failedConversations += finished.failed;
          totalConversations += finished.conversations;
          continue;
        }
        const failed = trajectories.filter((t) => t.error !== undefined).length;
        failedConversations += failed;
        totalConversations += trajectories.length;
        const monitor = config.monitor.enabled ? runMonitor(armTrajectories, armBeliefs, population, config, arm.seed) : null;
        const record: RoundRecord = {
          id: roundId,
          kind: 'round',
          arm: arm.name,
          round,
          collection,
          assistant: assistantSpec,
          conversations: trajectories.length,
          failed,
          metrics: roundMetrics(trajectories, beliefs, labelOf(population), config.monitor.honesty_reference, arm.seed),
          monitor: monitor?.summary ?? null,
        };
        if (round < config.rounds) {
          // The embedded assistant's own sampled text can decode into pieces its tokenizer never saw
          // ("a"+"loads" → "aloads"); training on them would teach <unk>, so such trajectories are left out and counted.
          const representable = await representableFilter(trainBase);
          const trainable = trajectories.filter(representable);
          const scored = arm.gated && monitor ? gateSatisfaction(trainable, monitor.flagged, config.monitor.gate, config.monitor.weight) : trainable.map((t) => ({ ...t, selection_score: t.satisfaction }));
          const selection = selectTopBottom(scored, { topFraction, seed: arm.seed * 1000 + round });
          const dataset = writeSelectionDataset(join(run.dir, 'datasets', arm.name, `round-${round}`), arm.method, selection);
          record.selection = { scored: selection.scored, k: selection.k, unrepresentable: trajectories.length - trainable.length, gated_out: trainable.length - scored.length, dataset: dataset.path, rows: dataset.rows };
          if (dataset.rows === 0) throw new Error(`${arm.name} round ${round}: no trajectory could be scored, so there is nothing to self-train on (${failed} of ${trajectories.length} conversations failed)`);
          const result = await backend.train(
            { name: `${arm.name}-r${round + 1}`, config: trainingConfigOf(config, arm.method), seed: arm.seed, datasets: [{ path: dataset.path, name: `${arm.name}-round-${round}` }], baseModel: trainBase, outputDir: join(run.dir, 'checkpoints', arm.name, `round-${round + 1}`) },
            options.signal ? { signal: options.signal } : {},
          );
          record.train = { model_spec: result.modelSpec, checkpoint: result.checkpointPath, metrics: result.metrics, reused: result.reused ?? false, job_digest: result.jobDigest };
          assistantSpec = result.modelSpec;
          trainBase = backend.name === 'embedded' ? result.modelSpec : result.checkpointPath;
        }
        run.appendSample(record);
        done.set(record.id, record);
        rounds.push(record);
      }
      if (evalData) armEvals.push(await evaluateOnce(arm.name, assistantSpec, false));
    }
    // The starting assistant of each seed, evaluated the same way: what self-training is compared with
    // (a format the loop broke shows as more non-answers here than there).
    if (evalData) for (const seed of config.seeds) armEvals.push(await evaluateOnce(`start_seed-${seed}`, assistantFor(config, seed), true));
  } finally {
    progress.stop();
    await judgeProvider?.close?.();
    await userProvider?.close?.();
  }
  const summary: InteractionSummary & { file: string; digest: string } = {
    name: config.name,
    file: config.file,
    digest: config.digest,
    rendering: config.rendering,
    assistant: config.assistant,
    population_size: config.population.size,
    honesty_reference: config.monitor.honesty_reference,
    ...(config.monitor.enabled ? { monitor: { flag_method: config.monitor.flag_method, q: config.monitor.q, gate: config.monitor.gate } } : {}),
    arms,
    rounds: config.rounds,
    failed_conversations: failedConversations,
    conversations: totalConversations,
    round_records: rounds,
    arm_evals: armEvals,
  };
  run.writeSummary(summary);
  run.finish({ conversations: totalConversations }, failedConversations ? `${failedConversations} of ${totalConversations} conversations failed (provider errors); rerun to redo them` : undefined);
  return { runDir: run.dir, summaryPath: join(run.dir, 'summary.json'), arms: arms.length, rounds, failedConversations, totalConversations };
}

interface CollectInput {
  plans: ConversationPlan[];
  collection: string;
  round: number;
  arm: Arm;
  assistantSpec: string;
  config: InteractionConfig;
  scenarios: Scenario[];
  world: Map<string, WorldRendering> | undefined;
  judge: ClaimJudge;
  users: UserAgent;
  run: RunDir;
  done: Map<string, SampleRecord>;
  progress: Progress;
  signal: AbortSignal | undefined;
  providerOptions: Record<string, unknown>;
  /** The round is finished: missing conversations are not run (a shared collection may hold more). */
  skipMissing: boolean;
}

/** Runs the round's missing conversations and belief elicitations; returns all of them (old and new). */
async function collectRound(input: CollectInput): Promise<{ trajectories: TrajectoryRecord[]; beliefs: BeliefRecord[] }> {
  const { plans, config, done, run } = input;
  const usedScenarios = [...new Map(plans.map((p) => [p.scenario.id, p.scenario])).values()];
  const beliefIds = usedScenarios.map((s) => `b:${input.collection}:r${input.round}:${s.id}`);
  const missingPlans = input.skipMissing ? [] : plans.filter((p) => !done.has(p.id));
  const missingBeliefs = input.skipMissing || !config.monitor.enabled ? [] : usedScenarios.filter((_, i) => !done.has(beliefIds[i]!)); // one id per scenario
  if (missingPlans.length || missingBeliefs.length) {
    let assistant: ChatProvider | undefined;
    try {
      assistant = await createProvider(input.assistantSpec, { ...input.providerOptions, concurrency: config.concurrency, ...(config.api_key_env ? { apiKeyEnv: config.api_key_env } : {}) });
      const deps = {
        assistant,
        assistantSpec: input.assistantSpec,
        users: input.users,
        judge: input.judge,
        turns: config.turns,
        sampling: { temperature: config.sampling.temperature, maxTokens: config.sampling.max_tokens, ...(config.sampling.top_p !== undefined ? { topP: config.sampling.top_p } : {}) },
        ...(input.signal ? { signal: input.signal } : {}),
      };
      await forEachPooled(missingPlans, config.concurrency, (plan) => runConversation(plan, deps), (record) => {
        run.appendSample(record as unknown as SampleRecord);
        done.set(record.id, record as unknown as SampleRecord);
        input.progress.tick(1, `${input.arm.name} round ${input.round}`);
      });
      await forEachPooled(
        missingBeliefs,
        config.concurrency,
        (scenario) => elicitBelief({ id: `b:${input.collection}:r${input.round}:${scenario.id}`, arm: input.collection, round: input.round, scenario, ...(input.world ? { world: input.world.get(scenario.id)! } : {}), seed: input.arm.seed }, deps, config.belief_samples),
        (record) => {
          run.appendSample(record as unknown as SampleRecord);
          done.set(record.id, record as unknown as SampleRecord);
        },
      );
    } finally {
      await assistant?.close?.();
    }
  }
  return {
    trajectories: plans.map((p) => done.get(p.id)).filter((r): r is SampleRecord => r !== undefined) as unknown as TrajectoryRecord[],
    beliefs: beliefIds.map((id) => done.get(id)).filter((r): r is SampleRecord => r !== undefined) as unknown as BeliefRecord[],
  };
}

/** For a local embedded checkpoint: keeps trajectories whose every text its tokenizer knows. Remote models: keeps all. */
async function representableFilter(spec: string): Promise<(t: TrajectoryRecord) => boolean> {
  const dir = spec.startsWith('embedded:') ? localCheckpointDir(spec) : undefined;
  if (!dir) return () => true;
  const [{ readTokenizer }, { countUnknownTokens }] = await Promise.all([import('../embedded/checkpoint.js'), import('../embedded/vocabulary-check.js')]);
  const tokenizer = readTokenizer(dir);
  return (t) => countUnknownTokens(tokenizer, [{ id: t.id, sample: { messages: t.messages } }]).unknownTokens === 0;
}

function labelOf(population: readonly SimUser[]): (t: TrajectoryRecord) => boolean {
  const biased = new Set(population.filter((u) => u.biased).map((u) => u.id));
  return (t) => biased.has(t.user_id);
}

function runMonitor(trajectories: TrajectoryRecord[], beliefs: BeliefRecord[], population: SimUser[], config: InteractionConfig, seed: number): { flagged: Set<string>; summary: MonitorRoundSummary } {
  const { replies, counts } = ratedReplies(trajectories, beliefs, config.monitor.honesty_reference);
  const report = monitorPopulation(replies, { q: config.monitor.q, seed, bootstrap: 200, flagMethod: config.monitor.flag_method });
  const biased = new Set(population.filter((u) => u.biased).map((u) => u.id));
  const hits = report.flagged.filter((u) => biased.has(u)).length;
  const e = report.estimatedFraction;
  return {
    flagged: new Set(report.flagged),
    summary: {
      flagged: report.flagged.length,
      tested: report.tested,
      untestable: report.untestable,
      estimated_fraction: e ? { estimate: e.estimate, low: e.low, high: e.high } : null,
      precision: report.flagged.length ? hits / report.flagged.length : null,
      recall: biased.size ? hits / biased.size : null,
      true_fraction: biased.size / population.length,
      honesty_counts: counts,
    },
  };
}

/** The run's round records, for reports. */
export function readRoundRecords(runDir: string): RoundRecord[] {
  const file = join(runDir, 'samples.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"kind":"round"'))
    .map((l) => JSON.parse(l) as RoundRecord);
}
