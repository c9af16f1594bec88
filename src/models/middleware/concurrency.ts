/**
 * Concurrency middleware: at most `maxConcurrent` attempts in flight per provider and per model (from
 * the catalog's `limits.maxConcurrent`), so however many steps the engine starts at once, a provider
 * sees no more than it allows. Waiters are served first come, first served, and leave the queue as
 * soon as the caller aborts.
 */
import type { AttemptMiddleware, AttemptTarget } from "./contract.js";

export class Semaphore {
  private inUse = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(readonly capacity: number) {}

  get inFlight(): number {
    return this.inUse;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.inUse < this.capacity && this.waiters.length === 0) {
      this.inUse++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        const index = this.waiters.indexOf(grant);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(signal?.reason);
      };
      this.waiters.push(grant);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.inUse--;
  }
}

export function concurrencyMiddleware(
  capacityOf: (target: AttemptTarget) => { provider?: number; model?: number },
): AttemptMiddleware {
  const semaphores = new Map<string, Semaphore>();
  const semaphore = (id: string, capacity: number | undefined) => {
    if (!capacity) return undefined;
    let existing = semaphores.get(id);
    if (!existing) {
      existing = new Semaphore(capacity);
      semaphores.set(id, existing);
    }
    return existing;
  };
  return async (call, next) => {
    const capacity = capacityOf(call.target);
    const held = [
      semaphore(call.target.provider.id, capacity.provider),
      semaphore(call.target.ref, capacity.model),
    ].filter((entry): entry is Semaphore => entry !== undefined);
    if (held.length === 0) return next(call);
    const acquired: Semaphore[] = [];
    try {
      for (const entry of held) {
        await entry.acquire(call.callSignal);
        acquired.push(entry);
      }
      return await next(call);
    } finally {
      for (const entry of acquired) entry.release();
    }
  };
}
