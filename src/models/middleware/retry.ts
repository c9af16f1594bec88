/**
 * Retry middleware: a `retryable` failure (408, 409, 429, 5xx, 529, network, timeout, a broken 200)
 * is tried again on the same model up to `maxAttempts` times; anything else goes straight out to the
 * fallback. It decides *when* (exponential backoff with full jitter, as `notBeforeMs`, unless the
 * provider announced a Retry-After, which the key pool enforces per key); the key pool
 * does the waiting, because only it knows whether another key is free sooner or this key must also
 * sit out a Retry-After, and one wait then covers both.
 */
import { type BackoffPolicy, defaultBackoff, jitteredDelayMs } from "./backoff.js";
import { type AttemptMiddleware, isAttemptError } from "./contract.js";

export interface RetryOptions {
  maxAttempts: number;
  now: () => number;
  random: () => number;
  backoff?: BackoffPolicy;
}

export function retryMiddleware(options: RetryOptions): AttemptMiddleware {
  const maxAttempts = Math.max(1, options.maxAttempts);
  return async (call, next) => {
    let current = call;
    for (let attempt = 1; ; attempt++) {
      try {
        return await next(current);
      } catch (error) {
        if (!isAttemptError(error) || error.failure.type !== "retryable" || attempt >= maxAttempts)
          throw error;
        // An announced Retry-After is kept per key by the key pool: another key may go at once, and
        // this key waits exactly the window. Only failures without one need the jittered backoff.
        if (error.failure.retryAfterMs !== undefined) {
          current = call;
          continue;
        }
        const delayMs = jitteredDelayMs(attempt, options.random, options.backoff ?? defaultBackoff);
        current = { ...call, notBeforeMs: options.now() + delayMs };
      }
    }
  };
}
