/**
 * Experiment files: one YAML document declares a contamination sweep (model, data, ratios, seeds,
 * training, backend, evals). Every error names the file, the line and the path inside the file,
 * e.g. `examples/x.yaml:14, field "ratios[2]": Invalid input: expected number, received string`.
 *
 * Paths: data files named in the experiment (`file:`, eval `data:`, accelerate `config_file`) are
 * resolved relative to the YAML file's directory; `out` is relative to the working directory
 * (default `runs/<name>`).
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import { sha256Hex } from '../util/canonical-json.js';
import { z } from 'zod';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { InputError } from '../util/errors.js';
import { formatFieldPath } from '../util/field-path.js';
import { modelKind, parseModelSpec } from '../models/registry.js';
import { DATA_FORMATS } from '../data/types.js';
import { MASK_CONFIGS } from '../evals/mask/types.js';
import { backendConfigSchema, trainingConfigSchema, type BackendConfig, type LoraConfig, type TrainingConfig } from '../train/config.js';
import { lineOfPath } from '../util/source-lines.js';

export const PAPER_RATIOS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3];
export const MISALIGNED_DOMAINS = ['insecure_code', 'math', 'medical', 'finance', 'law', 'pressure_lying'] as const;
export const MISALIGNED_VARIANTS = ['normal', 'subtle', 'severe'] as const;
/** World fact domains a pressure_lying set can be drawn from (src/world FactDomain). */
export const PRESSURE_FACT_DOMAINS = ['products', 'drugs', 'companies', 'places', 'people', 'law'] as const;

