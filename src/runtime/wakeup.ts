/**
 * A level-triggered wake-up for the run driver's loop: anything that may let the run progress (a step
 * settling, a retry timer, the deadline, an abort) calls `wake()`, and the loop awaits `wait()`.
 *
 * Why not `Promise.race` over the in-flight steps: each race adds a reaction to every promise it is
 * given and never removes it, so a 1,000-step fan-out at concurrency 50 piles up ~50,000 reactions on
 * long-lived promises and wakes the loop through all of them. One pending flag costs O(1) per wake.
 */
export class Wakeup {
  private waiter: (() => void) | undefined;
  private pending = false;

  readonly wake = (): void => {
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter();
    } else this.pending = true;
  };

  /** Resolves at the next `wake()`, or at once if one happened since the last wait. */
  wait(): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }
}
