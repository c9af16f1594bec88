import { describe, expect, it } from "vitest";
import { StepSlots } from "./slots.js";

describe("StepSlots", () => {
  it("never exceeds its limit and serves higher priority first, then arrival order", async () => {
    const slots = new StepSlots(1);
    const first = await slots.acquire(0);
    const order: string[] = [];
    const queue = (name: string, priority: number) =>
      slots.acquire(priority).then((release) => {
        order.push(name);
        return release;
      });
    const lowA = queue("low-a", 0);
    const high = queue("high", 5);
    const lowB = queue("low-b", 0);
    expect(slots.inUse).toBe(1);
    first();
    const releaseHigh = await high;
    expect(order).toEqual(["high"]);
    expect(slots.inUse).toBe(1);
    releaseHigh();
    (await lowA)();
    (await lowB)();
    expect(slots.inUse).toBe(0);
    expect(order).toEqual(["high", "low-a", "low-b"]);
  });

  it("gives up a place in the queue when aborted", async () => {
    const slots = new StepSlots(1);
    const held = await slots.acquire(0);
    const controller = new AbortController();
    const waiting = slots.acquire(0, controller.signal);
    controller.abort();
    (await waiting)(); // a no-op release
    expect(slots.inUse).toBe(1);
    held();
    expect(slots.inUse).toBe(0);
  });
});
