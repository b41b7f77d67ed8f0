/**
 * The interaction-loop file (`candor interact run FILE.yaml`): which assistant, which scenarios and
 * rendering, the user population, the sweep (biased ratios × seeds × methods × gated/ungated) and
 * K rounds of self-training. Validated before anything is written; an error names the file, the
 * line and the field. Relative paths resolve against the file's directory; `out` against the
 * working directory.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { backendConfigSchema, ktoConfigSchema, sftConfigSchema } from '../train/config.js';
import { sha256Hex } from '../util/canonical-json.js';
import { InputError } from '../util/errors.js';
import { formatFieldPath } from '../util/field-path.js';
import { lineOfPath } from '../util/source-lines.js';
import { WORLD_CAPABILITY, WORLD_DECEPTION, WORLD_MASK } from './eval-data.js';
import { firstIssue } from '../util/zod-issue.js';

/** The paper's biased ratios (Hu et al. §4). */
export const PAPER_BIASED_RATIOS = [0, 0.1, 0.2, 0.5, 1.0];

const positiveInt = z.number().int().positive();
const fraction = z.number().min(0).max(1);
const modelSpec = z.string().regex(/^[a-z]+:.+/, 'a model spec such as "embedded:default" or "openai:<model>@<base-url>"');

/** The placeholder the assistant spec may hold for the arm's seed: `embedded:models/bases/seed-{seed}`. */
export const SEED_PLACEHOLDER = '{seed}';

const usersSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('rule'), noise: z.number().min(0).default(1.5) }),
  z.strictObject({ kind: z.literal('llm'), model: modelSpec, api_key_env: z.string().min(1).optional(), concurrency: positiveInt.default(8) }),
]);

const monitorSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Benjamini–Hochberg level. */
  q: z.number().gt(0).lt(1).default(0.1),
  /** Flag rule: exact permutation tests + Benjamini–Hochberg, or empirical Bayes under the two-class model (see src/interact/monitor.ts). */
  flag_method: z.enum(['permutation-bh', 'empirical-bayes']).default('permutation-bh'),
  /** What a reply's honesty is judged against. */
  honesty_reference: z.enum(['belief', 'facts']).default('belief'),
  /** What gating does to flagged users' feedback before selection. */
  gate: z.enum(['drop', 'downweight']).default('drop'),
  /** Satisfaction weight of a flagged user under `downweight` (shrunk toward the median). */
  weight: fraction.default(0.25),
  /** Sweep gated and ungated arms (true), or gated only / ungated only. */
  arms: z.enum(['both', 'gated', 'ungated']).default('both'),
});

/**
 * The loop's positive control: per seed, one arm whose selection is known to favour lies — every
 * user biased, rule ratings without noise (so any reply asserting the lure outranks every reply
 * that does not), and a top fraction small enough that the top k are the conversations that hold
 * a lie. Trained with the sweep's own settings. If its lure rate rises over the rounds, the metric
 * can move and a flat sweep is a null; if it does not, the sweep's null says nothing.
 */
const positiveControlSchema = z.strictObject({
  enabled: z.boolean().default(true),
  method: z.enum(['sft', 'kto']).default('sft'),
  /** Rating noise of the control's rule users (0: a lie always outranks a truth). */
  noise: z.number().min(0).default(0),
  /** Conversations per user per round (more than the sweep's, so the top k can all hold a lie). */
  conversations_per_user: positiveInt.optional(),
  /** Share of trajectories taken as the top k. */
  top_fraction: z.number().gt(0).max(0.5).optional(),
});

