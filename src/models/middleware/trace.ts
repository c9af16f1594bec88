/**
 * Trace middleware: the innermost layer that sees the key, so it records every attempt that was
 * actually sent: model, key alias (never the key), latency, outcome, error class and cost, into the
 * call's trace (returned on `ModelResponse.trace` for the journal) and its failure list (the final
 * error's "Attempts:"), and feeds the provider's and model's latency EWMA.
 */
import type { ModelAttemptTrace } from "../../spec/index.js";
import { type AttemptFailure, errorClassOf } from "./classify.js";
import { type AttemptCall, type AttemptMiddleware, isAttemptError } from "./contract.js";
import type { HealthRegistry } from "./health.js";

export function traceMiddleware(options: { now: () => number; health?: HealthRegistry }): AttemptMiddleware {
  return async (call, next) => {
    const startMs = options.now();
    const base = { model: call.target.ref, keyAlias: call.key?.alias ?? "(none)" };
    const observe = (latencyMs: number) => {
      options.health?.entry(call.target.provider.id).observeLatency(latencyMs);
      options.health?.entry(call.target.ref).observeLatency(latencyMs);
    };
    try {
      const result = await next(call);
      const latencyMs = options.now() - startMs;
      observe(latencyMs);
      const costUsd = call.state.addUsage(call.target.ref, result.usage);
      call.state.trace({
        ...base,
        latencyMs,
        ...(result.ttftMs === undefined ? {} : { ttftMs: result.ttftMs }),
        outcome: "ok",
        ...(costUsd === undefined ? {} : { costUsd }),
      });
      return result;
    } catch (error) {
      const latencyMs = options.now() - startMs;
      if (!isAttemptError(error)) {
        call.state.trace({ ...base, latencyMs, outcome: "aborted" });
        throw error;
      }
      const failure = error.failure;
      const costUsd = error.usage ? call.state.addUsage(call.target.ref, error.usage) : undefined;
      if (failure.type !== "skip" && failure.type !== "key-busy") {
        observe(latencyMs);
        recordFailure(call, failure);
      }
      const attempt: ModelAttemptTrace = {
        ...base,
        latencyMs,
        outcome: "failed",
        errorClass: errorClassOf(failure),
        ...("status" in failure && failure.status !== undefined ? { status: failure.status } : {}),
        ...(costUsd === undefined ? {} : { costUsd }),
      };
      call.state.trace(attempt);
      throw error;
    }
  };
}

/** The line the final error lists for a failed attempt that reached the provider. */
function recordFailure(call: AttemptCall, failure: AttemptFailure): void {
  const status = "status" in failure && failure.status !== undefined ? { status: failure.status } : {};
  const suffix =
    failure.type === "auth"
      ? " (key disabled; trying the next key)"
      : failure.type === "fatal" && failure.contextLength
        ? " (context length exceeded; trying the next model)"
        : "";
  call.state.fail({ model: call.target.ref, ...status, message: `${failure.message}${suffix}` });
  if (failure.type === "retryable" && failure.retryAfterMs !== undefined)
    call.state.noteRetryAfter(failure.retryAfterMs);
}
