/** The pure engine, with builders and hand-written journals: no store, no mocks. */
import { describe, expect, it } from "vitest";
import { plan } from "../planner/index.js";
import type { RunEvent, Workflow } from "../spec/index.js";
import { approvalStep, gateStep, modelStep, workflow } from "../testing/workflow-builder.js";
import { apply, decide, engineGraph, initialState } from "./index.js";

function engine(w: Workflow) {
  const graph = engineGraph(w, plan(w, { prices: {} }));
  const state = initialState(graph);
  return {
    state,
    feed: (...events: RunEvent[]) => {
      for (const e of events) apply(state, e, graph);
    },
    decide: () => decide(state, graph),
  };
}

const start = (stepId: string, attempt = 1): RunEvent => ({ type: "step-start", stepId, attempt });
const end = (stepId: string, attempt = 1): RunEvent => ({ type: "step-end", stepId, attempt });

const diamond = workflow("diamond")
  .document("a")
  .document("b")
  .document("c")
  .document("d")
  .step(
    modelStep("top", { outputs: ["a"] }),
    modelStep("left", { inputs: ["a"], outputs: ["b"] }),
    modelStep("right", { inputs: ["a"], outputs: ["c"] }),
    modelStep("bottom", { inputs: ["b", "c"], outputs: ["d"] }),
  )
  .build();

