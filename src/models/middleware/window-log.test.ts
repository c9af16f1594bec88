/** The sliding-window booking log: exact earliest slots for requests and tokens. */
import { describe, expect, it } from "vitest";
import { WindowLog } from "./window-log.js";

describe("WindowLog", () => {
  it("books requests until the window is full, then the earliest slot is when the oldest leaves", () => {
    const log = new WindowLog(2, 1_000);
    log.book(log.earliestMs(0, 1), 1);
    log.book(log.earliestMs(100, 1), 1);
    expect(log.earliestMs(200, 1)).toBe(1_000);
    log.book(1_000, 1);
    expect(log.earliestMs(1_000, 1)).toBe(1_100);
  });

  it("weighs tokens, never books before an earlier booking, and refuses what can never fit", () => {
    const log = new WindowLog(1_000, 60_000);
    log.book(0, 700);
    expect(log.earliestMs(10, 300)).toBe(10);
    expect(log.earliestMs(10, 301)).toBe(60_000);
    expect(log.earliestMs(10, 1_001)).toBe(Number.POSITIVE_INFINITY);
    log.book(5_000, 100);
    expect(log.earliestMs(10, 1)).toBe(5_000);
  });

  it("a cancelled booking frees its slot; a reconciled one counts its real weight", () => {
    const log = new WindowLog(100, 1_000);
    const booking = log.book(0, 90);
    expect(log.earliestMs(0, 20)).toBe(1_000);
    log.reconcile(booking, 50);
    expect(log.earliestMs(0, 20)).toBe(0);
    log.cancel(booking);
    expect(log.usedAt(0)).toBe(0);
  });
});
