/**
 * Breaker middleware: every attempt passes the breakers of its provider and its model. An open
 * breaker refuses at once (`skip`, so the fallback moves on without sending); a half-open one lets a
 * single probe through. Only failures that say the provider is unhealthy (5xx, timeouts, network
 * errors, broken responses) count; a 400, a 401 or a context overflow proves it is up, and a 429 or
 * an abort says nothing either way.
 */
import type { AttemptFailure } from "./classify.js";
import { AttemptError, type AttemptMiddleware, isAttemptError } from "./contract.js";
import type { HealthRegistry } from "./health.js";

type HealthOutcome = "success" | "failure" | "neutral";

/** What an attempt's failure says about the provider's health. */
export function healthOutcome(failure: AttemptFailure): HealthOutcome {
  switch (failure.type) {
    case "retryable":
      return failure.errorClass === "rate-limit" ? "neutral" : "failure";
    case "auth":
    case "fatal":
      return "success";
    case "skip":
    case "key-busy":
      return "neutral";
  }
}

export function breakerMiddleware(options: { health: HealthRegistry; now: () => number }): AttemptMiddleware {
  return async (call, next) => {
    const breakers = [
      options.health.entry(call.target.provider.id).breaker,
      options.health.entry(call.target.ref).breaker,
    ];
    const nowMs = options.now();
    const admitted: Array<{ breaker: (typeof breakers)[number]; probe: boolean }> = [];
    for (const breaker of breakers) {
      const admission = breaker.admit(nowMs);
      if (admission.type === "reject") {
        for (const taken of admitted) taken.breaker.release(taken.probe);
        throw new AttemptError({
          type: "skip",
          message: `circuit breaker open after repeated failures; next probe in ${Math.ceil(admission.retryAfterMs / 1000)} s`,
          errorClass: "breaker-open",
          transient: true,
          retryAfterMs: admission.retryAfterMs,
        });
      }
      admitted.push({ breaker, probe: admission.type === "probe" });
    }
    try {
      const result = await next(call);
      for (const { breaker, probe } of admitted) breaker.success(probe);
      return result;
    } catch (error) {
      const outcome = isAttemptError(error) ? healthOutcome(error.failure) : "neutral";
      for (const { breaker, probe } of admitted)
        if (outcome === "success") breaker.success(probe);
        else if (outcome === "failure") breaker.failure(options.now(), probe);
        else breaker.release(probe);
      throw error;
    }
  };
}
