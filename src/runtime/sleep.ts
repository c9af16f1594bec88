/**
 * Waits `ms`, or less if `signal` aborts: it always resolves, never rejects, so a loop that sleeps
 * between polls just checks the signal after waking instead of handling an AbortError.
 */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
