/**
 * The model client against the fake provider over real HTTP, through the real AI SDK providers:
 * structured output, usage and exact cost, key pools, privacy, availability and cancellation.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ModelCallError } from "../../errors/index.js";
import { type FakeProvider, reply, startFakeProvider } from "../../testing/fake-provider/index.js";
import { builtinCatalog, mergeCatalog, type QuorumCatalog } from "../catalog/index.js";
import { createModelClient, explainNoProvider, type ModelClientOptions } from "./index.js";

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider({ models: ["tiny-local"] });
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

const schema = {
  type: "object",
  additionalProperties: false,
  required: ["title", "risk"],
  properties: { title: { type: "string" }, risk: { enum: ["low", "high"] } },
};

/** Hosted providers pointing at the fake, with prices chosen so costs are easy to check by hand. */
function catalog(): QuorumCatalog {
  return mergeCatalog(
    { providers: {}, models: {} },
    {
      providers: {
        fakeai: { preset: "openai", baseURL: fake.baseURL },
        fakeclaude: { preset: "anthropic", baseURL: fake.baseURL },
      },
      models: {
        "fakeai/gpt-4o-mini": {
          capabilities: ["json"],
          price: { inputPerMTokUsd: 0.15, outputPerMTokUsd: 0.6, cachedInputPerMTokUsd: 0.075 },
        },
        "fakeclaude/claude-haiku-4-5": {
          capabilities: ["json"],
          price: {
            inputPerMTokUsd: 1,
            outputPerMTokUsd: 5,
            cachedInputPerMTokUsd: 0.1,
            cacheWritePerMTokUsd: 1.25,
          },
        },
      },
    },
  );
}

const env = { OPENAI_API_KEY: "sk-test-openai-0001", ANTHROPIC_API_KEY: "sk-ant-test-0002" };
const client = (extra: Partial<ModelClientOptions> = {}) =>
  createModelClient({ catalog: catalog(), env, sleep: async () => {}, random: () => 0.5, ...extra });

describe("answers", () => {
  it("returns the JSON text for a schema, with usage and the exact cost", async () => {
    fake.script(
      reply.json(
        { title: "Plan", risk: "high" },
        { usage: { inputTokens: 1_200, cachedInputTokens: 1_024, outputTokens: 300 } },
      ),
    );
    const response = await client().generate({ models: ["fakeai/gpt-4o-mini"], prompt: "hi", schema });
    expect(JSON.parse(response.text)).toEqual({ title: "Plan", risk: "high" });
    expect(response).toMatchObject({
      model: "fakeai/gpt-4o-mini",
      usage: { inputTokens: 1_200, cachedInputTokens: 1_024, outputTokens: 300 },
      finishReason: "stop",
    });
    // 176 x 0.15 + 1,024 x 0.075 + 300 x 0.6 = 26.4 + 76.8 + 180 = 283.2 micro-USD, rounded once.
    expect(response.costUsd).toBe(0.000283);
    const body = fake.requests[0]!.body as { response_format: { type: string } };
    expect(body.response_format.type).toBe("json_schema");
    expect(fake.requests[0]!.path).toBe("/v1/chat/completions");
  });

  it("speaks the Anthropic wire with structured output", async () => {
    fake.script(reply.default());
    const response = await client().generate({
      models: ["fakeclaude/claude-haiku-4-5"],
      prompt: "x",
      schema,
    });
    expect(JSON.parse(response.text)).toEqual({ title: "example", risk: "low" });
    expect(fake.requests[0]!.path).toBe("/v1/messages");
    expect(response.costUsd).toBeGreaterThan(0);
  });

  it("marks the system prompt for Anthropic's prompt cache and bills cache reads and writes exactly", async () => {
    const system = "You are the architect. ".repeat(300);
    fake.script(
      reply.text("design", {
        usage: { inputTokens: 3_000, cachedInputTokens: 2_000, cacheWriteTokens: 500, outputTokens: 100 },
      }),
    );
    const response = await client().generate({
      models: ["fakeclaude/claude-haiku-4-5"],
      system,
      prompt: "x",
    });
    const body = fake.requests[0]!.body as { system: Array<{ text: string; cache_control?: unknown }> };
    expect(body.system).toEqual([{ type: "text", text: system, cache_control: { type: "ephemeral" } }]);
    expect(response.usage).toMatchObject({
      inputTokens: 3_000,
      cachedInputTokens: 2_000,
      cacheWriteTokens: 500,
    });
    // 500 plain x 1 + 2,000 read x 0.1 + 500 written x 1.25 + 100 out x 5 = 1,825 micro-USD.
    expect(response.costUsd).toBe(0.001825);
    // Other providers get a plain system message (OpenAI caches prefixes by itself).
    fake.script(reply.text("design"));
    await client().generate({ models: ["fakeai/gpt-4o-mini"], system, prompt: "x" });
    const openai = fake.requests[1]!.body as { messages: Array<{ role: string; content: unknown }> };
    expect(openai.messages[0]).toEqual({ role: "system", content: system });
  });

  it("returns raw text that does not match the schema instead of throwing (the step re-asks)", async () => {
    fake.script(reply.text("not json at all", { usage: { inputTokens: 10, outputTokens: 4 } }));
    const response = await client().generate({ models: ["fakeai/gpt-4o-mini"], prompt: "hi", schema });
    expect(response.text).toBe("not json at all");
    expect(response.usage).toEqual({ inputTokens: 10, outputTokens: 4 });
    expect(response.costUsd).toBe(0.000004); // 10 x 0.15 + 4 x 0.6 = 3.9 micro-USD
  });

  it("picks the cheapest available model when none is named", async () => {
    const response = await client().generate({ models: [], prompt: "hi", schema });
    expect(response.model).toBe("fakeai/gpt-4o-mini");
  });
});

