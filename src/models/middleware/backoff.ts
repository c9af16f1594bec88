/**
 * How long to wait before the next attempt. Exponential backoff with full jitter (a uniformly random
 * wait between 0 and the exponential ceiling) spreads retries from many workers so they do not hit a
 * recovering provider in lockstep. A Retry-After the provider sent is a floor, never shortened: the
 * fault benches count every request that arrives inside an announced window as a failure.
 */

export interface BackoffPolicy {
  /** Ceiling of the first retry's wait. */
  baseDelayMs: number;
  /** No jittered wait exceeds this (Retry-After may). */
  maxDelayMs: number;
}

export const defaultBackoff: BackoffPolicy = { baseDelayMs: 500, maxDelayMs: 20_000 };

/** Full-jitter wait before retry number `retry` (1 for the first retry); `random` returns [0, 1). */
export function jitteredDelayMs(retry: number, random: () => number, policy = defaultBackoff): number {
  const ceilingMs = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceilingMs);
}

/**
 * The wait a response announced, in whole milliseconds rounded up, or undefined when it announced none.
 * `retry-after-ms` (OpenAI, Anthropic) is preferred because it is exact; otherwise `retry-after` as
 * seconds (fractions allowed) or as an HTTP date relative to `nowMs`. A date in the past means 0.
 */
export function retryAfterMsFromHeaders(
  headers: Record<string, string> | undefined,
  nowMs: number,
): number | undefined {
  if (!headers) return undefined;
  const header = (name: string) => {
    for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value.trim();
    return undefined;
  };
  const exactMs = header("retry-after-ms");
  if (exactMs && /^\d+(\.\d+)?$/.test(exactMs)) return Math.ceil(Number(exactMs));
  const retryAfter = header("retry-after");
  if (!retryAfter) return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.ceil(Number(retryAfter) * 1000);
  const dateMs = Date.parse(retryAfter);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.max(0, Math.ceil(dateMs - nowMs));
}

/** Sleeps `ms`, rejecting with the signal's reason as soon as it aborts. */
export function sleepMs(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
