/**
 * Retry, Retry-After and fallback against the fake provider over real HTTP. Time is a fake clock that
 * the injected `sleep` advances, so every requested wait is recorded and checked exactly; one test uses
 * real time to prove the provider itself sees no request inside its announced window.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ModelCallError } from "../../errors/index.js";
import { type FakeProvider, reply, startFakeProvider } from "../../testing/fake-provider/index.js";
import { mergeCatalog, type QuorumCatalog } from "../catalog/index.js";
import { createModelClient, type ModelClientOptions } from "./index.js";

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

function catalog(): QuorumCatalog {
  const price = { inputPerMTokUsd: 1, outputPerMTokUsd: 2 };
  return mergeCatalog(
    { providers: {}, models: {} },
    {
      providers: {
        fakeai: { preset: "openai", baseURL: fake.baseURL },
        fakeclaude: { preset: "anthropic", baseURL: fake.baseURL },
      },
      models: { "fakeai/gpt-4o-mini": { price }, "fakeclaude/claude-haiku-4-5": { price } },
    },
  );
}

/** A clock that only moves when the client sleeps, and the list of waits it asked for. */
function fakeTime(extra: Partial<ModelClientOptions> = {}) {
  let nowMs = Date.now();
  const delaysMs: number[] = [];
  const models = createModelClient({
    catalog: catalog(),
    env: { OPENAI_API_KEY: "sk-retry-0001", ANTHROPIC_API_KEY: "sk-ant-retry-0002" },
    now: () => nowMs,
    sleep: async (ms) => {
      delaysMs.push(ms);
      nowMs += ms;
    },
    random: () => 0.5,
    ...extra,
  });
  return { models, delaysMs };
}

const gpt = { models: ["fakeai/gpt-4o-mini"], prompt: "hi" };
const both = { models: ["fakeai/gpt-4o-mini", "fakeclaude/claude-haiku-4-5"], prompt: "hi" };

describe("retry", () => {
  it("retries a 500 after a jittered backoff, then answers", async () => {
    fake.script(
      reply.serverError(500),
      reply.text("recovered", { usage: { inputTokens: 5, outputTokens: 5 } }),
    );
    const { models, delaysMs } = fakeTime();
    const response = await models.generate(gpt);
    expect(response.text).toBe("recovered");
    expect(fake.requests).toHaveLength(2);
    expect(delaysMs).toEqual([250]); // random 0.5 x 500 ms base
  });

  it.each([
    ["retry-after seconds", { retryAfterSeconds: 3 }, 3_000],
    ["retry-after-ms", { retryAfterMs: 750 }, 750],
    ["retry-after HTTP date", { retryAfterDate: new Date(Date.now() + 30_000) }, 8_000],
  ])("honours %s, never waiting less", async (_name, header, minimumMs) => {
    fake.script(reply.rateLimited(header), reply.text("ok"));
    const { models, delaysMs } = fakeTime();
    await models.generate(gpt);
    expect(delaysMs).toHaveLength(1);
    expect(delaysMs[0]).toBeGreaterThanOrEqual(minimumMs);
    expect(fake.requests).toHaveLength(2);
  });

  it("with real time, the provider sees no request inside its Retry-After window", async () => {
    fake.script(reply.rateLimited({ retryAfterMs: 300 }), reply.text("ok"));
    const models = createModelClient({ catalog: catalog(), env: { OPENAI_API_KEY: "sk-retry-0001" } });
    await models.generate(gpt);
    expect(fake.requests.map((request) => request.insideRetryAfterWindow)).toEqual([false, false]);
    expect(fake.requests[1]!.receivedAtMs - fake.requests[0]!.receivedAtMs).toBeGreaterThanOrEqual(300);
  });

  it("an in-band error with status 200 is retried", async () => {
    fake.script(reply.streamError({ message: "boom" }), reply.text("fine"));
    const { models } = fakeTime();
    expect((await models.generate(gpt)).text).toBe("fine");
  });

  it("an attempt that outlives attemptTimeoutMs is aborted and retried", async () => {
    fake.script(reply.hang(), reply.text("second time"));
    const { models } = fakeTime({ attemptTimeoutMs: 100 });
    expect((await models.generate(gpt)).text).toBe("second time");
    expect(fake.requests[0]!.clientAborted).toBe(true);
  });

  it("never retries a 400, and says so", async () => {
    fake.script(reply.error(400, { message: "bad parameter: temperature" }));
    const { models, delaysMs } = fakeTime();
    const error = (await models.generate(gpt).catch((e: unknown) => e)) as ModelCallError;
    expect(error).toBeInstanceOf(ModelCallError);
    expect(error.isRetryable).toBe(false);
    expect(error.attempts).toEqual([
      { model: "fakeai/gpt-4o-mini", status: 400, message: expect.stringMatching(/temperature/) },
    ]);
    expect(fake.requests).toHaveLength(1);
    expect(delaysMs).toEqual([]);
  });

  it("gives up after maxAttemptsPerModel and reports every attempt as retryable", async () => {
    fake.script({ ...reply.serverError(503), times: 3 });
    const { models, delaysMs } = fakeTime({ rounds: 1 });
    const error = (await models.generate(gpt).catch((e: unknown) => e)) as ModelCallError;
    expect(error.isRetryable).toBe(true);
    expect(error.attempts.map((attempt) => attempt.status)).toEqual([503, 503, 503]);
    expect(delaysMs).toEqual([250, 500]);
    expect(error.message).toMatch(/fakeai\/gpt-4o-mini \(HTTP 503\)/);
  });
});

