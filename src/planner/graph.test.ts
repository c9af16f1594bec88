import { describe, expect, it } from "vitest";
import { approvalStep, arbiterStep, gateStep, modelStep, workflow } from "../testing/workflow-builder.js";
import { buildGraph } from "./graph.js";
import { plan } from "./plan.js";

const noPrices = { prices: {} };

describe("dependency graph", () => {
  it("makes a step listed in an arbiter route wait for the arbiter", () => {
    const built = workflow("routes")
      .step(modelStep("draft", { outputs: ["doc"] }))
      .step(
        arbiterStep("triage", {
          inputs: ["doc"],
          routes: { publish: { steps: ["publish"] }, done: { steps: [] } },
        }),
      )
      .step(modelStep("publish"))
      .build();
    const result = plan(built, noPrices);
    expect(result.layers).toEqual([["draft"], ["triage"], ["publish"]]);
    expect(result.steps[2]!.dependsOn).toEqual(["triage"]);
    expect(buildGraph(built).incoming[2]).toEqual([
      { from: 1, to: 2, via: "route", documents: [], routes: ["publish"] },
    ]);
  });

  it("drops an arbiter route that loops back, keeping it as a back edge", () => {
    const built = workflow("loop")
      .step(modelStep("draft", { outputs: ["doc"] }))
      .step(
        arbiterStep("review", {
          inputs: ["doc"],
          routes: { revise: { steps: ["draft"] } },
          default: "revise",
        }),
      )
      .build();
    const graph = buildGraph(built);
    expect(graph.order).toEqual([0, 1]);
    expect(graph.backEdges).toEqual([{ from: 1, to: 0, reason: "route", label: "revise" }]);
    expect(plan(built, noPrices).layers).toEqual([["draft"], ["review"]]);
  });

  it("keeps a route to a step written before the arbiter when it does not loop", () => {
    const built = workflow("order")
      .step(modelStep("publish", { inputs: ["doc"] }))
      .step(modelStep("draft", { outputs: ["doc"] }))
      .step(
        arbiterStep("triage", { needs: ["draft"], routes: { go: { steps: ["publish"] } }, default: "go" }),
      )
      .build();
    const result = plan(built, noPrices);
    expect(result.steps[0]!.dependsOn).toEqual(["draft", "triage"]);
    expect(result.layers).toEqual([["draft"], ["triage"], ["publish"]]);
    expect(buildGraph(built).backEdges).toEqual([]);
  });

  it("does not turn gate remediation or approval rejection into dependencies", () => {
    const built = workflow("remediate")
      .step(modelStep("write", { outputs: ["doc"] }))
      .step(gateStep("check-doc", { inputs: ["doc"], remediate: ["write"], outputs: ["checked"] }))
      .step(approvalStep("sign", { inputs: ["checked"], onReject: { remediate: ["write"] } }))
      .build();
    const result = plan(built, noPrices);
    expect(result.layers).toEqual([["write"], ["check-doc"], ["sign"]]);
    expect(result.steps[0]!.dependsOn).toEqual([]);
    expect(buildGraph(built).backEdges.map((e) => [e.from, e.to, e.reason])).toEqual([
      [1, 0, "remediate"],
      [2, 0, "on-reject"],
    ]);
  });

  it("ignores unknown names and self references", () => {
    const built = workflow("odd")
      .step(modelStep("a", { needs: ["ghost", "a"], inputs: ["nowhere"], outputs: ["x"] }))
      .step(modelStep("b", { inputs: ["x", "x"], needs: ["a"] }))
      .build();
    const graph = buildGraph(built);
    expect(graph.incoming[0]).toEqual([]);
    expect(graph.incoming[1]).toEqual([{ from: 0, to: 1, via: "document", documents: ["x"] }]);
  });

  it("depends on every producer of a document (invalid, but never lost)", () => {
    const built = workflow("two")
      .step(modelStep("a", { outputs: ["x"] }), modelStep("b", { outputs: ["x"] }))
      .step(modelStep("c", { inputs: ["x"] }))
      .build();
    expect(plan(built, noPrices).steps[2]!.dependsOn).toEqual(["a", "b"]);
  });

  it("breaks a real cycle instead of looping, dropping the closing edge", () => {
    const built = workflow("cycle")
      .step(modelStep("a", { inputs: ["from-c"], outputs: ["from-a"] }))
      .step(modelStep("b", { inputs: ["from-a"], outputs: ["from-b"] }))
      .step(modelStep("c", { inputs: ["from-b"], outputs: ["from-c"] }))
      .build();
    const graph = buildGraph(built);
    expect(graph.order).toEqual([0, 1, 2]);
    expect(graph.backEdges).toEqual([{ from: 2, to: 0, reason: "cycle", label: "from-c" }]);
    expect(plan(built, noPrices).layers).toEqual([["a"], ["b"], ["c"]]);
  });
});
