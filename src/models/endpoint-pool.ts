/**
 * Load balancing over several base URLs serving the same model: each call goes to the healthy
 * endpoint with the fewest calls in flight (round-robin among ties); an endpoint that just failed
 * is skipped for a cool-down that grows with consecutive failures, unless every endpoint is failing.
 */
export interface Endpoint<T> {
  readonly baseURL: string;
  readonly client: T;
  inFlight: number;
  consecutiveFailures: number;
  /** Epoch ms before which the endpoint is avoided. */
  failingUntil: number;
  calls: number;
}

export class EndpointPool<T> {
  readonly endpoints: Endpoint<T>[];
  private cursor = 0;

  constructor(
    entries: { baseURL: string; client: T }[],
    private readonly baseCooldownMs = 1_000,
    private readonly maxCooldownMs = 30_000,
  ) {
    if (entries.length === 0) throw new RangeError('an endpoint pool needs at least one base URL');
    this.endpoints = entries.map((e) => ({ ...e, inFlight: 0, consecutiveFailures: 0, failingUntil: 0, calls: 0 }));
  }

  pick(now: number = Date.now()): Endpoint<T> {
    const n = this.endpoints.length;
    let best: Endpoint<T> | undefined;
    for (let i = 0; i < n; i++) {
      // Taken modulo the pool's size: always an endpoint.
      const candidate = this.endpoints[(this.cursor + i) % n]!;
      if (candidate.failingUntil > now) continue;
      if (!best || candidate.inFlight < best.inFlight) best = candidate;
    }
    if (!best) {
      // All failing: try the one that recovers soonest rather than stalling the run.
      best = this.endpoints.reduce((a, b) => (b.failingUntil < a.failingUntil ? b : a));
    }
    this.cursor = (this.endpoints.indexOf(best) + 1) % n;
    best.inFlight++;
    best.calls++;
    return best;
  }

  succeeded(endpoint: Endpoint<T>): void {
    endpoint.inFlight--;
    endpoint.consecutiveFailures = 0;
    endpoint.failingUntil = 0;
  }

  /** `retryAfterMs` (from a 429) overrides the computed cool-down. */
  failed(endpoint: Endpoint<T>, retryAfterMs?: number, now: number = Date.now()): void {
    endpoint.inFlight--;
    endpoint.consecutiveFailures++;
    const cooldown = retryAfterMs ?? Math.min(this.maxCooldownMs, this.baseCooldownMs * 2 ** (endpoint.consecutiveFailures - 1));
    endpoint.failingUntil = Math.max(endpoint.failingUntil, now + cooldown);
  }

  /** A call that ended for a reason that says nothing about the endpoint's health (abort, bad request). */
  released(endpoint: Endpoint<T>): void {
    endpoint.inFlight--;
  }
}
