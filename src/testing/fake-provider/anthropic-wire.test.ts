import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeProvider, readSse, reply, startFakeProvider } from "./index.js";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are inspected loosely in assertions
type Json = any;
const json = (response: Response): Promise<Json> => response.json();

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider({ models: ["claude-haiku-4-5"] });
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

const messages = (body: Record<string, unknown>) =>
  fetch(`${fake.baseURL}/messages`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-api-key": "sk-ant-test-abcd",
      "anthropic-version": "2023-06-01",
    },
    body: JSON.stringify({
      model: "claude-haiku-4-5",
      max_tokens: 100,
      messages: [{ role: "user", content: "Hi" }],
      ...body,
    }),
  });

const usage = { inputTokens: 5_000, cachedInputTokens: 3_000, cacheWriteTokens: 1_500, outputTokens: 40 };

describe("Anthropic messages wire", () => {
  it("answers with a message whose input_tokens exclude cache reads and writes", async () => {
    fake.script(reply.text("Hello!", { usage }));
    const body = await json(await messages({}));
    expect(body).toEqual({
      id: "msg_fake_1",
      type: "message",
      role: "assistant",
      model: "claude-haiku-4-5",
      content: [{ type: "text", text: "Hello!" }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: {
        input_tokens: 500,
        cache_creation_input_tokens: 1_500,
        cache_read_input_tokens: 3_000,
        output_tokens: 40,
      },
    });
  });

  it("streams the full event sequence with usage in message_start and message_delta", async () => {
    fake.script(reply.text("abcdef", { usage, chunkChars: 3 }));
    const { events } = await readSse(await messages({ stream: true }));
    expect(events.map((e) => e.event)).toEqual([
      "message_start",
      "content_block_start",
      "ping",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    const parsed = events.map((e) => JSON.parse(e.data));
    expect(parsed.every((p, i) => p.type === events[i]!.event)).toBe(true);
    expect(parsed[0].message.usage).toMatchObject({ input_tokens: 500, cache_read_input_tokens: 3_000 });
    expect(parsed[3].delta).toEqual({ type: "text_delta", text: "abc" });
    expect(parsed[6]).toMatchObject({
      delta: { stop_reason: "end_turn" },
      usage: { output_tokens: 40, cache_creation_input_tokens: 1_500 },
    });
  });

  it("honours output_config.format and the older output_format", async () => {
    const schema = {
      type: "object",
      required: ["title"],
      properties: { title: { type: "string", minLength: 3 } },
    };
    for (const request of [
      { output_config: { format: { type: "json_schema", schema } } },
      { output_format: { type: "json_schema", schema } },
    ]) {
      const body = await json(await messages(request));
      expect(JSON.parse(body.content[0].text)).toEqual({ title: "example" });
    }
  });

  it("answers the forced `json` tool with a tool_use block, streamed as input_json_delta", async () => {
    const tool = {
      name: "json",
      description: "Respond with a JSON object.",
      input_schema: { type: "object", required: ["n"], properties: { n: { type: "integer", minimum: 7 } } },
    };
    const request = { tools: [tool], tool_choice: { type: "any", disable_parallel_tool_use: true } };
    const body = await json(await messages(request));
    expect(body.stop_reason).toBe("tool_use");
    expect(body.content).toEqual([{ type: "tool_use", id: "toolu_fake_1_0", name: "json", input: { n: 7 } }]);

    fake.script(reply.json({ n: 42 }));
    const { events } = await readSse(await messages({ ...request, stream: true }));
    const partial = events
      .filter((e) => e.event === "content_block_delta")
      .map((e) => JSON.parse(e.data).delta.partial_json)
      .join("");
    expect(JSON.parse(partial)).toEqual({ n: 42 });
  });

  it("uses Anthropic's error shape and types", async () => {
    fake.script(reply.overloaded(), reply.rateLimited({ retryAfterSeconds: 3 }), reply.serverError(500));
    const overloaded = await messages({});
    expect(overloaded.status).toBe(529);
    expect(await json(overloaded)).toEqual({
      type: "error",
      error: { type: "overloaded_error", message: "Overloaded" },
    });
    const limited = await messages({});
    expect(limited.headers.get("retry-after")).toBe("3");
    expect((await json(limited)).error.type).toBe("rate_limit_error");
    expect((await json(await messages({}))).error.type).toBe("api_error");
  });

  it("lists models in Anthropic's shape for Anthropic clients", async () => {
    const response = await fetch(`${fake.baseURL}/models`, {
      headers: { "x-api-key": "k", "anthropic-version": "2023-06-01" },
    });
    expect(await json(response)).toMatchObject({
      data: [{ type: "model", id: "claude-haiku-4-5" }],
      has_more: false,
    });
  });

  it("redacts x-api-key in the recording", async () => {
    await messages({});
    expect(fake.requests[0]).toMatchObject({
      wire: "anthropic",
      apiKeyHint: "…abcd",
      headers: { "x-api-key": "…abcd" },
    });
  });
});
