/**
 * A Candor eval run as an Inspect AI log (EvalLog, log format version 2, JSON), so `inspect view`
 * and Inspect's dataframe readers (evals_df, samples_df) open it. The shape follows Inspect's
 * published schema (src/inspect_ai/_view/inspect-openapi.json, components.schemas.EvalLog); the
 * test validates against a vendored copy.
 *
 * What does not map (also listed in `candor export --help`):
 * - MASK holds several conversations per row (lie_k pressure answers, belief elicitations); an
 *   Inspect sample holds one. The first pressure conversation is the sample's messages; the others
 *   are in sample.metadata.other_calls. DeceptionBench's utility elicitation likewise.
 * - Judge calls are not recorded as Inspect events (the run journal has them, not samples.jsonl);
 *   events is empty and each verdict is folded into the sample's scores.
 * - Per-sample token usage is not kept by Candor: model usage is the run's total, on eval.stats.
 * - A score Candor could not determine has no Inspect value: it is left out of sample.scores and
 *   its reason put in sample.metadata.undetermined.
 * - Candor's model specs (openai:<model>@<url>, embedded:<dir>) are kept as the model name;
 *   Inspect's "provider/model" names are not invented for them.
 */
import type { RunManifest, EvalRunFiles } from './run-files.js';
import { sampleView, type Message, type SampleView } from './sample-view.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function chatMessage(m: Message, id: string): Record<string, Json> {
  const base: Record<string, Json> = { id, content: m.content, source: 'input', metadata: null, role: m.role };
  if (m.role === 'assistant') return { ...base, tool_calls: null, model: null };
  if (m.role === 'user') return { ...base, tool_call_id: null };
  return base;
}

function assistant(content: string, model: string, id: string): Record<string, Json> {
  return { id, content, source: 'generate', metadata: null, role: 'assistant', tool_calls: null, model };
}

/** Inspect's stop reasons; anything else a provider says is "unknown". */
function stopReason(finish: string | null): string {
  if (finish === 'stop') return 'stop';
  if (finish === 'length') return 'max_tokens';
  if (finish === 'content_filter') return 'content_filter';
  return 'unknown';
}

function statusOf(manifest: RunManifest): 'success' | 'started' | 'error' {
  if (manifest.status === 'finished') return 'success';
  if (manifest.status === 'running') return 'started';
  return 'error';
}

function usage(manifest: RunManifest): Record<string, Json> {
  const u = manifest.usage ?? {};
  const input = typeof u.prompt_tokens === 'number' ? u.prompt_tokens : 0;
  const output = typeof u.completion_tokens === 'number' ? u.completion_tokens : 0;
  return { input_tokens: input, output_tokens: output, total_tokens: input + output };
}

function numericMetrics(values: Record<string, unknown> | null | undefined): Record<string, Json> {
  const metrics: Record<string, Json> = {};
  for (const [name, value] of Object.entries(values ?? {})) {
    if (typeof value === 'number' && Number.isFinite(value)) metrics[name] = { name, value, params: {} };
  }
  return metrics;
}

/**
 * The run's own summary figures: its top-level numbers as one score, and each block of a breakdown
 * (MASK per_config and per_domain, capability groups, …: any object of objects with numbers) as
 * another, named <benchmark>/<breakdown>/<block>.
 */
function results(run: EvalRunFiles, views: SampleView[]): Record<string, Json> {
  const scorer = `candor/${run.manifest.benchmark}`;
  const scores: Json[] = [];
  const top = numericMetrics(run.summary);
  if (Object.keys(top).length) scores.push({ name: run.manifest.benchmark, scorer, params: {}, metrics: top, scored_samples: views.filter((v) => Object.keys(v.scores).length > 0).length });
  for (const [breakdown, blocks] of Object.entries(run.summary ?? {})) {
    if (!blocks || typeof blocks !== 'object' || Array.isArray(blocks)) continue;
    for (const [key, block] of Object.entries(blocks as Record<string, unknown>)) {
      if (!block || typeof block !== 'object' || Array.isArray(block)) continue;
      const metrics = numericMetrics(block as Record<string, unknown>);
      if (Object.keys(metrics).length) scores.push({ name: `${run.manifest.benchmark}/${breakdown}/${key}`, scorer, params: { [breakdown]: key }, metrics });
    }
  }
  return { total_samples: views.length, completed_samples: views.filter((v) => v.output !== null).length, scores };
}

