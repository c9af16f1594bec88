/**
 * Streaming is the default: every call through the real AI SDK providers against the fake provider
 * over HTTP streams and records time to first token, on both wires, for plain text, structured
 * output and tool calls (agent steps). A client or a provider can opt out. Refusals in every form a
 * provider sends them (OpenAI `content_filter`, OpenAI `message.refusal` / `delta.refusal`,
 * Anthropic `stop_reason: "refusal"`) fail the attempt with class `refusal` and fall back.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ModelCallError } from "../../errors/index.js";
import type { ModelRequest } from "../../spec/index.js";
import { type FakeProvider, reply, startFakeProvider } from "../../testing/fake-provider/index.js";
import { mergeCatalog } from "../catalog/index.js";
import { createModelClient, type ModelClientOptions } from "./index.js";

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

const models = {
  "fakeai/gpt-4o-mini": { capabilities: ["json", "tools"] as const },
  "fakeclaude/claude-haiku-4-5": { capabilities: ["json", "tools"] as const },
  "nostream/gpt-4o-mini": { capabilities: ["json"] as const },
};
const client = (extra: Partial<ModelClientOptions> = {}) =>
  createModelClient({
    catalog: mergeCatalog(
      { providers: {}, models: {} },
      {
        providers: {
          fakeai: { preset: "openai", baseURL: fake.baseURL },
          fakeclaude: { preset: "anthropic", baseURL: fake.baseURL },
          nostream: { preset: "openai", baseURL: fake.baseURL, streaming: false },
        },
        models: Object.fromEntries(
          Object.entries(models).map(([ref, m]) => [ref, { capabilities: [...m.capabilities] }]),
        ),
      },
    ),
    env: { OPENAI_API_KEY: "sk-stream-0001", ANTHROPIC_API_KEY: "sk-ant-stream-0002" },
    sleep: async () => {},
    random: () => 0,
    ...extra,
  });

const wires = [
  { wire: "openai", model: "fakeai/gpt-4o-mini", other: "fakeclaude/claude-haiku-4-5" },
  { wire: "anthropic", model: "fakeclaude/claude-haiku-4-5", other: "fakeai/gpt-4o-mini" },
] as const;

const add = {
  name: "add",
  description: "Add two numbers",
  inputSchema: {
    type: "object",
    required: ["a", "b"],
    properties: { a: { type: "number" }, b: { type: "number" } },
  },
};

describe.each(wires)("over the $wire wire, by default", ({ model, other }) => {
  it("streams a plain answer and traces its time to first token", async () => {
    fake.script(reply.text("a streamed answer", { latencyMs: 40, chunkChars: 4 }));
    const response = await client().generate({ models: [model], prompt: "hi" });
    expect(response.text).toBe("a streamed answer");
    expect(fake.requests[0]!.stream).toBe(true);
    const attempt = response.trace!.attempts[0]!;
    expect(attempt.ttftMs).toBeGreaterThanOrEqual(35);
    expect(attempt.ttftMs).toBeLessThanOrEqual(attempt.latencyMs);
  });

  it("streams structured output", async () => {
    const schema = { type: "object", required: ["ok"], properties: { ok: { type: "boolean" } } };
    fake.script(reply.json({ ok: true }, { latencyMs: 20 }));
    const response = await client().generate({ models: [model], prompt: "answer", schema });
    expect(JSON.parse(response.text)).toEqual({ ok: true });
    expect(fake.requests[0]!.stream).toBe(true);
    expect(response.trace!.attempts[0]!.ttftMs).toBeGreaterThanOrEqual(15);
  });

  it("streams tool calls and a continued conversation (agent steps)", async () => {
    fake.script(
      { type: "tool-calls", calls: [{ name: "add", input: { a: 2, b: 40 } }], latencyMs: 20, chunkChars: 3 },
      reply.text("42"),
    );
    const request: ModelRequest = { models: [model], prompt: "What is 2 + 40?", tools: [add] };
    const first = await client().generate(request);
    expect(fake.requests[0]!.stream).toBe(true);
    expect(first.toolCalls).toEqual([{ id: expect.any(String), name: "add", args: { a: 2, b: 40 } }]);
    expect(first.finishReason).toBe("tool-calls");
    expect(first.trace!.attempts[0]!.ttftMs).toBeGreaterThanOrEqual(15);
    const call = first.toolCalls![0]!;
    const second = await client().generate({
      ...request,
      messages: [
        { role: "assistant", text: "", toolCalls: [call] },
        { role: "tool", results: [{ id: call.id, name: "add", output: "42" }] },
      ],
    });
    expect(second.text).toBe("42");
    expect(fake.requests[1]!.stream).toBe(true);
    expect(JSON.stringify(fake.requests[1]!.body)).toContain(call.id);
    expect(second.trace!.attempts[0]!.ttftMs).toBeGreaterThanOrEqual(0);
  });

  it.each([
    ["a finish-reason refusal, streamed", () => reply.refusal(), { streaming: true }],
    ["a finish-reason refusal, not streamed", () => reply.refusal(), { streaming: false }],
    ["a refusal message, streamed", () => reply.refusalMessage(), { streaming: true }],
    ["a refusal message, not streamed", () => reply.refusalMessage(), { streaming: false }],
  ] as const)("%s fails the attempt as `refusal` and falls back", async (_name, refusal, options) => {
    fake.script({ ...refusal(), match: { model: model.split("/")[1]! } });
    const response = await client(options).generate({ models: [model, other], prompt: "hi" });
    expect(response.model).toBe(other);
    expect(fake.requests.map((r) => r.stream)).toEqual(Array(2).fill(options.streaming));
    expect(response.trace!.attempts.map((a) => [a.model, a.outcome, a.errorClass])).toEqual([
      [model, "failed", "refusal"],
      [other, "ok", undefined],
    ]);
  });
});

describe("opting out of streaming", () => {
  it("a client built with streaming: false sends plain requests and traces no ttft", async () => {
    const response = await client({ streaming: false }).generate({
      models: ["fakeai/gpt-4o-mini"],
      prompt: "hi",
    });
    expect(fake.requests[0]!.stream).toBe(false);
    expect(response.trace!.attempts[0]!.ttftMs).toBeUndefined();
  });

  it("a provider marked streaming: false is called without streaming, others still stream", async () => {
    fake.script({ ...reply.error(500), match: { model: "gpt-4o-mini", stream: false }, times: 3 });
    const response = await client().generate({
      models: ["nostream/gpt-4o-mini", "fakeclaude/claude-haiku-4-5"],
      prompt: "hi",
    });
    expect(fake.requests.map((r) => [r.model, r.stream])).toEqual([
      ["gpt-4o-mini", false],
      ["gpt-4o-mini", false],
      ["gpt-4o-mini", false],
      ["claude-haiku-4-5", true],
    ]);
    expect(response.trace!.attempts.at(-1)!.ttftMs).toBeGreaterThanOrEqual(0);
  });
});

describe("when every candidate refuses", () => {
  it("the call fails, not retryable, each attempt saying it was a refusal", async () => {
    fake.script(
      { ...reply.refusalMessage("I can't help with that."), match: { wire: "openai" } },
      { ...reply.refusal("I can't help with that."), match: { wire: "anthropic" } },
    );
    const error = await client()
      .generate({ models: ["fakeai/gpt-4o-mini", "fakeclaude/claude-haiku-4-5"], prompt: "hi" })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ModelCallError);
    expect((error as ModelCallError).isRetryable).toBe(false);
    expect((error as ModelCallError).errorClass).toBe("refusal");
    expect((error as ModelCallError).attempts.map((a) => a.message)).toEqual([
      `the model refused to answer (content filter): "I can't help with that."`,
      `the model refused to answer (refusal): "I can't help with that."`,
    ]);
  });
});
