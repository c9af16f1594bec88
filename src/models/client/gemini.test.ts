/**
 * Gemini end to end: the real `@ai-sdk/google` provider, built by our model client from the built-in
 * `google` preset with only its baseURL overridden, talking to the fake provider's Gemini wire over
 * real HTTP. Usage (cached and thinking tokens) and cost must come back exact, a 429's Retry-After
 * must be honoured to the millisecond, and a 5xx must fall back to the next model.
 */

import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { generateText, jsonSchema, Output, streamText, tool } from "ai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeProvider, reply, startFakeProvider } from "../../testing/fake-provider/index.js";
import { builtinCatalog, mergeCatalog } from "../catalog/index.js";
import { costUsd, type TokenUsage, usageFromSdk } from "../cost.js";
import { createModelClient, type ModelClientOptions } from "./index.js";

const key = "AIza-fake-gemini-0001";
let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider({ apiKeys: [key] });
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

/** The shipped catalog, with the google preset pointed at the fake: what a config file does. */
const catalog = () =>
  mergeCatalog(builtinCatalog(), { providers: { google: { baseURL: fake.geminiBaseURL } } });
const flashPrice = () => builtinCatalog().models["google/gemini-2.5-flash"]!.price!;

/** A client whose clock moves only when it sleeps, so every wait it asks for is checked exactly. */
function fakeTime(extra: Partial<ModelClientOptions> = {}) {
  let nowMs = Date.now();
  const delaysMs: number[] = [];
  const models = createModelClient({
    catalog: catalog(),
    env: { GEMINI_API_KEY: key },
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

const usage: TokenUsage = {
  inputTokens: 10_000,
  cachedInputTokens: 4_000,
  outputTokens: 1_000,
  reasoningTokens: 600,
};

describe("the @ai-sdk/google provider against the fake Gemini wire", () => {
  const google = () => createGoogleGenerativeAI({ baseURL: fake.geminiBaseURL, apiKey: key });

  it("generateText and streamText: text and usage (cached and thinking tokens) round-trip exactly", async () => {
    fake.script(reply.text("Hello from Gemini", { usage }), reply.text("streamed gemini", { usage }));
    const result = await generateText({ model: google()("gemini-2.5-flash"), prompt: "hi", maxRetries: 0 });
    expect(result.text).toBe("Hello from Gemini");
    expect(usageFromSdk(result.usage)).toMatchObject(usage);
    const streamed = streamText({ model: google()("gemini-2.5-flash"), prompt: "hi", maxRetries: 0 });
    expect(await streamed.text).toBe("streamed gemini");
    expect(usageFromSdk(await streamed.usage)).toMatchObject(usage);
    expect(fake.requests.map((r) => [r.path, r.stream])).toEqual([
      ["/v1beta/models/gemini-2.5-flash:generateContent", false],
      ["/v1beta/models/gemini-2.5-flash:streamGenerateContent", true],
    ]);
  });

  it("structured output: the SDK sends responseSchema and parses the fake's schema example", async () => {
    const schema = {
      type: "object",
      required: ["title", "tags"],
      properties: { title: { type: "string" }, tags: { type: "array", items: { type: "string" } } },
    };
    const result = await generateText({
      model: google()("gemini-2.5-flash"),
      prompt: "hi",
      maxRetries: 0,
      output: Output.object({ schema: jsonSchema(schema) }),
    });
    expect(result.output).toEqual({ title: "example", tags: [] });
    const body = fake.requests[0]!.body as { generationConfig: Record<string, unknown> };
    expect(body.generationConfig).toMatchObject({ responseMimeType: "application/json" });
    expect(body.generationConfig.responseSchema).toMatchObject({ required: ["title", "tags"] });
  });

  it("function calls: functionCall parts become tool calls, whole or streamed", async () => {
    const tools = {
      lookup: tool({
        inputSchema: jsonSchema<{ q: string }>({
          type: "object",
          required: ["q"],
          properties: { q: { type: "string" } },
        }),
      }),
    };
    const calls = [{ name: "lookup", input: { q: "release notes" } }];
    fake.script(reply.toolCalls(calls), reply.toolCalls(calls));
    const result = await generateText({
      model: google()("gemini-2.5-flash"),
      prompt: "hi",
      tools,
      maxRetries: 0,
    });
    expect(result.toolCalls.map((c) => [c.toolName, c.input])).toEqual([["lookup", { q: "release notes" }]]);
    expect(result.finishReason).toBe("tool-calls");
    const streamed = streamText({ model: google()("gemini-2.5-flash"), prompt: "hi", tools, maxRetries: 0 });
    expect((await streamed.toolCalls).map((c) => c.input)).toEqual([{ q: "release notes" }]);
    const body = fake.requests[0]!.body as {
      tools: Array<{ functionDeclarations: Array<{ name: string }> }>;
    };
    expect(body.tools[0]!.functionDeclarations[0]!.name).toBe("lookup");
  });

  it("an in-band stream error surfaces as an APICallError with Google's status", async () => {
    fake.script(reply.streamError({ message: "model overloaded" }));
    const streamed = streamText({
      model: google()("gemini-2.5-flash"),
      prompt: "hi",
      maxRetries: 0,
      onError: () => {}, // read from fullStream below instead of logged
    });
    const errors: unknown[] = [];
    for await (const part of streamed.fullStream) if (part.type === "error") errors.push(part.error);
    expect(errors[0]).toMatchObject({ statusCode: 503, message: "model overloaded", isRetryable: true });
  });
});

describe("our model client on the built-in google preset", () => {
  it("answers through the preset with exact usage and cost (cached and thinking tokens included)", async () => {
    fake.script(reply.text("Gemini answers", { usage }));
    const { models } = fakeTime();
    const response = await models.generate({ models: ["google/gemini-2.5-flash"], prompt: "hi" });
    expect(response.text).toBe("Gemini answers");
    expect(response.model).toBe("google/gemini-2.5-flash");
    expect(response.usage).toMatchObject(usage);
    // Cached input is billed at the input price (the table's documented upper bound), thinking as
    // output: 10,000 x 0.30 + 1,000 x 2.50 = 3,000 + 2,500 micro-USD.
    expect(costUsd(usage, flashPrice()).costMicroUsd).toBe(5_500);
    expect(response.costUsd).toBeCloseTo(0.0055, 12);
    expect(response.trace!.attempts).toEqual([
      expect.objectContaining({
        model: "google/gemini-2.5-flash",
        keyAlias: "GEMINI_API_KEY",
        outcome: "ok",
      }),
    ]);
    expect(fake.requests[0]!.headers["x-goog-api-key"]).toBe("…0001");
  });

  it("a 429 with Retry-After is honoured exactly, and nothing is sent inside the window", async () => {
    fake.script(reply.rateLimited({ retryAfterSeconds: 2 }), reply.text("after the wait"));
    const { models, delaysMs } = fakeTime();
    const response = await models.generate({ models: ["google/gemini-2.5-flash"], prompt: "hi" });
    expect(response.text).toBe("after the wait");
    expect(delaysMs).toEqual([2_000]);
    expect(fake.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it("a 429 in real time: the fake counts no request inside the announced window", async () => {
    fake.script(reply.rateLimited({ retryAfterMs: 300 }), reply.text("ok"));
    const models = createModelClient({ catalog: catalog(), env: { GEMINI_API_KEY: key } });
    expect((await models.generate({ models: ["google/gemini-2.5-flash"], prompt: "hi" })).text).toBe("ok");
    expect(fake.countersFor(key)).toMatchObject({ requests: 2, insideRetryAfterWindow: 0 });
  });

  it("falls back from a Gemini 5xx to the next model, after the bounded retries", async () => {
    fake.script({ ...reply.serverError(503), match: { model: "gemini-2.5-pro" }, times: 3 });
    const { models } = fakeTime();
    const response = await models.generate({
      models: ["google/gemini-2.5-pro", "google/gemini-2.5-flash"],
      prompt: "hi",
    });
    expect(response.model).toBe("google/gemini-2.5-flash");
    expect(fake.requests.map((r) => [r.model, r.status])).toEqual([
      ["gemini-2.5-pro", 503],
      ["gemini-2.5-pro", 503],
      ["gemini-2.5-pro", 503],
      ["gemini-2.5-flash", 200],
    ]);
    expect(response.trace!.attempts.map((a) => a.errorClass)).toEqual([
      "server",
      "server",
      "server",
      undefined,
    ]);
  });

  it("streaming: an in-band error before the first token falls back too", async () => {
    fake.script({ ...reply.streamError(), match: { model: "gemini-2.5-pro" }, times: 3 });
    const { models } = fakeTime({ streaming: true });
    const response = await models.generate({
      models: ["google/gemini-2.5-pro", "google/gemini-2.5-flash"],
      prompt: "hi",
    });
    expect(response.model).toBe("google/gemini-2.5-flash");
    expect(fake.requests.filter((r) => r.outcome === "stream-error")).toHaveLength(3);
  });

  it("a rejected key is reported (401), never retried, and the key is never logged", async () => {
    const { models } = fakeTime({ env: { GEMINI_API_KEY: "AIza-revoked-9999" } });
    const error = await models
      .generate({ models: ["google/gemini-2.5-flash"], prompt: "hi" })
      .catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect(fake.requests.map((r) => r.status)).toEqual([401]);
    expect(String((error as Error).message)).not.toContain("AIza-revoked-9999");
  });

  it("a structured request gets a schema-valid document through JSON mode", async () => {
    const { models } = fakeTime();
    const schema = {
      type: "object",
      additionalProperties: false,
      required: ["classification"],
      properties: { classification: { type: "string", enum: ["public", "internal", "sensitive"] } },
    };
    const response = await models.generate({ models: ["google/gemini-2.5-flash"], prompt: "hi", schema });
    expect(JSON.parse(response.text)).toEqual({ classification: "public" });
  });
});
