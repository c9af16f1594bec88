import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeProvider, readSse, reply, startFakeProvider } from "./index.js";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are inspected loosely in assertions
type Json = any;
const json = (response: Response): Promise<Json> => response.json();

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider({ models: ["gpt-4o-mini", "o4-mini"] });
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

const chat = (body: Record<string, unknown>, key = "sk-test-openai-1234") =>
  fetch(`${fake.baseURL}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }], ...body }),
  });

describe("OpenAI chat completions wire", () => {
  it("answers a non-streaming call with a chat.completion and exact usage details", async () => {
    fake.script(
      reply.text("Hi there", {
        usage: { inputTokens: 1_200, cachedInputTokens: 1_024, outputTokens: 300, reasoningTokens: 200 },
      }),
    );
    const response = await chat({});
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body).toMatchObject({
      object: "chat.completion",
      model: "gpt-4o-mini",
      choices: [{ index: 0, message: { role: "assistant", content: "Hi there" }, finish_reason: "stop" }],
      usage: {
        prompt_tokens: 1_200,
        completion_tokens: 300,
        total_tokens: 1_500,
        prompt_tokens_details: { cached_tokens: 1_024 },
        completion_tokens_details: { reasoning_tokens: 200 },
      },
    });
  });

  it("streams chat.completion.chunk events, the usage chunk on request, then [DONE]", async () => {
    fake.script(reply.text("abcdefghij", { chunkChars: 4, usage: { inputTokens: 10, outputTokens: 3 } }));
    const { events } = await readSse(await chat({ stream: true, stream_options: { include_usage: true } }));
    expect(events.at(-1)!.data).toBe("[DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data));
    expect(chunks[0].choices[0].delta.role).toBe("assistant");
    expect(
      chunks
        .flatMap((c) =>
          c.choices.map((choice: { delta: { content?: string } }) => choice.delta.content ?? ""),
        )
        .join(""),
    ).toBe("abcdefghij");
    expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBe(3);
    expect(chunks.at(-2).choices[0].finish_reason).toBe("stop");
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 10, completion_tokens: 3 } });
  });

  it("leaves the usage chunk out unless include_usage is set", async () => {
    const { events } = await readSse(await chat({ stream: true }));
    expect(events.some((e) => e.data.includes('"usage":{'))).toBe(false);
  });

  it("answers json_schema requests with a document satisfying the schema", async () => {
    const schema = {
      type: "object",
      additionalProperties: false,
      required: ["verdict", "score"],
      properties: { verdict: { enum: ["pass", "fail"] }, score: { type: "integer", minimum: 1, maximum: 5 } },
    };
    const body = await json(
      await chat({
        response_format: { type: "json_schema", json_schema: { name: "r", strict: true, schema } },
      }),
    );
    expect(JSON.parse(body.choices[0].message.content)).toEqual({ verdict: "pass", score: 1 });
    const loose = await json(await chat({ response_format: { type: "json_object" } }));
    expect(JSON.parse(loose.choices[0].message.content)).toEqual({});
  });

  it("returns tool calls, streamed as argument deltas", async () => {
    fake.script(
      reply.toolCalls([{ name: "search", input: { q: "quorum" } }]),
      reply.toolCalls([{ name: "search", input: { q: "x" } }]),
    );
    const body = await json(await chat({}));
    expect(body.choices[0]).toMatchObject({
      finish_reason: "tool_calls",
      message: {
        tool_calls: [{ type: "function", function: { name: "search", arguments: '{"q":"quorum"}' } }],
      },
    });
    const { events } = await readSse(await chat({ stream: true }));
    const args = events
      .slice(0, -1)
      .flatMap((e) =>
        JSON.parse(e.data).choices.flatMap(
          (c: { delta: { tool_calls?: Array<{ function: { arguments?: string } }> } }) =>
            c.delta.tool_calls ?? [],
        ),
      )
      .map((t: { function: { arguments?: string } }) => t.function.arguments ?? "")
      .join("");
    expect(JSON.parse(args)).toEqual({ q: "x" });
  });

  it("lists models and reports unknown routes in OpenAI's error shape", async () => {
    const models = await json(await fetch(`${fake.baseURL}/models`));
    expect(models).toMatchObject({
      object: "list",
      data: [{ id: "gpt-4o-mini", object: "model" }, { id: "o4-mini" }],
    });
    const missing = await fetch(`${fake.baseURL}/responses`, { method: "POST", body: "{}" });
    expect(missing.status).toBe(404);
    expect((await json(missing)).error.message).toMatch(/no route/);
  });

  it("rejects a body that is not JSON with 400", async () => {
    const response = await fetch(`${fake.baseURL}/chat/completions`, { method: "POST", body: "{nope" });
    expect(response.status).toBe(400);
    expect(fake.requests[0]!.body).toBe("{nope");
  });

  it("records the request with the key redacted", async () => {
    await chat({ temperature: 0 }, "sk-secret-value-9876");
    const [recorded] = fake.requests;
    expect(recorded).toMatchObject({
      wire: "openai",
      model: "gpt-4o-mini",
      stream: false,
      apiKeyHint: "…9876",
      status: 200,
    });
    expect(recorded!.headers.authorization).toBe("Bearer …9876");
    expect(JSON.stringify(fake.requests)).not.toContain("sk-secret");
    expect((recorded!.body as { temperature: number }).temperature).toBe(0);
  });
});
