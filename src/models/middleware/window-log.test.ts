/** The sliding-window log: requests and tokens, counted until the answer is back. */
import { describe, expect, it } from "vitest";
import { WindowLog } from "./window-log.js";

describe("WindowLog", () => {
  it("admits requests until the window is full, then says when the oldest leaves", () => {
    const log = new WindowLog(2, 1_000);
    log.close(log.book(0, 1), 10);
    log.close(log.book(100, 1), 150);
    expect(log.earliestMs(200, 1)).toBe(1_010); // counted from the first answer's receipt
    expect(log.earliestMs(1_010, 1)).toBe(1_010);
  });

  it("an open request counts as arriving now, so it never leaves the window while in flight", () => {
    const log = new WindowLog(1, 1_000);
    const open = log.book(0, 1);
    expect(log.earliestMs(5_000, 1)).toBe(6_000); // an estimate: re-checked on waking
    log.close(open, 5_000);
    expect(log.earliestMs(6_000, 1)).toBe(6_000);
  });

  it("weighs tokens, replaces estimates with real usage, and refuses what can never fit", () => {
    const log = new WindowLog(1_000, 60_000);
    const booking = log.book(0, 700);
    expect(log.earliestMs(10, 300)).toBe(10);
    expect(log.earliestMs(10, 301)).toBe(60_010);
    log.close(booking, 10, 200);
    expect(log.earliestMs(10, 800)).toBe(10);
    expect(log.earliestMs(10, 1_001)).toBe(Number.POSITIVE_INFINITY);
    log.cancel(booking);
    expect(log.usedAt(10)).toBe(0);
  });
});