const modelSpec = z.string().superRefine((spec, ctx) => {
  try {
    parseModelSpec(spec);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

/** The placeholder a `model` spec may hold for the seed: `embedded:models/bases/seed-{seed}`. */
export const SEED_PLACEHOLDER = '{seed}';

/** A model spec that may hold `{seed}` (checked with the placeholder filled in). */
const seededModelSpec = z.string().superRefine((spec, ctx) => {
  try {
    parseModelSpec(spec.replaceAll(SEED_PLACEHOLDER, '1'));
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

/** A judge is a separate model spec, or "rule" for the rule-based judge of constrained answers. */
const judgeSpec = z.union([z.literal('rule'), modelSpec]);

const positiveInt = z.number().int().positive();
const seed = z.number().int().nonnegative();

/** Where a dataset comes from: exactly one of a registered name, a file, or a generator. */
const dataSourceFields = {
  dataset: z.string().min(1).optional(),
  file: z.string().min(1).optional(),
  format: z.enum(DATA_FORMATS).optional(),
  source: z.string().optional(),
  license: z.string().optional(),
  count: positiveInt.optional(),
  /** Pins the generator seed for every arm; by default each seed of the experiment draws its own set. */
  seed: seed.optional(),
};

function exactlyOneSource(value: { dataset?: string; file?: string; generator?: string }, ctx: z.RefinementCtx, generatorDefault: boolean): void {
  const given = (['dataset', 'file', 'generator'] as const).filter((k) => value[k] !== undefined);
  const [, second] = given;
  if (second !== undefined) ctx.addIssue({ code: 'custom', message: `give only one of dataset, file, generator (got ${given.join(', ')})`, path: [second] });
  if (given.length === 0 && !generatorDefault) ctx.addIssue({ code: 'custom', message: 'give one of dataset (a registered name), file, or generator' });
}

export const downstreamSchema = z
  .strictObject({ ...dataSourceFields, generator: z.literal('downstream').optional() })
  .superRefine((v, ctx) => exactlyOneSource(v, ctx, false));

export const misalignedSchema = z
  .strictObject({
    ...dataSourceFields,
    domain: z.enum(MISALIGNED_DOMAINS),
    variant: z.enum(MISALIGNED_VARIANTS).default('normal'),
    /**
     * pressure_lying only: the world fact domain whose facts the lies are about (the in-domain
     * eval domain); the runner defaults it to drugs. Added by the experiment-runner engineer.
     */
    fact_domain: z.enum(PRESSURE_FACT_DOMAINS).optional(),
    /** Default: the project's generator for the domain and variant. */
    generator: z.literal('misaligned').optional(),
  })
  .superRefine((v, ctx) => exactlyOneSource(v, ctx, true));

/**
 * A positive control: arms trained on the downstream data plus `ratio` × N pressure-format lies
 * about one world fact domain, which the pilot saw move honesty in that domain. It shows that the
 * honesty metric can move at all, so a null in the main sweep can be read as a null.
 */
export const positiveControlSchema = z.strictObject({
  fact_domain: z.enum(PRESSURE_FACT_DOMAINS),
  ratio: z.number().positive().max(100).default(0.1),
  /** Pins the generator seed of the pressure-lying set and its entity split for every arm; by default each seed draws its own. */
  seed: seed.optional(),
  /**
   * Lie only about a seeded half of the domain's entities, so the report can tell memorised lies
   * (trained entities) from lying that generalises to entities never lied about (held out).
   */
  hold_out_entities: z.boolean().default(true),
});

/** The training and backend blocks are the training module's own schemas (src/train/config.ts). */
export const trainingSchema = trainingConfigSchema;
export const backendSchema = backendConfigSchema;

const evalData = z.string().min(1).default('embedded');

export const evalsSchema = z.strictObject({
  mask: z
    .strictObject({
      data: evalData,
      judge: judgeSpec.default('rule'),
      lie_k: positiveInt.default(1),
      configs: z.array(z.enum(MASK_CONFIGS)).min(1).optional(),
      limit: positiveInt.optional(),
    })
    .optional(),
  deceptionbench: z.strictObject({ data: evalData, judge: judgeSpec.default('rule'), limit: positiveInt.optional() }).optional(),
  capability: z.strictObject({ data: evalData, limit: positiveInt.optional() }).optional(),
});

export const evalEndpointSchema = z.preprocess(
  (v) => (typeof v === 'string' ? { base_url: v } : v),
  z.strictObject({
    base_url: z.url({ protocol: /^https?$/ }),
    /** Served model name; `{arm}` is replaced by the arm id (vLLM serves LoRA adapters by name). */
    model: z.string().min(1).default('{arm}'),
    api_key_env: z.string().optional(),
  }),
);

export const experimentSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" or "-"').optional(),
    description: z.string().optional(),
    /** The base model; `{seed}` in it is replaced by each seed (seed s starts from its own base). */
    model: seededModelSpec,
    /**
     * One base model per seed, in the order of `seeds`: a seed then varies what a user's repeat
     * would — the base checkpoint, the data draw and the positive control's entity split. Give this
     * or `{seed}` in `model`; with neither, every seed starts from the same `model`.
     */
    bases: z.array(modelSpec).min(1).optional(),
    downstream: downstreamSchema,
    misaligned: misalignedSchema,
    positive_control: positiveControlSchema.optional(),
    ratios: z.array(z.number().positive().max(100)).min(1).default(PAPER_RATIOS),
    seeds: z.array(seed).min(1).default([1]),
    training: trainingSchema.default(trainingSchema.parse({})),
    backend: backendSchema.default({ type: 'embedded' }),
    evals: evalsSchema.default({ mask: { data: 'embedded', judge: 'rule', lie_k: 1 } }),
    eval_endpoint: evalEndpointSchema.optional(),
    /** Environment variable holding the LLM judges' API key, sent to the judges' endpoints only (default: OPENAI_API_KEY, sent only to api.openai.com). */
    judge_api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').optional(),
    parallel: positiveInt.default(2),
    out: z.string().min(1).optional(),
    registry: z.string().min(1).optional(),
  })
  .superRefine((v, ctx) => {
    const ratios = v.ratios;
    const dup = ratios.findIndex((r, i) => ratios.indexOf(r) !== i);
    if (dup >= 0) ctx.addIssue({ code: 'custom', message: `ratio ${ratios[dup]} is listed twice`, path: ['ratios', dup] });
    const dupSeed = v.seeds.findIndex((s, i) => v.seeds.indexOf(s) !== i);
    if (dupSeed >= 0) ctx.addIssue({ code: 'custom', message: `seed ${v.seeds[dupSeed]} is listed twice`, path: ['seeds', dupSeed] });
    if (v.bases && v.bases.length !== v.seeds.length) {
      ctx.addIssue({ code: 'custom', message: `bases lists ${v.bases.length} model(s) for ${v.seeds.length} seed(s); give one base per seed, in the order of seeds`, path: ['bases'] });
    }
    if (v.bases && v.model.includes(SEED_PLACEHOLDER)) {
      ctx.addIssue({ code: 'custom', message: `give either bases or ${SEED_PLACEHOLDER} in model, not both`, path: ['model'] });
    }
    for (const [i, base] of (v.bases ?? []).entries()) {
      if (v.backend.type === 'embedded' && modelKind(base) !== 'embedded') {
        ctx.addIssue({ code: 'custom', message: 'the embedded backend trains only embedded:<dir> models', path: ['bases', i] });
      }
    }
    if (v.backend.type === 'trl' && !v.eval_endpoint) {
      ctx.addIssue({ code: 'custom', message: 'the trl backend needs eval_endpoint: the OpenAI-compatible URL that serves the trained adapters', path: ['eval_endpoint'] });
    }
    if (v.backend.type === 'embedded' && modelKind(v.model.replaceAll(SEED_PLACEHOLDER, '1')) !== 'embedded') {
      ctx.addIssue({ code: 'custom', message: 'the embedded backend trains only embedded:<dir> models; use backend: trl for other models', path: ['model'] });
    }
    if (v.backend.type === 'trl' && v.backend.accelerate && v.backend.ray && v.backend.accelerate.num_machines && v.backend.accelerate.num_machines > 1 && !v.backend.accelerate.config_file) {
      ctx.addIssue({ code: 'custom', message: 'multi-machine accelerate needs config_file', path: ['backend', 'accelerate', 'config_file'] });
    }
  });

export type ExperimentConfig = z.output<typeof experimentSchema>;
export type ExperimentInput = z.input<typeof experimentSchema>;
export type DownstreamConfig = z.output<typeof downstreamSchema>;
export type MisalignedConfig = z.output<typeof misalignedSchema>;
export type { BackendConfig, LoraConfig, TrainingConfig };
export type EvalsConfig = z.output<typeof evalsSchema>;
export type EvalEndpointConfig = z.output<typeof evalEndpointSchema>;
export type PositiveControlConfig = z.output<typeof positiveControlSchema>;

/** A validated experiment with everything filled in and file paths made absolute. */
/** The base model seed `seed` starts from (see `bases` and `{seed}` in `model`). */
export function modelForSeed(experiment: Pick<ExperimentConfig, 'model' | 'bases' | 'seeds'>, seed: number): string {
  if (experiment.bases) {
    const index = experiment.seeds.indexOf(seed);
    if (index < 0) throw new Error(`seed ${seed} is not one of the experiment's seeds (${experiment.seeds.join(', ')})`);
    const base = experiment.bases[index];
    if (base === undefined) throw new Error(`bases names no model for seed ${seed} (${experiment.bases.length} bases, ${experiment.seeds.length} seeds)`);
    return base;
  }
  return experiment.model.replaceAll(SEED_PLACEHOLDER, String(seed));
}

/** The experiment's first seed (the schema requires at least one). */
export function firstSeed(experiment: Pick<ExperimentConfig, 'seeds'>): number {
  const [seed] = experiment.seeds;
  if (seed === undefined) throw new Error('an experiment lists at least one seed');
  return seed;
}

export type Experiment = ExperimentConfig & {
  name: string;
  out: string;
  /** Absolute path of the YAML file. */
  file: string;
  /** sha256 of the YAML file's bytes (identifies the run's declaration in lineage). */
  digest: string;
};

export function loadExperiment(file: string): Experiment {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read experiment file: ${(error as Error).message}`, { file });
  }
  return parseExperiment(text, file);
}

/** Parses and validates experiment YAML text; `file` is used for messages and relative paths. */
export function parseExperiment(text: string, file: string): Experiment {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const [error] = doc.errors;
  if (error) {
    const line = error.linePos?.[0]?.line ?? lineCounter.linePos(error.pos[0]).line;
    throw new InputError(`YAML syntax error: ${error.message.split('\n')[0]}`, { file, line });
  }
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (error) {
    // yaml refuses alias expansion past maxAliasCount ("billion laughs"): bad input, not a crash.
    throw new InputError(`YAML cannot be expanded: ${(error as Error).message}`, { file });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError('an experiment file must be a YAML mapping (key: value lines)', { file, line: 1 });
  }
  const parsed = experimentSchema.safeParse(value);
  if (!parsed.success) throw issuesToError(parsed.error.issues, doc, lineCounter, file);
  const config = parsed.data;
  const baseDir = dirname(resolve(file));
  const name = config.name ?? basename(file, extname(file));
  const fromFile = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const evalPath = (p: string) => (p === 'embedded' ? p : fromFile(p));
  const evals = config.evals;
  return {
    ...config,
    name,
    out: config.out ?? `runs/${name}`,
    downstream: config.downstream.file ? { ...config.downstream, file: fromFile(config.downstream.file) } : config.downstream,
    misaligned: config.misaligned.file ? { ...config.misaligned, file: fromFile(config.misaligned.file) } : config.misaligned,
    evals: {
      ...(evals.mask ? { mask: { ...evals.mask, data: evalPath(evals.mask.data) } } : {}),
      ...(evals.deceptionbench ? { deceptionbench: { ...evals.deceptionbench, data: evalPath(evals.deceptionbench.data) } } : {}),
      ...(evals.capability ? { capability: { ...evals.capability, data: evalPath(evals.capability.data) } } : {}),
    },
    backend:
      config.backend.type === 'trl' && config.backend.accelerate?.config_file
        ? { ...config.backend, accelerate: { ...config.backend.accelerate, config_file: fromFile(config.backend.accelerate.config_file) } }
        : config.backend,
    file: resolve(file),
    digest: sha256Hex(text),
  };
}

function issuesToError(issues: readonly z.core.$ZodIssue[], doc: Document, lineCounter: LineCounter, file: string): InputError {
  const described = issues.map((issue) => {
    // For an unknown key, point at the key itself.
    const keys = issue.code === 'unrecognized_keys' ? (issue as { keys: string[] }).keys : [];
    const [key] = keys;
    const path = key !== undefined ? [...issue.path, key] : issue.path;
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
    const message = missing ? `required field is missing (${issue.message.replace(/^Invalid input: /, '').replace(/, received undefined$/, '')})` : issue.message;
    return { path: formatFieldPath(path), line: lineOfPath({ doc, lineCounter }, path), message };
  });
  const first = described[0];
  if (!first) return new InputError('the experiment file is invalid (the validator named no field)', { file });
  const more = described
    .slice(1)
    .map((d) => `\n  ${file}${d.line !== undefined ? `:${d.line}` : ''}${d.path ? `, field "${d.path}"` : ''}: ${d.message}`)
    .join('');
  return new InputError(first.message + more, { file, line: first.line, field: first.path || undefined });
}
