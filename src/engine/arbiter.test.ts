/** Arbiter routing in the pure engine: dormant routed steps, activation, re-runs, static mode. */
import { describe, expect, it } from "vitest";
import { plan } from "../planner/index.js";
import type { RunEvent, Workflow } from "../spec/index.js";
import { arbiterStep, modelStep, workflow } from "../testing/workflow-builder.js";
import { apply, decide, engineGraph, initialState, type RoutingMode } from "./index.js";

const w: Workflow = workflow("w")
  .document("brief")
  .document("a")
  .document("b")
  .document("out")
  .step(
    arbiterStep("boss", {
      outputs: ["brief"],
      routes: { a: { steps: ["do-a"] }, b: { steps: ["do-b"] }, done: { steps: [] } },
      default: "a",
      maxDecisions: 3,
    }),
    modelStep("do-a", { inputs: ["brief"], outputs: ["a"] }),
    modelStep("do-b", { inputs: ["brief"], outputs: ["b"] }),
    modelStep("final", { inputs: ["brief", "a", "b"], outputs: ["out"] }),
  )
  .build();

function engine(routing: RoutingMode = "arbiter") {
  const graph = engineGraph(w, plan(w, { prices: {} }), routing);
  const state = initialState(graph);
  return {
    state,
    feed: (...events: RunEvent[]) => {
      for (const e of events) apply(state, e, graph);
    },
    ids: () => decide(state, graph).map((c) => ("stepId" in c ? `${c.type}:${c.stepId}` : c.type)),
  };
}
const start = (stepId: string, attempt = 1): RunEvent => ({ type: "step-start", stepId, attempt });
const end = (stepId: string, attempt = 1): RunEvent => ({ type: "step-end", stepId, attempt });
const decided = (route: string, n: number, steps: string[]): RunEvent => ({
  type: "arbiter-decision",
  stepId: "boss",
  attempt: 1,
  decision: n,
  route,
  steps,
  valid: true,
});

describe("arbiter routing", () => {
  it("runs only chosen routes, re-runs a route chosen twice, skips the rest when the arbiter ends", () => {
    const e = engine();
    expect(e.ids()).toEqual(["start-step:boss"]); // routed steps wait for a decision
    e.feed(start("boss"), decided("a", 1, ["do-a"]));
    expect(e.ids()).toEqual(["start-step:do-a"]);
    e.feed(start("do-a"));
    expect(e.ids()).toEqual([]); // the arbiter waits for its route
    e.feed(end("do-a"));
    expect(e.ids()).toEqual(["start-step:boss"]);
    expect(e.state.steps.get("boss")).toMatchObject({ round: 2, attempt: 0 });
    e.feed(start("boss"), decided("a", 2, ["do-a"]));
    expect(e.state.steps.get("do-a")).toMatchObject({ status: "pending", round: 2 });
    e.feed(start("do-a"), end("do-a"), start("boss"), decided("done", 3, []), end("boss"));
    expect(e.ids()).toEqual(["skip-step:do-b"]);
    e.feed({ type: "step-skip", stepId: "do-b", reason: "never chosen" });
    // `final` consumes do-b's document: an unchosen route's output is absent, not a reason to skip.
    expect(e.ids()).toEqual(["start-step:final"]);
    expect(e.state.decisions.map((d) => d.route)).toEqual(["a", "a", "done"]);
  });

  it("static mode: no routed step waits for a decision", () => {
    const e = engine("static");
    expect(e.ids()).toEqual(["start-step:boss"]);
    e.feed(start("boss"), end("boss"));
    expect(e.ids()).toEqual(["start-step:do-a", "start-step:do-b"]);
  });

  it("a remediation that sends the arbiter back makes its routed steps wait for a new decision", () => {
    const e = engine();
    e.feed(start("boss"), decided("a", 1, ["do-a"]), start("do-a"));
    e.feed({ type: "remediation", stepId: "final", round: 1, targets: ["boss"], feedback: ["redo"] });
    expect(e.state.steps.get("do-a")).toMatchObject({ status: "pending", activated: false });
    expect(e.state.steps.get("boss")).toMatchObject({
      status: "pending",
      awaitingRoutes: [],
      feedback: ["redo"],
    });
    expect(e.ids()).toEqual(["start-step:boss"]);
  });
});
