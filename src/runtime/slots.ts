/**
 * A process-wide limit on steps executing at once, shared by every run the process drives.
 * Waiters are served by run priority (higher first), then first come first served, so one big run
 * cannot starve the others and urgent runs go first.
 */
interface Waiter {
  priority: number;
  order: number;
  grant: () => void;
}

export class StepSlots {
  private active = 0;
  private order = 0;
  private readonly waiting: Waiter[] = [];

  constructor(readonly maxActive: number) {}

  /** Resolves with a release function once a slot is free (or at once when aborted: release is a no-op). */
  acquire(priority: number, signal?: AbortSignal): Promise<() => void> {
    if (this.active < this.maxActive && this.waiting.length === 0) return Promise.resolve(this.take());
    return new Promise((resolve) => {
      const waiter: Waiter = { priority, order: this.order++, grant: () => resolve(this.take()) };
      this.waiting.push(waiter);
      this.waiting.sort((a, b) => b.priority - a.priority || a.order - b.order);
      signal?.addEventListener(
        "abort",
        () => {
          const at = this.waiting.indexOf(waiter);
          if (at >= 0) {
            this.waiting.splice(at, 1);
            resolve(() => undefined);
          }
        },
        { once: true },
      );
    });
  }

  get inUse(): number {
    return this.active;
  }

  private take(): () => void {
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      const next = this.waiting.shift();
      next?.grant();
    };
  }
}
