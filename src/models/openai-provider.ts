/**
 * ChatProvider for any OpenAI-compatible chat endpoint (vLLM, SGLang, llama.cpp, Ollama, OpenAI,
 * Together …) through the official `openai` client. The client's own retries are off: this class
 * owns the policy (adaptive concurrency, backoff, Retry-After, load balancing over base URLs).
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { z } from 'zod';
import { AdaptiveLimiter } from './adaptive-limiter.js';
import { createKeepAliveFetch, type FetchLike } from './keepalive-fetch.js';
import { EndpointPool, type Endpoint } from './endpoint-pool.js';
import { isOfficialOpenAI } from './official-openai.js';
import { DEFAULT_RETRY_POLICY, abortedError, backoffDelayMs, isRetryable, parseRetryAfter, sleep, type RetryPolicy } from './retry.js';
import { ProviderError, type ChatProvider, type ChatRequest, type ChatResult, type ProviderStats } from './types.js';

export interface OpenAIProviderOptions {
  model: string;
  baseURLs: string[];
  /** The key itself. Never stored in ids, logs, caches or error messages. Local servers need none. */
  apiKey?: string;
  /** The endpoints the key may be sent to (default: every base URL of this provider). */
  sendKeyTo?: (baseURL: string) => boolean;
  /** Where warnings go, e.g. a capped Retry-After (default stderr). */
  warn?: (message: string) => void;
  /** Most calls in flight at once (default 8); the adaptive limit stays at or below it. */
  concurrency?: number;
  /** Per-attempt timeout in ms (default 120 s). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Replaceable for deterministic tests of jitter. */
  random?: () => number;
}

export interface OpenAIProviderStats extends ProviderStats {
  /** Current adaptive concurrency limit. */
  concurrency: number;
  /** Times the limit was halved after a 429. */
  concurrencyDecreases: number;
  /** Successful calls per base URL. */
  perEndpoint: Record<string, number>;
}

const completionSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullable().optional() }),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .min(1),
  usage: z
    .object({ prompt_tokens: z.number().optional(), completion_tokens: z.number().optional() })
    .nullable()
    .optional(),
});

const DEFAULT_TIMEOUT_MS = 120_000;
const PLACEHOLDER_KEY = 'candor-no-key';

export class OpenAIChatProvider implements ChatProvider {
  readonly id: string;
  private readonly model: string;
  private readonly pool: EndpointPool<OpenAI>;
  private readonly limiter: AdaptiveLimiter;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly random: () => number;
  private readonly secret: string | undefined;
  private readonly counters = { calls: 0, promptTokens: 0, completionTokens: 0, retries: 0, errors: 0 };
  private readonly successesByURL = new Map<string, number>();
  private readonly transport: FetchLike & { destroy(): void };
  private readonly warn: (message: string) => void;
  private warnedRetryAfter = false;

  constructor(options: OpenAIProviderOptions) {
    this.model = options.model;
    this.id = `openai:${options.model}@${options.baseURLs.join(',')}`;
    this.secret = options.apiKey || undefined;
    this.warn = options.warn ?? ((message) => process.stderr.write(`candor: warning: ${message}\n`));
    const sendKeyTo = options.sendKeyTo ?? (() => true);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.random = options.random ?? Math.random;
    this.limiter = new AdaptiveLimiter(options.concurrency ?? 8);
    this.transport = createKeepAliveFetch();
    this.pool = new EndpointPool(
      options.baseURLs.map((baseURL) => ({
        baseURL,
        client: new OpenAI({
          baseURL,
          // The client insists on a credential (and would read OPENAI_API_KEY itself without one), so an
          // endpoint without a key gets a placeholder and no Authorization header at all.
          ...(this.secret !== undefined && sendKeyTo(baseURL)
            ? { apiKey: this.secret }
            : { apiKey: PLACEHOLDER_KEY, defaultHeaders: { Authorization: null } }),
          // The client would read OPENAI_ORG_ID / OPENAI_PROJECT_ID / OPENAI_ADMIN_KEY from the
          // environment for every host; they identify an OpenAI account, so only OpenAI gets them.
          ...(isOfficialOpenAI(baseURL) ? {} : { organization: null, project: null }),
          adminAPIKey: null,
          maxRetries: 0,
          timeout: this.timeoutMs,
          fetch: this.transport,
        }),
      })),
    );
  }

