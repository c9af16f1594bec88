/**
 * The runtime's side of the cost layer: each model call carries its run context (budgets, cache ttl),
 * and a document with a truncate context policy reaches a consuming prompt cut to its token limit.
 */
import { afterEach, beforeEach, expect, it } from "vitest";
import type { ModelCallOptions } from "../../src/spec/index.js";
import { scriptedModels } from "../../src/testing/index.js";
import { type Harness, loadTestWorkflow, sqliteHarness } from "./harness.js";

const yaml = `quorum: 1
name: ctx
budget: { usd: 2, onExceed: downgrade }
documents:
  notes: { format: text, context: { policy: truncate, maxTokens: 20 } }
  summary: { format: text }
defaults:
  models: [openai/gpt-4o-mini]
steps:
  - id: notes
    kind: model
    prompt: prompts/notes.md
    outputs: [notes]
    cache: { ttl: 10m }
  - id: summary
    kind: model
    prompt: prompts/summary.md
    inputs: [notes]
    outputs: [summary]
    budget: { usd: 0.5 }
`;
const files = { "prompts/notes.md": "Take notes.", "prompts/summary.md": "Summarise: {{ documents.notes }}" };

let h: Harness;
beforeEach(async () => {
  h = await sqliteHarness();
});
afterEach(() => h.close());

it("passes the run context with budgets and cache ttl, and truncates a consumed document", async () => {
  const options: ModelCallOptions[] = [];
  const inner = scriptedModels((_, i) => (i === 0 ? "word ".repeat(100) : "short"));
  const runtime = h.runtime({
    specificationVersion: "v1",
    generate: (request, callOptions) => {
      options.push(callOptions ?? {});
      return inner.generate(request, callOptions);
    },
  });
  const run = await runtime.start(loadTestWorkflow(yaml, files), {});
  expect(await runtime.drive(run.id)).toBe("succeeded");
  expect(options.map((o) => o.context)).toEqual([
    {
      runId: run.id,
      workflowName: "ctx",
      stepId: "notes",
      attempt: 1,
      budgets: [{ scope: "run", usd: 2, onExceed: "downgrade" }],
      cacheTtlMs: 600_000,
    },
    {
      runId: run.id,
      workflowName: "ctx",
      stepId: "summary",
      attempt: 1,
      budgets: [
        { scope: "run", usd: 2, onExceed: "downgrade" },
        { scope: "step", usd: 0.5, onExceed: "stop" },
      ],
    },
  ]);
  expect(inner.calls[1]!.prompt).toMatch(
    /^Summarise: (word ){19}word\n\[… truncated: first 20 of 101 tokens\]$/,
  );
});
