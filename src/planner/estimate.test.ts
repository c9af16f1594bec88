import { describe, expect, it } from "vitest";
import type { PlanContext } from "../spec/index.js";
import {
  agentStep,
  approvalStep,
  arbiterStep,
  checkStep,
  ensembleStep,
  gateStep,
  mapStep,
  modelStep,
  workflow,
  workflowStep,
} from "../testing/workflow-builder.js";
import { estimateStep } from "./estimate.js";
import { plan } from "./plan.js";

const gpt = "openai/gpt-4o-mini";
const claude = "anthropic/claude-sonnet-4-5";
const prices = {
  [gpt]: { inputPerMTokUsd: 0.15, outputPerMTokUsd: 0.6 },
  [claude]: { inputPerMTokUsd: 3, outputPerMTokUsd: 15 },
};
const asStep = (draft: Parameters<ReturnType<typeof workflow>["step"]>[0]) =>
  workflow("one").step(draft).build().steps[0]!;

describe("estimate sources", () => {
  const context: PlanContext = {
    prices: {},
    roleEstimates: { writer: { durationMs: 2000, inputTokens: 200 } },
    modelEstimates: { [gpt]: { durationMs: 3000, inputTokens: 300, outputTokens: 30 } },
    configEstimate: { durationMs: 4000, inputTokens: 400, outputTokens: 40 },
  };
  const step = (estimate = {}, role?: string, models: string[] = [gpt]) =>
    asStep(modelStep("s", { estimate, models, ...(role ? { role } : {}) }));

  it("takes each field from the most specific place that defines it", () => {
    expect(estimateStep(step({ durationMs: 1000 }, "writer"), context)).toMatchObject({
      durationMs: 1000,
      source: "step",
      inputTokens: 200,
      outputTokens: 30,
    });
    expect(estimateStep(step({}, "writer"), context)).toMatchObject({ durationMs: 2000, source: "role" });
    expect(estimateStep(step({}, "other"), context)).toMatchObject({ durationMs: 3000, source: "model" });
    expect(estimateStep(step({}, undefined, [claude]), context)).toMatchObject({
      durationMs: 4000,
      source: "config",
      inputTokens: 400,
    });
    expect(estimateStep(step({}, undefined, []), { prices: {} })).toMatchObject({
      durationMs: 60_000,
      source: "default",
      inputTokens: 2000,
      outputTokens: 1500,
    });
  });

  it("uses built-in defaults per kind, and approvals cost no time unless the step says so", () => {
    const durations = [
      ensembleStep("e"),
      agentStep("a"),
      gateStep("g"),
      checkStep("c"),
      approvalStep("h"),
      arbiterStep("r"),
      workflowStep("w"),
    ].map((draft) => estimateStep(asStep(draft), { prices: {} }).durationMs);
    expect(durations).toEqual([90_000, 300_000, 30_000, 30_000, 0, 30_000, 300_000]);
    expect(estimateStep(asStep(approvalStep("h")), context)).toMatchObject({
      durationMs: 0,
      source: "default",
    });
    expect(
      estimateStep(asStep(approvalStep("h", { estimate: { durationMs: 86_400_000 } })), context),
    ).toMatchObject({
      durationMs: 86_400_000,
      source: "step",
    });
  });

  it("spends no tokens on steps that call no model", () => {
    for (const draft of [checkStep("c"), approvalStep("h"), workflowStep("w"), gateStep("g")])
      expect(estimateStep(asStep(draft), context)).toMatchObject({
        inputTokens: 0,
        outputTokens: 0,
        unpriced: false,
      });
  });
});

describe("multipliers", () => {
  it("multiplies map tokens by items and map time by waves of `concurrency`", () => {
    const step = asStep(mapStep("m", { concurrency: 4, estimate: { items: 10 } }));
    expect(estimateStep(step, { prices: {} })).toMatchObject({
      durationMs: 3 * 60_000,
      inputTokens: 20_000,
      outputTokens: 15_000,
    });
    expect(estimateStep(asStep(mapStep("m")), { prices: {} })).toMatchObject({
      durationMs: 60_000,
      inputTokens: 2000,
    });
  });

  it("multiplies ensemble tokens by members, at least two", () => {
    const three = asStep(ensembleStep("e", { models: [gpt, claude, gpt] }));
    expect(estimateStep(three, { prices: {} }).inputTokens).toBe(6000);
    expect(estimateStep(asStep(ensembleStep("e", { models: [gpt] })), { prices: {} }).inputTokens).toBe(4000);
  });
});

describe("cost", () => {
  it("prices with the first model and sums known costs", () => {
    const built = workflow("priced")
      .step(
        modelStep("cheap", {
          models: [gpt, claude],
          estimate: { inputTokens: 1_000_000, outputTokens: 1_000_000 },
        }),
      )
      .step(modelStep("strong", { models: [claude] }))
      .step(modelStep("unknown", { models: ["local/default"] }), modelStep("routed"), checkStep("tests"))
      .build();
    const result = plan(built, { prices });
    expect(result.steps.map((s) => [s.id, s.model, s.costUsd])).toEqual([
      ["cheap", gpt, 0.75],
      ["strong", claude, 0.0285],
      ["unknown", "local/default", undefined],
      ["routed", undefined, undefined],
      ["tests", undefined, undefined],
    ]);
    expect(result.estimate.costUsd).toBe(0.7785);
    expect(result.estimate.unpricedSteps).toEqual(["unknown", "routed"]);
  });

  it("prices a gate through its first judge, and counts judge-less gates as free", () => {
    const judged = asStep(
      gateStep("g", {
        checks: [{ type: "schema" }, { type: "judge", models: [claude], rubric: ["accuracy"] }],
      }),
    );
    expect(estimateStep(judged, { prices })).toMatchObject({
      model: claude,
      inputTokens: 3000,
      outputTokens: 500,
      costUsd: 0.0165,
      unpriced: false,
    });
    const noModel = asStep(gateStep("g", { checks: [{ type: "judge", models: [], rubric: [] }] }));
    expect(estimateStep(noModel, { prices })).toMatchObject({ unpriced: true });
    expect(estimateStep(asStep(gateStep("g")), { prices })).toMatchObject({ unpriced: false });
  });

  it("has no cost and nothing unpriced without prices for steps that call no models", () => {
    const result = plan(workflow("free").step(checkStep("a"), approvalStep("b")).build(), { prices: {} });
    expect(result.estimate).toMatchObject({ costUsd: 0, unpricedSteps: [] });
  });
});
