import { describe, expect, it } from "vitest";
import { stepKinds } from "../spec/index.js";
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
} from "./workflow-builder.js";

describe("workflow builder", () => {
  it("numbers steps, declares the documents they name and hashes the result", () => {
    const built = workflow("demo")
      .step(modelStep("a", { outputs: ["doc-a"] }))
      .step(modelStep("b", { inputs: ["doc-a"], models: ["openai/gpt-4o-mini"] }))
      .build();
    expect(built.steps.map((s) => [s.id, s.index])).toEqual([
      ["a", 0],
      ["b", 1],
    ]);
    expect(built.documents["doc-a"]).toEqual({ id: "doc-a", format: "markdown", sensitive: false });
    expect(built.source.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(
      workflow("demo")
        .step(modelStep("a", { outputs: ["doc-a"] }))
        .build().source.hash,
    ).not.toBe(built.source.hash);
  });

  it("fills every required field of every kind with the loader's defaults", () => {
    const drafts = [
      modelStep("m"),
      ensembleStep("e"),
      gateStep("g"),
      approvalStep("p"),
      checkStep("c"),
      arbiterStep("r"),
      mapStep("x"),
      workflowStep("w"),
      agentStep("t"),
    ];
    const built = workflow("kinds")
      .step(...drafts)
      .build();
    expect(built.steps.map((s) => s.kind)).toEqual([...stepKinds]);
    for (const step of built.steps)
      expect(step).toMatchObject({ inputs: [], outputs: [], needs: [], retries: 1, estimate: {} });
    expect(built.steps[6]).toMatchObject({ concurrency: 4, onItemError: "collect" });
  });

  it("is immutable: a shared base is not changed by what a test adds", () => {
    const base = workflow("base")
      .role("writer", { models: ["openai/gpt-4o-mini"] })
      .document("brief", { format: "json" });
    const one = base.step(modelStep("a")).build();
    const two = base.input("topic").tool("search").with({ description: "d" }).build();
    expect(one.steps).toHaveLength(1);
    expect(two.steps).toHaveLength(0);
    expect(two).toMatchObject({
      description: "d",
      inputs: { topic: { id: "topic", type: "string", required: true } },
      tools: { search: { id: "search" } },
      roles: { writer: { id: "writer", instructions: "", models: ["openai/gpt-4o-mini"], tools: [] } },
      documents: { brief: { format: "json" } },
    });
  });
});
