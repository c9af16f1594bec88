/** The small middlewares alone: timeout, concurrency, JSON repair and the trace. */
import { MockLanguageModelV3 } from "ai/test";
import { describe, expect, it } from "vitest";
import { builtinCatalog, mergeCatalog } from "../catalog/index.js";
import { CallState } from "./call-state.js";
import { concurrencyMiddleware, Semaphore } from "./concurrency.js";
import { answer, attemptCall, scripted, serverError, target } from "./fixtures.js";
import { HealthRegistry } from "./health.js";
import { KeyPool } from "./key-slot.js";
import { repairJsonMiddleware, repairJsonText } from "./repair-json.js";
import { timeoutMiddleware } from "./timeout.js";
import { traceMiddleware } from "./trace.js";

describe("timeoutMiddleware", () => {
  it("aborts a slow attempt on its signal and fails it as a retryable timeout", async () => {
    let sawAbort = false;
    const error = await timeoutMiddleware(20)(
      attemptCall(),
      (call) =>
        new Promise((_, reject) =>
          call.signal!.addEventListener("abort", () => {
            sawAbort = true;
            reject(call.signal!.reason);
          }),
        ),
    ).catch((e: unknown) => e);
    expect(sawAbort).toBe(true);
    expect(error).toMatchObject({ failure: { type: "retryable", errorClass: "timeout" } });
  });

  it("an abort of the caller's signal is passed through, not turned into a timeout", async () => {
    const caller = new AbortController();
    const call = attemptCall({ signal: caller.signal, callSignal: caller.signal });
    const pending = timeoutMiddleware(5_000)(
      call,
      (inner) =>
        new Promise((_, reject) =>
          inner.signal!.addEventListener("abort", () => reject(inner.signal!.reason)),
        ),
    );
    caller.abort(new DOMException("stop", "AbortError"));
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });

  it("works over a real AI SDK model: MockLanguageModelV3 sees the narrowed signal", async () => {
    const model = new MockLanguageModelV3({
      doGenerate: async ({ abortSignal }) => {
        await new Promise((resolve, reject) => {
          const timer = setTimeout(resolve, 5_000);
          abortSignal?.addEventListener("abort", () => {
            clearTimeout(timer);
            reject(abortSignal.reason);
          });
        });
        throw new Error("unreachable");
      },
    });
    const error = await timeoutMiddleware(20)(attemptCall(), async (call) => {
      await model.doGenerate({ prompt: [], abortSignal: call.signal });
      return answer();
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ failure: { errorClass: "timeout" } });
  });
});

describe("concurrencyMiddleware", () => {
  it("never lets more than maxConcurrent attempts of a provider run at once", async () => {
    const middleware = concurrencyMiddleware(() => ({ provider: 2 }));
    let inFlight = 0;
    let maxInFlight = 0;
    const next = async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return answer();
    };
    await Promise.all(Array.from({ length: 10 }, () => middleware(attemptCall(), next)));
    expect(maxInFlight).toBe(2);
  });

  it("a waiter whose caller aborts leaves the queue", async () => {
    const semaphore = new Semaphore(1);
    await semaphore.acquire();
    const controller = new AbortController();
    const waiting = semaphore.acquire(controller.signal);
    controller.abort(new Error("gone"));
    await expect(waiting).rejects.toThrow("gone");
    semaphore.release();
    expect(semaphore.inFlight).toBe(0);
  });
});

describe("repairJsonMiddleware", () => {
  it("mends broken JSON syntax when a schema was asked for, and leaves prose alone", async () => {
    expect(repairJsonText('{"title": "x", "risk": "low",')).toBe('{"title": "x", "risk": "low"}');
    expect(repairJsonText("{'a': 1}")).toBe('{"a": 1}');
    expect(repairJsonText('{"a": 1}')).toBeUndefined();
    expect(repairJsonText("not json at all")).toBeUndefined();
    const schemaCall = attemptCall({ request: { models: ["p/m"], prompt: "x", schema: { type: "object" } } });
    const result = await repairJsonMiddleware(schemaCall, async () => answer('{"a": [1, 2'));
    expect(JSON.parse(result.text)).toEqual({ a: [1, 2] });
    const plain = await repairJsonMiddleware(attemptCall(), async () => answer('{"a": [1, 2'));
    expect(plain.text).toBe('{"a": [1, 2');
  });
});

describe("traceMiddleware", () => {
  it("records each sent attempt with the key alias, latency, outcome, error class and cost", async () => {
    let nowMs = 0;
    const catalog = mergeCatalog(builtinCatalog(), {
      models: { "p/m": { price: { inputPerMTokUsd: 1, outputPerMTokUsd: 1 } } },
    });
    const state = new CallState(catalog);
    const health = new HealthRegistry(() => nowMs);
    const middleware = traceMiddleware({ now: () => nowMs, health });
    const key = new KeyPool([{ alias: "P_API_KEY_2", value: "sk-secret-value" }]).slots[0]!;
    const call = attemptCall({ state, key, candidates: [target("p/m")] });
    const slow = async () => {
      nowMs += 40;
      throw serverError();
    };
    await expect(middleware(call, slow)).rejects.toThrow();
    const { next } = scripted(answer("ok", 1_000_000));
    await middleware(call, async (c) => {
      nowMs += 10;
      return next(c);
    });
    expect(state.attempts).toEqual([
      {
        model: "p/m",
        keyAlias: "P_API_KEY_2",
        latencyMs: 40,
        outcome: "failed",
        errorClass: "server",
        status: 503,
      },
      { model: "p/m", keyAlias: "P_API_KEY_2", latencyMs: 10, outcome: "ok", costUsd: 1 },
    ]);
    expect(JSON.stringify(state.attempts)).not.toMatch(/secret/);
    expect(state.failures).toEqual([{ model: "p/m", status: 503, message: "HTTP 503" }]);
    expect(health.view().latencyEwmaMs("p/m")).toBeCloseTo(0.2 * 10 + 0.8 * 40);
  });
});
