/**
 * What the router needs to know about a model's health right now. The model client's middleware
 * (breakers, error rates, latency) will implement this; until it is plugged in, `allHealthy` says
 * "no news", which routes on price and quality alone.
 */

/** A model's recent health, as far as the model layer has seen it. */
export interface ModelHealth {
  /** Circuit breaker: `open` means calls are refused now; `half-open` lets a probe through. */
  readonly breaker: "closed" | "open" | "half-open";
  /** Share of recent calls that failed, 0..1. */
  readonly errorRate?: number;
  /** Median latency of recent successful calls. */
  readonly latencyMsP50?: number;
}

export interface HealthView {
  /** Undefined when the model has not been called recently (nothing known). */
  health(ref: string): ModelHealth | undefined;
}

/** What the model client's breakers and trace measure (`QuorumModelClient.health()`). */
export interface ClientHealthSource {
  breakerState(ref: string): "closed" | "open" | "half-open";
  errorRate(ref: string): number;
  latencyEwmaMs(ref: string): number | undefined;
}

/** The router's view of a live model client: breaker state, recent error rate and latency per model. */
export function healthFromClient(source: ClientHealthSource): HealthView {
  return {
    health(ref) {
      const latency = source.latencyEwmaMs(ref);
      const breaker = source.breakerState(ref);
      // Nothing seen yet for this model: no news, so price and quality decide.
      if (latency === undefined && breaker === "closed") return undefined;
      return {
        breaker,
        errorRate: source.errorRate(ref),
        ...(latency === undefined ? {} : { latencyMsP50: latency }),
      };
    },
  };
}

/** The default view: nothing known, every model healthy. */
export const allHealthy: HealthView = { health: () => undefined };
