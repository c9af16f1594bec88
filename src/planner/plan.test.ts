import { describe, expect, it } from "vitest";
import type { ExecutionPlan, PlannedStep } from "../spec/index.js";
import { approvalStep, checkStep, modelStep, workflow } from "../testing/workflow-builder.js";
import { plan } from "./plan.js";

const noPrices = { prices: {} };
const minute = 60_000;
const timed = (id: string, minutes: number, fields: Parameters<typeof modelStep>[1] = {}) =>
  modelStep(id, { ...fields, estimate: { durationMs: minutes * minute, ...fields.estimate } });
const byId = (result: ExecutionPlan): Record<string, PlannedStep> =>
  Object.fromEntries(result.steps.map((step) => [step.id, step]));

describe("plan: structure", () => {
  it("orders a chain one step per layer", () => {
    const result = plan(
      workflow("chain")
        .step(timed("a", 1, { outputs: ["doc-a"] }))
        .step(timed("b", 2, { inputs: ["doc-a"], outputs: ["doc-b"] }))
        .step(timed("c", 3, { inputs: ["doc-b"] }))
        .build(),
      noPrices,
    );
    expect(result.layers).toEqual([["a"], ["b"], ["c"]]);
    expect(result.steps.map((s) => s.dependsOn)).toEqual([[], ["a"], ["b"]]);
    expect(result.steps.map((s) => s.earliestStartMs)).toEqual([0, minute, 3 * minute]);
    expect(result.criticalPath).toEqual({ steps: ["a", "b", "c"], durationMs: 6 * minute });
    expect(result.estimate).toMatchObject({ sequentialMs: 6 * minute, parallelMs: 6 * minute, speedup: 1 });
  });

  it("runs the two sides of a diamond in parallel and puts the longer one on the critical path", () => {
    const result = plan(
      workflow("diamond")
        .step(timed("top", 1, { outputs: ["brief"] }))
        .step(timed("left", 2, { inputs: ["brief"], outputs: ["l"] }))
        .step(timed("right", 5, { inputs: ["brief"], outputs: ["r"] }))
        .step(timed("bottom", 1, { inputs: ["l", "r"] }))
        .build(),
      noPrices,
    );
    const steps = byId(result);
    expect(result.layers).toEqual([["top"], ["left", "right"], ["bottom"]]);
    expect(steps.bottom!.dependsOn).toEqual(["left", "right"]);
    expect(steps.bottom!.earliestStartMs).toBe(6 * minute);
    expect(result.criticalPath.steps).toEqual(["top", "right", "bottom"]);
    expect(steps.left!.slackMs).toBe(3 * minute);
    expect(steps.left!.critical).toBe(false);
    expect(steps.right!.slackMs).toBe(0);
    expect(result.estimate.parallelMs).toBe(7 * minute);
    expect(result.estimate.sequentialMs).toBe(9 * minute);
    expect(result.estimate.speedup).toBeCloseTo(9 / 7);
  });

  it("finds the first widest layer of a fan-out", () => {
    const fan = Array.from({ length: 5 }, (_, i) => timed(`leaf-${i}`, 1, { inputs: ["root-doc"] }));
    const result = plan(
      workflow("fan")
        .step(timed("root", 1, { outputs: ["root-doc"] }))
        .step(...fan)
        .build(),
      noPrices,
    );
    expect(result.layers[1]).toEqual(["leaf-0", "leaf-1", "leaf-2", "leaf-3", "leaf-4"]);
    expect(result.widestLayer).toEqual({ index: 1, width: 5 });
    expect(result.estimate.speedup).toBe(3);
  });

  it("keeps file order inside a layer and counts needs as dependencies", () => {
    const result = plan(
      workflow("needs")
        .step(timed("z", 1), timed("a", 1), timed("m", 1, { needs: ["z", "a"] }))
        .build(),
      noPrices,
    );
    expect(result.layers).toEqual([["z", "a"], ["m"]]);
    expect(byId(result).m!.dependsOn).toEqual(["a", "z"]);
  });

  it("breaks critical-path ties by file order", () => {
    const result = plan(
      workflow("ties")
        .step(timed("a", 1, { outputs: ["x"] }), timed("b", 1, { outputs: ["y"] }))
        .step(timed("c", 1, { inputs: ["x", "y"] }), timed("d", 2))
        .build(),
      noPrices,
    );
    expect(result.criticalPath.steps).toEqual(["a", "c"]);
    const steps = byId(result);
    expect([steps.a!.critical, steps.b!.critical, steps.d!.critical]).toEqual([true, false, false]);
    expect([steps.b!.slackMs, steps.d!.slackMs]).toEqual([0, 0]);
  });

  it("ends the critical path at a zero-length sink after the longest step", () => {
    const result = plan(
      workflow("sign-off")
        .step(timed("draft", 3, { outputs: ["doc"] }))
        .step(approvalStep("sign-off", { inputs: ["doc"] }))
        .build(),
      noPrices,
    );
    expect(result.criticalPath).toEqual({ steps: ["draft", "sign-off"], durationMs: 3 * minute });
    expect(byId(result)["sign-off"]).toMatchObject({
      durationMs: 0,
      estimateSource: "default",
      critical: true,
    });
  });

  it("marks conditional steps and hashes the source", () => {
    const built = workflow("when")
      .step(timed("a", 1, { when: "inputs.audience == 'b2b'" }))
      .build();
    const result = plan(built, noPrices);
    expect(result.steps[0]!.conditional).toBe(true);
    expect(result.workflowHash).toBe(built.source.hash);
  });

  it("is plain data that survives JSON", () => {
    const result = plan(
      workflow("json")
        .step(timed("a", 1, { outputs: ["d"] }), checkStep("b", { inputs: ["d"] }))
        .build(),
      noPrices,
    );
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it("plans an empty workflow without dividing by zero", () => {
    const result = plan(workflow("empty").build(), noPrices);
    expect(result).toMatchObject({
      layers: [],
      widestLayer: { index: 0, width: 0 },
      criticalPath: { steps: [], durationMs: 0 },
      estimate: { sequentialMs: 0, parallelMs: 0, speedup: 1, costUsd: 0 },
    });
  });

  it("plans a 10,000-step chain without recursion limits", () => {
    const steps = Array.from({ length: 10_000 }, (_, i) =>
      modelStep(`s${i}`, { inputs: i === 0 ? [] : [`d${i - 1}`], outputs: [`d${i}`] }),
    );
    const result = plan(
      workflow("long")
        .step(...steps)
        .build(),
      noPrices,
    );
    expect(result.layers).toHaveLength(10_000);
    expect(result.criticalPath.steps).toHaveLength(10_000);
  });
});
