/**
 * Fallback middleware: walks the call's candidate models in order until one answers. A model is left
 * for the next on any failure the inner layers gave up on: retries exhausted (errors, per-attempt
 * timeouts, an in-band error inside a 200 before the first token), a non-retryable error, a refusal,
 * an open breaker, every key rejected, a wait too long. After a context overflow it skips candidates
 * whose context window is known and not larger than the one that overflowed. When every candidate
 * failed it throws `CandidatesExhausted`; the client turns that into a `ModelCallError` listing every
 * attempt.
 */
import { type AttemptMiddleware, isAttemptError } from "./contract.js";

export class CandidatesExhausted extends Error {
  override name = "CandidatesExhausted";
}

export const fallbackMiddleware: AttemptMiddleware = async (call, next) => {
  /** The context window that overflowed; later candidates must have a larger one (unknown counts as larger). */
  let overflowedWindow: number | undefined;
  for (const target of call.candidates) {
    if (
      overflowedWindow !== undefined &&
      target.contextWindow !== undefined &&
      target.contextWindow <= overflowedWindow
    ) {
      call.state.fail({
        model: target.ref,
        message: `skipped: its ${target.contextWindow}-token context window is not larger than the one the prompt overflowed`,
      });
      continue;
    }
    try {
      const result = await next({ ...call, target });
      call.state.answeredBy = target.ref;
      return result;
    } catch (error) {
      if (!isAttemptError(error)) throw error;
      const failure = error.failure;
      switch (failure.type) {
        case "retryable":
          call.state.transientExhaustion = true;
          break;
        case "skip":
          call.state.fail({ model: target.ref, message: failure.message });
          if (failure.transient) call.state.transientExhaustion = true;
          if (failure.retryAfterMs !== undefined) call.state.noteRetryAfter(failure.retryAfterMs);
          break;
        case "fatal":
          if (failure.contextLength)
            overflowedWindow = Math.max(overflowedWindow ?? 0, target.contextWindow ?? 0);
          break;
        case "auth":
        case "key-busy":
          break;
      }
    }
  }
  throw new CandidatesExhausted(
    `every candidate model failed (${call.candidates.map((candidate) => candidate.ref).join(", ")})`,
  );
};
