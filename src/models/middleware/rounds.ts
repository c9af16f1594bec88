/**
 * Rounds middleware: when every candidate of a call failed for reasons that pass (breakers open,
 * keys cooling down after 429s, retries used up on 5xx), the call waits for the shortest cooldown it
 * was told about, or `backoffMs` when none was, and walks the candidates once more, at most
 * `rounds` times in all. Without it one unlucky minute, every candidate open or cooling at once, fails
 * calls that a few seconds later would have been answered; the step's own retry would then redo the
 * whole step. A call whose candidates failed for good (400s, refusals, bad keys) is not retried.
 */
import type { AttemptMiddleware } from "./contract.js";
import { CandidatesExhausted } from "./fallback.js";

export interface RoundsOptions {
  /** Walks over the candidates in all (1 = no second round). */
  rounds: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The longest wait between two rounds. */
  maxWaitMs: number;
  /** The wait when no failure named a cooldown. */
  backoffMs?: number;
}

export function roundsMiddleware(options: RoundsOptions): AttemptMiddleware {
  return async (call, next) => {
    for (let round = 1; ; round++) {
      call.state.transientExhaustion = false;
      call.state.shortestRetryAfterMs = undefined;
      try {
        return await next(call);
      } catch (error) {
        const passing = error instanceof CandidatesExhausted && call.state.transientExhaustion;
        if (!passing || round >= options.rounds || call.callSignal?.aborted) {
          // What the client reports: a call whose last round failed transiently may work later.
          if (passing) call.state.transientExhaustion = true;
          throw error;
        }
        const waitMs = Math.min(
          options.maxWaitMs,
          call.state.shortestRetryAfterMs ?? options.backoffMs ?? 1_000,
        );
        await options.sleep(waitMs, call.callSignal);
      }
    }
  };
}
