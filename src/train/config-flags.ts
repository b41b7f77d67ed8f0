/**
 * Command-line flags generated from the training config schema (src/train/config.ts): one flag per
 * field, help text and defaults read from the schema, values checked by the same schema. `lora.*`
 * fields become `--lora-*` flags; giving any of them (or `--lora`) turns LoRA on.
 */
import type { z } from 'zod';
import { InputError } from '../util/errors.js';
import { loraConfigSchema, methodSchema, trainingConfigSchema, type TrainingConfig, type TrainMethod } from './config.js';

export interface ConfigFlag {
  /** Field path in the config, e.g. ["lora", "rank"]. */
  path: string[];
  /** Long flag without value, e.g. "--lora-rank". */
  flag: string;
  kind: 'number' | 'boolean' | 'modules';
  description: string;
  /** Schema default, when the field has one. */
  defaultValue?: unknown;
}

interface Def {
  type: string;
  innerType?: { _zod: { def: Def } };
  defaultValue?: unknown;
  options?: { _zod: { def: Def } }[];
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** The field's own type under default/optional wrappers, and its default. */
function unwrap(schema: z.ZodType): { type: string; defaultValue?: unknown } {
  let def = defOf(schema);
  let defaultValue: unknown;
  for (;;) {
    if (def.type === 'default') defaultValue = def.defaultValue;
    if ((def.type === 'default' || def.type === 'optional') && def.innerType) def = def.innerType._zod.def;
    else break;
  }
  return { type: def.type, ...(defaultValue !== undefined ? { defaultValue } : {}) };
}

const kebab = (name: string) => name.replaceAll('_', '-');

function flagsOf(shape: Record<string, z.ZodType>, prefix: string[]): ConfigFlag[] {
  const flags: ConfigFlag[] = [];
  for (const [name, field] of Object.entries(shape)) {
    if (name === 'method' || name === 'lora') continue;
    const { type, defaultValue } = unwrap(field);
    const kind = type === 'boolean' ? 'boolean' : type === 'number' ? 'number' : type === 'union' ? 'modules' : undefined;
    if (!kind) throw new Error(`config-flags: no flag kind for field ${[...prefix, name].join('.')} of type ${type}`);
    flags.push({
      path: [...prefix, name],
      flag: `--${[...prefix, name].map(kebab).join('-')}`,
      kind,
      description: (field as { description?: string }).description ?? name,
      ...(defaultValue !== undefined ? { defaultValue } : {}),
    });
  }
  return flags;
}

/** Every flag of `candor train <method>`, in schema order; the lora flags last. */
export function configFlags(method: TrainMethod): ConfigFlag[] {
  const schema = methodSchema(method);
  return [...flagsOf(schema.shape as Record<string, z.ZodType>, []), ...flagsOf(loraConfigSchema.shape as Record<string, z.ZodType>, ['lora'])];
}

/** Help text of a flag: the schema's description and default. */
export function flagHelp(flag: ConfigFlag): string {
  if (flag.defaultValue === undefined) return flag.description;
  const shown = Array.isArray(flag.defaultValue) ? flag.defaultValue.join(',') : String(flag.defaultValue);
  return `${flag.description} (default ${shown})`;
}

/** Parses a flag's text value; schema checks come after, in configFromFlags. */
export function parseFlagValue(flag: ConfigFlag, text: string): unknown {
  if (flag.kind === 'number') {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n)) throw new InputError(`must be a number, got "${text}"`, { field: flag.flag });
    return n;
  }
  if (flag.kind === 'modules') return text === 'all-linear' ? text : text.split(',').map((m) => m.trim()).filter(Boolean);
  return text;
}

/**
 * Builds and validates the config from flag values keyed by field path ("lr", "lora.rank"); unset
 * fields take the schema's defaults. `lora: true` turns LoRA on with its defaults. Errors name the flag.
 */
export function configFromFlags(method: TrainMethod, values: Record<string, unknown>, lora = false): TrainingConfig {
  const raw: Record<string, unknown> = { method };
  const loraRaw: Record<string, unknown> = {};
  for (const flag of configFlags(method)) {
    const value = values[flag.path.join('.')];
    if (value === undefined) continue;
    if (flag.path[0] === 'lora') loraRaw[flag.path[1]!] = value;
    else raw[flag.path[0]!] = value;
  }
  if (lora || Object.keys(loraRaw).length > 0) raw.lora = loraRaw;
  const parsed = trainingConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const flag = configFlags(method).find((f) => f.path.join('.') === issue.path.join('.'));
  throw new InputError(issue.message, { field: flag?.flag ?? issue.path.join('.') });
}
