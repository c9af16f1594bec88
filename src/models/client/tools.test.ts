/**
 * Tool calling through the real client and AI SDK providers against the fake provider, on both
 * wires: tools go out as function definitions, the model's calls come back as plain data, and a
 * continued conversation carries the calls and their results to the next turn.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelRequest } from "../../spec/index.js";
import { type FakeProvider, startFakeProvider } from "../../testing/fake-provider/index.js";
import { mergeCatalog } from "../catalog/index.js";
import { createModelClient } from "./index.js";

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(() => fake.stop());

const client = () =>
  createModelClient({
    catalog: mergeCatalog(
      { providers: {}, models: {} },
      {
        providers: {
          fakeai: { preset: "openai", baseURL: fake.baseURL },
          fakeclaude: { preset: "anthropic", baseURL: fake.baseURL },
        },
        models: {
          "fakeai/gpt-4o-mini": { capabilities: ["json", "tools"] },
          "fakeclaude/claude-haiku-4-5": { capabilities: ["json", "tools"] },
        },
      },
    ),
    env: { OPENAI_API_KEY: "sk-test-0001", ANTHROPIC_API_KEY: "sk-ant-test-0002" },
    sleep: async () => {},
  });

const add = {
  name: "add",
  description: "Add two numbers",
  inputSchema: {
    type: "object",
    required: ["a", "b"],
    properties: { a: { type: "number" }, b: { type: "number" } },
  },
};

describe.each([
  { wire: "openai", model: "fakeai/gpt-4o-mini" },
  { wire: "anthropic", model: "fakeclaude/claude-haiku-4-5" },
])("over the $wire wire", ({ model }) => {
  it("offers tools, returns the model's calls, and continues with their results", async () => {
    fake.reset();
    fake.script(
      { type: "tool-calls", calls: [{ name: "add", input: { a: 2, b: 40 } }] },
      { type: "text", text: "42" },
    );
    const request: ModelRequest = { models: [model], prompt: "What is 2 + 40?", tools: [add] };
    const first = await client().generate(request);
    expect(first.toolCalls).toEqual([{ id: expect.any(String), name: "add", args: { a: 2, b: 40 } }]);
    expect(first.finishReason).toBe("tool-calls");
    expect(JSON.stringify(fake.requests[0]!.body)).toContain('"name":"add"');

    const call = first.toolCalls![0]!;
    const second = await client().generate({
      ...request,
      messages: [
        { role: "assistant", text: "", toolCalls: [call] },
        { role: "tool", results: [{ id: call.id, name: "add", output: "42" }] },
      ],
    });
    expect(second.text).toBe("42");
    expect(second.toolCalls).toBeUndefined();
    const body = JSON.stringify(fake.requests[1]!.body);
    expect(body).toContain(call.id);
    expect(body).toContain("What is 2 + 40?");
  });
});
