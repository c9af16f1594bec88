/**
 * A sliding-window budget (requests or tokens per window) that books future slots. Callers reserve
 * before they send and sleep until their slot; because bookings never go backwards in time, a
 * booking only has to fit the window that ends at it, which makes the check exact and O(window).
 * Booking is synchronous, so concurrent calls in one process can never both take the last unit.
 */

export interface Booking {
  atMs: number;
  weight: number;
}

export class WindowLog {
  private entries: Booking[] = [];

  constructor(
    /** Most weight (requests or tokens) allowed inside any window. */
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /**
   * The earliest time at or after `fromMs` when `weight` more fits, or `Infinity` when it never can
   * (a single request estimated above the whole limit).
   */
  earliestMs(fromMs: number, weight: number): number {
    if (weight > this.limit) return Number.POSITIVE_INFINITY;
    let atMs = Math.max(fromMs, this.entries.at(-1)?.atMs ?? fromMs);
    for (;;) {
      let used = weight;
      let oldestInWindow: Booking | undefined;
      // Walk back from the newest booking while it is inside the window ending at `atMs`.
      for (let i = this.entries.length - 1; i >= 0; i--) {
        const entry = this.entries[i]!;
        if (entry.atMs <= atMs - this.windowMs) break;
        used += entry.weight;
        oldestInWindow = entry;
        if (used > this.limit) break;
      }
      if (used <= this.limit || !oldestInWindow) return atMs;
      // Over: wait until the oldest booking that made it overflow leaves the window, then re-check.
      atMs = this.firstLeavingMs(atMs, weight);
    }
  }

  /** Books `weight` at `atMs` (which must be >= every booking so far: use `earliestMs`). */
  book(atMs: number, weight: number): Booking {
    this.prune(atMs);
    const booking = { atMs, weight };
    this.entries.push(booking);
    return booking;
  }

  /** Gives a booking back (the attempt was never sent). */
  cancel(booking: Booking): void {
    const index = this.entries.indexOf(booking);
    if (index >= 0) this.entries.splice(index, 1);
  }

  /** Replaces an estimate with what was actually used, so later bookings see the real load. */
  reconcile(booking: Booking, weight: number): void {
    booking.weight = weight;
  }

  /** Total weight booked inside the window ending at `atMs` (for tests and health views). */
  usedAt(atMs: number): number {
    let used = 0;
    for (const entry of this.entries)
      if (entry.atMs > atMs - this.windowMs && entry.atMs <= atMs) used += entry.weight;
    return used;
  }

  /** When enough old weight has left the window ending at `atMs` for `weight` to fit. */
  private firstLeavingMs(atMs: number, weight: number): number {
    let excess = weight - this.limit;
    for (const entry of this.entries) if (entry.atMs > atMs - this.windowMs) excess += entry.weight;
    for (const entry of this.entries) {
      if (entry.atMs <= atMs - this.windowMs) continue;
      excess -= entry.weight;
      if (excess <= 0) return entry.atMs + this.windowMs;
    }
    return atMs + this.windowMs;
  }

  /** Forgets bookings that can no longer fall inside any window from `nowMs` on. */
  private prune(nowMs: number): void {
    let drop = 0;
    while (drop < this.entries.length && this.entries[drop]!.atMs <= nowMs - this.windowMs) drop++;
    if (drop > 0) this.entries = this.entries.slice(drop);
  }
}
