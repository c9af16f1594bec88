/**
 * The resilience middlewares end to end: the real AI SDK providers against the fake provider over
 * real HTTP. Streaming with time to first token, in-band stream errors, refusals, context overflow,
 * key rotation, per-key limits against the fake's enforced limits, breakers, concurrency caps,
 * JSON repair, and the trace.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ModelCallError } from "../../errors/index.js";
import { type FakeProvider, reply, startFakeProvider } from "../../testing/fake-provider/index.js";
import { type CatalogAdditions, mergeCatalog, type QuorumCatalog } from "../catalog/index.js";
import { createModelClient, type ModelClientOptions } from "./index.js";

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

const price = { inputPerMTokUsd: 1, outputPerMTokUsd: 2 };
function catalog(extra: CatalogAdditions = {}): QuorumCatalog {
  return mergeCatalog(
    { providers: {}, models: {} },
    {
      providers: {
        fakeai: { preset: "openai", baseURL: fake.baseURL, ...extra.providers?.fakeai },
        fakeclaude: { preset: "anthropic", baseURL: fake.baseURL },
      },
      models: {
        "fakeai/gpt-4o-mini": { price, contextWindow: 8_000, ...extra.models?.["fakeai/gpt-4o-mini"] },
        "fakeai/gpt-4o-mini-same": { price, contextWindow: 8_000 },
        "fakeclaude/claude-haiku-4-5": { price, contextWindow: 200_000, capabilities: ["json"] },
      },
    },
  );
}

const env = {
  OPENAI_API_KEY_1: "sk-res-aaaa-0001",
  OPENAI_API_KEY_2: "sk-res-bbbb-0002",
  ANTHROPIC_API_KEY: "sk-ant-res-0003",
};
const client = (extra: Partial<ModelClientOptions> = {}) =>
  createModelClient({ catalog: catalog(), env, sleep: async () => {}, random: () => 0, ...extra });
const both = { models: ["fakeai/gpt-4o-mini", "fakeclaude/claude-haiku-4-5"], prompt: "hi" };

describe("streaming", () => {
  it("answers from a stream and traces time to first token", async () => {
    fake.script(reply.text("streamed answer", { latencyMs: 30, chunkChars: 4 }));
    const response = await client({ streaming: true }).generate({
      models: ["fakeai/gpt-4o-mini"],
      prompt: "hi",
    });
    expect(response.text).toBe("streamed answer");
    expect(fake.requests[0]!.stream).toBe(true);
    const attempt = response.trace!.attempts[0]!;
    expect(attempt).toMatchObject({
      model: "fakeai/gpt-4o-mini",
      keyAlias: "OPENAI_API_KEY_1",
      outcome: "ok",
    });
    expect(attempt.ttftMs).toBeGreaterThanOrEqual(25);
  });

  it("an error inside a 200 stream before the first token is retried, then falls back", async () => {
    fake.script({
      ...reply.streamError({ message: "upstream overloaded" }),
      match: { model: "gpt-4o-mini" },
      times: 3,
    });
    const response = await client({ streaming: true }).generate(both);
    expect(response.model).toBe("fakeclaude/claude-haiku-4-5");
    expect(fake.requests.map((request) => [request.model, request.outcome])).toEqual([
      ["gpt-4o-mini", "stream-error"],
      ["gpt-4o-mini", "stream-error"],
      ["gpt-4o-mini", "stream-error"],
      ["claude-haiku-4-5", "default"],
    ]);
    // The OpenAI provider reports an in-band stream error as a synthetic HTTP 500.
    expect(response.trace!.attempts.map((attempt) => attempt.errorClass)).toEqual([
      "server",
      "server",
      "server",
      undefined,
    ]);
  });
});

describe("fallback triggers", () => {
  it("a refusal moves to the next model without retrying the refusing one", async () => {
    fake.script({ ...reply.refusal(), match: { model: "gpt-4o-mini" } });
    const response = await client().generate(both);
    expect(response.model).toBe("fakeclaude/claude-haiku-4-5");
    expect(fake.requests).toHaveLength(2);
    expect(response.trace!.attempts[0]).toMatchObject({ outcome: "failed", errorClass: "refusal" });
  });

  it("a context overflow skips models whose window is not larger", async () => {
    fake.script(reply.error(400, { message: "This model's maximum context length is 8000 tokens" }));
    const response = await client().generate({
      models: ["fakeai/gpt-4o-mini", "fakeai/gpt-4o-mini-same", "fakeclaude/claude-haiku-4-5"],
      prompt: "a long prompt",
    });
    expect(response.model).toBe("fakeclaude/claude-haiku-4-5");
    expect(fake.requests.map((request) => request.model)).toEqual(["gpt-4o-mini", "claude-haiku-4-5"]);
  });
});

describe("keys", () => {
  it("round-robin alternates keys; sticky keeps a run on one key", async () => {
    const roundRobin = client();
    for (let i = 0; i < 4; i++) await roundRobin.generate({ models: ["fakeai/gpt-4o-mini"], prompt: "x" });
    expect(fake.requests.map((request) => request.apiKeyHint)).toEqual(["…0001", "…0002", "…0001", "…0002"]);
    fake.reset();
    const sticky = client({ keyRotation: "sticky" });
    for (let i = 0; i < 4; i++)
      await sticky.generate({ models: ["fakeai/gpt-4o-mini"], prompt: "x" }, { runId: "run-1" });
    expect(new Set(fake.requests.map((request) => request.apiKeyHint)).size).toBe(1);
  });

  it("after a 429 on one key the other key answers at once, and nothing reaches the cooling key", async () => {
    fake.script({ ...reply.rateLimited({ retryAfterMs: 400 }), match: { apiKey: env.OPENAI_API_KEY_1 } });
    const models = createModelClient({ catalog: catalog(), env });
    const started = Date.now();
    await models.generate({ models: ["fakeai/gpt-4o-mini"], prompt: "x" });
    expect(Date.now() - started).toBeLessThan(400);
    await models.generate({ models: ["fakeai/gpt-4o-mini"], prompt: "y" });
    expect(fake.requests.map((request) => request.apiKeyHint)).toEqual(["…0001", "…0002", "…0002"]);
    expect(fake.requests.filter((request) => request.insideRetryAfterWindow)).toEqual([]);
  });
});

describe("limits", () => {
  it("keeps every key under the RPM the fake enforces, and gives up rather than wait too long", async () => {
    const limited = await startFakeProvider({ rateLimit: { requestsPerWindow: 2, windowMs: 60_000 } });
    try {
      const models = createModelClient({
        catalog: mergeCatalog(catalog(), {
          providers: { fakeai: { preset: "openai", baseURL: limited.baseURL, limits: { rpm: 2 } } },
        }),
        env,
        maxRetryAfterMs: 1_000,
      });
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => models.generate({ models: ["fakeai/gpt-4o-mini"], prompt: "x" })),
      );
      expect(answers.map((answer) => answer.text)).toEqual(["OK", "OK", "OK", "OK"]);
      const error = await models
        .generate({ models: ["fakeai/gpt-4o-mini"], prompt: "x" })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelCallError);
      expect((error as ModelCallError).isRetryable).toBe(true);
      expect((error as Error).message).toMatch(
        /rate limits of key OPENAI_API_KEY_\d leave no room|asked to wait/,
      );
      const counters = Object.values(limited.counters());
      expect(counters.reduce((sum, c) => sum + c.requests, 0)).toBe(4);
      expect(counters.reduce((sum, c) => sum + c.overLimit, 0)).toBe(0);
    } finally {
      await limited.stop();
    }
  });

  it("caps attempts in flight per provider", async () => {
    fake.script((request) => (request.model ? reply.text("slow", { latencyMs: 40 }) : undefined));
    const models = createModelClient({
      catalog: catalog({ providers: { fakeai: { limits: { maxConcurrent: 2 } } } }),
      env: { OPENAI_API_KEY: "sk-res-conc-0009" },
    });
    await Promise.all(
      Array.from({ length: 6 }, () => models.generate({ models: ["fakeai/gpt-4o-mini"], prompt: "x" })),
    );
    expect(fake.countersFor("sk-res-conc-0009").maxInFlight).toBe(2);
  });
});

describe("breaker and health", () => {
  it("opens after repeated 5xx: later calls skip the model without a request, and health says so", async () => {
    fake.script({ ...reply.serverError(503), match: { model: "gpt-4o-mini" }, times: 100 });
    const models = client({ breaker: { failureThreshold: 3, coolDownMs: 60_000 } });
    expect((await models.generate(both)).model).toBe("fakeclaude/claude-haiku-4-5");
    const second = await models.generate(both);
    expect(second.model).toBe("fakeclaude/claude-haiku-4-5");
    expect(fake.requests.filter((request) => request.model === "gpt-4o-mini")).toHaveLength(3);
    const health = models.health();
    expect(health.breakerState("fakeai/gpt-4o-mini")).toBe("open");
    expect(health.breakerState("fakeclaude/claude-haiku-4-5")).toBe("closed");
    expect(health.latencyEwmaMs("fakeclaude/claude-haiku-4-5")).toBeGreaterThan(0);
  });
});

describe("structured output", () => {
  it("repairs broken JSON syntax before the step validates it", async () => {
    fake.script(reply.text('{"title": "Plan", "risk": "high",'));
    const schema = { type: "object", properties: { title: { type: "string" }, risk: { type: "string" } } };
    const response = await client().generate({ models: ["fakeai/gpt-4o-mini"], prompt: "x", schema });
    expect(JSON.parse(response.text)).toEqual({ title: "Plan", risk: "high" });
  });
});

describe("trace", () => {
  it("lists every attempt with key aliases and costs, and never a key", async () => {
    fake.script(
      reply.serverError(500),
      reply.text("ok", { usage: { inputTokens: 1_000, outputTokens: 500 } }),
    );
    const response = await client().generate({ models: ["fakeai/gpt-4o-mini"], prompt: "x" });
    expect(response.trace!.attempts).toEqual([
      expect.objectContaining({
        keyAlias: "OPENAI_API_KEY_1",
        outcome: "failed",
        status: 500,
        errorClass: "server",
      }),
      expect.objectContaining({ keyAlias: "OPENAI_API_KEY_2", outcome: "ok", costUsd: 0.002 }),
    ]);
    expect(JSON.stringify(response.trace)).not.toMatch(/sk-res/);
  });
});
