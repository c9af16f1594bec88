/** The circuit breaker as pure state, and its middleware over a scripted `next`. */
import { describe, expect, it } from "vitest";
import { CircuitBreaker, defaultBreakerPolicy } from "./breaker.js";
import { breakerMiddleware } from "./breaker-middleware.js";
import { answer, attemptCall, fails, scripted, serverError, target } from "./fixtures.js";
import { HealthRegistry } from "./health.js";

const policy = { ...defaultBreakerPolicy, failureThreshold: 3, coolDownMs: 1_000 };

describe("CircuitBreaker", () => {
  it("opens after N consecutive failures, probes once after the cool-down, closes on success", () => {
    const breaker = new CircuitBreaker(policy);
    for (let i = 0; i < 3; i++) {
      expect(breaker.admit(0).type).toBe("pass");
      breaker.failure(0, false);
    }
    expect(breaker.state(0)).toBe("open");
    expect(breaker.admit(500)).toEqual({ type: "reject", retryAfterMs: 500 });
    expect(breaker.state(1_000)).toBe("half-open");
    expect(breaker.admit(1_000).type).toBe("probe");
    expect(breaker.admit(1_001).type).toBe("reject"); // one probe at a time
    breaker.success(true);
    expect(breaker.state(1_002)).toBe("closed");
    expect(breaker.errorRate()).toBe(0);
  });

  it("a failed probe opens it again for a full cool-down", () => {
    const breaker = new CircuitBreaker(policy);
    for (let i = 0; i < 3; i++) breaker.failure(0, false);
    expect(breaker.admit(1_000).type).toBe("probe");
    breaker.failure(1_100, true);
    expect(breaker.state(1_500)).toBe("open");
    expect(breaker.state(2_100)).toBe("half-open");
  });

  it("a released probe (an abort, a 429) lets the next attempt probe", () => {
    const breaker = new CircuitBreaker(policy);
    for (let i = 0; i < 3; i++) breaker.failure(0, false);
    expect(breaker.admit(1_000).type).toBe("probe");
    breaker.release(true);
    expect(breaker.admit(1_001).type).toBe("probe");
  });

  it("opens on the failure rate even without a run of consecutive failures", () => {
    const breaker = new CircuitBreaker({
      ...policy,
      failureThreshold: 100,
      minimumCalls: 10,
      failureRate: 0.5,
    });
    for (let i = 0; i < 10; i++) i % 2 === 1 ? breaker.failure(0, false) : breaker.success(false);
    expect(breaker.state(0)).toBe("open");
    expect(breaker.errorRate()).toBe(0.5);
  });
});

describe("breakerMiddleware", () => {
  it("after repeated 5xx it refuses without calling next, and the health view says so", async () => {
    let nowMs = 0;
    const health = new HealthRegistry(() => nowMs, policy);
    const middleware = breakerMiddleware({ health, now: () => nowMs });
    const { next, calls } = scripted(serverError(), serverError(), serverError(), answer());
    for (let i = 0; i < 3; i++) await expect(middleware(attemptCall(), next)).rejects.toThrow();
    const view = health.view();
    expect(view.breakerState("p/m")).toBe("open");
    expect(view.breakerState("p")).toBe("open");
    await expect(middleware(attemptCall(), next)).rejects.toMatchObject({
      failure: { type: "skip", errorClass: "breaker-open", transient: true },
    });
    expect(calls).toHaveLength(3);
    nowMs = 1_000;
    expect(view.breakerState("p/m")).toBe("half-open");
    expect((await middleware(attemptCall(), next)).text).toBe("ok");
    expect(view.breakerState("p/m")).toBe("closed");
  });

  it("a provider's open breaker also stops its other models", async () => {
    const health = new HealthRegistry(() => 0, policy);
    const middleware = breakerMiddleware({ health, now: () => 0 });
    const { next } = scripted(serverError());
    const models = ["p/a", "p/b", "p/c"].map((ref) => attemptCall({ candidates: [target(ref)] }));
    for (const call of models) await expect(middleware(call, next)).rejects.toThrow();
    expect(health.view().breakerState("p/d")).toBe("open");
  });

  it("400s, 401s and 429s do not open it", async () => {
    const health = new HealthRegistry(() => 0, policy);
    const middleware = breakerMiddleware({ health, now: () => 0 });
    const errors = [
      fails({ type: "fatal", status: 400, message: "bad", contextLength: false, errorClass: "bad-request" }),
      fails({ type: "auth", status: 401, message: "no" }),
      fails({ type: "retryable", status: 429, message: "slow down", errorClass: "rate-limit" }),
    ];
    for (let i = 0; i < 6; i++)
      await expect(middleware(attemptCall(), scripted(errors[i % 3]!).next)).rejects.toThrow();
    expect(health.view().breakerState("p/m")).toBe("closed");
  });
});
