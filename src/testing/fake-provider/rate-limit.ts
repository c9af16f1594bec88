/**
 * Enforced per-key request limits, so tests can prove the client never sends over a limit
 * instead of trusting that it backs off. A sliding log of accepted requests per key: a request is
 * admitted when fewer than `requestsPerWindow` were accepted in the last `windowMs`; otherwise it
 * is told exactly when the oldest one leaves the window.
 */
import type { RateLimit } from "./types.js";

export type Admission = { admitted: true } | { admitted: false; retryAfterMs: number };

export class SlidingWindowLimiter {
  readonly #accepted = new Map<string, number[]>();

  constructor(
    readonly limitFor: (key: string) => RateLimit | undefined,
    readonly now: () => number,
  ) {}

  /** Admits (and counts) the request, or says how long until it would be admitted. */
  admit(key: string): Admission {
    const limit = this.limitFor(key);
    if (!limit) return { admitted: true };
    const windowMs = limit.windowMs ?? 60_000;
    const now = this.now();
    const log = (this.#accepted.get(key) ?? []).filter((at) => now - at < windowMs);
    this.#accepted.set(key, log);
    if (log.length < limit.requestsPerWindow) {
      log.push(now);
      return { admitted: true };
    }
    return { admitted: false, retryAfterMs: Math.max(1, windowMs - (now - log[0]!)) };
  }

  reset(): void {
    this.#accepted.clear();
  }
}