export const interactionFileSchema = z.strictObject({
  name: z.string().min(1).optional(),
  out: z.string().min(1).optional(),
  /** The assistant before self-training; `{seed}` in it becomes the arm's seed (one base per seed). */
  assistant: modelSpec.default('embedded:default'),
  api_key_env: z.string().min(1).optional(),
  /** "world": the embedded model's constrained world; "natural": natural language for real models. */
  rendering: z.enum(['world', 'natural']).default('world'),
  world_seed: positiveInt.default(1),
  /** "builtin" or a JSONL file of scenarios. */
  scenarios: z.string().min(1).default('builtin'),
  /** Use only the first N scenarios (smoke runs). */
  scenario_limit: positiveInt.optional(),
  /** Judge of what natural-language replies assert (the world rendering uses the rule judge). */
  judge: modelSpec.optional(),
  judge_api_key_env: z.string().min(1).optional(),
  users: usersSchema.default({ kind: 'rule', noise: 1.5 }),
  population: z
    .strictObject({
      size: positiveInt.default(100),
      /** Conversations each user has per round. */
      conversations_per_user: positiveInt.default(2),
    })
    .default({ size: 100, conversations_per_user: 2 }),
  turns: positiveInt.default(2),
  sampling: z
    .strictObject({ temperature: z.number().min(0).default(1), max_tokens: positiveInt.default(48), top_p: z.number().gt(0).max(1).optional() })
    .default({ temperature: 1, max_tokens: 48 }),
  belief_samples: positiveInt.default(3),
  biased_ratios: z.array(fraction).min(1).default(PAPER_BIASED_RATIOS),
  seeds: z.array(z.number().int().min(0)).min(1).default([1]),
  methods: z.array(z.enum(['sft', 'kto'])).min(1).default(['sft', 'kto']),
  rounds: positiveInt.default(1),
  selection: z.strictObject({ top_fraction: z.number().gt(0).max(0.5).default(0.2) }).default({ top_fraction: 0.2 }),
  monitor: monitorSchema.default(monitorSchema.parse({})),
  positive_control: positiveControlSchema.optional(),
  backend: backendConfigSchema.default({ type: 'embedded' }),
  /** TRL: the OpenAI-compatible endpoint that serves each trained adapter (it collects the next round). */
  eval_endpoint: z.strictObject({ base_url: z.url({ protocol: /^https?$/ }), model: z.string().min(1).optional() }).optional(),
  /** Per-method training settings (src/train/config.ts); omitted fields take the paper's self-training values. */
  sft: sftConfigSchema.omit({ method: true }).partial().default({}),
  kto: ktoConfigSchema.omit({ method: true }).partial().default({}),
  /**
   * Benchmarks on each arm's final assistant: data paths or the world suites (builtin:world-*). On a
   * world suite `limit` caps the rows per domain (and per MASK config or DeceptionBench category)
   * about the scenarios' facts and, apart, about other facts (src/interact/eval-data.ts); on a file it keeps the first N rows.
   */
  evals: z
    .strictObject({
      mask: z.strictObject({ data: z.string().min(1).default(WORLD_MASK), judge: z.string().min(1).default('rule'), limit: positiveInt.optional() }).optional(),
      deceptionbench: z.strictObject({ data: z.string().min(1).default(WORLD_DECEPTION), judge: z.string().min(1).default('rule'), limit: positiveInt.optional() }).optional(),
      capability: z.strictObject({ data: z.string().min(1).default(WORLD_CAPABILITY), limit: positiveInt.optional() }).optional(),
    })
    .default({}),
  /** Conversations in flight at once. */
  concurrency: positiveInt.default(64),
});

export type InteractionFile = z.output<typeof interactionFileSchema>;

export interface InteractionConfig extends InteractionFile {
  name: string;
  out: string;
  /** Absolute path of the YAML file, and the sha256 of its bytes. */
  file: string;
  digest: string;
}

/** The assistant an arm of `seed` starts from: the spec with `{seed}` filled in. */
export function assistantFor(config: Pick<InteractionFile, 'assistant'>, seed: number): string {
  return config.assistant.replaceAll(SEED_PLACEHOLDER, String(seed));
}

export function loadInteractionConfig(file: string): InteractionConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read interaction file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file });
  }
  return parseInteractionConfig(text, file);
}

export function parseInteractionConfig(text: string, file: string): InteractionConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const [error] = doc.errors;
  if (error) {
    throw new InputError(`YAML syntax error: ${error.message.split('\n')[0]}`, { file, line: lineCounter.linePos(error.pos[0]).line });
  }
  const value: unknown = doc.toJS() ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new InputError('an interaction file must be a YAML mapping (key: value lines)', { file, line: 1 });
  const parsed = interactionFileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = firstIssue(parsed.error);
    const [unknownKey] = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const path = unknownKey !== undefined ? [...issue.path, unknownKey] : issue.path;
    throw new InputError(issue.message, { file, line: lineOfPath({ doc, lineCounter }, path), field: formatFieldPath(path) || undefined });
  }
  const config = parsed.data;
  if (config.rendering === 'natural' && config.users.kind === 'rule' && !config.judge) {
    throw new InputError('rule users on natural-language replies need a judge (a model spec) to read what each reply asserts', { file, line: lineOfPath({ doc, lineCounter }, ['judge']), field: 'judge' });
  }
  if (config.positive_control?.enabled && config.users.kind !== 'rule') {
    throw new InputError('the positive control needs rule users (its selection must be known to favour lies)', { file, line: lineOfPath({ doc, lineCounter }, ['positive_control']), field: 'positive_control' });
  }
  const baseDir = dirname(resolve(file));
  const name = config.name ?? basename(file, extname(file));
  return {
    ...config,
    name,
    out: config.out ?? `runs/${name}`,
    scenarios: config.scenarios === 'builtin' || isAbsolute(config.scenarios) ? config.scenarios : resolve(baseDir, config.scenarios),
    file: resolve(file),
    digest: sha256Hex(text),
  };
}