describe("decide", () => {
  it("starts each step as soon as its own inputs are done, not level by level", () => {
    const e = engine(diamond);
    expect(e.decide()).toEqual([{ type: "start-step", stepId: "top", attempt: 1, round: 1 }]);
    e.feed(start("top"), end("top"));
    expect(e.decide().map((c) => "stepId" in c && c.stepId)).toEqual(["left", "right"]);
    e.feed(start("left"), start("right"), end("left"));
    expect(e.decide()).toEqual([]); // bottom still waits for right
    e.feed(end("right"));
    expect(e.decide().map((c) => "stepId" in c && c.stepId)).toEqual(["bottom"]);
    e.feed(start("bottom"), end("bottom"));
    expect(e.decide()).toEqual([{ type: "finish-run", status: "succeeded" }]);
  });

  it("offers the most urgent ready step first: under a limit the critical path gets the slot", () => {
    // `side` comes first in the file but has slack; `head` starts the long chain head -> tail.
    const w = workflow("urgency")
      .document("s")
      .document("h")
      .document("t")
      .step(
        modelStep("side", { outputs: ["s"], estimate: { durationMs: 1000 } }),
        modelStep("head", { outputs: ["h"], estimate: { durationMs: 1000 } }),
        modelStep("tail", { inputs: ["h"], outputs: ["t"], estimate: { durationMs: 5000 } }),
      )
      .build();
    const graph = engineGraph(w, plan(w, { prices: {} }));
    expect(graph.schedule).toEqual(["head", "tail", "side"]);
    expect(graph.latestStartMs.get("side")).toBe(5000);
    const state = initialState(graph);
    expect(decide(state, graph, 1).map((c) => "stepId" in c && c.stepId)).toEqual(["head"]);
    // Without a limit both ready steps start, most urgent first.
    expect(decide(state, graph).map((c) => "stepId" in c && c.stepId)).toEqual(["head", "side"]);
    apply(state, start("head"), graph);
    expect(decide(state, graph, 1).map((c) => "stepId" in c && c.stepId)).toEqual(["side"]);
    expect(engineGraph(diamond, plan(diamond, { prices: {} })).schedule).toEqual([
      "top",
      "left",
      "right",
      "bottom",
    ]);
  });

  it("a security-event changes nothing the engine decides", () => {
    const withEvent = engine(diamond);
    const without = engine(diamond);
    const security: RunEvent = {
      type: "security-event",
      eventId: "top.r1.a1.s1",
      kind: "tool-denied",
      stepId: "top",
      attempt: 1,
      detail: "the model asked for tool 'rm', which step 'top' was not given; the call was refused",
    };
    withEvent.feed(start("top"), security);
    without.feed(start("top"));
    expect(withEvent.decide()).toEqual(without.decide());
    withEvent.feed(end("top"), security);
    without.feed(end("top"));
    expect(withEvent.decide()).toEqual(without.decide());
    expect(withEvent.state.steps.get("top")!.status).toBe("succeeded");
  });

  it("retries at the journaled time, then fails the run only once nothing is in flight", () => {
    const e = engine(diamond);
    e.feed(start("top"), end("top"), start("left"), start("right"));
    e.feed({
      type: "step-error",
      stepId: "left",
      attempt: 1,
      error: { name: "E", message: "boom" },
      willRetry: true,
      retryAtMs: 5000,
    });
    expect(e.decide()).toEqual([
      { type: "start-step", stepId: "left", attempt: 2, round: 1, notBeforeMs: 5000 },
    ]);
    e.feed(start("left", 2), {
      type: "step-error",
      stepId: "left",
      attempt: 2,
      error: { name: "E", message: "boom" },
      willRetry: false,
    });
    expect(e.decide()).toEqual([]); // right is still running: its calls get journaled first
    e.feed(end("right"));
    expect(e.decide()).toEqual([
      { type: "finish-run", status: "failed", reason: "step 'left' failed: boom" },
    ]);
  });

  it("skips consumers of skipped documents, and waits for human input", () => {
    const w = workflow("w")
      .document("a")
      .document("b")
      .step(
        modelStep("first", { outputs: ["a"], when: "false" }),
        modelStep("second", { inputs: ["a"], outputs: ["b"] }),
        approvalStep("ok"),
      )
      .build();
    const e = engine(w);
    e.feed(start("first"), { type: "step-skip", stepId: "first", reason: "when" });
    expect(e.decide()).toContainEqual({
      type: "skip-step",
      stepId: "second",
      reason: "its input from 'first' was not produced (skipped)",
    });
    e.feed({ type: "step-skip", stepId: "second", reason: "x" }, start("ok"));
    e.feed({ type: "human-input-request", requestId: "r1", stepId: "ok", kind: "approval", prompt: "?" });
    expect(e.state.steps.get("ok")?.status).toBe("waiting");
    expect(e.decide()).toEqual([]);
    e.feed({ type: "human-input-response", requestId: "r1", response: { decision: "approve" } });
    e.feed({ type: "human-input-response", requestId: "r1", response: { decision: "reject" } }); // a second answer changes nothing
    expect(e.decide()).toEqual([{ type: "resume-step", stepId: "ok", attempt: 1, round: 1 }]);
  });

  it("a step waiting on its child run resumes once, on the resume of that child only", () => {
    const e = engine(diamond);
    e.feed(start("top"), { type: "child-run-wait", stepId: "top", attempt: 1, childRunId: "p.top.r1a1" });
    expect(e.state.steps.get("top")?.status).toBe("waiting");
    expect(e.decide()).toEqual([]);
    e.feed({ type: "child-run-resume", stepId: "top", childRunId: "other", childStatus: "pending" });
    expect(e.state.steps.get("top")?.status).toBe("waiting");
    e.feed({ type: "child-run-resume", stepId: "top", childRunId: "p.top.r1a1", childStatus: "pending" });
    e.feed({ type: "child-run-resume", stepId: "top", childRunId: "p.top.r1a1", childStatus: "succeeded" });
    expect(e.decide()).toEqual([{ type: "resume-step", stepId: "top", attempt: 1, round: 1 }]);
    // A human answer to an unrelated request does not lift a child wait.
    e.feed(start("top"), { type: "child-run-wait", stepId: "top", attempt: 1, childRunId: "p.top.r1a1" });
    e.feed({ type: "human-input-response", requestId: "child:p.top.r1a1", response: "x" });
    expect(e.state.steps.get("top")?.status).toBe("waiting");
  });

  it("remediation sends the targets and everything after them to the next round", () => {
    const w = workflow("w")
      .document("a")
      .document("b")
      .step(
        modelStep("write", { outputs: ["a"] }),
        modelStep("polish", { inputs: ["a"], outputs: ["b"] }),
        gateStep("qa", { inputs: ["b"], remediate: ["write"] }),
      )
      .build();
    const e = engine(w);
    e.feed(start("write"), end("write"), start("polish"), end("polish"), start("qa"));
    e.feed({ type: "remediation", stepId: "qa", round: 1, targets: ["write"], feedback: ["too short"] });
    const write = e.state.steps.get("write")!;
    expect([write.status, write.round, write.feedback]).toEqual(["pending", 2, ["too short"]]);
    expect(e.state.steps.get("polish")).toMatchObject({ status: "pending", round: 2, feedback: [] });
    expect(e.state.steps.get("qa")).toMatchObject({ status: "pending", round: 2 });
    expect(e.decide()).toEqual([{ type: "start-step", stepId: "write", attempt: 1, round: 2 }]);
  });
});
