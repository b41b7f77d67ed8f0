/**
 * Watches a run's provider calls, for two things no benchmark should have to do itself:
 * - which provider failures belong to which item (so an item a provider failed is marked to be
 *   redone, whatever shape the benchmark's record has): each item runs in its own async context
 *   and every failed call lands in the list of the item that made it;
 * - whether the run is failing as a whole: when the first calls that end all fail the same way
 *   (401, unknown model, connection refused) before any succeeds, the run stops instead of
 *   burning through every item.
 * A judge's unparseable verdict is no provider failure: it never reaches this watch.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ProviderError, type ChatProvider, type ChatRequest, type ChatResult } from '../models/types.js';

/** This many failures in a row, all alike and before any success, stop the run. */
export const EARLY_STOP_CALLS = 4;

export class CallWatch {
  private readonly item = new AsyncLocalStorage<string[]>();
  private succeeded = false;
  private firstFailure: { signature: string; message: string } | null = null;
  private alike = 0;
  stopReason: string | null = null;
  onStop: (() => void) | null = null;

  get stopped(): boolean {
    return this.stopReason !== null;
  }

  get failedCalls(): number {
    return this.alike;
  }

  /** Runs one item's work; returns its value and the provider failures its calls met (unique, in order). */
  async attribute<T>(work: () => Promise<T>): Promise<{ value: T; errors: string[] }> {
    const errors: string[] = [];
    const value = await this.item.run(errors, work);
    return { value, errors: [...new Set(errors)] };
  }

  succeededCall(): void {
    this.succeeded = true;
  }

  failedCall(error: ProviderError): void {
    // A call cut short because the run is stopping (or was cancelled) says nothing about the provider.
    if (error.kind !== 'aborted') {
      const line = describe(error);
      this.item.getStore()?.push(line);
      if (!this.succeeded && !this.stopped) {
        const signature = `${error.kind}:${error.status ?? ''}`;
        if (this.firstFailure === null) this.firstFailure = { signature, message: line };
        if (this.firstFailure.signature === signature) {
          this.alike++;
          if (this.alike >= EARLY_STOP_CALLS) {
            this.stopReason = this.firstFailure.message;
            this.onStop?.();
          }
        } else {
          // Failures that differ are not one broken setting; let the run go on and count them per item.
          this.succeeded = true;
        }
      }
    } else {
      this.item.getStore()?.push(describe(error));
    }
  }
}

/** One line, secrets scrubbed (providers redact their own key; this also catches keys echoed back). */
export function describe(error: ProviderError): string {
  const text = `provider error (${error.kind}${error.status ? ` ${error.status}` : ''}): ${error.message}`;
  return redactSecrets(text.replace(/\s+/g, ' ').trim()).slice(0, 500);
}

export function redactSecrets(text: string): string {
  return text
    .replace(/\b(sk|pk|rk)-[A-Za-z0-9_*-]{8,}/g, '$1-***')
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 ***')
    .replace(/\b(api[_-]?key|token|secret)(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, '$1$2***');
}

/** The provider, reporting each call's outcome to the watch. Outermost, so shared in-flight calls count for every item awaiting them. */
export function withCallWatch(provider: ChatProvider, watch: CallWatch): ChatProvider {
  return {
    id: provider.id,
    async chat(request: ChatRequest, signal?: AbortSignal): Promise<ChatResult> {
      try {
        const result = await provider.chat(request, signal);
        watch.succeededCall();
        return result;
      } catch (error) {
        if (error instanceof ProviderError) watch.failedCall(error);
        throw error;
      }
    },
    stats: provider.stats ? () => provider.stats!() : undefined,
    close: provider.close ? () => provider.close!() : undefined,
  };
}
