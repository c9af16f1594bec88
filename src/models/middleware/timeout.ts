/**
 * Timeout middleware: an attempt that has not answered within `timeoutMs` is aborted on the wire
 * and fails as `retryable` (class `timeout`), so the retry and then the fallback take over. An abort
 * of the caller's own signal is not a timeout: it ends the whole call with the caller's reason.
 */
import { AttemptError, type AttemptMiddleware } from "./contract.js";

export function timeoutMiddleware(timeoutMs: number): AttemptMiddleware {
  return async (call, next) => {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, timeout.signal]) : timeout.signal;
    try {
      return await next({ ...call, signal });
    } catch (error) {
      if (call.callSignal?.aborted) throw call.callSignal.reason ?? error;
      if (timeout.signal.aborted)
        throw new AttemptError(
          { type: "retryable", message: `no answer within ${timeoutMs} ms`, errorClass: "timeout" },
          { cause: error },
        );
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };
}
