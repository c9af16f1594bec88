/**
 * A sliding-window budget (requests or tokens per window) for one key. A request is booked at the
 * moment it is sent and closed when its answer (or error) comes back; until then it counts as
 * arriving "now". That is deliberately conservative: the provider counts a request when it *arrives*,
 * which is somewhere between our send and our receipt, so counting it at the later end guarantees
 * that no window the provider sees holds more than the limit, whatever the network or event-loop lag.
 * Booking is synchronous, so concurrent calls in one process can never both take the last unit.
 */

export interface Booking {
  /** Send time while open; receipt time once closed. */
  atMs: number;
  weight: number;
  open: boolean;
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
   * (a single request estimated above the whole limit). An estimate while requests are in flight:
   * callers check again when they wake.
   */
  earliestMs(fromMs: number, weight: number): number {
    if (weight > this.limit) return Number.POSITIVE_INFINITY;
    const inWindow = this.entries
      .map((entry) => ({
        atMs: entry.open ? Math.max(entry.atMs, fromMs) : entry.atMs,
        weight: entry.weight,
      }))
      .filter((entry) => entry.atMs > fromMs - this.windowMs)
      .sort((a, b) => a.atMs - b.atMs);
    let excess = inWindow.reduce((sum, entry) => sum + entry.weight, weight) - this.limit;
    if (excess <= 0) return fromMs;
    for (const entry of inWindow) {
      excess -= entry.weight;
      if (excess <= 0) return entry.atMs + this.windowMs;
    }
    return fromMs + this.windowMs;
  }

  /** Books `weight` sent at `nowMs`; check `earliestMs(nowMs, weight) <= nowMs` first. */
  book(nowMs: number, weight: number): Booking {
    this.prune(nowMs);
    const booking = { atMs: nowMs, weight, open: true };
    this.entries.push(booking);
    return booking;
  }

  /** The answer came back at `nowMs`; `weight` replaces the estimate with what was actually used. */
  close(booking: Booking, nowMs: number, weight = booking.weight): void {
    booking.atMs = Math.max(booking.atMs, nowMs);
    booking.weight = weight;
    booking.open = false;
  }

  /** Gives a booking back (the attempt was never sent). */
  cancel(booking: Booking): void {
    const index = this.entries.indexOf(booking);
    if (index >= 0) this.entries.splice(index, 1);
  }

  /** Total weight counted inside the window ending at `atMs` (for tests and health views). */
  usedAt(atMs: number): number {
    let used = 0;
    for (const entry of this.entries)
      if (entry.open || (entry.atMs > atMs - this.windowMs && entry.atMs <= atMs)) used += entry.weight;
    return used;
  }

  /** Forgets closed bookings that can no longer fall inside any window from `nowMs` on. */
  private prune(nowMs: number): void {
    this.entries = this.entries.filter((entry) => entry.open || entry.atMs > nowMs - this.windowMs);
  }
}
