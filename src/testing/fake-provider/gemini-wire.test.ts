import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeProvider, readSse, reply, startFakeProvider } from "./index.js";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are inspected loosely in assertions
type Json = any;
const json = (response: Response): Promise<Json> => response.json();

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider({
    models: ["gemini-2.5-flash"],
    apiKeys: ["AIza-test-gemini-1234", "AIza-other-5678"],
  });
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

const contents = [{ role: "user", parts: [{ text: "Hello" }] }];
const call = (
  body: Record<string, unknown> = {},
  { stream = false, key = "AIza-test-gemini-1234", model = "gemini-2.5-flash" } = {},
) =>
  fetch(
    `${fake.geminiBaseURL}/models/${model}:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}`,
    {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": key },
      body: JSON.stringify({ contents, ...body }),
    },
  );

describe("Gemini generateContent wire", () => {
  it("answers with candidates[].content.parts and usageMetadata split as Gemini counts it", async () => {
    fake.script(
      reply.text("Hi there", {
        usage: { inputTokens: 1_200, cachedInputTokens: 1_024, outputTokens: 300, reasoningTokens: 200 },
      }),
    );
    const response = await call();
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({
      candidates: [{ content: { role: "model", parts: [{ text: "Hi there" }] }, finishReason: "STOP" }],
      usageMetadata: {
        promptTokenCount: 1_200,
        cachedContentTokenCount: 1_024,
        // Gemini's candidates count excludes the thoughts, which are reported apart.
        candidatesTokenCount: 100,
        thoughtsTokenCount: 200,
        totalTokenCount: 1_500,
      },
      modelVersion: "gemini-2.5-flash",
    });
    // The model and the mode come from the path; the key from x-goog-api-key, redacted.
    expect(fake.requests[0]).toMatchObject({
      wire: "gemini",
      model: "gemini-2.5-flash",
      stream: false,
      apiKeyHint: "…1234",
      path: "/v1beta/models/gemini-2.5-flash:generateContent",
    });
    expect(fake.requests[0]!.headers["x-goog-api-key"]).toBe("…1234");
  });

  it("streams SSE data chunks whose last one carries finishReason and usage, with no terminator", async () => {
    fake.script(reply.text("abcdefghij", { chunkChars: 4, usage: { inputTokens: 10, outputTokens: 3 } }));
    const response = await call({}, { stream: true });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const { events, cut } = await readSse(response);
    expect(cut).toBe(false);
    const chunks = events.map((event) => JSON.parse(event.data));
    expect(chunks.map((c) => c.candidates[0].content.parts[0].text).join("")).toBe("abcdefghij");
    expect(chunks).toHaveLength(4);
    expect(chunks.at(-1)).toMatchObject({
      candidates: [{ finishReason: "STOP" }],
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 3 },
    });
    expect(chunks[0].usageMetadata).toBeUndefined();
    expect(fake.requests[0]).toMatchObject({ stream: true, outcome: "text" });
  });

  it("JSON mode: the default responder answers a schema example of responseSchema", async () => {
    const response = await call({
      generationConfig: {
        responseMimeType: "application/json",
        responseSchema: {
          type: "object",
          required: ["severity"],
          properties: { severity: { type: "string", enum: ["low", "high"] } },
        },
      },
    });
    const body = await json(response);
    expect(JSON.parse(body.candidates[0].content.parts[0].text)).toEqual({ severity: "low" });
  });

  it("function calls are functionCall parts", async () => {
    fake.script(reply.toolCalls([{ name: "lookup", input: { q: "x" } }]));
    const body = await json(await call());
    expect(body.candidates[0].content.parts).toEqual([
      { functionCall: { name: "lookup", args: { q: "x" } } },
    ]);
  });

  it("maps length and refusal to MAX_TOKENS and SAFETY", async () => {
    fake.script(reply.text("cut", { finishReason: "length" }), reply.refusal());
    expect((await json(await call())).candidates[0].finishReason).toBe("MAX_TOKENS");
    expect((await json(await call())).candidates[0].finishReason).toBe("SAFETY");
  });

  it("errors are { error: { code, message, status } } with Google's status names", async () => {
    fake.script(reply.rateLimited({ retryAfterSeconds: 3 }), reply.serverError(503));
    const limited = await call();
    expect([limited.status, limited.headers.get("retry-after")]).toEqual([429, "3"]);
    expect(await json(limited)).toEqual({
      error: { code: 429, message: "fake provider error 429", status: "RESOURCE_EXHAUSTED" },
    });
    expect((await json(await call())).error).toMatchObject({ code: 503, status: "UNAVAILABLE" });
  });

  it("rejects an unknown key with 401 UNAUTHENTICATED without consulting the script", async () => {
    fake.script(reply.text("never"));
    const response = await call({}, { key: "AIza-wrong-0000" });
    expect(response.status).toBe(401);
    expect((await json(response)).error).toMatchObject({ code: 401, status: "UNAUTHENTICATED" });
    expect(fake.pending()).toBe(1);
  });

  it("sends an in-band error inside a 200 stream, and a malformed first chunk", async () => {
    fake.script(reply.streamError({ message: "model overloaded" }), reply.malformed("{not json"));
    const { events } = await readSse(await call({}, { stream: true }));
    expect(JSON.parse(events[0]!.data)).toEqual({
      error: { code: 503, message: "model overloaded", status: "UNAVAILABLE" },
    });
    const malformed = await readSse(await call({}, { stream: true }));
    expect(malformed.events[0]!.data).toBe("{not json");
  });

  it("an unknown Gemini method gets 404 NOT_FOUND in Google's shape", async () => {
    const response = await fetch(`${fake.geminiBaseURL}/models/gemini-2.5-flash:countTokens`, {
      method: "POST",
      headers: { "x-goog-api-key": "AIza-test-gemini-1234" },
      body: "{}",
    });
    expect(response.status).toBe(404);
    expect((await json(response)).error).toMatchObject({ code: 404, status: "NOT_FOUND" });
  });

  it("drops the connection mid-stream after the scripted number of deltas", async () => {
    fake.script(reply.disconnect(2, { text: "abcdef" }));
    const { events, cut } = await readSse(await call({}, { stream: true }));
    expect(cut).toBe(true);
    expect(events.map((e) => JSON.parse(e.data).candidates[0].content.parts[0].text)).toEqual(["a", "b"]);
  });

  it("hangs until the client aborts, and records the abort", async () => {
    fake.script(reply.hang());
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(
      fetch(`${fake.geminiBaseURL}/models/gemini-2.5-flash:generateContent`, {
        method: "POST",
        headers: { "x-goog-api-key": "AIza-test-gemini-1234" },
        body: JSON.stringify({ contents }),
        signal: controller.signal,
      }),
    ).rejects.toThrow(/abort/i);
    const start = Date.now();
    while (!fake.requests[0]?.clientAborted && Date.now() - start < 2_000)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(fake.requests[0]).toMatchObject({ outcome: "hang", clientAborted: true, wire: "gemini" });
  });

  it("lists models in Gemini's shape", async () => {
    const response = await fetch(`${fake.geminiBaseURL}/models`, {
      headers: { "x-goog-api-key": "AIza-test-gemini-1234" },
    });
    expect(await json(response)).toEqual({
      models: [
        {
          name: "models/gemini-2.5-flash",
          displayName: "gemini-2.5-flash",
          supportedGenerationMethods: ["generateContent", "countTokens"],
        },
      ],
    });
  });
});

describe("Gemini under enforced rate limits", () => {
  it("a request over the limit gets 429 RESOURCE_EXHAUSTED with the exact wait and is not scripted", async () => {
    const limited = await startFakeProvider({ rateLimit: { requestsPerWindow: 1, windowMs: 60_000 } });
    try {
      const post = () =>
        fetch(`${limited.geminiBaseURL}/models/gemini-2.5-flash:generateContent`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-goog-api-key": "AIza-limit-0001" },
          body: JSON.stringify({ contents }),
        });
      expect((await post()).status).toBe(200);
      const second = await post();
      expect(second.status).toBe(429);
      expect(Number(second.headers.get("retry-after-ms"))).toBeGreaterThan(59_000);
      expect((await json(second)).error.status).toBe("RESOURCE_EXHAUSTED");
      expect(limited.countersFor("AIza-limit-0001")).toMatchObject({ requests: 2, overLimit: 1 });
    } finally {
      await limited.stop();
    }
  });
});
