/**
 * A circuit breaker: after `failureThreshold` consecutive failures, or a failure rate of at least
 * `failureRate` over the last `windowSize` outcomes (once `minimumCalls` were seen), it opens and
 * refuses attempts for `coolDownMs`; then it lets exactly one probe through (half-open). A probe that
 * succeeds closes it, one that fails opens it again. Pure state over an injected clock, so it is
 * tested without waiting and shared by every call of a client.
 */

export type BreakerState = "closed" | "open" | "half-open";

export interface BreakerPolicy {
  failureThreshold: number;
  failureRate: number;
  minimumCalls: number;
  windowSize: number;
  coolDownMs: number;
}

/**
 * Tuned to trip on outages, not on noise: a provider failing 30 % of attempts at random (the fault
 * bench) opens it with 10 consecutive failures about once in 170,000 attempts, while a provider that
 * is down opens it after its tenth attempt.
 */
export const defaultBreakerPolicy: BreakerPolicy = {
  failureThreshold: 10,
  failureRate: 0.8,
  minimumCalls: 20,
  windowSize: 20,
  coolDownMs: 30_000,
};

/** `pass`: closed; `probe`: the one half-open attempt (report its outcome!); `reject`: open. */
export type Admission = { type: "pass" } | { type: "probe" } | { type: "reject"; retryAfterMs: number };

export class CircuitBreaker {
  private current: BreakerState = "closed";
  private consecutiveFailures = 0;
  private openedAtMs = 0;
  private probeInFlight = false;
  /** Recent outcomes, true = failure, newest last. */
  private readonly outcomes: boolean[] = [];

  constructor(readonly policy: BreakerPolicy = defaultBreakerPolicy) {}

  /** The state as of `nowMs` (an open breaker past its cool-down reads half-open). */
  state(nowMs: number): BreakerState {
    if (this.current === "open" && nowMs - this.openedAtMs >= this.policy.coolDownMs) return "half-open";
    return this.current;
  }

  /** Share of failures among the recent outcomes (0 when none were seen). */
  errorRate(): number {
    if (this.outcomes.length === 0) return 0;
    return this.outcomes.filter(Boolean).length / this.outcomes.length;
  }

  admit(nowMs: number): Admission {
    const state = this.state(nowMs);
    switch (state) {
      case "closed":
        return { type: "pass" };
      case "open":
        return { type: "reject", retryAfterMs: this.openedAtMs + this.policy.coolDownMs - nowMs };
      case "half-open":
        if (this.probeInFlight) return { type: "reject", retryAfterMs: this.policy.coolDownMs };
        this.current = "half-open";
        this.probeInFlight = true;
        return { type: "probe" };
    }
  }

  /** An admitted attempt succeeded; `probe` when it was admitted as the half-open probe. */
  success(probe: boolean): void {
    if (probe) {
      // A successful probe starts a fresh history; the failures that opened the breaker are over.
      this.outcomes.length = 0;
      this.probeInFlight = false;
      this.current = "closed";
    }
    this.remember(false);
    this.consecutiveFailures = 0;
  }

  failure(nowMs: number, probe: boolean): void {
    this.remember(true);
    this.consecutiveFailures++;
    if (probe) this.probeInFlight = false;
    const rateTripped =
      this.outcomes.length >= this.policy.minimumCalls && this.errorRate() >= this.policy.failureRate;
    if (
      probe ||
      (this.current === "closed" && (this.consecutiveFailures >= this.policy.failureThreshold || rateTripped))
    )
      this.open(nowMs);
  }

  /** The attempt ended without saying anything about health (an abort, a 429): free the probe slot. */
  release(probe: boolean): void {
    if (!probe) return;
    this.probeInFlight = false;
    if (this.current === "half-open") this.current = "open";
  }

  private open(nowMs: number): void {
    this.current = "open";
    this.openedAtMs = nowMs;
  }

  private remember(failed: boolean): void {
    this.outcomes.push(failed);
    if (this.outcomes.length > this.policy.windowSize) this.outcomes.shift();
  }
}
