/**
 * The provider registry: one table from a spec's prefix to the kind that parses it and builds its
 * ChatProvider. The CLI, YAML experiments and the library all go through it; nothing else looks at
 * a spec's prefix. Adding a provider: write src/models/providers/<name>.ts exporting a
 * ProviderKind, add its spec type to ModelSpec and its entry to KINDS below.
 */
import { isAbsolute } from 'node:path';
import { InputError } from '../util/errors.js';
import { resolveCheckpointDir } from './embedded-default.js';
import { embeddedKind, type EmbeddedSpec } from './providers/embedded.js';
import { openaiKind, type OpenAISpec } from './providers/openai.js';
import { ModelSpecError, type ProviderKind, type ProviderOptions } from './providers/types.js';
import type { ChatProvider } from './types.js';

export { ModelSpecError, type ProviderOptions } from './providers/types.js';
export { DEFAULT_OPENAI_BASE_URL, isOfficialOpenAI } from './providers/openai.js';
export { defaultEmbeddedCheckpointDir } from './embedded-default.js';

export type ModelSpec = OpenAISpec | EmbeddedSpec;

type KindTable = { [K in ModelSpec['kind']]: ProviderKind<Extract<ModelSpec, { kind: K }>> };

const KINDS: KindTable = {
  openai: openaiKind,
  embedded: embeddedKind,
};

const GRAMMAR = Object.values(KINDS).map((k) => k.grammar).join(' or ');

function kindOf<S extends ModelSpec>(spec: S): ProviderKind<S> {
  return KINDS[spec.kind] as unknown as ProviderKind<S>;
}

export function parseModelSpec(spec: string): ModelSpec {
  const colon = spec.indexOf(':');
  if (colon <= 0) throw new ModelSpecError(spec, 'missing "<kind>:" prefix', GRAMMAR);
  const prefix = spec.slice(0, colon);
  if (!Object.hasOwn(KINDS, prefix)) throw new ModelSpecError(spec, `unknown kind "${prefix}" (known: ${Object.keys(KINDS).join(', ')})`, GRAMMAR);
  return KINDS[prefix as ModelSpec['kind']].parse(spec.slice(colon + 1), spec);
}

/** The kind a spec names, or undefined when it does not parse (for checks that report their own error). */
export function modelKind(spec: string): ModelSpec['kind'] | undefined {
  try {
    return parseModelSpec(spec).kind;
  } catch {
    return undefined;
  }
}

/** Canonical secret-free string form (used as provider id). */
export function formatModelSpec(spec: ModelSpec): string {
  return kindOf(spec).format(spec);
}

/** The local checkpoint directory a spec names (embedded:default resolved), or undefined for remote models. */
export function localCheckpointDir(spec: string | ModelSpec): string | undefined {
  const parsed = typeof spec === 'string' ? parseModelSpec(spec) : spec;
  return kindOf(parsed).checkpointDir?.(parsed);
}

/** `embedded:DIR`, `embedded:default` or a bare directory → checkpoint directory (what the embedded trainer takes). */
export function checkpointDirOf(modelSpec: string): string {
  if (/^[a-z]+:/i.test(modelSpec) && !isAbsolute(modelSpec)) {
    const dir = localCheckpointDir(modelSpec);
    if (dir === undefined) throw new InputError(`only embedded models can be fine-tuned here (got "${modelSpec}")`, { field: 'model' });
    return dir;
  }
  return resolveCheckpointDir(modelSpec);
}

/**
 * The options of a second provider in the same run (the judge beside the model under test): its own
 * credentials only (apiKeyEnv, env: never the model's), the model's call policy (timeout, retries,
 * warnings) wherever its own options leave one unset. A run's fault handling is one policy; without
 * this a judge call that hangs waits out the 120 s default however short the run's timeout.
 */
export function secondProviderOptions(model: ProviderOptions, own: ProviderOptions = {}): ProviderOptions {
  const policy: ProviderOptions = { timeoutMs: model.timeoutMs, retry: model.retry, warn: model.warn };
  const merged: ProviderOptions = { ...dropUnset(policy), ...dropUnset(own) };
  if (policy.retry && own.retry) merged.retry = { ...dropUnset(policy.retry), ...dropUnset(own.retry) };
  return merged;
}

function dropUnset<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export async function createProvider(spec: string, options: ProviderOptions = {}): Promise<ChatProvider> {
  const parsed = parseModelSpec(spec);
  if (options.concurrency !== undefined && (!Number.isInteger(options.concurrency) || options.concurrency < 1)) {
    throw new InputError(`concurrency must be a positive integer, got ${options.concurrency}`, { field: 'concurrency' });
  }
  return kindOf(parsed).create(parsed, options);
}
