import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ModelCatalog, ModelRequest, Store } from "../../spec/index.js";
import { openSqliteStore } from "../../store/sqlite/index.js";
import { scriptedModels } from "../../testing/scripted-models.js";
import { countPromptTokens } from "../context/tokens.js";
import { withBudgets } from "./budget-client.js";
import { catalogAlternatives } from "./downgrade.js";

const provider = (id: string, local = false) => ({ id, local, openModelSet: false });
/** The step asks for `h/big` ($10/$100 per MTok); the catalog has cheaper models, some unfit. */
const catalog: ModelCatalog = {
  providers: { h: provider("h"), g: provider("g"), l: provider("l", true), down: provider("down") },
  models: {
    "h/big": { ref: "h/big", capabilities: ["json"], price: { inputPerMTokUsd: 10, outputPerMTokUsd: 100 } },
    "h/mid": { ref: "h/mid", capabilities: ["json"], price: { inputPerMTokUsd: 2, outputPerMTokUsd: 20 } },
    "g/cheap": {
      ref: "g/cheap",
      capabilities: ["json", "tools"],
      price: { inputPerMTokUsd: 0.5, outputPerMTokUsd: 5 },
    },
    "g/tiny-window": {
      ref: "g/tiny-window",
      contextWindow: 50,
      capabilities: ["json"],
      price: { inputPerMTokUsd: 0.1, outputPerMTokUsd: 1 },
    },
    "g/no-json": { ref: "g/no-json", price: { inputPerMTokUsd: 0.1, outputPerMTokUsd: 1 } },
    "g/unpriced": { ref: "g/unpriced", capabilities: ["json"] },
    "down/cheapest": {
      ref: "down/cheapest",
      capabilities: ["json"],
      price: { inputPerMTokUsd: 0.01, outputPerMTokUsd: 0.1 },
    },
    "h/dearer": {
      ref: "h/dearer",
      capabilities: ["json"],
      price: { inputPerMTokUsd: 20, outputPerMTokUsd: 200 },
    },
    "l/local": { ref: "l/local", capabilities: ["json"] },
  },
};
const request: ModelRequest = {
  models: ["h/big"],
  prompt: "Write the release notes for version 2 of the shopping-list app.",
  schema: { type: "object" },
  maxOutputTokens: 100,
};
const inputTokens = await countPromptTokens(request);
const providerUnavailable = (id: string) => (id === "down" ? "no key (DOWN_API_KEY)" : undefined);

describe("catalogAlternatives", () => {
  it("keeps capable, priced, reachable, fitting catalog models cheaper than the refused call, cheapest first", () => {
    const found = catalogAlternatives(request, inputTokens, 1_000_000, { catalog, providerUnavailable });
    // l/local is free; g/tiny-window cannot hold the prompt, g/no-json lacks json, g/unpriced has no
    // price, down/cheapest's provider has no key, h/dearer costs more.
    expect(found.map((e) => e.model)).toEqual(["l/local", "g/cheap", "h/mid"]);
    expect(found[1]!.costMicroUsd).toBeLessThan(found[2]!.costMicroUsd);
  });

  it("sends sensitive content only to local models, and honours the ceiling", () => {
    const sensitive = catalogAlternatives({ ...request, sensitive: true }, inputTokens, 1_000_000, {
      catalog,
      providerUnavailable,
    });
    expect(sensitive.map((e) => e.model)).toEqual(["l/local"]);
    expect(catalogAlternatives(request, inputTokens, 1, { catalog, providerUnavailable })).toEqual([
      expect.objectContaining({ model: "l/local", costMicroUsd: 0 }),
    ]);
  });

  it("requires tools when the request offers tools", () => {
    const withTools: ModelRequest = {
      ...request,
      tools: [{ name: "search", inputSchema: { type: "object" } }],
    };
    const found = catalogAlternatives(withTools, inputTokens, 1_000_000, { catalog, providerUnavailable });
    expect(found.map((e) => e.model)).toEqual(["g/cheap"]);
  });
});

describe("withBudgets downgrading beyond the step's models", () => {
  let store: Store;
  beforeEach(() => {
    store = openSqliteStore(":memory:");
  });
  afterEach(() => store.close());

  it("calls the cheapest capable catalog models when none of the step's own fit, and says why", async () => {
    const hosted: ModelCatalog = {
      ...catalog,
      models: Object.fromEntries(Object.entries(catalog.models).filter(([ref]) => ref !== "l/local")),
    };
    const inner = scriptedModels((r) => ({ text: "{}", model: r.models[0]!, costUsd: 0.0001 }));
    const client = withBudgets(inner, { ledger: store, catalog: hosted, providerUnavailable });
    const cheapEstimate = inputTokens * 0.5 + 100 * 5;
    const midEstimate = inputTokens * 2 + 100 * 20;
    // Room for g/cheap alone: the reservation for [g/cheap, h/mid] is refused first, then g/cheap fits.
    const budgets = [{ scope: "step", usd: (cheapEstimate + 1) / 1e6, onExceed: "downgrade" }] as const;
    const response = await client.generate(request, {
      context: { runId: "run-1", workflowName: "wf", stepId: "notes", attempt: 1, budgets },
    });
    expect(inner.calls.map((c) => c.models)).toEqual([["g/cheap"]]);
    expect(response.model).toBe("g/cheap");
    expect(response.budgetDowngrade).toMatchObject({
      scope: "step",
      fromModels: ["h/big"],
      toModels: ["g/cheap"],
      source: "catalog",
    });
    expect(response.budgetDowngrade?.reason).toMatch(
      /step budget .* cannot cover h\/big .*cheapest capable catalog/,
    );
    expect(midEstimate).toBeGreaterThan(cheapEstimate);
    expect((await store.listSpend()).map((r) => [r.model, r.estimateMicroUsd])).toEqual([
      ["g/cheap", Math.round(cheapEstimate)],
    ]);
  });

  it("stops when even the catalog has nothing cheap enough", async () => {
    const client = withBudgets(
      scriptedModels(() => "never"),
      { ledger: store, catalog: { ...catalog, models: { "h/big": catalog.models["h/big"]! } } },
    );
    const budgets = [{ scope: "run", usd: 0.000001, onExceed: "downgrade" }] as const;
    await expect(
      client.generate(request, {
        context: { runId: "run-1", workflowName: "wf", stepId: "notes", attempt: 1, budgets },
      }),
    ).rejects.toThrow(/No cheaper candidate fits either .*catalog/);
  });
});
