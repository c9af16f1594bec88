/**
 * The waiting half of `waitForWork`, shared by both backends: a notification (PostgreSQL NOTIFY or an
 * in-process call) wakes every waiter; otherwise a waiter sleeps until the next lease expiry or wake time
 * the backend computed, or `maxWaitMs`. No polling while idle.
 *
 * Lost wake-ups are impossible within one store: `claimRuns` calls `beforeClaim()` first, so a notification
 * that lands between a claim returning nothing and the next `wait` is remembered and returns at once.
 */
import type { WakeReason } from "../spec/index.js";

export const DEFAULT_MAX_WAIT_MS = 60_000;

export class WorkSignal {
  private notified = false;
  private readonly waiters = new Set<(reason: WakeReason) => void>();

  /** There may be work: wake everyone (or the next waiter, if none waits yet). */
  notify(): void {
    this.notified = true;
    if (this.waiters.size === 0) return;
    this.notified = false;
    for (const wake of [...this.waiters]) wake("notified");
  }

  beforeClaim(): void {
    this.notified = false;
  }

  /** Resolves every pending wait with `aborted` (the store is closing). */
  abortAll(): void {
    for (const wake of [...this.waiters]) wake("aborted");
  }

  /** @param dueInMs time until the next lease expiry or wake time, if any. */
  wait(signal: AbortSignal | undefined, dueInMs: number | undefined, maxWaitMs: number): Promise<WakeReason> {
    if (signal?.aborted) return Promise.resolve("aborted");
    if (this.notified) {
      this.notified = false;
      return Promise.resolve("notified");
    }
    if (dueInMs !== undefined && dueInMs <= 0) return Promise.resolve("due");
    const isDue = dueInMs !== undefined && dueInMs <= maxWaitMs;
    const delayMs = isDue ? dueInMs : maxWaitMs;
    return new Promise((resolve) => {
      const wake = (reason: WakeReason): void => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.waiters.delete(wake);
        resolve(reason);
      };
      const onAbort = (): void => wake("aborted");
      const timer = setTimeout(() => wake(isDue ? "due" : "timeout"), delayMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.add(wake);
    });
  }
}
