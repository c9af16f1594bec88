/**
 * A process-wide limit on steps executing at once, shared by every run the process drives.
 *
 * A freed slot goes to the highest run priority waiting; among runs of equal priority, to the run with
 * the fewest steps executing (then the one whose oldest waiter came first). So a run with hundreds of
 * ready steps cannot hold back a small run that becomes ready after it: plain first come first served
 * would make the small run wait for all of them. Within one run, steps go in the order they asked,
 * which is the run's own most-urgent-first order (see `run-driver.ts`).
 */
interface Waiter {
  readonly priority: number;
  readonly order: number;
  readonly grant: () => void;
}

export class StepSlots {
  private active = 0;
  private order = 0;
  private waiters = 0;
  /** Waiters per run (owner), each queue first come first served. */
  private readonly queues = new Map<string, Waiter[]>();
  /** Slots in use per run that holds any. */
  private readonly activeByOwner = new Map<string, number>();

  constructor(readonly maxActive: number) {}

  /**
   * Resolves with a release function once a slot is free (or at once when aborted: release is a no-op).
   * `owner` is the run asking; fairness is between owners.
   */
  acquire(priority: number, signal?: AbortSignal, owner = ""): Promise<() => void> {
    if (this.active < this.maxActive && this.waiters === 0) return Promise.resolve(this.take(owner));
    return new Promise((resolve) => {
      const waiter: Waiter = { priority, order: this.order++, grant: () => resolve(this.take(owner)) };
      const queue = this.queues.get(owner);
      if (!queue) this.queues.set(owner, [waiter]);
      else {
        // Higher priority first, then first come (one run's waiters share a priority: this appends).
        let at = queue.length;
        while (at > 0 && queue[at - 1]!.priority < priority) at--;
        queue.splice(at, 0, waiter);
      }
      this.waiters++;
      signal?.addEventListener(
        "abort",
        () => {
          if (this.remove(owner, waiter)) resolve(() => undefined);
        },
        { once: true },
      );
    });
  }

  get inUse(): number {
    return this.active;
  }

  private take(owner: string): () => void {
    this.active++;
    this.activeByOwner.set(owner, (this.activeByOwner.get(owner) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      const left = (this.activeByOwner.get(owner) ?? 1) - 1;
      if (left === 0) this.activeByOwner.delete(owner);
      else this.activeByOwner.set(owner, left);
      this.next()?.grant();
    };
  }

  /** Takes the waiter a freed slot goes to off its queue. */
  private next(): Waiter | undefined {
    let best: { owner: string; head: Waiter; active: number } | undefined;
    for (const [owner, queue] of this.queues) {
      const head = queue[0]!;
      const active = this.activeByOwner.get(owner) ?? 0;
      if (
        !best ||
        head.priority > best.head.priority ||
        (head.priority === best.head.priority &&
          (active < best.active || (active === best.active && head.order < best.head.order)))
      )
        best = { owner, head, active };
    }
    if (best) this.remove(best.owner, best.head);
    return best?.head;
  }

  private remove(owner: string, waiter: Waiter): boolean {
    const queue = this.queues.get(owner);
    const at = queue?.indexOf(waiter) ?? -1;
    if (!queue || at < 0) return false;
    queue.splice(at, 1);
    if (queue.length === 0) this.queues.delete(owner);
    this.waiters--;
    return true;
  }
}
