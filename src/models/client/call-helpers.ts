/**
 * Small pure helpers of `generate`: token estimates for rate-limit reservations, signal plumbing,
 * and ref parsing for probes.
 */
import type { ModelRequest } from "../../spec/index.js";

/** `work`, or the signal's reason as soon as it aborts (a slow probe must not delay a cancellation). */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

export function providerOf(ref: string): string {
  const slash = ref.indexOf("/");
  return slash < 0 ? ref : ref.slice(0, slash);
}

/** Aborts when either does. */
export function combine(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  return a && b ? AbortSignal.any([a, b]) : (a ?? b);
}

/** Characters per token for estimates: close for English and JSON on modern tokenizers. */
const charsPerToken = 4;
/** Output tokens reserved against TPM limits when the request sets no maximum. */
const defaultOutputEstimate = 256;

/** Tokens to reserve against TPM limits before sending; reconciled with the real usage after. */
export function estimateTokens(request: ModelRequest): number {
  const chars =
    (request.system?.length ?? 0) +
    request.prompt.length +
    (request.schema ? JSON.stringify(request.schema).length : 0);
  return Math.ceil(chars / charsPerToken) + (request.maxOutputTokens ?? defaultOutputEstimate);
}