describe("keys", () => {
  const pool = { OPENAI_API_KEY_1: "sk-pool-aaaa-0001", OPENAI_API_KEY_2: "sk-pool-bbbb-0002" };

  it("a key answering 401 is disabled for the client's life and the pool's next key answers", async () => {
    fake.script({
      ...reply.unauthorized({ message: "Incorrect API key provided: sk-pool-aaaa-0001" }),
      match: { apiKey: pool.OPENAI_API_KEY_1 },
      times: 10,
    });
    const models = client({ env: pool });
    const first = await models.generate({ models: ["fakeai/gpt-4o-mini"], prompt: "hi" });
    expect(first.text).toBe("OK");
    await models.generate({ models: ["fakeai/gpt-4o-mini"], prompt: "again" });
    await models.generate({ models: ["fakeai/gpt-4o-mini"], prompt: "and again" });
    expect(fake.requests.map((request) => request.apiKeyHint)).toEqual(["…0001", "…0002", "…0002", "…0002"]);
  });

  it("rotates through a pool and never shows a key in an error", async () => {
    fake.script({ ...reply.unauthorized({ message: "bad key sk-pool-bbbb-0002" }), times: 2 });
    const error = await client({ env: pool })
      .generate({ models: ["fakeai/gpt-4o-mini"], prompt: "hi" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelCallError);
    const text = `${(error as Error).message} ${JSON.stringify(error)}`;
    expect(text).not.toMatch(/aaaa|bbbb/);
    expect((error as ModelCallError).isRetryable).toBe(false);
  });
});

describe("privacy and availability", () => {
  it("a sensitive request with only hosted providers fails closed before any request", async () => {
    const error = await client()
      .generate({ models: ["fakeai/gpt-4o-mini"], prompt: "secret", sensitive: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelCallError);
    expect((error as ModelCallError).isRetryable).toBe(false);
    expect((error as Error).message).toMatch(/sensitive.*local provider/);
    expect(fake.requests).toHaveLength(0);
  });

  it("a sensitive request goes to a local server found by its probe, using a model it serves", async () => {
    const local = mergeCatalog(catalog(), {
      providers: { lab: { preset: "ollama", baseURL: fake.baseURL } },
    });
    const models = createModelClient({ catalog: local, env });
    expect(await models.availableProviders()).toEqual(["fakeai", "fakeclaude", "lab"]);
    const response = await models.generate({ models: [], prompt: "secret", sensitive: true });
    expect(response).toMatchObject({ model: "lab/tiny-local", text: "OK", costUsd: 0 });
    expect(fake.requests.at(-1)).toMatchObject({ apiKeyHint: "(none)", model: "tiny-local" });
  });

  it("a named local server that does not answer its probe is skipped with a reason, not retried", async () => {
    const down = mergeCatalog(catalog(), {
      providers: { lab: { preset: "ollama", baseURL: "http://127.0.0.1:9/v1" } },
    });
    const models = createModelClient({ catalog: down, env, sleep: async () => {} });
    const response = await models.generate({
      models: ["lab/tiny-local", "fakeai/gpt-4o-mini"],
      prompt: "hi",
    });
    expect(response.model).toBe("fakeai/gpt-4o-mini");
    const error = (await models
      .generate({ models: ["lab/tiny-local"], prompt: "secret", sensitive: true })
      .catch((e: unknown) => e)) as ModelCallError;
    expect(error.attempts).toEqual([
      {
        model: "lab/tiny-local",
        message: expect.stringMatching(/not reachable at http:\/\/127.0.0.1:9\/v1/),
      },
    ]);
  });

  it("with no key and no server, nothing is available and the explanation says how to add one", async () => {
    const refuse = (async () => {
      throw new TypeError("fetch failed");
    }) as typeof fetch;
    const models = createModelClient({ catalog: builtinCatalog(), env: {}, fetch: refuse });
    expect(await models.availableProviders()).toEqual([]);
    const text = explainNoProvider(builtinCatalog(), {});
    expect(text).toMatch(/OPENAI_API_KEY/);
    expect(text).toMatch(/ollama serve/);
    expect(text).toMatch(/--dry-run/);
    await expect(models.generate({ models: [], prompt: "hi" })).rejects.toThrow(/OPENAI_API_KEY/);
  });
});

describe("cancellation", () => {
  it("an abort stops a hanging call within a second and is not retried", async () => {
    fake.script(reply.hang(), reply.hang());
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    const call = client().generate(
      { models: ["fakeai/gpt-4o-mini", "fakeclaude/claude-haiku-4-5"], prompt: "hi" },
      { signal: controller.signal },
    );
    await expect(call).rejects.toMatchObject({ name: "AbortError" });
    expect(Date.now() - started).toBeLessThan(1_000);
    while (!fake.requests[0]?.clientAborted && Date.now() - started < 1_000)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.clientAborted).toBe(true);
  });
});
