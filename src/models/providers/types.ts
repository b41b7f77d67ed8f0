/**
 * What a provider kind contributes to the registry: the grammar after its prefix, the canonical
 * (secret-free) form, and how to build a ChatProvider from a parsed spec.
 */
import type { ChatProvider } from '../types.js';
import type { RetryPolicy } from '../retry.js';

export interface ProviderOptions {
  /** Most calls in flight at once (default 8). */
  concurrency?: number;
  /**
   * Name of the environment variable holding this provider's API key. The key is sent to this
   * provider's endpoints only. Unnamed, OPENAI_API_KEY is read and sent only to api.openai.com.
   */
  apiKeyEnv?: string;
  /** Per-attempt request timeout in ms (default 120 s). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Environment to read the key from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Where warnings go (default stderr). */
  warn?: (message: string) => void;
}

export class ModelSpecError extends Error {
  /** A bad spec is bad input: the CLI exits 2. */
  readonly exitCode = 2;
  constructor(spec: string, why: string, grammar: string) {
    super(`invalid model spec "${spec}": ${why}. Expected ${grammar}`);
    this.name = 'ModelSpecError';
  }
}

export interface ProviderKind<S extends { kind: string }> {
  /** The prefix before the first ":" in a spec. */
  readonly prefix: S['kind'];
  /** The grammar, for error messages and help. */
  readonly grammar: string;
  /** Parses what follows the prefix; throws ModelSpecError naming what is wrong. */
  parse(rest: string, spec: string): S;
  /** The canonical form: parse(format(s)) equals s. */
  format(spec: S): string;
  create(spec: S, options: ProviderOptions): Promise<ChatProvider>;
  /** The local checkpoint directory a spec names, for kinds that have one (training, lineage). */
  checkpointDir?(spec: S): string;
}