  async chat(request: ChatRequest, signal?: AbortSignal): Promise<ChatResult> {
    const body = this.requestBody(request);
    let lastError: ProviderError | undefined;
    for (let attempt = 1; attempt <= this.retry.maxAttempts; attempt++) {
      if (attempt > 1) this.counters.retries++;
      const permit = await this.limiter.acquire(signal);
      const endpoint = this.pool.pick();
      let result: ChatResult;
      try {
        result = await this.attempt(endpoint, body, signal);
      } catch (raw) {
        const error = this.classify(raw, signal);
        const retryAfterMs = error instanceof RetryableWithDelay ? error.retryAfterMs : undefined;
        const failure = error instanceof RetryableWithDelay ? error.cause : error;
        if (failure.kind === 'aborted' || failure.kind === 'client') this.pool.released(endpoint);
        else this.pool.failed(endpoint, retryAfterMs);
        this.limiter.release(permit, failure.kind === 'rate_limit' ? 'rate_limited' : 'failure');
        if (!isRetryable(failure) || attempt === this.retry.maxAttempts) {
          this.counters.errors++;
          throw attempt > 1 ? new ProviderError(`${failure.message} (after ${attempt} attempts)`, failure.kind, failure.status) : failure;
        }
        lastError = failure;
        const backoff = backoffDelayMs(attempt, this.retry, this.random);
        if (retryAfterMs !== undefined && retryAfterMs > this.retry.maxRetryAfterMs && !this.warnedRetryAfter) {
          this.warnedRetryAfter = true;
          this.warn(`${endpoint.baseURL} asked to wait ${Math.round(retryAfterMs / 1000)} s (Retry-After); waiting at most ${Math.round(this.retry.maxRetryAfterMs / 1000)} s`);
        }
        const wait = retryAfterMs !== undefined ? Math.min(this.retry.maxRetryAfterMs, Math.max(retryAfterMs, 0)) : backoff;
        await sleep(wait, signal);
        continue;
      }
      this.pool.succeeded(endpoint);
      this.limiter.release(permit, 'success');
      this.counters.calls++;
      this.counters.promptTokens += result.usage.promptTokens;
      this.counters.completionTokens += result.usage.completionTokens;
      this.successesByURL.set(endpoint.baseURL, (this.successesByURL.get(endpoint.baseURL) ?? 0) + 1);
      return result;
    }
    // Unreachable: the loop either returns or throws; kept for the type checker.
    throw lastError ?? new ProviderError('no attempt made', 'client');
  }

  stats(): OpenAIProviderStats {
    return {
      ...this.counters,
      concurrency: this.limiter.limit,
      concurrencyDecreases: this.limiter.decreases,
      perEndpoint: Object.fromEntries(this.successesByURL),
    };
  }

  async close(): Promise<void> {
    this.transport.destroy();
  }

  private requestBody(request: ChatRequest): OpenAI.Chat.ChatCompletionCreateParamsNonStreaming {
    const p = request.params ?? {};
    const body: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming = {
      model: this.model,
      messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
    };
    if (p.temperature !== undefined) body.temperature = p.temperature;
    if (p.topP !== undefined) body.top_p = p.topP;
    if (p.maxTokens !== undefined) body.max_tokens = p.maxTokens;
    if (p.stop !== undefined && p.stop.length > 0) body.stop = p.stop;
    if (p.seed !== undefined) body.seed = p.seed;
    return body;
  }

  private async attempt(endpoint: Endpoint<OpenAI>, body: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, signal?: AbortSignal): Promise<ChatResult> {
    const raw: unknown = await endpoint.client.chat.completions.create(body, { signal, timeout: this.timeoutMs, maxRetries: 0 });
    const parsed = completionSchema.safeParse(raw);
    if (!parsed.success) {
      throw new ProviderError(`${endpoint.baseURL}: response is not a chat completion (${describeIssue(parsed.error)})`, 'bad_response');
    }
    const [choice] = parsed.data.choices;
    if (!choice) throw new ProviderError(`${endpoint.baseURL}: response is not a chat completion (no choices)`, 'bad_response');
    return {
      text: choice.message.content ?? '',
      usage: {
        promptTokens: parsed.data.usage?.prompt_tokens ?? 0,
        completionTokens: parsed.data.usage?.completion_tokens ?? 0,
      },
      finishReason: choice.finish_reason ?? undefined,
    };
  }

  /** Maps whatever the client threw onto a ProviderError kind, with secrets scrubbed from the text. */
  private classify(raw: unknown, signal?: AbortSignal): ProviderError | RetryableWithDelay {
    if (signal?.aborted || raw instanceof APIUserAbortError) return abortedError();
    if (raw instanceof ProviderError) return new ProviderError(this.redact(raw.message), raw.kind, raw.status);
    if (raw instanceof APIConnectionTimeoutError) return new ProviderError(`request timed out after ${this.timeoutMs} ms`, 'timeout');
    if (raw instanceof APIConnectionError) {
      return new ProviderError(this.redact(`connection failed: ${raw.message}${causeText(raw)}`), 'network');
    }
    if (raw instanceof APIError) {
      const status = raw.status ?? 0;
      const message = this.redact(`HTTP ${status}: ${raw.message}`);
      if (status === 429) {
        return new RetryableWithDelay(new ProviderError(message, 'rate_limit', status), parseRetryAfter(raw.headers));
      }
      if (status >= 500 || status === 408 || status === 409) {
        return new RetryableWithDelay(new ProviderError(message, 'server', status), parseRetryAfter(raw.headers));
      }
      return new ProviderError(message, 'client', status);
    }
    if (raw instanceof SyntaxError) return new ProviderError(this.redact(`malformed JSON in response: ${raw.message}`), 'bad_response');
    if (raw instanceof Error && isConnectionReset(raw)) return new ProviderError(this.redact(`connection failed: ${raw.message}`), 'network');
    return new ProviderError(this.redact(`unexpected error: ${raw instanceof Error ? raw.message : String(raw)}`), 'network');
  }

  private redact(text: string): string {
    return this.secret ? text.split(this.secret).join('***') : text;
  }
}

/** A retryable failure that carries the server's requested wait. */
class RetryableWithDelay {
  constructor(
    readonly cause: ProviderError,
    readonly retryAfterMs: number | undefined,
  ) {}
  get kind() {
    return this.cause.kind;
  }
}

function causeText(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? ` (${cause.message})` : '';
}

function isConnectionReset(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET'].includes(code);
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
}
