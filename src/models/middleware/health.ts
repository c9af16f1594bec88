/**
 * Health per provider and per model, shared by every call of a client: a circuit breaker, the
 * recent error rate and a latency EWMA. The breaker middleware and the trace middleware write it;
 * `client.health()` exposes a read-only view a router uses to prefer healthy, fast models.
 */
import { type BreakerPolicy, type BreakerState, CircuitBreaker, defaultBreakerPolicy } from "./breaker.js";

/** What a router may read; nothing here can change the model layer's state. */
export interface HealthView {
  /** For `provider/model` the worse of the model's and its provider's breaker; for `provider`, its own. */
  breakerState(ref: string): BreakerState;
  /** Failures among the recent attempts (0..1). */
  errorRate(ref: string): number;
  /** Exponentially weighted latency of recent attempts, undefined before the first. */
  latencyEwmaMs(ref: string): number | undefined;
  /** Every provider and model seen so far, for `quorum models` style listings. */
  snapshot(): Record<string, { state: BreakerState; errorRate: number; latencyEwmaMs?: number }>;
}

/** Weight of the newest sample in the latency EWMA. */
const ewmaAlpha = 0.2;

export class HealthEntry {
  readonly breaker: CircuitBreaker;
  latencyEwmaMs: number | undefined;
  constructor(policy: BreakerPolicy) {
    this.breaker = new CircuitBreaker(policy);
  }
  observeLatency(ms: number): void {
    this.latencyEwmaMs =
      this.latencyEwmaMs === undefined ? ms : ewmaAlpha * ms + (1 - ewmaAlpha) * this.latencyEwmaMs;
  }
}

export class HealthRegistry {
  private readonly entries = new Map<string, HealthEntry>();

  constructor(
    private readonly now: () => number,
    private readonly policy: BreakerPolicy = defaultBreakerPolicy,
  ) {}

  /** The entry for a provider id or a `provider/model` ref, created on first use. */
  entry(id: string): HealthEntry {
    let entry = this.entries.get(id);
    if (!entry) {
      entry = new HealthEntry(this.policy);
      this.entries.set(id, entry);
    }
    return entry;
  }

  view(): HealthView {
    const state = (id: string): BreakerState => this.entries.get(id)?.breaker.state(this.now()) ?? "closed";
    const rank: Record<BreakerState, number> = { closed: 0, "half-open": 1, open: 2 };
    const breakerState = (ref: string): BreakerState => {
      const slash = ref.indexOf("/");
      if (slash < 0) return state(ref);
      const [own, provider] = [state(ref), state(ref.slice(0, slash))];
      return rank[provider] > rank[own] ? provider : own;
    };
    return {
      breakerState,
      errorRate: (ref) => this.entries.get(ref)?.breaker.errorRate() ?? 0,
      latencyEwmaMs: (ref) => this.entries.get(ref)?.latencyEwmaMs,
      snapshot: () => {
        const result: ReturnType<HealthView["snapshot"]> = {};
        for (const [id, entry] of this.entries)
          result[id] = {
            state: breakerState(id),
            errorRate: entry.breaker.errorRate(),
            ...(entry.latencyEwmaMs === undefined ? {} : { latencyEwmaMs: entry.latencyEwmaMs }),
          };
        return result;
      },
    };
  }
}
