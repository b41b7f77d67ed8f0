/**
 * Retry policy for model calls: which failures are worth another attempt, how long to wait
 * (jittered exponential backoff, or the server's own Retry-After), and an abortable sleep.
 */
import { ProviderError } from './types.js';

export interface RetryPolicy {
  /** Total attempts per call, the first one included. */
  maxAttempts: number;
  /** Backoff before the first retry; doubles each retry. */
  baseDelayMs: number;
  /** Ceiling on a computed backoff. */
  maxDelayMs: number;
  /** Ceiling on a server-requested Retry-After, so a hostile header cannot stall a run forever. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/**
 * Backoff before retry number `retry` (1 = first retry). "Equal jitter": half fixed, half random,
 * so retries from many concurrent calls spread out but never collapse to zero wait.
 */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return exponential / 2 + random() * (exponential / 2);
}

/**
 * Parses Retry-After (delay-seconds or an HTTP date) and the non-standard retry-after-ms some
 * servers send. Returns milliseconds to wait, or undefined when absent or unreadable.
 */
export function parseRetryAfter(
  headers: { get(name: string): string | null } | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const raw = headers.get('retry-after');
  if (raw === null) return undefined;
  const text = raw.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Sleeps `ms`, rejecting with an `aborted` ProviderError as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortedError());
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function abortedError(): ProviderError {
  return new ProviderError('model call aborted', 'aborted');
}

/** Failure kinds that a later attempt may cure. */
export function isRetryable(error: ProviderError): boolean {
  return error.kind === 'rate_limit' || error.kind === 'server' || error.kind === 'timeout' || error.kind === 'network' || error.kind === 'bad_response';
}
