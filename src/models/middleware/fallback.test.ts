/** Fallback middleware alone: which failures move on, and context overflow to a larger window. */
import { describe, expect, it } from "vitest";
import { CandidatesExhausted, fallbackMiddleware } from "./fallback.js";
import { answer, attemptCall, fails, scripted, serverError, target } from "./fixtures.js";

const overflow = fails({
  type: "fatal",
  status: 400,
  message: "maximum context length",
  contextLength: true,
  errorClass: "context-length",
});

describe("fallbackMiddleware", () => {
  it("moves on after exhausted retries, refusals and skips, and says which model answered", async () => {
    const call = attemptCall({ candidates: [target("a/1"), target("b/2"), target("c/3"), target("d/4")] });
    const { next, calls } = scripted(
      serverError(),
      fails({ type: "fatal", message: "refused", contextLength: false, errorClass: "refusal" }),
      fails({
        type: "skip",
        message: "breaker open",
        errorClass: "breaker-open",
        transient: true,
        retryAfterMs: 900,
      }),
      answer("from d"),
    );
    expect((await fallbackMiddleware(call, next)).text).toBe("from d");
    expect(calls.map((c) => c.target.ref)).toEqual(["a/1", "b/2", "c/3", "d/4"]);
    expect(call.state.answeredBy).toBe("d/4");
    expect(call.state.failures).toEqual([{ model: "c/3", message: "breaker open" }]);
    expect(call.state.shortestRetryAfterMs).toBe(900);
  });

  it("after a context overflow, skips candidates whose window is not larger", async () => {
    const call = attemptCall({
      candidates: [
        target("a/small", { contextWindow: 8_000 }),
        target("b/same", { contextWindow: 8_000 }),
        target("c/unknown"),
        target("d/large", { contextWindow: 128_000 }),
      ],
    });
    const { next, calls } = scripted(overflow, overflow, answer());
    await fallbackMiddleware(call, next);
    expect(calls.map((c) => c.target.ref)).toEqual(["a/small", "c/unknown", "d/large"]);
    expect(call.state.failures[0]).toMatchObject({
      model: "b/same",
      message: expect.stringMatching(/not larger/),
    });
  });

  it("throws CandidatesExhausted when none answers, marking transient exhaustion", async () => {
    const call = attemptCall({ candidates: [target("a/1"), target("b/2")] });
    await expect(fallbackMiddleware(call, scripted(serverError()).next)).rejects.toBeInstanceOf(
      CandidatesExhausted,
    );
    expect(call.state.transientExhaustion).toBe(true);
  });

  it("an abort ends the call at once", async () => {
    const call = attemptCall({ candidates: [target("a/1"), target("b/2")] });
    const abort = new DOMException("stop", "AbortError");
    const { next, calls } = scripted(abort, answer());
    await expect(fallbackMiddleware(call, next)).rejects.toBe(abort);
    expect(calls).toHaveLength(1);
  });
});
