/**
 * One entry point from a model spec string to a ready ChatProvider, used by the CLI, YAML
 * experiments and the library alike.
 */
import { fileURLToPath } from 'node:url';
import { InputError } from '../util/errors.js';
import { OpenAIChatProvider } from './openai-provider.js';
import type { RetryPolicy } from './retry.js';
import { DEFAULT_OPENAI_BASE_URL, parseModelSpec } from './spec.js';
import type { ChatProvider } from './types.js';

export interface ProviderOptions {
  /** Most calls in flight at once (default 8). */
  concurrency?: number;
  /** Name of the environment variable holding the API key (default OPENAI_API_KEY). */
  apiKeyEnv?: string;
  /** Per-attempt request timeout in ms (default 120 s). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Environment to read the key from (default process.env). */
  env?: Record<string, string | undefined>;
}

/** The contract `src/embedded/provider.ts` fulfils. */
interface EmbeddedProviderModule {
  createEmbeddedProvider(dir: string, options?: { concurrency?: number }): Promise<ChatProvider>;
}

/** The committed base checkpoint that `embedded:default` names, resolved from the package, not the working directory. */
export const DEFAULT_EMBEDDED_DIR = fileURLToPath(new URL('../../models/embedded-base/', import.meta.url));

export async function createProvider(spec: string, options: ProviderOptions = {}): Promise<ChatProvider> {
  const parsed = parseModelSpec(spec);
  if (options.concurrency !== undefined && (!Number.isInteger(options.concurrency) || options.concurrency < 1)) {
    throw new InputError(`concurrency must be a positive integer, got ${options.concurrency}`, { field: 'concurrency' });
  }
  if (parsed.kind === 'embedded') {
    const dir = parsed.dir === 'default' ? DEFAULT_EMBEDDED_DIR : parsed.dir;
    // Imported lazily so HTTP-only runs never load the tensor backend.
    // The path sits in a variable so this module type-checks before the embedded model lands.
    const modulePath = '../embedded/provider.js';
    const { createEmbeddedProvider } = (await import(modulePath)) as EmbeddedProviderModule;
    return createEmbeddedProvider(dir, { concurrency: options.concurrency });
  }
  const env = options.env ?? process.env;
  const keyVar = options.apiKeyEnv ?? 'OPENAI_API_KEY';
  const apiKey = env[keyVar] || undefined;
  if (options.apiKeyEnv && !apiKey) {
    throw new InputError(`environment variable ${options.apiKeyEnv} (named by --api-key-env) is not set`, { field: 'apiKeyEnv' });
  }
  if (!apiKey && parsed.baseURLs.includes(DEFAULT_OPENAI_BASE_URL)) {
    throw new InputError(`${spec} needs an API key: set ${keyVar}`, { field: 'apiKeyEnv' });
  }
  return new OpenAIChatProvider({
    model: parsed.model,
    baseURLs: parsed.baseURLs,
    apiKey,
    concurrency: options.concurrency,
    timeoutMs: options.timeoutMs,
    retry: options.retry,
  });
}
