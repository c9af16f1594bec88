import { describe, expect, it } from "vitest";
import { ContextWindowError } from "../../errors/index.js";
import type { ModelCatalog, ModelRequest } from "../../spec/index.js";
import { scriptedModels } from "../../testing/scripted-models.js";
import { withContextFit } from "./context-client.js";
import { countPromptTokens } from "./tokens.js";

const catalog: ModelCatalog = {
  providers: {},
  models: {
    "t/small-window": { ref: "t/small-window", contextWindow: 1_000 },
    "t/large-window": { ref: "t/large-window", contextWindow: 5_000 },
    "t/unknown-window": { ref: "t/unknown-window" },
  },
};
const document = "word ".repeat(2_000);
const context = { runId: "r", workflowName: "wf", stepId: "summarise", attempt: 1 };

describe("countPromptTokens", () => {
  it("counts system, prompt and schema", async () => {
    const bare = await countPromptTokens({ models: [], prompt: "hello world" });
    const full = await countPromptTokens({
      models: [],
      prompt: "hello world",
      system: "be brief",
      schema: { type: "object" },
    });
    expect(bare).toBeGreaterThan(2);
    expect(full).toBeGreaterThan(bare + 4);
  });

  it("counts a request once, and a copy with other candidates keeps the count", async () => {
    const { withCandidates } = await import("./tokens.js");
    const request: ModelRequest = { models: ["a/b", "c/d"], prompt: document };
    const count = await countPromptTokens(request);
    expect(await countPromptTokens(request)).toBe(count);
    const copy = withCandidates(request, ["c/d"]);
    expect(copy).toEqual({ models: ["c/d"], prompt: document });
    expect(await countPromptTokens(copy)).toBe(count);
  });
});

describe("withContextFit", () => {
  it("drops candidates whose window cannot hold the prompt plus its output allowance", async () => {
    const inner = scriptedModels(() => "ok");
    const client = withContextFit(inner, catalog);
    const request: ModelRequest = {
      models: ["t/small-window", "t/large-window"],
      prompt: document,
      maxOutputTokens: 500,
    };
    await client.generate(request, { context });
    await client.generate({ ...request, prompt: "short" }, { context });
    expect(inner.calls.map((c) => c.models)).toEqual([
      ["t/large-window"],
      ["t/small-window", "t/large-window"],
    ]);
  });

  it("keeps models whose window is unknown", async () => {
    const inner = scriptedModels(() => "ok");
    await withContextFit(inner, catalog).generate(
      { models: ["t/small-window", "t/unknown-window"], prompt: document },
      { context },
    );
    expect(inner.calls[0]!.models).toEqual(["t/unknown-window"]);
  });

  it("fails before sending when nothing fits, naming the step, tokens needed and the largest window", async () => {
    const inner = scriptedModels(() => "never");
    const request: ModelRequest = {
      models: ["t/small-window", "t/large-window"],
      prompt: document.repeat(3),
    };
    const error = await withContextFit(inner, catalog)
      .generate(request, { context })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContextWindowError);
    const needed = await countPromptTokens(request);
    expect((error as ContextWindowError).tokensNeeded).toBe(needed);
    expect((error as Error).message).toContain(
      `Step 'summarise' needs about ${needed.toLocaleString("en-US")} tokens`,
    );
    expect((error as Error).message).toContain(
      "largest context window among its models is 5,000 (t/large-window)",
    );
    expect(inner.calls).toHaveLength(0);
  });
});

describe("truncateToTokens", () => {
  it("keeps text that fits and cuts the rest at a token boundary with a note", async () => {
    const { truncateToTokens } = await import("./tokens.js");
    expect(await truncateToTokens("short text", 100)).toBe("short text");
    const cut = await truncateToTokens(document, 50);
    expect(cut).toMatch(/^(word ){49}word\n\[… truncated: first 50 of \d+ tokens\]$/);
  });
});
