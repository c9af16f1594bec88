/** Key pool middleware alone: auth disables keys, Retry-After cools them, one wait per attempt. */
import { describe, expect, it } from "vitest";
import { answer, attemptCall, fails, scripted } from "./fixtures.js";
import { keyPoolMiddleware } from "./key-pool.js";
import { KeyPool } from "./key-slot.js";

function setup(keys: string[], rotation?: "round-robin" | "least-used" | "sticky") {
  let nowMs = 0;
  const waitsMs: number[] = [];
  const pool = new KeyPool(
    keys.map((value, i) => ({ alias: `KEY_${i + 1}`, value })),
    rotation,
  );
  const middleware = keyPoolMiddleware({
    pool: () => pool,
    now: () => nowMs,
    sleep: async (ms) => {
      waitsMs.push(ms);
      nowMs += ms;
    },
    maxWaitMs: 60_000,
  });
  return { pool, middleware, waitsMs, advance: (ms: number) => (nowMs += ms) };
}

const rateLimited = (retryAfterMs: number) =>
  fails({ type: "retryable", status: 429, message: "429", retryAfterMs, errorClass: "rate-limit" });

describe("keyPoolMiddleware", () => {
  it("a 401 disables the key and the next key is tried in the same attempt", async () => {
    const { pool, middleware } = setup(["a", "b"]);
    const { next, calls } = scripted(fails({ type: "auth", status: 401, message: "no" }), answer());
    await middleware(attemptCall(), next);
    expect(calls.map((call) => call.key?.alias)).toEqual(["KEY_1", "KEY_2"]);
    expect(pool.slots[0]!.disabled).toBe(true);
  });

  it("with every key rejected, the model is skipped for good", async () => {
    const { middleware } = setup(["a"]);
    await expect(
      middleware(attemptCall(), scripted(fails({ type: "auth", status: 403, message: "no" })).next),
    ).rejects.toMatchObject({
      failure: { type: "skip", errorClass: "keys-exhausted", transient: false },
    });
  });

  it("a Retry-After cools the key: the next attempt goes to another key at once, or waits the window out", async () => {
    const two = setup(["a", "b"]);
    await expect(two.middleware(attemptCall(), scripted(rateLimited(5_000)).next)).rejects.toThrow();
    const { next, calls } = scripted(answer());
    await two.middleware(attemptCall(), next);
    expect(calls[0]!.key?.alias).toBe("KEY_2");
    expect(two.waitsMs).toEqual([]);

    const one = setup(["a"]);
    await expect(one.middleware(attemptCall(), scripted(rateLimited(5_000)).next)).rejects.toThrow();
    await one.middleware(attemptCall({ notBeforeMs: 250 }), scripted(answer()).next);
    expect(one.waitsMs).toEqual([5_000]); // one wait covers both the backoff and the cooldown
  });

  it("gives the model up instead of waiting longer than maxWaitMs", async () => {
    const { middleware, waitsMs } = setup(["a"]);
    await expect(middleware(attemptCall(), scripted(rateLimited(120_000)).next)).rejects.toThrow();
    await expect(middleware(attemptCall(), scripted(answer()).next)).rejects.toMatchObject({
      failure: { type: "skip", errorClass: "wait-too-long", transient: true },
    });
    expect(waitsMs).toEqual([]);
  });

  it("sticky rotation sends every call of a run with the same key", async () => {
    const { middleware } = setup(["a", "b", "c"], "sticky");
    const { next, calls } = scripted(answer());
    for (let i = 0; i < 4; i++) await middleware(attemptCall({ runId: "run-7" }), next);
    expect(new Set(calls.map((call) => call.key?.alias)).size).toBe(1);
  });
});
