/** Key rotation strategies, cooldowns and availability, as pure state. */
import { describe, expect, it } from "vitest";
import { KeyPool } from "./key-slot.js";

const entries = (...values: string[]) => values.map((value, i) => ({ alias: `K_${i + 1}`, value }));

describe("KeyPool", () => {
  it("round-robin skips disabled keys and prefers keys not cooling down", () => {
    const pool = new KeyPool(entries("a", "b", "c"));
    expect([1, 2, 3, 4].map(() => pool.pick(0)!.slot.value)).toEqual(["a", "b", "c", "a"]);
    pool.pick(0)!.slot.disabled = true; // b
    const c = pool.pick(0)!.slot;
    c.coolUntilMs = 1_000;
    expect([1, 2].map(() => pool.pick(0)!.slot.value)).toEqual(["a", "a"]);
    expect(pool.pick(2_000)!.slot.value).toBe("c");
  });

  it("when every key cools down, picks the one free soonest and says when; all disabled, none", () => {
    const pool = new KeyPool(entries("a", "b"));
    const [a, b] = pool.slots;
    a!.coolUntilMs = 500;
    b!.coolUntilMs = 200;
    expect(pool.pick(0)).toMatchObject({ slot: { value: "b" }, atMs: 200 });
    expect(pool.pick(0, { notBeforeMs: 300 })).toMatchObject({ slot: { value: "b" }, atMs: 300 });
    a!.disabled = b!.disabled = true;
    expect(pool.pick(0)).toBeUndefined();
    expect(pool.usable).toBe(false);
  });

  it("least-used picks the key with the fewest attempts sent", () => {
    const pool = new KeyPool(entries("a", "b", "c"), "least-used");
    const [a, b] = pool.slots;
    a!.uses = 5;
    b!.uses = 1;
    expect(pool.pick(0)!.slot.value).toBe("c");
    pool.markUsed(pool.slots[2]!);
    pool.markUsed(pool.slots[2]!);
    expect(pool.pick(0)!.slot.value).toBe("b");
  });

  it("sticky keeps one run on one key, and moves on only while that key is unusable", () => {
    const pool = new KeyPool(entries("a", "b", "c", "d"), "sticky");
    const first = pool.pick(0, { runId: "run-42" })!.slot;
    for (let i = 0; i < 5; i++) expect(pool.pick(i, { runId: "run-42" })!.slot).toBe(first);
    const runs = new Set(
      ["r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8"].map((id) => pool.pick(0, { runId: id })!.slot.alias),
    );
    expect(runs.size).toBeGreaterThan(1); // different runs spread over the pool
    first.coolUntilMs = 10_000;
    const other = pool.pick(0, { runId: "run-42" })!.slot;
    expect(other).not.toBe(first);
    expect(pool.pick(20_000, { runId: "run-42" })!.slot).toBe(first);
  });

  it("counts rate-limit availability: a key free later loses to a key free now", () => {
    const pool = new KeyPool(entries("a", "b"));
    const pick = pool.pick(0, { availability: (slot, from) => (slot.value === "a" ? from + 1_000 : from) });
    expect(pick).toMatchObject({ slot: { value: "b" }, atMs: 0 });
  });

  it("a keyless provider has one anonymous slot", () => {
    expect(new KeyPool([]).pick(0)!.slot).toMatchObject({ value: undefined, alias: "(none)" });
  });
});
