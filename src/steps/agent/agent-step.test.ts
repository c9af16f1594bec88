/**
 * The agent loop against an in-memory StepContext (unit test of this layer; the journaled, real-server
 * path is covered by test/runtime/agent.test.ts): order of tool calls, budget, bad tool names, repairs.
 */
import { describe, expect, it } from "vitest";
import type { AgentStep, ModelRequest, ModelResponse, ToolResult, Workflow } from "../../spec/index.js";
import type { StepContext } from "../types.js";
import { agentStep } from "./agent-step.js";

const schema = { type: "object", required: ["sum"], properties: { sum: { type: "number" } } };
const step = {
  id: "a",
  kind: "agent",
  prompt: { file: "p.md", text: "add things" },
  models: ["m/x"],
  tools: ["calc"],
  maxTurns: 5,
  inputs: [],
  outputs: ["doc"],
  needs: [],
  retries: 0,
  estimate: {},
  index: 0,
} as unknown as AgentStep;

function context(
  answer: (request: ModelRequest, turn: number) => Partial<ModelResponse>,
  overrides: Partial<AgentStep> = {},
) {
  const started: string[] = [];
  const requests: ModelRequest[] = [];
  const security: Array<[string, string]> = [];
  const ctx = {
    reportSecurityEvent: (kind: string, detail: string) => security.push([kind, detail]),
    step: { ...step, ...overrides },
    workflow: { documents: { doc: { schema } }, roles: {} } as unknown as Workflow,
    feedback: [],
    dryRun: false,
    signal: new AbortController().signal,
    variables: async () => ({}),
    listTools: async () => [{ name: "add", inputSchema: { type: "object" } }],
    callTool: (_server: string, tool: string, args: Record<string, unknown>): Promise<ToolResult> => {
      started.push(`${tool}:${JSON.stringify(args)}`);
      // Later calls answer first: results must still come back in the model's order.
      const delayMs = 30 - started.length * 10;
      return new Promise((r) => setTimeout(() => r({ text: String(args.n), isError: false }), delayMs));
    },
    callModel: async (request: ModelRequest): Promise<ModelResponse> => {
      requests.push(request);
      return {
        text: "",
        model: "m/x",
        usage: { inputTokens: 1, outputTokens: 1 },
        costUsd: 0.01,
        ...answer(request, requests.length),
      };
    },
  } as unknown as StepContext;
  return { ctx, started, requests, security };
}

describe("agent loop", () => {
  it("starts a turn's calls in the model's order and returns results in that order", async () => {
    const { ctx, started, requests } = context((_r, turn) =>
      turn === 1
        ? { toolCalls: [1, 2, 3].map((n) => ({ id: `c${n}`, name: "add", args: { n } })) }
        : { text: '{"sum": 6}' },
    );
    const outcome = await agentStep.execute(ctx);
    expect(outcome).toMatchObject({ type: "done", output: { turns: 2, toolCalls: 3, repairs: 0 } });
    expect(started).toEqual(['add:{"n":1}', 'add:{"n":2}', 'add:{"n":3}']);
    expect(requests[1]!.messages?.at(-1)).toEqual({
      role: "tool",
      results: [
        { id: "c1", name: "add", output: "1" },
        { id: "c2", name: "add", output: "2" },
        { id: "c3", name: "add", output: "3" },
      ],
    });
    expect(requests[0]!.tools).toEqual([{ name: "add", inputSchema: { type: "object" } }]);
  });

  it("cuts a huge tool answer before it reaches the model", async () => {
    const { ctx, requests } = context((_r, turn) =>
      turn === 1
        ? { toolCalls: [{ id: "c", name: "add", args: { n: "x".repeat(60_000) } }] }
        : { text: '{"sum": 1}' },
    );
    expect((await agentStep.execute(ctx)).type).toBe("done");
    const last = requests[1]!.messages!.at(-1)!;
    if (last.role !== "tool") throw new Error("expected tool results last");
    const output = last.results[0]!.output;
    expect(output).toHaveLength(50_000 + "\n[... 10000 more characters cut by quorum]".length);
    expect(output.endsWith("[... 10000 more characters cut by quorum]")).toBe(true);
  });

  it("tells the model about a tool it made up, without calling anything, and reports the denial", async () => {
    const { ctx, started, requests, security } = context((_r, turn) =>
      turn === 1 ? { toolCalls: [{ id: "x", name: "mul", args: {} }] } : { text: '{"sum": 1}' },
    );
    expect((await agentStep.execute(ctx)).type).toBe("done");
    expect(started).toEqual([]);
    expect(requests[1]!.messages?.at(-1)).toMatchObject({
      role: "tool",
      results: [{ isError: true, output: "there is no tool named 'mul'; use one of: add" }],
    });
    expect(security).toEqual([
      ["tool-denied", "the model asked for tool 'mul', which step 'a' was not given; the call was refused"],
    ]);
  });

  it("stops when the step's budget is spent", async () => {
    const { ctx } = context(() => ({ toolCalls: [{ id: "x", name: "add", args: { n: 1 } }] }), {
      budgetUsd: 0.025,
    });
    const outcome = await agentStep.execute(ctx);
    expect(outcome).toMatchObject({ type: "failed", retryable: false, error: { name: "BudgetExceeded" } });
    expect((outcome as { error: { message: string } }).error.message).toContain(
      "spent $0.030000 after 3 turns, over its budget of $0.025",
    );
  });

  it("re-asks with the validation errors, and never accepts an invalid document", async () => {
    const { ctx, requests } = context(() => ({ text: '{"sum": "six"}' }));
    const outcome = await agentStep.execute(ctx);
    expect(outcome).toMatchObject({ type: "failed", retryable: true, error: { name: "InvalidDocument" } });
    expect(requests).toHaveLength(3);
    expect(requests[1]!.messages?.at(-1)).toMatchObject({
      role: "user",
      text: expect.stringContaining("/sum must be number"),
    });
  });
});
