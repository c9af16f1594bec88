/** Retry middleware alone: which failures it retries, how often, and the backoff it asks for. */
import { describe, expect, it } from "vitest";
import { composeMiddleware } from "./contract.js";
import { answer, attemptCall, fails, scripted, serverError } from "./fixtures.js";
import { retryMiddleware } from "./retry.js";

const retry = retryMiddleware({ maxAttempts: 3, now: () => 1_000, random: () => 0.5 });

describe("retryMiddleware", () => {
  it("retries a retryable failure with growing full-jitter backoff as notBeforeMs", async () => {
    const { next, calls } = scripted(serverError(), serverError(), answer("third"));
    expect((await retry(attemptCall(), next)).text).toBe("third");
    expect(calls.map((call) => call.notBeforeMs)).toEqual([undefined, 1_250, 1_500]);
  });

  it("gives up after maxAttempts and rethrows the last failure", async () => {
    const { next, calls } = scripted(serverError());
    await expect(retry(attemptCall(), next)).rejects.toMatchObject({ failure: { status: 503 } });
    expect(calls).toHaveLength(3);
  });

  it.each([
    [
      "400",
      fails({ type: "fatal", status: 400, message: "bad", contextLength: false, errorClass: "bad-request" }),
    ],
    ["401", fails({ type: "auth", status: 401, message: "no" })],
    ["skip", fails({ type: "skip", message: "open", errorClass: "breaker-open", transient: true })],
    ["an abort", new DOMException("aborted", "AbortError")],
  ])("never retries %s", async (_name, error) => {
    const { next, calls } = scripted(error, answer());
    await expect(retry(attemptCall(), next)).rejects.toBe(error);
    expect(calls).toHaveLength(1);
  });

  it("composes: the outermost middleware sees the call first", async () => {
    const seen: string[] = [];
    const handler = composeMiddleware(
      [
        async (call, next) => {
          seen.push("outer");
          return next(call);
        },
        async (call, next) => {
          seen.push("inner");
          return next(call);
        },
      ],
      async () => {
        seen.push("terminal");
        return answer();
      },
    );
    await handler(attemptCall());
    expect(seen).toEqual(["outer", "inner", "terminal"]);
  });
});

describe("retryMiddleware with Retry-After", () => {
  it("adds no backoff when the provider announced a window: the key pool enforces it per key", async () => {
    const rateLimited = fails({
      type: "retryable",
      status: 429,
      message: "429",
      retryAfterMs: 2_000,
      errorClass: "rate-limit",
    });
    const { next, calls } = scripted(rateLimited, answer());
    await retry(attemptCall(), next);
    expect(calls.map((call) => call.notBeforeMs)).toEqual([undefined, undefined]);
  });
});
