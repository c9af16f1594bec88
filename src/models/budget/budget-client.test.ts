import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BudgetExceededError, ModelCallError } from "../../errors/index.js";
import type { ModelCallContext, ModelCatalog, ModelRequest, Store } from "../../spec/index.js";
import { openSqliteStore } from "../../store/sqlite/index.js";
import { scriptedModels } from "../../testing/scripted-models.js";
import { countPromptTokens } from "../context/tokens.js";
import { withBudgets } from "./budget-client.js";

/** $10 / $100 per MTok (big) and $1 / $10 (small): 1 token in = 10 µ$ / 1 µ$, 1 token out = 100 µ$ / 10 µ$. */
const catalog: ModelCatalog = {
  providers: {},
  models: {
    "t/big": { ref: "t/big", price: { inputPerMTokUsd: 10, outputPerMTokUsd: 100 } },
    "t/small": { ref: "t/small", price: { inputPerMTokUsd: 1, outputPerMTokUsd: 10 } },
  },
};
const request: ModelRequest = {
  models: ["t/big", "t/small"],
  prompt: "Write a haiku.",
  maxOutputTokens: 100,
};
const promptTokens = await countPromptTokens(request);
const bigEstimate = promptTokens * 10 + 100 * 100;
const smallEstimate = promptTokens * 1 + 100 * 10;
const context = (overrides: Partial<ModelCallContext> = {}): ModelCallContext => ({
  runId: "run-1",
  workflowName: "wf",
  stepId: "draft",
  attempt: 1,
  ...overrides,
});

let store: Store;
let ids = 0;
beforeEach(() => {
  store = openSqliteStore(":memory:");
  ids = 0;
});
afterEach(() => store.close());
const newId = () => `res-${++ids}`;

describe("withBudgets", () => {
  it("reserves the dearest candidate's estimate, then settles at the exact cost", async () => {
    const inner = scriptedModels(() => ({ text: "ok", model: "t/big", costUsd: 0.001234 }));
    let reservedDuringCall: unknown;
    const client = withBudgets(
      {
        specificationVersion: "v1",
        generate: async (r, o) => {
          reservedDuringCall = await store.listSpend();
          return inner.generate(r, o);
        },
      },
      { ledger: store, catalog, newId },
    );
    const response = await client.generate(request, { context: context() });
    expect(response.text).toBe("ok");
    expect(reservedDuringCall).toEqual([
      expect.objectContaining({ status: "reserved", estimateMicroUsd: bigEstimate, model: "t/big" }),
    ]);
    expect(await store.listSpend()).toEqual([
      expect.objectContaining({ id: "res-1", status: "settled", costMicroUsd: 1234, outcome: "ok" }),
    ]);
  });

  it("stops with a clear error naming the step budget, without calling the model", async () => {
    const inner = scriptedModels(() => "never");
    const client = withBudgets(inner, { ledger: store, catalog, newId });
    const budgets = [{ scope: "step", usd: (bigEstimate - 1) / 1e6, onExceed: "stop" }] as const;
    const error = await client.generate(request, { context: context({ budgets }) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect((error as BudgetExceededError).isRetryable).toBe(false);
    expect((error as Error).message).toContain("Step 'draft' was stopped by the step budget");
    expect((error as Error).message).toContain("t/big, t/small");
    expect(inner.calls).toHaveLength(0);
    expect(await store.listSpend()).toEqual([]);
  });

  it("downgrades to the cheaper candidates that fit, in the step's order", async () => {
    const inner = scriptedModels(() => ({ text: "cheap", costUsd: 0.0005 }));
    const client = withBudgets(inner, { ledger: store, catalog, newId });
    const budgets = [{ scope: "run", usd: (smallEstimate + 1) / 1e6, onExceed: "downgrade" }] as const;
    const response = await client.generate(request, { context: context({ budgets }) });
    expect(response.model).toBe("t/small");
    expect(inner.calls.map((c) => c.models)).toEqual([["t/small"]]);
    expect(await store.listSpend()).toEqual([
      expect.objectContaining({ estimateMicroUsd: smallEstimate, costMicroUsd: 500, model: "t/small" }),
    ]);
  });

  it("downgrade that finds nothing cheap enough stops and says so", async () => {
    const client = withBudgets(
      scriptedModels(() => "x"),
      { ledger: store, catalog, newId },
    );
    const budgets = [{ scope: "run", usd: 0.000001, onExceed: "downgrade" }] as const;
    await expect(client.generate(request, { context: context({ budgets }) })).rejects.toThrow(
      /run budget.*No cheaper candidate fits/s,
    );
  });

  it("bills failed calls at what the model layer reports, and cancelled calls at their estimate", async () => {
    const failing = scriptedModels(
      () => new ModelCallError("all failed", { attempts: [], isRetryable: true, costUsd: 0.0002 }),
    );
    const client = withBudgets(failing, { ledger: store, catalog, newId });
    await expect(client.generate(request, { context: context() })).rejects.toThrow("all failed");
    const controller = new AbortController();
    const hanging = withBudgets(
      {
        specificationVersion: "v1",
        generate: () => {
          controller.abort();
          return Promise.reject(new DOMException("aborted", "AbortError"));
        },
      },
      { ledger: store, catalog, newId },
    );
    await expect(
      hanging.generate(request, { context: context(), signal: controller.signal }),
    ).rejects.toThrow("aborted");
    expect((await store.listSpend()).map((r) => [r.outcome, r.costMicroUsd])).toEqual([
      ["error", 200],
      ["cancelled", bigEstimate],
    ]);
  });

  it("holds a per-day budget across runs, counting what earlier runs spent", async () => {
    const inner = scriptedModels(() => ({ text: "ok", costUsd: 0.01 }));
    const client = withBudgets(inner, { ledger: store, catalog, newId, dailyBudget: { usd: 0.015 } });
    await client.generate(request, { context: context({ runId: "run-1" }) });
    await expect(client.generate(request, { context: context({ runId: "run-2" }) })).rejects.toThrow(
      /daily budget \(`budgets.daily` in quorum.config.yaml\): \$0.015 allowed, \$0.01 already spent/,
    );
    expect(inner.calls).toHaveLength(1);
  });

  it("passes calls outside a run straight through, unledgered", async () => {
    const client = withBudgets(
      scriptedModels(() => "ok"),
      { ledger: store, catalog, newId },
    );
    expect((await client.generate(request)).text).toBe("ok");
    expect(await store.listSpend()).toEqual([]);
  });
});