describe("rounds", () => {
  it("walks the candidates once more after a backoff when every attempt failed transiently", async () => {
    fake.script({ ...reply.serverError(503), times: 3 });
    const { models, delaysMs } = fakeTime();
    const response = await models.generate(gpt);
    expect(response.model).toBe("fakeai/gpt-4o-mini");
    expect(fake.requests.map((request) => request.status)).toEqual([503, 503, 503, 200]);
    // Two retry backoffs in the first round, then the wait before the second round.
    expect(delaysMs).toEqual([250, 500, 1_000]);
  });

  it("after its last round the error says the call may work later", async () => {
    fake.script({ ...reply.serverError(503), times: 6 });
    const { models } = fakeTime();
    const error = (await models.generate(gpt).catch((e: unknown) => e)) as ModelCallError;
    expect(error.isRetryable).toBe(true);
    expect(error.attempts).toHaveLength(6);
  });
});

describe("fallback", () => {
  it("falls back to the second model when the first is down", async () => {
    fake.script({ ...reply.serverError(503), match: { model: "gpt-4o-mini" }, times: 3 });
    const { models } = fakeTime();
    const response = await models.generate(both);
    expect(response.model).toBe("fakeclaude/claude-haiku-4-5");
    expect(fake.requests.map((request) => request.model)).toEqual([
      "gpt-4o-mini",
      "gpt-4o-mini",
      "gpt-4o-mini",
      "claude-haiku-4-5",
    ]);
  });

  it("moves on at once when the prompt is too long for the first model", async () => {
    fake.script(reply.error(400, { message: "This model's maximum context length is 128000 tokens" }));
    const { models } = fakeTime();
    const response = await models.generate(both);
    expect(response.model).toBe("fakeclaude/claude-haiku-4-5");
    expect(fake.requests).toHaveLength(2);
  });

  it("gives a model up instead of waiting out a Retry-After longer than the limit", async () => {
    fake.script(reply.rateLimited({ retryAfterSeconds: 120 }));
    const { models, delaysMs } = fakeTime();
    const response = await models.generate(both);
    expect(response.model).toBe("fakeclaude/claude-haiku-4-5");
    expect(delaysMs).toEqual([]);
  });
});
