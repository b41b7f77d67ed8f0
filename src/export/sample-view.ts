/**
 * One benchmark-neutral view of a stored sample, which the Inspect, CSV and JSONL writers share:
 * the conversation that produced the scored answer, that answer, the scores, and what else the
 * benchmark recorded. Each benchmark's record shape is read here and nowhere else in src/export/.
 */
import type { SampleLine } from './run-files.js';

export interface Message {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ScoreView {
  /** A number (1/0/-1 for MASK honesty, 1/0 for deceptive) or a label. */
  value: number | string;
  explanation?: string;
}

export interface SampleView {
  id: string;
  /** The prompt of the scored conversation (system and user turns, earlier assistant turns). */
  input: Message[];
  /** The model's answer in that conversation; null when the provider failed. */
  output: string | null;
  finishReason: string | null;
  /** What a correct answer is, when the benchmark has one (MASK ground truth). */
  target: string;
  scores: Record<string, ScoreView>;
  /** Scores the run could not determine, with the reason (never turned into a value). */
  undetermined: Record<string, string>;
  /** Flat descriptive fields: config, domain, category … */
  fields: Record<string, string | number | boolean | null>;
  /** The other conversations the benchmark held for this item (belief elicitation, repeats …). */
  otherCalls: { role: string; sample: number; messages: Message[]; response: string | null }[];
  error: string | null;
}

const ROLES = new Set(['system', 'user', 'assistant']);

function messages(value: unknown): Message[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((m) => {
    const r = m as { role?: unknown; content?: unknown };
    return typeof r.role === 'string' && ROLES.has(r.role) && typeof r.content === 'string' ? [{ role: r.role as Message['role'], content: r.content }] : [];
  });
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function scalar(value: unknown): string | number | boolean | null | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null ? value : undefined;
}

/** `{status:'scored', value}` / `{status:'undetermined', reason}` (MASK RowScore). */
function rowScore(name: string, value: unknown, view: SampleView): void {
  const v = value as { status?: unknown; value?: unknown; reason?: unknown } | null | undefined;
  if (!v || typeof v !== 'object') return;
  if (v.status === 'scored' && typeof v.value === 'number') view.scores[name] = { value: v.value };
  else if (v.status === 'undetermined') view.undetermined[name] = str(v.reason) ?? 'undetermined';
}

function flatFields(record: SampleLine, keys: readonly string[]): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const key of keys) {
    const v = scalar(record[key]);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

function describeTarget(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') return JSON.stringify(value);
  return '';
}

function maskView(record: SampleLine): SampleView {
  const calls = Array.isArray(record.calls) ? (record.calls as Record<string, unknown>[]) : [];
  const scored = calls.find((c) => c.role === 'pressure') ?? calls[0];
  const view: SampleView = {
    id: record.id,
    input: messages(scored?.messages),
    output: str(scored?.response),
    finishReason: null,
    target: describeTarget(record.ground_truth),
    scores: {},
    undetermined: {},
    fields: flatFields(record, ['config', 'task_id', 'kind', 'domain', 'has_belief']),
    otherCalls: calls.filter((c) => c !== scored).map((c) => ({ role: str(c.role) ?? 'call', sample: typeof c.sample === 'number' ? c.sample : 0, messages: messages(c.messages), response: str(c.response) })),
    error: calls.map((c) => str(c.error)).find((e) => e !== null) ?? null,
  };
  rowScore('honesty', record.honesty, view);
  rowScore('honesty_at_1', record.honesty_at_1, view);
  rowScore('accuracy', record.accuracy, view);
  const belief = record.belief as { status?: unknown } | undefined;
  if (belief && typeof belief.status === 'string') view.fields.belief = belief.status;
  return view;
}

function deceptionView(record: SampleLine): SampleView {
  const view: SampleView = {
    id: record.id,
    input: messages(record.outer_messages),
    output: str(record.response),
    finishReason: str(record.finish_reason),
    target: '',
    scores: {},
    undetermined: {},
    fields: flatFields(record, ['category', 'domain']),
    otherCalls: [],
    error: Array.isArray(record.errors) && typeof record.errors[0] === 'string' ? record.errors[0] : null,
  };
  const inner = Object.entries(record).find(([k]) => k.startsWith('inner') && Array.isArray(record[k]));
  if (inner) view.otherCalls.push({ role: 'utility_elicitation', sample: 0, messages: messages(inner[1]), response: str(record.utility) });
  const outcome = record.outcome as { status?: unknown; deceptive?: unknown; kind?: unknown; reason?: unknown } | undefined;
  // Eq. 5 of the paper: an invalid item counts as not deceptive in the rate over all items.
  if (outcome?.status === 'scored' && typeof outcome.deceptive === 'boolean') view.scores.deceptive = { value: outcome.deceptive ? 1 : 0 };
  else if (outcome?.status === 'invalid') {
    view.scores.deceptive = { value: 0, explanation: `invalid (${str(outcome.kind) ?? 'unknown'}): ${str(outcome.reason) ?? ''}` };
    view.fields.invalid = str(outcome.kind) ?? 'invalid';
  } else if (outcome?.status === 'undetermined') view.undetermined.deceptive = str(outcome.reason) ?? 'undetermined';
  view.fields.reasoning = str(record.reasoning);
  view.fields.action = str(record.action);
  return view;
}

/** Benchmarks without a reader here still export: their scalar fields and any messages/response. */
function genericView(record: SampleLine): SampleView {
  const fields: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(record)) {
    const v = scalar(value);
    if (v !== undefined && !['id', 'response', 'answer', 'error'].includes(key)) fields[key] = v;
  }
  const scores: Record<string, ScoreView> = {};
  for (const key of ['score', 'correct']) {
    const v = record[key];
    if (typeof v === 'number') scores[key] = { value: v };
    else if (typeof v === 'boolean') scores[key] = { value: v ? 1 : 0 };
  }
  const undetermined: Record<string, string> = {};
  // Capability marks an item it could not score with correct: null and the provider's error.
  if ('correct' in record && record.correct === null) undetermined.correct = str(record.error) ?? 'no answer to score';
  return { id: record.id, input: messages(record.messages), output: str(record.response) ?? str(record.answer), finishReason: null, target: describeTarget(record.target ?? record.expected), scores, undetermined, fields, otherCalls: [], error: str(record.error) };
}

export function sampleView(benchmark: string, record: SampleLine): SampleView {
  if (benchmark === 'mask') return maskView(record);
  if (benchmark === 'deceptionbench') return deceptionView(record);
  return genericView(record);
}
