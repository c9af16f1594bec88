/** Rounds middleware alone, over the real fallback middleware: a second walk after a cooldown. */
import { describe, expect, it } from "vitest";
import { composeMiddleware } from "./contract.js";
import { CandidatesExhausted, fallbackMiddleware } from "./fallback.js";
import { answer, attemptCall, fails, scripted, serverError, target } from "./fixtures.js";
import { roundsMiddleware } from "./rounds.js";

const breakerOpen = (retryAfterMs: number) =>
  fails({ type: "skip", message: "breaker open", errorClass: "breaker-open", transient: true, retryAfterMs });

function chain(rounds: number, steps: Parameters<typeof scripted>) {
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
  };
  const { next, calls } = scripted(...steps);
  const handler = composeMiddleware(
    [roundsMiddleware({ rounds, sleep, maxWaitMs: 5_000 }), fallbackMiddleware],
    next,
  );
  return { handler, waits, calls };
}

describe("roundsMiddleware", () => {
  it("walks the candidates again after the shortest cooldown when every one failed transiently", async () => {
    const call = attemptCall({ candidates: [target("a/1"), target("b/2")] });
    const { handler, waits, calls } = chain(2, [breakerOpen(3_000), serverError(), answer("second round")]);
    expect((await handler(call)).text).toBe("second round");
    expect(waits).toEqual([3_000]);
    expect(calls.map((c) => c.target.ref)).toEqual(["a/1", "b/2", "a/1"]);
    expect(call.state.answeredBy).toBe("a/1");
  });

  it("caps the wait, and backs off when no failure named a cooldown", async () => {
    const capped = chain(2, [breakerOpen(60_000), answer()]);
    await capped.handler(attemptCall({ candidates: [target("a/1")] }));
    expect(capped.waits).toEqual([5_000]);
    const unnamed = chain(2, [serverError(), answer()]);
    await unnamed.handler(attemptCall({ candidates: [target("a/1")] }));
    expect(unnamed.waits).toEqual([1_000]);
  });

  it("gives up after its rounds, still saying the call may work later", async () => {
    const call = attemptCall({ candidates: [target("a/1")] });
    const { handler, waits } = chain(2, [serverError(), serverError()]);
    await expect(handler(call)).rejects.toBeInstanceOf(CandidatesExhausted);
    expect(waits).toHaveLength(1);
    expect(call.state.transientExhaustion).toBe(true);
  });

  it("does not retry a call whose candidates failed for good", async () => {
    const call = attemptCall({ candidates: [target("a/1"), target("b/2")] });
    const refusal = fails({ type: "fatal", message: "refused", contextLength: false, errorClass: "refusal" });
    const { handler, waits, calls } = chain(3, [refusal, refusal]);
    await expect(handler(call)).rejects.toBeInstanceOf(CandidatesExhausted);
    expect(waits).toEqual([]);
    expect(calls).toHaveLength(2);
  });

  it("stops when the caller aborts", async () => {
    const controller = new AbortController();
    controller.abort();
    const call = attemptCall({ candidates: [target("a/1")], callSignal: controller.signal });
    const { handler, waits } = chain(3, [serverError()]);
    await expect(handler(call)).rejects.toBeInstanceOf(CandidatesExhausted);
    expect(waits).toEqual([]);
  });
});