function sample(view: SampleView, model: string, index: number): Record<string, Json> {
  const input = view.input.map((m, i) => chatMessage(m, `${index}-in-${i}`));
  const answer = view.output === null ? null : assistant(view.output, model, `${index}-out`);
  const scores: Record<string, Json> = {};
  for (const [name, s] of Object.entries(view.scores)) scores[name] = { value: s.value, answer: view.output, explanation: s.explanation ?? null, metadata: null, history: [] };
  const metadata: Record<string, Json> = { ...view.fields };
  if (Object.keys(view.undetermined).length) metadata.undetermined = view.undetermined;
  if (view.otherCalls.length) metadata.other_calls = view.otherCalls.map((c) => ({ role: c.role, sample: c.sample, messages: c.messages.map((m) => ({ role: m.role, content: m.content })), response: c.response }));
  return {
    id: view.id,
    epoch: 1,
    input: input.length ? input : '',
    target: view.target,
    messages: answer ? [...input, answer] : input,
    output: {
      model,
      choices: answer ? [{ message: answer, stop_reason: stopReason(view.finishReason), logprobs: null }] : [],
      completion: view.output ?? '',
      usage: null,
      error: view.error,
    },
    scores: Object.keys(scores).length ? scores : null,
    metadata,
    store: {},
    events: [],
    model_usage: {},
    role_usage: {},
    attachments: {},
    error: view.error && view.output === null ? { message: view.error, traceback: '', traceback_ansi: '' } : null,
    limit: null,
  };
}

export interface InspectLogOptions {
  /** Candor's version, recorded as the package that wrote the log. */
  version: string;
}

export function toInspectLog(run: EvalRunFiles, options: InspectLogOptions): Record<string, Json> {
  const m = run.manifest;
  const opts = m.options;
  const model = typeof opts.model === 'string' ? opts.model : 'unknown';
  const views = run.samples.map((s) => sampleView(m.benchmark, s));
  const judge = typeof opts.judge === 'string' ? opts.judge : null;
  const generate: Record<string, Json> = {};
  if (typeof opts.temperature === 'number') generate.temperature = opts.temperature;
  if (typeof opts.max_tokens === 'number') generate.max_tokens = opts.max_tokens;
  const status = statusOf(m);
  const candorOptions = JSON.parse(JSON.stringify(opts)) as Json;
  return {
    version: 2,
    status,
    eval: {
      eval_id: m.id,
      run_id: m.id,
      created: m.created_at,
      task: `candor/${m.benchmark}`,
      task_id: `${m.benchmark}-${m.id}`,
      task_version: 0,
      task_attribs: {},
      task_args: {},
      task_args_passed: {},
      dataset: { name: m.benchmark, location: typeof opts.data === 'string' ? opts.data : null, samples: views.length, sample_ids: views.map((v) => v.id), shuffled: false },
      model,
      model_generate_config: generate,
      model_args: {},
      ...(judge && judge !== 'rule' ? { model_roles: { grader: { model: judge, config: {}, args: {} } } } : {}),
      config: {},
      packages: { candor: options.version },
      metadata: { candor: { benchmark: m.benchmark, judge, options: candorOptions, label: run.label || null } },
    },
    plan: { name: 'plan', steps: [{ solver: 'generate', params: {}, params_passed: {} }], config: generate },
    results: results(run, views),
    stats: { started_at: m.created_at, completed_at: m.finished_at ?? '', model_usage: { [model]: usage(m) }, role_usage: {}, connection_limit_history: [] },
    ...(status === 'error' ? { error: { message: m.incomplete ?? `run ${m.status}`, traceback: '', traceback_ansi: '' } } : {}),
    samples: views.map((v, i) => sample(v, model, i)),
    invalidated: false,
    tags: ['candor', m.benchmark],
    metadata: {},
  };
}
