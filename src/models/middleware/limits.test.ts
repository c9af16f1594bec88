/**
 * Key pool + limits middleware under concurrent load on a virtual clock. The property: however calls
 * arrive, whatever they weigh, and wherever 429s with Retry-After land, no key ever has more than its
 * RPM requests or TPM tokens inside any 60 s window, and no request reaches a key inside a window the
 * provider announced.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { composeMiddleware } from "./contract.js";
import { answer, attemptCall, fails, target } from "./fixtures.js";
import { keyPoolMiddleware } from "./key-pool.js";
import { KeyPool } from "./key-slot.js";
import { keyAvailability, limitsMiddleware, RateLimits } from "./limits.js";

/** Timers on a virtual clock, run in time order; lets concurrent calls interleave deterministically. */
function virtualClock() {
  let nowMs = 0;
  const timers: Array<{ atMs: number; seq: number; resolve: () => void }> = [];
  let seq = 0;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      timers.push({ atMs: nowMs + ms, seq: seq++, resolve });
    });
  const flush = () => new Promise((resolve) => setImmediate(resolve));
  async function run(done: () => boolean) {
    for (let guard = 0; guard < 100_000 && !done(); guard++) {
      await flush();
      if (done()) return;
      timers.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
      const timer = timers.shift();
      if (!timer) continue;
      nowMs = Math.max(nowMs, timer.atMs);
      timer.resolve();
    }
  }
  return { now: () => nowMs, sleep, run };
}

const minuteMs = 60_000;

function maxInAnyWindow(sends: ReadonlyArray<{ atMs: number; weight: number }>): number {
  let max = 0;
  for (const start of sends) {
    let sum = 0;
    for (const send of sends)
      if (send.atMs >= start.atMs && send.atMs < start.atMs + minuteMs) sum += send.weight;
    max = Math.max(max, sum);
  }
  return max;
}

describe("rate limits under concurrency (property)", () => {
  it("never exceeds RPM or TPM per key in any window, never sends inside a Retry-After window", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          rpm: fc.integer({ min: 1, max: 6 }),
          tpm: fc.integer({ min: 500, max: 3_000 }),
          keys: fc.integer({ min: 1, max: 3 }),
          calls: fc.array(
            fc.record({
              arrivalMs: fc.integer({ min: 0, max: 120_000 }),
              tokens: fc.integer({ min: 1, max: 500 }),
              rateLimited: fc.option(fc.integer({ min: 100, max: 30_000 }), { freq: 5 }),
            }),
            { minLength: 1, maxLength: 25 },
          ),
        }),
        async ({ rpm, tpm, keys, calls }) => {
          const clock = virtualClock();
          const pool = new KeyPool(
            Array.from({ length: keys }, (_, i) => ({ alias: `K_${i + 1}`, value: `k${i}` })),
          );
          const limits = new RateLimits(() => ({ provider: { rpm, tpm } }), 0);
          const sends = new Map<string, Array<{ atMs: number; weight: number }>>();
          const cooldowns = new Map<string, number>();
          let violations = 0;
          const handler = composeMiddleware(
            [
              keyPoolMiddleware({
                pool: () => pool,
                now: clock.now,
                sleep: clock.sleep,
                maxWaitMs: Number.POSITIVE_INFINITY,
                availability: (call) => keyAvailability(limits, call),
              }),
              limitsMiddleware({
                limits,
                now: clock.now,
                sleep: clock.sleep,
                maxWaitMs: Number.POSITIVE_INFINITY,
              }),
            ],
            async (call) => {
              const alias = call.key!.alias;
              if (clock.now() < (cooldowns.get(alias) ?? 0)) violations++;
              const list = sends.get(alias) ?? [];
              list.push({ atMs: clock.now(), weight: call.estimatedTokens });
              sends.set(alias, list);
              await clock.sleep(50);
              const spec = calls[Number(call.request.prompt)]!;
              if (spec.rateLimited !== null && !call.request.prompt.endsWith("retried")) {
                cooldowns.set(alias, Math.max(cooldowns.get(alias) ?? 0, clock.now() + spec.rateLimited));
                throw fails({
                  type: "retryable",
                  status: 429,
                  message: "429",
                  retryAfterMs: spec.rateLimited,
                  errorClass: "rate-limit",
                });
              }
              return answer("ok", call.estimatedTokens);
            },
          );
          let finished = 0;
          const t = target("p/m");
          const runs = calls.map(async (spec, index) => {
            await clock.sleep(spec.arrivalMs);
            const call = attemptCall({
              candidates: [t],
              estimatedTokens: spec.tokens,
              request: { models: ["p/m"], prompt: String(index) },
            });
            try {
              await handler(call);
            } catch {
              // A 429 is rethrown after cooling the key; a retry with the same key must wait it out.
              await handler({ ...call, request: { ...call.request, prompt: `${index}` } }).catch(
                () => undefined,
              );
            } finally {
              finished++;
            }
          });
          await clock.run(() => finished === calls.length);
          await Promise.all(runs);
          expect(violations).toBe(0);
          for (const list of sends.values()) {
            expect(maxInAnyWindow(list.map((send) => ({ atMs: send.atMs, weight: 1 })))).toBeLessThanOrEqual(
              rpm,
            );
            expect(maxInAnyWindow(list)).toBeLessThanOrEqual(tpm);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("limitsMiddleware", () => {
  it("refuses, as a skip, a request estimated above the whole TPM limit", async () => {
    const limits = new RateLimits(() => ({ model: { tpm: 100 } }), 0);
    const middleware = limitsMiddleware({ limits, now: () => 0, sleep: async () => {}, maxWaitMs: 1_000 });
    const pool = new KeyPool([{ alias: "K", value: "k" }]);
    const call = attemptCall({ estimatedTokens: 101, key: pool.slots[0]! });
    await expect(middleware(call, async () => answer())).rejects.toMatchObject({
      failure: { type: "skip", errorClass: "over-limit", transient: false },
    });
  });

  it("passes straight through when no limits are configured", async () => {
    const limits = new RateLimits(() => ({}), 0);
    const middleware = limitsMiddleware({
      limits,
      now: () => 0,
      sleep: async () => {
        throw new Error("no wait expected");
      },
      maxWaitMs: 0,
    });
    const pool = new KeyPool([{ alias: "K", value: "k" }]);
    expect((await middleware(attemptCall({ key: pool.slots[0]! }), async () => answer("x"))).text).toBe("x");
  });
});
