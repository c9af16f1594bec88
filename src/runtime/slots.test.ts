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

  it("serves runs of equal priority fairly: a big run's queue does not hold back a run that came later", async () => {
    const slots = new StepSlots(2);
    const order: string[] = [];
    const held = [await slots.acquire(0, undefined, "big"), await slots.acquire(0, undefined, "big")];
    const queue = (name: string, owner: string) =>
      slots.acquire(0, undefined, owner).then((release) => {
        order.push(name);
        return release;
      });
    const bigSteps = Array.from({ length: 5 }, (_, i) => queue(`big-${i}`, "big"));
    const small = queue("small-0", "small");
    held[0]!();
    // The freed slot goes to the run with none executing, although five of big's steps asked first.
    const smallRelease = await small;
    expect(order).toEqual(["small-0"]);
    held[1]!();
    smallRelease();
    for (const step of bigSteps) (await step)();
    expect(order).toEqual(["small-0", "big-0", "big-1", "big-2", "big-3", "big-4"]);
    expect(slots.inUse).toBe(0);
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
