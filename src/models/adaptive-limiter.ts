/**
 * Per-provider concurrency limit that adapts to the server: halves when the server says it is
 * overloaded (429) and grows back by one slot after a full window of successes (AIMD, as TCP
 * does), so a run settles just under the rate the server tolerates.
 */
import { abortedError } from './retry.js';

export interface Permit {
  /** The limit epoch the permit was granted in: a 429 on a request started before the last cut does not cut again. */
  readonly epoch: number;
}

interface Waiter {
  resolve(permit: Permit): void;
  reject(error: Error): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export class AdaptiveLimiter {
  private currentLimit: number;
  private active = 0;
  private epoch = 0;
  private successesSinceChange = 0;
  private readonly waiters: Waiter[] = [];
  private waitersHead = 0;
  /** How many times the limit was cut (for reports and tests). */
  decreases = 0;

  constructor(readonly maxLimit: number, readonly minLimit = 1) {
    if (!Number.isInteger(maxLimit) || maxLimit < 1) throw new RangeError(`concurrency must be a positive integer, got ${maxLimit}`);
    this.currentLimit = maxLimit;
  }

  get limit(): number {
    return this.currentLimit;
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiters.length - this.waitersHead;
  }

  acquire(signal?: AbortSignal): Promise<Permit> {
    if (signal?.aborted) return Promise.reject(abortedError());
    if (this.active < this.currentLimit && this.queued === 0) {
      this.active++;
      return Promise.resolve({ epoch: this.epoch });
    }
    return new Promise<Permit>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const index = this.waiters.indexOf(waiter, this.waitersHead);
          if (index !== -1) this.waiters.splice(index, 1);
          reject(abortedError());
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
    });
  }

  /** Ends a permit. `rateLimited` cuts the limit (once per epoch); `success` counts towards growth. */
  release(permit: Permit, outcome: 'success' | 'rate_limited' | 'failure'): void {
    this.active--;
    if (outcome === 'rate_limited') {
      if (permit.epoch === this.epoch) {
        this.currentLimit = Math.max(this.minLimit, Math.floor(this.currentLimit / 2));
        this.epoch++;
        this.decreases++;
        this.successesSinceChange = 0;
      }
    } else if (outcome === 'success' && this.currentLimit < this.maxLimit) {
      this.successesSinceChange++;
      if (this.successesSinceChange >= this.currentLimit) {
        this.currentLimit++;
        this.successesSinceChange = 0;
      }
    }
    this.drain();
  }

  private drain(): void {
    while (this.active < this.currentLimit && this.waitersHead < this.waiters.length) {
      // The loop condition keeps waitersHead inside the queue.
      const waiter = this.waiters[this.waitersHead++]!;
      if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
      this.active++;
      waiter.resolve({ epoch: this.epoch });
    }
    // Compact the queue now and then instead of shifting on every grant.
    if (this.waitersHead > 1024 && this.waitersHead * 2 > this.waiters.length) {
      this.waiters.splice(0, this.waitersHead);
      this.waitersHead = 0;
    }
  }
}
